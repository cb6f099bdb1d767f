package dev.kiln.controlplane.people;

import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.people.InvitationViews.Accept;
import dev.kiln.controlplane.people.InvitationViews.CreatedInvitation;
import dev.kiln.controlplane.people.InvitationViews.Invite;
import dev.kiln.controlplane.people.InvitationViews.InvitationView;
import dev.kiln.controlplane.people.InvitationViews.Joined;
import dev.kiln.controlplane.people.InvitationViews.Preview;
import dev.kiln.controlplane.people.InvitationViews.TokenRequest;
import dev.kiln.controlplane.snippets.PublicUrl;
import dev.kiln.protocol.ErrorBody;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
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
class InvitationController {

    private final InvitationService service;
    private final InvitationWrites writes;
    private final PublicUrl publicUrl;

    InvitationController(InvitationService service, InvitationWrites writes, PublicUrl publicUrl) {
        this.service = service;
        this.writes = writes;
        this.publicUrl = publicUrl;
    }

    @Post("/organizations/{orgId}/invitations")
    HttpResponse<CreatedInvitation> invite(@Parameter(hidden = true) Caller caller, UUID orgId, @Body Invite body,
                                           HttpRequest<?> request) {
        return HttpResponse.created(service.invite(caller, orgId, body, () -> base(request)));
    }

    /** Adding a member is inviting them: nobody gets an account or a membership without their consent. */
    @Post("/organizations/{orgId}/members")
    HttpResponse<CreatedInvitation> addMember(@Parameter(hidden = true) Caller caller, UUID orgId, @Body Invite body,
                                              HttpRequest<?> request) {
        return invite(caller, orgId, body, request);
    }

    @Get("/organizations/{orgId}/invitations")
    List<InvitationView> pending(@Parameter(hidden = true) Caller caller, UUID orgId) {
        return service.pending(caller, orgId);
    }

    @Delete("/organizations/{orgId}/invitations/{id}")
    HttpResponse<Void> revoke(@Parameter(hidden = true) Caller caller, UUID orgId, UUID id) {
        writes.revoke(caller, orgId, id);
        return HttpResponse.noContent();
    }

    @Get("/me/invitations")
    List<InvitationView> mine(@Parameter(hidden = true) Caller caller) {
        return service.mine(caller);
    }

    @Post("/me/invitations/{id}/accept")
    Joined acceptMine(@Parameter(hidden = true) Caller caller, UUID id) {
        return writes.acceptMine(caller, id);
    }

    @Post("/me/invitations/{id}/decline")
    HttpResponse<Void> declineMine(@Parameter(hidden = true) Caller caller, UUID id) {
        writes.declineMine(caller, id);
        return HttpResponse.noContent();
    }

    @Secured(SecurityRule.IS_ANONYMOUS)
    @Post("/invitations/preview")
    Preview preview(@Body TokenRequest body) {
        return service.preview(body.token());
    }

    /** Anonymous with a password for a new account; signed in (and without one) for an existing account. */
    @Secured(SecurityRule.IS_ANONYMOUS)
    @Post("/invitations/accept")
    Joined accept(@Parameter(hidden = true) @Nullable Caller caller, @Body Accept body) {
        return writes.acceptToken(body.token(), body.password(), caller);
    }

    private String base(HttpRequest<?> request) {
        return publicUrl.base(request.isSecure(), request.getHeaders().get(HttpHeaders.HOST));
    }
}
