package dev.kiln.controlplane.tenancy;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * First-start settings.
 *
 * @param adminEmail    login of the first user (KILN_ADMIN_EMAIL)
 * @param adminPassword its password (KILN_ADMIN_PASSWORD); when blank a random one is generated and written to
 *                      {@code dataDir/initial-admin-password} (mode 600), never logged
 * @param dataDir       KILN_DATA_DIR (the JVM temp dir when blank)
 */
@ConfigurationProperties("kiln.bootstrap")
public record BootstrapConfig(@Bindable(defaultValue = "admin@kiln.local") String adminEmail,
                              @Nullable String adminPassword,
                              @Nullable String dataDir) {
}
