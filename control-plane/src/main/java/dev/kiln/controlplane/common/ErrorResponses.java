package dev.kiln.controlplane.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.kiln.protocol.ErrorBody;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.core.convert.exceptions.ConversionErrorException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import io.micronaut.serde.exceptions.SerdeException;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place where every error response gets its body (DESIGN §4.3): Micronaut's own errors (bad JSON,
 * conversion, no route, 405, 413, 415, unhandled exceptions), micronaut-security's 401/403, and — through
 * {@link ApiExceptionHandler} — the domain exceptions. Clients never see a stack trace or an internal
 * exception message on a 5xx (Micronaut has already logged the exception by then).
 */
@Singleton
@Replaces(ErrorResponseProcessor.class)
public class ErrorResponses implements ErrorResponseProcessor<ErrorBody> {

    /**
     * Request attribute holding the data plane's prediction id; when set, every error body of that request
     * carries it, including the ones Micronaut produces itself (404 route, 413 body size...).
     */
    public static final String PREDICT_ID_ATTRIBUTE = "kiln.predictId";

    private static final Pattern UNKNOWN_PROPERTY = Pattern.compile("Unknown property \\[([^\\]]{1,100})]");
    private static final String INTERNAL = "An internal error occurred; it has been logged.";

    private static final Map<Integer, String> DEFAULT_MESSAGES = Map.of(
            400, "The request is not valid.",
            401, "Authentication is required: pass a valid bearer token.",
            403, "You are not allowed to do this.",
            404, "No such resource.",
            405, "This method is not allowed on this resource.",
            413, "The request body is larger than the limit.",
            415, "Unsupported content type.");

    /** Micronaut's stock phrases, replaced by our sentences above. */
    private static final Set<String> STOCK = Set.of("page not found", "not found", "method not allowed",
            "unauthorized", "forbidden", "unsupported media type", "bad request", "internal server error",
            "request entity too large", "payload too large");

    @Override
    public MutableHttpResponse<ErrorBody> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        int status = response.code();
        ErrorBody body = switch (status) {
            case 400 -> badRequest(context);
            default -> ErrorBody.of(status, message(status, context), List.of(), null);
        };
        return withBody(context.getRequest(), response, body);
    }

    /** Sets the body (plus the request's prediction id when it has one) on any error response. */
    public static MutableHttpResponse<ErrorBody> withBody(HttpRequest<?> request, MutableHttpResponse<?> response,
                                                          ErrorBody body) {
        String predictId = request == null ? null
                : request.getAttribute(PREDICT_ID_ATTRIBUTE, String.class).orElse(null);
        ErrorBody withId = predictId == null ? body
                : new ErrorBody(body.status(), body.error(), body.message(), body.detail(), predictId);
        return response.body(withId).contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    private static String message(int status, ErrorContext context) {
        if (status >= 500) {
            return INTERNAL;
        }
        String given = context.getErrors().stream().map(Error::getMessage).findFirst().orElse("");
        if (given.isBlank() || STOCK.contains(given.trim().toLowerCase(Locale.ROOT))) {
            return DEFAULT_MESSAGES.getOrDefault(status, ErrorBody.reason(status));
        }
        return given;
    }

    private static ErrorBody badRequest(ErrorContext context) {
        Optional<Throwable> root = context.getRootCause();
        Optional<String> unknown = root.flatMap(ErrorResponses::unknownField);
        if (unknown.isPresent()) {
            return ErrorBody.of(400, "Unknown field '" + unknown.get() + "'.", List.of(new ErrorBody.Detail(
                    List.of("body", unknown.get()), "is not a field of this request", "value_error.extra")), null);
        }
        if (root.isPresent() && isJsonProblem(root.get())) {
            return ErrorBody.of(400, "The request body is not valid JSON.",
                    List.of(new ErrorBody.Detail(List.of("body"), firstLine(root.get().getMessage()), "value_error.json")),
                    null);
        }
        if (root.isPresent() && root.get() instanceof ConversionErrorException conversion) {
            String name = conversion.getArgument().getName();
            return ErrorBody.of(400, "Invalid value for '" + name + "'.",
                    List.of(new ErrorBody.Detail(List.of("request", name),
                            firstLine(conversion.getConversionError().getCause().getMessage()), "type_error")),
                    null);
        }
        List<ErrorBody.Detail> detail = context.getErrors().stream()
                .filter(e -> e.getPath().isPresent())
                .map(e -> new ErrorBody.Detail(List.of("request", e.getPath().get()), e.getMessage(), "value_error"))
                .toList();
        return ErrorBody.of(400, message(400, context), detail, null);
    }

    /** The field a strict request record ({@code ignoreUnknown = false}) refused, from the serde message. */
    private static Optional<String> unknownField(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            Matcher m = c.getMessage() == null ? null : UNKNOWN_PROPERTY.matcher(c.getMessage());
            if (m != null && m.find()) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    private static boolean isJsonProblem(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof JsonProcessingException || c instanceof SerdeException) {
                return true;
            }
        }
        return false;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid";
        }
        String line = message.lines().findFirst().orElse(message);
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }
}
