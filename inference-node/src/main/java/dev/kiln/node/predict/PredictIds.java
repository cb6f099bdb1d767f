package dev.kiln.node.predict;

import dev.kiln.protocol.InternalPaths;
import io.micronaut.http.HttpRequest;

import java.util.UUID;
import java.util.regex.Pattern;

/** The request's predict id: the gateway's {@code X-Predict-Id}, or a fresh one for direct calls. */
final class PredictIds {
    static final String ATTRIBUTE = "kiln.predictId";
    /** Ids are echoed into headers and bodies, so only plain tokens are taken over. */
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private PredictIds() {
    }

    static String of(HttpRequest<?> request) {
        return request.getAttribute(ATTRIBUTE, String.class).orElseGet(() -> {
            String given = request.getHeaders().get(InternalPaths.PREDICT_ID_HEADER);
            String id = given != null && SAFE.matcher(given).matches() ? given : UUID.randomUUID().toString();
            request.setAttribute(ATTRIBUTE, id);
            return id;
        });
    }
}
