package dev.kiln.controlplane.deployment;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class TrafficTest {

    private final UUID v1 = UUID.randomUUID();
    private final UUID v2 = UUID.randomUUID();
    private final UUID v3 = UUID.randomUUID();

    @Test
    void instancesAreSharedByWeightWithTheLargestRemainderFirst() {
        List<TrafficSplit> split = List.of(new TrafficSplit(v1, 70, false), new TrafficSplit(v2, 30, false));

        assertThat(Traffic.instancesPerVersion(split, 10)).containsEntry(v1, 7).containsEntry(v2, 3);
        assertThat(Traffic.instancesPerVersion(split, 4)).containsEntry(v1, 3).containsEntry(v2, 1);
    }

    @Test
    void everyWeightedVersionRunsAtLeastOneAndAZeroWeightNone() {
        List<TrafficSplit> split = List.of(new TrafficSplit(v1, 95, false), new TrafficSplit(v2, 5, false),
                new TrafficSplit(v3, 0, false));

        assertThat(Traffic.instancesPerVersion(split, 2)).containsExactly(
                java.util.Map.entry(v1, 2), java.util.Map.entry(v2, 1));
        assertThat(Traffic.totalInstances(split, 2)).isEqualTo(3);
    }

    @Test
    void theShadowGetsItsShareRoundedUpAndAtLeastOne() {
        List<TrafficSplit> small = List.of(new TrafficSplit(v1, 100, false), new TrafficSplit(v2, 10, true));
        List<TrafficSplit> large = List.of(new TrafficSplit(v1, 100, false), new TrafficSplit(v2, 50, true));

        assertThat(Traffic.instancesPerVersion(small, 4)).containsEntry(v1, 4).containsEntry(v2, 1);
        assertThat(Traffic.instancesPerVersion(large, 5)).containsEntry(v1, 5).containsEntry(v2, 3);
    }

    @Test
    void scaledToZeroRunsNothing() {
        assertThat(Traffic.instancesPerVersion(List.of(new TrafficSplit(v1, 50, false),
                new TrafficSplit(v2, 50, false)), 0)).isEmpty();
    }

    @Test
    void thePrimaryIsTheHeaviestNonShadowVersionAndTheFirstOnATie() {
        assertThat(Traffic.primary(List.of(new TrafficSplit(v1, 10, false), new TrafficSplit(v2, 90, false),
                new TrafficSplit(v3, 100, true)))).isEqualTo(v2);
        assertThat(Traffic.primary(List.of(new TrafficSplit(v1, 50, false), new TrafficSplit(v2, 50, false))))
                .isEqualTo(v1);
    }
}
