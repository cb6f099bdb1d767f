package dev.kiln.controlplane.auth;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.kiln.protocol.ErrorBody;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.serde.annotation.Serdeable;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;

@Controller("/api/v1/me/password")
@Secured(SecurityRule.IS_AUTHENTICATED)
@Tag(name = "Auth")
@SecurityRequirement(name = "bearerAuth")
@ApiResponse(responseCode = "4XX", description = "Error (DESIGN §4.3)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@ExecuteOn(TaskExecutors.BLOCKING)
class PasswordController {

    @Serdeable
    @JsonIgnoreProperties(ignoreUnknown = false)
    record ChangePassword(@Nullable String currentPassword, @Nullable String newPassword) {
    }

    private final PasswordService passwords;

    PasswordController(PasswordService passwords) {
        this.passwords = passwords;
    }

    /**
     * Ends every session of the account, this one included, and answers with fresh tokens for this one, so the
     * caller stays signed in and everyone else holding an old token is out.
     */
    @Post
    TokenResponse change(@Parameter(hidden = true) Caller caller, @Body ChangePassword body) {
        return passwords.change(caller, body.currentPassword(), body.newPassword());
    }
}
