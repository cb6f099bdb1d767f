package dev.kiln.controlplane.auth;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * @param accessTokenTtl  lifetime of the JWT sent with every management call
 * @param refreshTokenTtl lifetime of the token that obtains new access tokens without the password
 */
@ConfigurationProperties("kiln.auth")
public record AuthConfig(@Bindable(defaultValue = "1h") Duration accessTokenTtl,
                         @Bindable(defaultValue = "30d") Duration refreshTokenTtl) {
}
