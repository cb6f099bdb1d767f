package dev.kiln.node.imaging;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * Limits on request images ({@code kiln.node.images.*}).
 *
 * @param maxPixels          width × height above which an image is refused with 413, checked from the header
 * @param allowPrivateUrls   let {@code image_type: url} reach loopback, link-local, private and metadata addresses
 *                           (only for operators who know their network; tests use it for a local server)
 * @param urlConnectTimeout  time to connect to an image URL
 * @param urlTimeout         time to fetch an image URL entirely, redirects included
 * @param urlMaxBytes        largest image body fetched from a URL
 * @param urlMaxRedirects    redirects followed, each target checked again
 * @param maxArrayPixels     largest {@code image_type: array} (height × width)
 * @param dynamicMaxSide     longest side fed to a model that takes any size and whose descriptor sets no
 *                           {@code maxSide}: a 40 MP photo would otherwise become a 480 MB tensor (0 = no bound)
 */
@ConfigurationProperties("kiln.node.images")
public record ImagingConfig(@Bindable(defaultValue = "40000000") long maxPixels,
                            @Bindable(defaultValue = "false") boolean allowPrivateUrls,
                            @Bindable(defaultValue = "3s") Duration urlConnectTimeout,
                            @Bindable(defaultValue = "10s") Duration urlTimeout,
                            @Bindable(defaultValue = "20971520") long urlMaxBytes,
                            @Bindable(defaultValue = "3") int urlMaxRedirects,
                            @Bindable(defaultValue = "4000000") long maxArrayPixels,
                            @Bindable(defaultValue = "1333") int dynamicMaxSide) {

    public static ImagingConfig defaults() {
        return new ImagingConfig(40_000_000, false, Duration.ofSeconds(3), Duration.ofSeconds(10), 20L << 20, 3,
                4_000_000, 1333);
    }
}
