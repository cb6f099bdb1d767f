package dev.kiln.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The management and prediction API of one server over the JDK HttpClient. Every failure becomes a
 * {@link CliException} carrying the message of the error body (DESIGN §4.3) and its exit code.
 */
final class KilnClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Uploads include the server's model check (up to a minute), so they get longer than other calls. */
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration UPLOAD_TIMEOUT = Duration.ofMinutes(15);

    private final HttpClient http;
    private final String server;
    private final Auth auth;

    /** Where the bearer comes from, and how a session is renewed once after a 401. */
    interface Auth {
        String bearer();

        /** Renews the session; false when it cannot be (a service-account token, an expired refresh token). */
        boolean renew(KilnClient client);
    }

    static final Auth ANONYMOUS = new Auth() {
        @Override
        public String bearer() {
            return null;
        }

        @Override
        public boolean renew(KilnClient client) {
            return false;
        }
    };

    KilnClient(String server, Auth auth) {
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT).build();
        this.server = server;
        this.auth = auth;
    }

    KilnClient withAuth(Auth other) {
        return new KilnClient(server, other);
    }

    static Auth bearer(String token) {
        return new Auth() {
            @Override
            public String bearer() {
                return token;
            }

            @Override
            public boolean renew(KilnClient client) {
                return false;
            }
        };
    }

    ApiResponse get(String path) {
        return send("GET", path, HttpRequest.BodyPublishers::noBody, null, CALL_TIMEOUT);
    }

    /** A GET whose error answer the caller handles itself (e.g. a 404 that means "try something else"). */
    HttpResponse<String> getRaw(String path) {
        return exchange("GET", path, HttpRequest.BodyPublishers::noBody, null, CALL_TIMEOUT);
    }

    ApiResponse delete(String path) {
        return send("DELETE", path, HttpRequest.BodyPublishers::noBody, null, CALL_TIMEOUT);
    }

    ApiResponse post(String path, Object body) {
        String json = Json.write(body);
        return send("POST", path, () -> HttpRequest.BodyPublishers.ofString(json), "application/json", CALL_TIMEOUT);
    }

    ApiResponse patch(String path, Object body) {
        String json = Json.write(body);
        return send("PATCH", path, () -> HttpRequest.BodyPublishers.ofString(json), "application/json", CALL_TIMEOUT);
    }

    /** A JSON POST whose answer may be an error the caller handles itself (e.g. a 409 on create). */
    HttpResponse<String> postRaw(String path, Object body) {
        String json = Json.write(body);
        return exchange("POST", path, () -> HttpRequest.BodyPublishers.ofString(json), "application/json", CALL_TIMEOUT);
    }

    /** Streams a multipart form (the publisher is made again if the call is repeated after renewing a session). */
    ApiResponse upload(String path, Multipart form) {
        return send("POST", path, form::publisher, form.contentType(), UPLOAD_TIMEOUT);
    }

    private ApiResponse send(String method, String path, Supplier<BodyPublisher> body, String contentType,
                             Duration timeout) {
        HttpResponse<String> response = exchange(method, path, body, contentType, timeout);
        if (response.statusCode() >= 400) {
            throw failure(response);
        }
        return new ApiResponse(response.statusCode(), response.body());
    }

    private HttpResponse<String> exchange(String method, String path, Supplier<BodyPublisher> body, String contentType,
                                          Duration timeout) {
        HttpResponse<String> response = once(method, path, body, contentType, timeout);
        if (response.statusCode() == 401 && auth.renew(this)) {
            response = once(method, path, body, contentType, timeout);
        }
        return response;
    }

    /** A call without the caller's credentials: login and session renewal. */
    HttpResponse<String> anonymousPost(String path, Object body) {
        return withAuth(ANONYMOUS).postRaw(path, body);
    }

    private HttpResponse<String> once(String method, String path, Supplier<BodyPublisher> body, String contentType,
                                      Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(timeout)
                .header("Accept", "application/json").method(method, body.get());
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        String bearer = auth.bearer();
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException e) {
            throw new CliException(ExitCode.UNAVAILABLE, "cannot reach " + server + ": connection timed out");
        } catch (HttpTimeoutException e) {
            throw new CliException(ExitCode.TIMEOUT, method + " " + path + " got no answer within "
                    + timeout.toSeconds() + "s");
        } catch (ConnectException e) {
            throw new CliException(ExitCode.UNAVAILABLE, "cannot reach " + server + ": connection refused");
        } catch (IOException e) {
            throw new CliException(ExitCode.UNAVAILABLE, "cannot reach " + server + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCode.TIMEOUT, "interrupted");
        }
    }

    private URI uri(String path) {
        try {
            return URI.create(server + path);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("not a valid server URL: " + server);
        }
    }

    /** The error body's message and the exit code of its status. */
    static CliException failure(HttpResponse<String> response) {
        return failure(response.statusCode(), response.body());
    }

    static CliException failure(int status, String body) {
        JsonNode error = Json.parse(body);
        String message = Json.text(error, "message");
        return new CliException(ExitCode.forStatus(status),
                message == null ? "the server answered HTTP " + status : message + " (HTTP " + status + ")");
    }
}
