package dev.kiln.protocol;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorBodyTest {

    @Test
    void aRateLimitAnswerCarriesAThrottlingErrorDetail() {
        ErrorBody body = ErrorBody.of(429, "Slow down.", List.of(), "p1");
        assertThat(body.detail()).containsExactly(new ErrorBody.Detail(List.of(), "Slow down.", "throttling_error"));
    }

    @Test
    void aModelFailureCarriesAPredictErrorDetail() {
        ErrorBody body = ErrorBody.of(500, "The model failed.", null, null);
        assertThat(body.detail()).extracting(ErrorBody.Detail::type).containsExactly("predict_error");
    }

    @Test
    void givenDetailIsKeptAndOtherStatusesGetNoneAdded() {
        ErrorBody.Detail given = new ErrorBody.Detail(List.of("body"), "x", "value_error");
        assertThat(ErrorBody.of(500, "m", List.of(given), null).detail()).containsExactly(given);
        assertThat(ErrorBody.of(503, "m", List.of(), null).detail()).isEmpty();
        assertThat(ErrorBody.of(400, "m", List.of(), null).detail()).isEmpty();
    }
}
