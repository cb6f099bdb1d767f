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

    public static ErrorBody of(int status, String message, List<Detail> detail, @Nullable String predictId) {
        return new ErrorBody(status, reason(status), message, detail == null ? List.of() : detail, predictId);
    }

    /** {@code 404 → "NotFound"}: the standard reason phrase without spaces. */
    public static String reason(int status) {
        return switch (status) {
            case 400 -> "BadRequest";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "NotFound";
            case 405 -> "MethodNotAllowed";
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
