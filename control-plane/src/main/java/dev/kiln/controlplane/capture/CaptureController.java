package dev.kiln.controlplane.capture;

import dev.kiln.controlplane.auth.Caller;
import dev.kiln.controlplane.capture.CaptureViews.CapturePage;
import dev.kiln.controlplane.capture.CaptureViews.CaptureView;
import dev.kiln.controlplane.capture.CaptureViews.Deleted;
import dev.kiln.controlplane.common.InvalidInputException;
import dev.kiln.protocol.ErrorBody;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.server.types.files.StreamedFile;
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

import java.time.Instant;
import java.util.List;
import java.util.UUID;

@Controller("/api/v1/deployments/{deploymentId}/captures")
@Secured(SecurityRule.IS_AUTHENTICATED)
@Tag(name = "Captures")
@SecurityRequirement(name = "bearerAuth")
@ApiResponse(responseCode = "4XX", description = "Error (DESIGN §4.3)",
        content = @Content(mediaType = "application/json", schema = @Schema(implementation = ErrorBody.class)))
@ExecuteOn(TaskExecutors.BLOCKING)
class CaptureController {

    private final CaptureService captures;
    private final CaptureExports exports;

    CaptureController(CaptureService captures, CaptureExports exports) {
        this.captures = captures;
        this.exports = exports;
    }

    @Get
    CapturePage list(@Parameter(hidden = true) Caller caller, UUID deploymentId, @QueryValue @Nullable String group,
                     @QueryValue @Nullable Boolean flagged, @QueryValue @Nullable Instant from,
                     @QueryValue @Nullable Instant to, @QueryValue @Nullable UUID modelVersionId,
                     @QueryValue @Nullable String className, @QueryValue @Nullable Integer page) {
        return captures.page(caller, new CaptureFilter(deploymentId, group, flagged, from, to, modelVersionId,
                className), pageNumber(page));
    }

    /** A zip of the matching images and annotations.json (COCO); streamed as it is written. */
    @Get(value = "/export", produces = "application/zip")
    HttpResponse<StreamedFile> export(@Parameter(hidden = true) Caller caller, UUID deploymentId,
                                      @QueryValue @Nullable String group, @QueryValue @Nullable Boolean flagged,
                                      @QueryValue @Nullable Instant from, @QueryValue @Nullable Instant to,
                                      @QueryValue @Nullable UUID modelVersionId,
                                      @QueryValue @Nullable String className,
                                      @QueryValue(defaultValue = "coco") String format) {
        if (!"coco".equals(format)) {
            throw new InvalidInputException("The only export format is coco.", List.of(new ErrorBody.Detail(
                    List.of("query", "format"), "must be coco", "value_error.format")));
        }
        captures.requireExport(caller, deploymentId);
        StreamedFile zip = new StreamedFile(exports.start(new CaptureFilter(deploymentId, group, flagged, from, to,
                modelVersionId, className)), MediaType.of("application/zip"));
        return HttpResponse.ok(zip).header(HttpHeaders.CONTENT_DISPOSITION,
                "attachment; filename=\"captures-" + deploymentId + "-coco.zip\"");
    }

    @Get("/{captureId}")
    CaptureView get(@Parameter(hidden = true) Caller caller, UUID deploymentId, UUID captureId) {
        return captures.get(caller, deploymentId, captureId);
    }

    @Get(value = "/{captureId}/image", produces = {"image/jpeg", "image/png"})
    HttpResponse<StreamedFile> image(@Parameter(hidden = true) Caller caller, UUID deploymentId, UUID captureId) {
        CaptureService.Image image = captures.image(caller, deploymentId, captureId);
        return HttpResponse.ok(new StreamedFile(image.bytes(), MediaType.of(image.contentType())))
                .contentType(image.contentType());
    }

    @Delete("/{captureId}")
    HttpResponse<Void> delete(@Parameter(hidden = true) Caller caller, UUID deploymentId, UUID captureId) {
        captures.delete(caller, deploymentId, captureId);
        return HttpResponse.noContent();
    }

    /** Deletes up to {@link CaptureService#MAX_DELETE} matching captures; repeat while {@code deleted} is that. */
    @Delete
    Deleted deleteMatching(@Parameter(hidden = true) Caller caller, UUID deploymentId,
                           @QueryValue @Nullable String group, @QueryValue @Nullable Boolean flagged,
                           @QueryValue @Nullable Instant from, @QueryValue @Nullable Instant to,
                           @QueryValue @Nullable UUID modelVersionId, @QueryValue @Nullable String className) {
        return new Deleted(captures.delete(caller, new CaptureFilter(deploymentId, group, flagged, from, to,
                modelVersionId, className)));
    }

    private static int pageNumber(@Nullable Integer page) {
        if (page != null && (page < 1 || page > 10_000)) {
            throw new InvalidInputException("The page is not valid.", List.of(new ErrorBody.Detail(
                    List.of("query", "page"), "must be between 1 and 10000", "value_error.range")));
        }
        return page == null ? 1 : page;
    }
}
