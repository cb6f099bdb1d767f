package dev.kiln.controlplane.gateway;

import dev.kiln.controlplane.deployment.TrafficSplit;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class VersionPickerTest {

    private final UUID stable = UUID.randomUUID();
    private final UUID canary = UUID.randomUUID();
    private final UUID shadow = UUID.randomUUID();
    private final Random random = new Random(42);

    @Test
    void aNinetyTenSplitIsWithinFivePercentOverAThousandPicks() {
        List<TrafficSplit> traffic = List.of(new TrafficSplit(stable, 90, false), new TrafficSplit(canary, 10, false));

        Map<UUID, Integer> counts = picks(traffic, Set.of(stable, canary), 1000);

        assertThat(counts.get(canary)).isBetween(50, 150);
        assertThat(counts.get(stable)).isBetween(850, 950);
    }

    @Test
    void aVersionWithoutAReadyInstanceGivesItsShareToTheOthers() {
        List<TrafficSplit> traffic = List.of(new TrafficSplit(stable, 90, false), new TrafficSplit(canary, 10, false));

        assertThat(picks(traffic, Set.of(stable), 200)).containsOnlyKeys(stable);
        assertThat(VersionPicker.choose(traffic, Set.of(), random).serving()).isNull();
    }

    @Test
    void theShadowGetsACopyOfItsShareAndNeverAnswers() {
        List<TrafficSplit> traffic = List.of(new TrafficSplit(stable, 100, false), new TrafficSplit(shadow, 20, true));
        int mirrored = 0;
        for (int i = 0; i < 1000; i++) {
            VersionPicker.Choice choice = VersionPicker.choose(traffic, Set.of(stable, shadow), random);
            assertThat(choice.serving()).isEqualTo(stable);
            if (shadow.equals(choice.shadow())) {
                mirrored++;
            }
        }

        assertThat(mirrored).isBetween(150, 250);
        assertThat(VersionPicker.choose(traffic, Set.of(stable), random).shadow()).isNull();
    }

    private Map<UUID, Integer> picks(List<TrafficSplit> traffic, Set<UUID> ready, int n) {
        Map<UUID, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(VersionPicker.choose(traffic, ready, random).serving(), 1, Integer::sum);
        }
        return counts;
    }
}
