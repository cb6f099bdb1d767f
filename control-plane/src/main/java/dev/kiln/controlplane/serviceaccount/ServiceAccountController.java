package dev.kiln.controlplane.serviceaccount;

import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.serviceaccount.Views.AccountView;
import dev.kiln.controlplane.serviceaccount.Views.CreateAccount;
import dev.kiln.controlplane.serviceaccount.Views.CreateToken;
import dev.kiln.controlplane.serviceaccount.Views.CreatedToken;
import dev.kiln.controlplane.serviceaccount.Views.TokenView;
import dev.kiln.protocol.ErrorBody;
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

@Controller("/api/v1/organizations/{orgId}/service-accounts")
@Secured(SecurityRule.IS_AUTHENTICATED)
@Tag(name = "Service accounts")
@SecurityRequirement(name = "bearerAuth")
@ApiResponse(responseCode = "4XX", description = "Error (DESIGN §4.3)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@ExecuteOn(TaskExecutors.BLOCKING)
class ServiceAccountController {

    private final ServiceAccounts service;

    ServiceAccountController(ServiceAccounts service) {
        this.service = service;
    }

    @Get
    List<AccountView> list(@Parameter(hidden = true) Caller caller, UUID orgId) {
        return service.list(caller, orgId);
    }

    @Post
    HttpResponse<AccountView> create(@Parameter(hidden = true) Caller caller, UUID orgId, @Body CreateAccount body) {
        return HttpResponse.created(service.create(caller, orgId, body));
    }

    @Delete("/{id}")
    HttpResponse<Void> delete(@Parameter(hidden = true) Caller caller, UUID orgId, UUID id) {
        service.delete(caller, orgId, id);
        return HttpResponse.noContent();
    }

    @Get("/{id}/tokens")
    List<TokenView> tokens(@Parameter(hidden = true) Caller caller, UUID orgId, UUID id) {
        return service.tokens(caller, orgId, id);
    }

    /** The token is in this answer only; afterwards only its prefix is shown. */
    @Post("/{id}/tokens")
    HttpResponse<CreatedToken> createToken(@Parameter(hidden = true) Caller caller, UUID orgId, UUID id,
                                           @Body CreateToken body) {
        return HttpResponse.created(service.createToken(caller, orgId, id, body));
    }

    @Delete("/{id}/tokens/{tokenId}")
    HttpResponse<Void> revokeToken(@Parameter(hidden = true) Caller caller, UUID orgId, UUID id, UUID tokenId) {
        service.revokeToken(caller, orgId, id, tokenId);
        return HttpResponse.noContent();
    }
}
