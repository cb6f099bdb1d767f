package dev.kiln.node.capture;

import dev.kiln.node.adapters.Prediction;
import dev.kiln.node.adapters.Tag;
import dev.kiln.node.routines.Routines;
import dev.kiln.protocol.Assignment;
import dev.kiln.protocol.CaptureGroup;
import dev.kiln.protocol.ServingSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class CaptureDecisionTest {

    static final CaptureGroup FLAGGED = new CaptureGroup("uncertain", "flagged", null, null);
    static final CaptureGroup SAMPLE = new CaptureGroup("tenth", "sample", 0.1, null);
    static final CaptureGroup ALL = new CaptureGroup("every", "all", null, 3);
    static final List<CaptureGroup> GROUPS = List.of(FLAGGED, SAMPLE, ALL);

    @Test
    void aFlaggedPredictionIsKeptByFlaggedGroupsAndAnUnflaggedOneIsNot() {
        assertThat(CaptureDecision.groups(GROUPS, true, () -> 0.99)).containsExactly("uncertain", "every");
        assertThat(CaptureDecision.groups(GROUPS, false, () -> 0.99)).containsExactly("every");
    }

    @Test
    void aSampleGroupKeepsTheDrawsBelowItsRate() {
        assertThat(CaptureDecision.groups(List.of(SAMPLE), false, () -> 0.05)).containsExactly("tenth");
        assertThat(CaptureDecision.groups(List.of(SAMPLE), false, () -> 0.1)).isEmpty();
        assertThat(CaptureDecision.groups(List.of(new CaptureGroup("whole", "sample", 1.0, null)), false,
                () -> 0.999)).containsExactly("whole");
    }

    @Test
    void noGroupsKeepNothing() {
        assertThat(CaptureDecision.groups(List.of(), true, () -> 0.0)).isEmpty();
    }

    @Test
    void theScoreIsComputedByTheDeploymentsStrategyWhenTheCallerDidNotAskForActiveLearning() {
        ServingSettings settings = new ServingSettings(1, 0, 8, 1000, "entropy", 0.5, List.of(FLAGGED));
        Assignment a = new Assignment(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), "m", "v1", "0", 0,
                null, List.of(), settings);
        List<Prediction> doubtful = List.of(Prediction.box(0.1, 0.1, 0.5, 0.5, 0.5, new Tag(1, "person")));
        List<Prediction> sure = List.of(Prediction.box(0.1, 0.1, 0.5, 0.5, 0.999, new Tag(1, "person")));

        var kept = Captures.decide(a, settings, new byte[]{(byte) 0xff, (byte) 0xd8, (byte) 0xff}, 10, 10, doubtful,
                Routines.newResults());
        var skipped = Captures.decide(a, settings, new byte[3], 10, 10, sure, Routines.newResults());

        assertThat(kept).hasValueSatisfying(c -> {
            assertThat(c.metadata().groups()).containsExactly("uncertain");
            assertThat(c.metadata().flagged()).isTrue();
            assertThat(c.metadata().score()).isEqualTo(1.0);
            assertThat(c.metadata().predictions()).singleElement()
                    .satisfies(p -> assertThat(p.tag().name()).isEqualTo("person"));
            assertThat(c.metadata().contentType()).isEqualTo("image/jpeg");
        });
        assertThat(skipped).isEmpty();
    }

    @Test
    void theCallersOwnActiveLearningVerdictIsTheOneUsed() {
        ServingSettings settings = new ServingSettings(1, 0, 8, 1000, "entropy", 0.5, List.of(FLAGGED));
        List<Prediction> sure = List.of(Prediction.box(0.1, 0.1, 0.5, 0.5, 0.999, new Tag(1, "person")));
        ServingSettings lowThreshold = new ServingSettings(1, 0, 8, 1000, "entropy", 0.0);
        Map<String, Object> results = Routines.newResults();
        Routines.parse(List.of(new dev.kiln.node.routines.RoutineCall(0, "ActiveLearning", Map.of())), lowThreshold)
                .apply(sure, results);

        assertThat(Routines.uncertainty(sure, results, settings).flagged()).isTrue();
        assertThat(Routines.uncertainty(sure, Routines.newResults(), settings).flagged()).isFalse();
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfWaiting() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CaptureQueue queue = new CaptureQueue(new CaptureConfig(2, 1000, Duration.ofSeconds(1)), null, registry);
        PendingCapture small = new PendingCapture(null, new byte[10]);

        assertThat(queue.offer(small)).isTrue();
        assertThat(queue.offer(small)).isTrue();
        assertThat(queue.offer(small)).isFalse();
        assertThat(queue.offer(new PendingCapture(null, new byte[2000]))).isFalse();

        assertThat(queue.dropped()).isEqualTo(2);
        assertThat(registry.get("kiln.node.captures.dropped").functionCounter().count()).isEqualTo(2);
        assertThat(registry.get("kiln.node.captures.queued").gauge().value()).isEqualTo(2);
    }
}
