package dev.kiln.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * The one error body of DESIGN §4.3, used by every endpoint of both apps.
 *
 * @param status    HTTP status code
 * @param error     the status reason without spaces, e.g. {@code BadRequest}
 * @param message   one plain sentence
 * @param detail    field-level problems, may be empty
 * @param predictId set on the data plane, absent on the management API
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorBody(int status, String error, String message, List<Detail> detail, @Nullable String predictId) {

    /** One problem: where ({@code ["body","data"]}), what, and a machine-readable type. */
    @Serdeable
    public record Detail(List<String> loc, String msg, String type) {
    }

    /**
     * A 429 or 500 without detail gets one entry typed {@code throttling_error} or {@code predict_error}: clients
     * written for other platforms branch on that type.
     */
    public static ErrorBody of(int status, String message, List<Detail> detail, @Nullable String predictId) {
        List<Detail> given = detail == null ? List.of() : detail;
        String type = status == 429 ? "throttling_error" : status == 500 ? "predict_error" : null;
        List<Detail> typed = given.isEmpty() && type != null ? List.of(new Detail(List.of(), message, type)) : given;
        return new ErrorBody(status, reason(status), message, typed, predictId);
    }

    /** {@code 404 → "NotFound"}: the standard reason phrase without spaces. */
    public static String reason(int status) {
        return switch (status) {
            case 400 -> "BadRequest";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "NotFound";
            case 405 -> "MethodNotAllowed";
            case 408 -> "RequestTimeout";
            case 409 -> "Conflict";
            case 413 -> "PayloadTooLarge";
            case 415 -> "UnsupportedMediaType";
            case 422 -> "UnprocessableEntity";
            case 429 -> "TooManyRequests";
            case 502 -> "BadGateway";
            case 503 -> "ServiceUnavailable";
            case 504 -> "GatewayTimeout";
            default -> status >= 500 ? "InternalServerError" : "Error";
        };
    }
}
