package dev.kiln.controlplane.support;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A plain HTTP client for tests: real requests against the embedded server, JSON parsed into maps. */
public final class Api {

    /** A response: status, raw body, and the body parsed as JSON (null when empty or not JSON). */
    public record Response(int status, String body, Object json) {

        @SuppressWarnings("unchecked")
        public Map<String, Object> map() {
            return (Map<String, Object>) json;
        }

        @SuppressWarnings("unchecked")
        public List<Map<String, Object>> list() {
            return (List<Map<String, Object>>) json;
        }

        public String get(String field) {
            Object value = map().get(field);
            return value == null ? null : value.toString();
        }
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI base;
    private final JsonMapper json;
    private String token;

    public Api(URI base, JsonMapper json) {
        this.base = base;
        this.json = json;
    }

    /** A client for the same server sending another bearer token. */
    public Api as(String bearer) {
        Api other = new Api(base, json);
        other.token = bearer;
        return other;
    }

    /** A service account, one token of it, and a client that sends that token as its bearer. */
    public record ServiceAccount(String id, String tokenId, String token, Api client) {
    }

    /** Creates, as this client (an ADMIN or OWNER), a service account with the role and a token for it. */
    public ServiceAccount serviceAccount(String organizationId, String role) {
        String base = "/api/v1/organizations/" + organizationId + "/service-accounts";
        Response account = post(base, Map.of("name", "robot-" + UUID.randomUUID(), "role", role));
        if (account.status() != 201) {
            throw new IllegalStateException("service account not created: " + account.status() + " " + account.body());
        }
        Response token = post(base + "/" + account.get("id") + "/tokens", Map.of("name", "ci"));
        if (token.status() != 201) {
            throw new IllegalStateException("token not created: " + token.status() + " " + token.body());
        }
        return new ServiceAccount(account.get("id"), token.get("id"), token.get("token"), as(token.get("token")));
    }

    public Api login(String username, String password) {
        Response r = post("/api/v1/auth/login", Map.of("username", username, "password", password));
        if (r.status() != 200) {
            throw new IllegalStateException("login failed: " + r.status() + " " + r.body());
        }
        return as(r.get("access_token"));
    }

    public Response get(String path) {
        return send(request(path).GET());
    }

    public Response delete(String path) {
        return send(request(path).DELETE());
    }

    public Response post(String path, Object body) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(BodyPublishers.ofString(write(body))));
    }

    public Response patch(String path, Object body) {
        return send(request(path).header("Content-Type", "application/json")
                .method("PATCH", BodyPublishers.ofString(write(body))));
    }

    /** PATCH with the JSON text as given (a map written by the mapper loses its null values). */
    public Response patchRaw(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .method("PATCH", BodyPublishers.ofString(json)));
    }

        public Response postRaw(String path, String contentType, String body) {
        return send(request(path).header("Content-Type", contentType).POST(BodyPublishers.ofString(body)));
    }

    /** multipart/form-data with text fields and one file part named {@code file} (streamed from disk). */
    public Response upload(String path, Path file, Map<String, String> fields) {
        String boundary = "kiln-" + UUID.randomUUID();
        List<BodyPublisher> parts = new ArrayList<>();
        for (var field : fields.entrySet()) {
            parts.add(BodyPublishers.ofString("--" + boundary + "\r\nContent-Disposition: form-data; name=\""
                    + field.getKey() + "\"\r\n\r\n" + field.getValue() + "\r\n"));
        }
        try {
            if (file != null) {
                parts.add(BodyPublishers.ofString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; "
                        + "filename=\"" + file.getFileName() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n"));
                parts.add(BodyPublishers.ofFile(file));
                parts.add(BodyPublishers.ofString("\r\n"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        parts.add(BodyPublishers.ofString("--" + boundary + "--\r\n"));
        return send(request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(BodyPublishers.concat(parts.toArray(BodyPublisher[]::new))));
    }

    /** A binary answer (an image, a zip): status, content type and the bytes. */
    public record Binary(int status, String contentType, byte[] bytes) {
    }

    public Binary getBytes(String path) {
        try {
            var response = http.send(request(path).GET().build(), BodyHandlers.ofByteArray());
            return new Binary(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private Response send(HttpRequest.Builder request) {
        try {
            var response = http.send(request.build(), BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(response.statusCode(), response.body(), parse(response.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Object parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return json.readValue(body, Argument.of(Object.class));
        } catch (IOException e) {
            return null;
        }
    }

    private String write(Object body) {
        try {
            return body instanceof String s ? s : json.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
