package dev.kiln.controlplane.keys;

import dev.kiln.protocol.ErrorBody;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.keys.Views.CreateKey;
import dev.kiln.controlplane.keys.Views.KeyView;
import dev.kiln.controlplane.keys.Views.RotateKey;
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

import java.util.List;
import java.util.UUID;

@Controller("/api/v1")
@Secured(SecurityRule.IS_AUTHENTICATED)
@Tag(name = "Keys")
@SecurityRequirement(name = "bearerAuth")
@ApiResponse(responseCode = "4XX", description = "Error (DESIGN §4.3)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@ExecuteOn(TaskExecutors.BLOCKING)
class KeyController {

    private final KeyService keys;

    KeyController(KeyService keys) {
        this.keys = keys;
    }

    @Post("/projects/{projectId}/keys")
    HttpResponse<KeyView> create(@Parameter(hidden = true) Caller caller, UUID projectId, @Body CreateKey body) {
        return HttpResponse.created(keys.create(caller, projectId, body));
    }

    @Get("/projects/{projectId}/keys")
    List<KeyView> list(@Parameter(hidden = true) Caller caller, UUID projectId) {
        return keys.list(caller, projectId);
    }

    @Post("/keys/{keyId}/rotate")
    KeyView rotate(@Parameter(hidden = true) Caller caller, UUID keyId, @Body RotateKey body) {
        return keys.rotate(caller, keyId, body);
    }

    @Delete("/keys/{keyId}")
    HttpResponse<Void> revoke(@Parameter(hidden = true) Caller caller, UUID keyId) {
        keys.revoke(caller, keyId);
        return HttpResponse.noContent();
    }
}
