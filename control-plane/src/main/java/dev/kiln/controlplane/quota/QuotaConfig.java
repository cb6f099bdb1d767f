package dev.kiln.controlplane.quota;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.convert.format.ReadableBytes;

/**
 * Default quotas ({@code kiln.quotas.*}, env {@code KILN_QUOTA_*}); an operator overrides each but organizationsPerUser per
 * organization.
 *
 * @param organizationsPerUser how many organizations one user may own (operators are not limited: they create
 *                             organizations for others)
 */
@ConfigurationProperties("kiln.quotas")
public record QuotaConfig(@Bindable(defaultValue = "2000") long instances,
                          @Bindable(defaultValue = "64") long gpus,
                          @Bindable(defaultValue = "500") long deployments,
                          @Bindable(defaultValue = "1000") long keys,
                          @Bindable(defaultValue = "50GB") @ReadableBytes long modelStorageBytes,
                          @Bindable(defaultValue = "10") long organizationsPerUser,
                          @Bindable(defaultValue = "10GB") @ReadableBytes long captureStorageBytes) {

    long limit(Quota quota) {
        return switch (quota) {
            case INSTANCES -> instances;
            case GPUS -> gpus;
            case DEPLOYMENTS -> deployments;
            case KEYS -> keys;
            case MODEL_STORAGE_BYTES -> modelStorageBytes;
            case CAPTURE_STORAGE_BYTES -> captureStorageBytes;
        };
    }
}
