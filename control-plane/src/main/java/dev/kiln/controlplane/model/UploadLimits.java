package dev.kiln.controlplane.model;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.convert.format.ReadableBytes;

import java.time.Duration;

/**
 * Bounds of model uploads ({@code kiln.uploads.*}).
 *
 * @param maxFileBytes the largest model file (KILN_MODEL_MAX_BYTES): past it the upload is a 413 at once
 * @param spoolDir     where files are written while they arrive (KILN_UPLOAD_SPOOL_DIR); empty: the data dir's
 *                     {@code spool} folder
 * @param spoolBytes   the most bytes all uploads in progress may hold there together (KILN_UPLOAD_SPOOL_BYTES);
 *                     an upload that does not fit is a 503 with Retry-After
 * @param readTimeout  how long an upload may send nothing before it is given up (400)
 */
@ConfigurationProperties("kiln.uploads")
public record UploadLimits(@Bindable(defaultValue = "1GB") @ReadableBytes long maxFileBytes,
                           @Bindable(defaultValue = "") String spoolDir,
                           @Bindable(defaultValue = "4GB") @ReadableBytes long spoolBytes,
                           @Bindable(defaultValue = "60s") Duration readTimeout) {
}
