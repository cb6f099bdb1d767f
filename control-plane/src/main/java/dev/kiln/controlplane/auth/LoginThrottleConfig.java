package dev.kiln.controlplane.auth;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

import java.time.Duration;

/**
 * How failed logins slow down further attempts ({@link LoginThrottle}).
 *
 * @param accountFailures failures for one account before attempts are delayed
 * @param addressFailures failures from one address (any accounts) before attempts are delayed; higher, since
 *                        many people may share an address behind NAT
 * @param baseDelay       the first delay; doubled with each further failure
 * @param maxDelay        the longest delay
 * @param forgetAfter     a record with no failure for this long (after its delay ran out) is forgotten
 */
@ConfigurationProperties("kiln.auth.login-throttle")
public record LoginThrottleConfig(@Bindable(defaultValue = "5") int accountFailures,
                                  @Bindable(defaultValue = "50") int addressFailures,
                                  @Bindable(defaultValue = "1s") Duration baseDelay,
                                  @Bindable(defaultValue = "15m") Duration maxDelay,
                                  @Bindable(defaultValue = "15m") Duration forgetAfter) {
}
