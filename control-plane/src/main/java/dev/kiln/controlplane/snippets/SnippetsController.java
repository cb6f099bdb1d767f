package dev.kiln.controlplane.snippets;

import dev.kiln.controlplane.auth.Caller;
import dev.kiln.protocol.ErrorBody;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;

import java.util.UUID;

@Controller("/api/v1")
@Secured(SecurityRule.IS_AUTHENTICATED)
@Tag(name = "Deployments")
@SecurityRequirement(name = "bearerAuth")
@ApiResponse(responseCode = "4XX", description = "Error (DESIGN §4.3)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@ExecuteOn(TaskExecutors.BLOCKING)
class SnippetsController {

    private final SnippetService snippets;
    private final PublicUrl publicUrl;

    SnippetsController(SnippetService snippets, PublicUrl publicUrl) {
        this.snippets = snippets;
        this.publicUrl = publicUrl;
    }

    @Get("/deployments/{deploymentId}/snippets")
    @Operation(summary = "Client code (curl, Python, JavaScript, Node, Java, Go, R, Ruby, C) calling the deployment's "
            + "predict URL, with the placeholders YOUR_SECRET_KEY and path/to/image.jpg")
    Snippets snippets(@Parameter(hidden = true) Caller caller, UUID deploymentId,
                      @Parameter(hidden = true) HttpRequest<?> request) {
        return snippets.snippets(caller, deploymentId,
                publicUrl.base(request.isSecure(), request.getHeaders().get(HttpHeaders.HOST)));
    }
}
