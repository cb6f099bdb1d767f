package dev.kiln.uitests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/** A JSON client for the management and prediction APIs: test set-up and checks beside the browser. */
final class Api {
    static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private String token;
    /** Kept to sign in again: signing out in a browser ends every session of the account, this one too. */
    private String email;
    private String password;

    Api(String base) {
        this.base = base;
    }

    /** A response with its body parsed when it is JSON (else null). */
    record Reply(int status, JsonNode body, String text) {
    }

    Api login(String email, String password) {
        // Without the old token and never retried: the token may be the ended session that made this call needed.
        Reply r = send(HttpRequest.newBuilder(URI.create(base + "/api/v1/auth/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json(Map.of("username", email, "password", password)))));
        if (r.status() != 200) {
            throw new IllegalStateException("login failed: " + r.status() + " " + r.text());
        }
        token = r.body().get("access_token").asText();
        this.email = email;
        this.password = password;
        return this;
    }

    /** This client with a bearer of its own (a service-account token) instead of a session. */
    Api withBearer(String bearer) {
        Api other = new Api(base);
        other.token = bearer;
        return other;
    }

    /** The status of a sign-in, without keeping its token. */
    int loginStatus(String email, String password) {
        return new Api(base).post("/api/v1/auth/login", Map.of("username", email, "password", password)).status();
    }

    Reply patch(String path, Object body) {
        return sendAuthed(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json(body))));
    }

    Reply delete(String path) {
        return sendAuthed(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    Reply get(String path) {
        return sendAuthed(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    Reply post(String path, Object body) {
        return sendAuthed(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json(body))));
    }

    /** A prediction with a project key, as a user's program would send it. */
    Reply predict(String deploymentId, String secret, byte[] image) {
        String body = json(Map.of("image_type", "base64", "data", java.util.Base64.getEncoder().encodeToString(image)));
        return send(HttpRequest.newBuilder(URI.create(base + "/" + deploymentId + "/predict"))
                .header("Authorization", "Bearer " + secret).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Multipart upload of a model file, streamed from disk. */
    Reply uploadVersion(String modelId, Path file) {
        String boundary = "kiln-" + UUID.randomUUID();
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                + file.getFileName() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
        try {
            var body = HttpRequest.BodyPublishers.concat(
                    HttpRequest.BodyPublishers.ofString(head),
                    HttpRequest.BodyPublishers.ofFile(file),
                    HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n"));
            return sendAuthed(HttpRequest.newBuilder(URI.create(base + "/api/v1/models/" + modelId + "/versions"))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary).POST(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpRequest.Builder authed(HttpRequest.Builder b) {
        return token == null ? b : b.setHeader("Authorization", "Bearer " + token);
    }

    /** With the session's token; a 401 of a signed-in client signs in again once, as the dashboard refreshes. */
    private Reply sendAuthed(HttpRequest.Builder request) {
        Reply reply = send(authed(request.copy()));
        if (reply.status() == 401 && password != null) {
            login(email, password);
            reply = send(authed(request));
        }
        return reply;
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(120)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = null;
            if (r.headers().firstValue("Content-Type").orElse("").contains("json") && !r.body().isEmpty()) {
                body = JSON.readTree(r.body());
            }
            return new Reply(r.statusCode(), body, r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String json(Object body) {
        try {
            return body instanceof String s ? s : JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
