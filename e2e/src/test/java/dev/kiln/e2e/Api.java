package dev.kiln.e2e;

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
import java.time.Instant;
import java.util.UUID;

/** A thin JSON client for the management and prediction APIs, as a user's program would call them. */
final class Api {
    static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private String token;

    Api(String base) {
        this.base = base;
    }

    /** A response with its body parsed when it is JSON. */
    record Reply(int status, JsonNode body, HttpResponse<String> raw) {
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    Api login(String email, String password) {
        Reply r = post("/api/v1/auth/login", JSON.createObjectNode().put("username", email).put("password", password));
        if (r.status() != 200) {
            throw new IllegalStateException("login failed: " + r.status() + " " + r.raw().body());
        }
        token = r.body().get("access_token").asText();
        return this;
    }

    /** A client for the same server sending another bearer token (another session). */
    Api as(String bearer) {
        Api other = new Api(base);
        other.token = bearer;
        return other;
    }

    Reply get(String path) {
        return send(authed(HttpRequest.newBuilder(URI.create(base + path)).GET()));
    }

    Reply post(String path, Object body) {
        return send(authed(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json(body)))));
    }

    Reply patch(String path, Object body) {
        return send(authed(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json(body)))));
    }

    Reply delete(String path) {
        return send(authed(HttpRequest.newBuilder(URI.create(base + path)).DELETE()));
    }

    /** Polls the deployment until it has {@code status} (two minutes at most) and returns it as last read. */
    JsonNode awaitStatus(String deploymentId, String status) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            last = get("/api/v1/deployments/" + deploymentId).body();
            if (last != null && status.equals(last.path("status").asText())) {
                return last;
            }
            AppProcess.sleep(250);
        }
        throw new AssertionError("deployment " + deploymentId + " not " + status + " in time; last seen: " + last);
    }

    /** Multipart upload of a model file, streamed from disk, with an optional descriptor part. */
    Reply uploadVersion(String modelId, Path file, String versionTag, String descriptorJson) {
        String boundary = "kiln-" + UUID.randomUUID();
        StringBuilder head = new StringBuilder();
        head.append(part(boundary, "versionTag", null)).append(versionTag).append("\r\n");
        if (descriptorJson != null) {
            head.append(part(boundary, "descriptor", null)).append(descriptorJson).append("\r\n");
        }
        head.append(part(boundary, "file", file.getFileName().toString()));
        try {
            var body = HttpRequest.BodyPublishers.concat(
                    HttpRequest.BodyPublishers.ofString(head.toString()),
                    HttpRequest.BodyPublishers.ofFile(file),
                    HttpRequest.BodyPublishers.ofString("\r\n--" + boundary + "--\r\n"));
            return send(authed(HttpRequest.newBuilder(URI.create(base + "/api/v1/models/" + modelId + "/versions"))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary).POST(body)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String part(String boundary, String name, String filename) {
        String disposition = "Content-Disposition: form-data; name=\"" + name + "\""
                + (filename == null ? "" : "; filename=\"" + filename + "\"");
        String type = filename == null ? "text/plain; charset=UTF-8" : "application/octet-stream";
        return "--" + boundary + "\r\n" + disposition + "\r\nContent-Type: " + type + "\r\n\r\n";
    }

    /** A binary GET (an image, a zip) with the session's token; the status must be 200. */
    byte[] bytes(String path) {
        try {
            HttpResponse<byte[]> r = http.send(authed(HttpRequest.newBuilder(URI.create(base + path)).GET())
                    .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(path + " answered " + r.statusCode());
            }
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A raw call with the caller's own headers and body: for the prediction API and its error cases. */
    Reply raw(HttpRequest.Builder request) {
        return send(request);
    }

    private HttpRequest.Builder authed(HttpRequest.Builder b) {
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(120)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = null;
            String type = r.headers().firstValue("Content-Type").orElse("");
            if (type.contains("json") && !r.body().isEmpty()) {
                body = JSON.readTree(r.body());
            }
            return new Reply(r.statusCode(), body, r);
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
