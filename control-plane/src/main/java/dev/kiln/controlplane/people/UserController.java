package dev.kiln.controlplane.people;

import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.people.UserViews.NewUser;
import dev.kiln.controlplane.people.UserViews.ResetAccept;
import dev.kiln.controlplane.people.UserViews.ResetView;
import dev.kiln.controlplane.people.UserViews.UserView;
import dev.kiln.controlplane.snippets.PublicUrl;
import dev.kiln.protocol.ErrorBody;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.util.List;
import java.util.UUID;

@Controller("/api/v1")
@Secured(SecurityRule.IS_AUTHENTICATED)
@Tag(name = "People")
@SecurityRequirement(name = "bearerAuth")
@ApiResponse(responseCode = "4XX", description = "Error (DESIGN §4.3)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@ExecuteOn(TaskExecutors.BLOCKING)
class UserController {

    private final UserWrites writes;
    private final PasswordResets resets;
    private final PublicUrl publicUrl;

    UserController(UserWrites writes, PasswordResets resets, PublicUrl publicUrl) {
        this.writes = writes;
        this.resets = resets;
        this.publicUrl = publicUrl;
    }

    @Get("/users")
    List<UserView> list(@Parameter(hidden = true) Caller caller) {
        return writes.list(caller);
    }

    @Post("/users")
    HttpResponse<UserView> create(@Parameter(hidden = true) Caller caller, @Body NewUser body) {
        return HttpResponse.created(writes.create(caller, body));
    }

    @Post("/users/{id}/disable")
    UserView disable(@Parameter(hidden = true) Caller caller, UUID id) {
        return writes.setDisabled(caller, id, true);
    }

    @Post("/users/{id}/enable")
    UserView enable(@Parameter(hidden = true) Caller caller, UUID id) {
        return writes.setDisabled(caller, id, false);
    }

    /** 202 with a mailed link when SMTP is set up, else 200 with a temporary password shown only this once. */
    @Post("/users/{id}/reset-password")
    HttpResponse<ResetView> resetPassword(@Parameter(hidden = true) Caller caller, UUID id, HttpRequest<?> request) {
        PasswordResets.Outcome outcome = resets.reset(caller, id,
                () -> publicUrl.base(request.isSecure(), request.getHeaders().get(HttpHeaders.HOST)));
        return HttpResponse.<ResetView>status(outcome instanceof PasswordResets.Mailed ? HttpStatus.ACCEPTED
                : HttpStatus.OK).body(outcome.view());
    }

    @Secured(SecurityRule.IS_ANONYMOUS)
    @Post("/password-resets/accept")
    HttpResponse<Void> acceptReset(@Body ResetAccept body) {
        writes.finishReset(body.token(), body.newPassword());
        return HttpResponse.noContent();
    }
}
