package dev.kiln.protocol;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * A deployment's data-capture group (DESIGN §7, Nexus "upload groups"): which predictions keep their input image.
 *
 * @param mode          {@link #FLAGGED} (ActiveLearning's score above the evaluation threshold), {@link #SAMPLE}
 *                      (a random share, {@code rate}) or {@link #ALL}
 * @param rate          the share of requests a sample group keeps, in (0, 1]; only for {@code sample}
 * @param retentionDays how long captures of this group are kept; null means the default (30 days)
 */
@Serdeable
public record CaptureGroup(String name, String mode, @Nullable Double rate, @Nullable Integer retentionDays) {
    public static final String FLAGGED = "flagged";
    public static final String SAMPLE = "sample";
    public static final String ALL = "all";
    public static final int DEFAULT_RETENTION_DAYS = 30;

    /** The retention in days, the default where none is set. */
    public int retentionDaysOrDefault() {
        return retentionDays == null ? DEFAULT_RETENTION_DAYS : retentionDays;
    }
}
