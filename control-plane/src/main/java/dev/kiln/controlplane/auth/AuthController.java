package dev.kiln.controlplane.auth;

import dev.kiln.protocol.ErrorBody;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;

@Controller("/api/v1/auth")
@Secured(SecurityRule.IS_ANONYMOUS)
@Tag(name = "Auth")
@ApiResponse(responseCode = "4XX", description = "Error (DESIGN §4.3)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@ExecuteOn(TaskExecutors.BLOCKING)
class AuthController {

    @Serdeable
    record LoginRequest(@Nullable String username, @Nullable String password) {
    }

    @Serdeable
    record RefreshRequest(@Nullable @JsonProperty("refresh_token") String refreshToken) {
    }

    private final AuthService auth;
    private final ClientAddress clientAddress;

    AuthController(AuthService auth, ClientAddress clientAddress) {
        this.auth = auth;
        this.clientAddress = clientAddress;
    }

    @Post("/login")
    TokenResponse login(@Body LoginRequest body, HttpRequest<?> request) {
        return auth.login(body.username(), body.password(), clientAddress.of(request));
    }

    @Post("/refresh")
    TokenResponse refresh(@Body RefreshRequest body) {
        return auth.refresh(body.refreshToken());
    }

    /** Anonymous on purpose: the refresh token in the body is the credential being given up. */
    @Post("/logout")
    HttpResponse<Void> logout(@Body RefreshRequest body, HttpRequest<?> request) {
        auth.logout(body.refreshToken(), clientAddress.of(request));
        return HttpResponse.noContent();
    }
}
