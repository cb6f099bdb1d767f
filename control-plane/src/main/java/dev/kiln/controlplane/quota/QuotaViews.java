package dev.kiln.controlplane.quota;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;
import java.util.UUID;

/** JSON of {@code /api/v1/organizations/{orgId}/quotas}. */
final class QuotaViews {

    private QuotaViews() {
    }

    @Serdeable
    record QuotasView(UUID organizationId, List<QuotaUsage> quotas) {
    }

    /** @param unit {@code count} or {@code bytes} */
    @Serdeable
    record QuotaUsage(String name, long limit, long used, String unit) {
    }
}
