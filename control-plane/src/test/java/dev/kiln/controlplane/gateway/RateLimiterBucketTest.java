package dev.kiln.controlplane.gateway;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimiterBucketTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void aBucketStartsWithTwoSecondsOfItsRateAndThenRefillsAtThatRate() {
        RateLimiter.Bucket bucket = new RateLimiter.Bucket(0);

        assertThat(bucket.take(0, 2)).isZero();
        assertThat(bucket.take(0, 2)).isZero();
        assertThat(bucket.take(0, 2)).isZero();
        assertThat(bucket.take(0, 2)).isZero();
        assertThat(bucket.take(0, 2)).isEqualTo(SECOND / 2);
        assertThat(bucket.take(SECOND / 2, 2)).isZero();
    }

    @Test
    void aChargeBeyondWhatIsLeftIsDebtThatLaterCallsWaitOut() {
        RateLimiter.Bucket bucket = new RateLimiter.Bucket(0);

        bucket.charge(0, 1, 5); // 2 tokens, 5 charged: 3 owed

        assertThat(bucket.take(0, 1)).isEqualTo(4 * SECOND);
        assertThat(bucket.take(4 * SECOND, 1)).isZero();
    }

    @Test
    void aRefusedCallsTokenGivenBackCanBeTakenAgain() {
        RateLimiter.Bucket bucket = new RateLimiter.Bucket(0);
        bucket.take(0, 0.5); // a burst of 1 (the least)

        bucket.giveBack();

        assertThat(bucket.take(0, 0.5)).isZero();
    }

    @Test
    void eachReplicaEnforcesItsShareOfTheLimit() {
        assertThat(RateLimiter.share(100, 4)).isEqualTo(25.0);
        assertThat(RateLimiter.share(10, 0)).isEqualTo(10.0);
    }
}
