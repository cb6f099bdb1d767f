package dev.kiln.controlplane.model;

import dev.kiln.controlplane.auth.AccountStates;
import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.model.Views.ModelVersionView;
import dev.kiln.protocol.ErrorBody;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.rules.SecurityRule;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Encoding;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.inject.Named;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * The model upload. Nothing here binds the body, so Micronaut's multipart decoder never reads nor spools it: the
 * body was claimed by {@link UploadBodyClaim}, the upload is decided (account, role on the model's project, declared
 * size, spool room) on a blocking thread from the headers alone, and only an allowed upload's body is then streamed,
 * by {@link ModelUploads}, into the spool.
 */
@Controller("/api/v1")
@Secured(SecurityRule.IS_AUTHENTICATED)
@Tag(name = "Models")
@SecurityRequirement(name = "bearerAuth")
@ApiResponse(responseCode = "4XX", description = "Error (DESIGN §4.3)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
class ModelUploadController {

    private final ModelUploads uploads;
    private final AccountStates accounts;
    private final ExecutorService blocking;

    ModelUploadController(ModelUploads uploads, AccountStates accounts,
                          @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        this.uploads = uploads;
        this.accounts = accounts;
        this.blocking = blocking;
    }

    /** A multipart form: {@code file} (the ONNX file), optional {@code versionTag} and {@code descriptor} (JSON). */
    @Post(uri = "/models/{modelId}/versions", consumes = MediaType.MULTIPART_FORM_DATA)
    @RequestBody(content = @Content(mediaType = MediaType.MULTIPART_FORM_DATA,
            schema = @Schema(implementation = UploadForm.class),
            encoding = @Encoding(name = "file", contentType = "application/octet-stream")))
    @ApiResponse(responseCode = "201", description = "The new version",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = ModelVersionView.class)))
    CompletableFuture<HttpResponse<ModelVersionView>> upload(@Parameter(hidden = true) Caller caller, UUID modelId,
                                                             HttpRequest<?> request) {
        BodyPipe body = UploadBodyClaim.claimed(request);
        if (body == null) {
            throw new IllegalStateException("The upload's body was not claimed by " + UploadBodyClaim.class);
        }
        ModelUploads.Incoming incoming = new ModelUploads.Incoming(request.getContentLength(),
                request.getContentType().map(t -> t.getParameters().get("boundary").orElse(null)).orElse(null), body);
        return CompletableFuture.supplyAsync(() -> {
            accounts.require(request);
            return HttpResponse.created(uploads.upload(caller, modelId, incoming));
        }, blocking);
    }

    /** The form's shape, for the OpenAPI document only. */
    record UploadForm(@Schema(type = "string", format = "binary", requiredMode = Schema.RequiredMode.REQUIRED)
                      String file,
                      @Schema(description = "e.g. v2; the next free vN when absent") String versionTag,
                      @Schema(description = "JSON overrides of the inferred descriptor") String descriptor) {
    }
}
