package dev.kiln.controlplane.gateway;

import dev.kiln.controlplane.deployment.TrafficSplit;
import io.micronaut.core.annotation.Nullable;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * Pure choice of the model version that answers one request, and whether a copy goes to the shadow (DESIGN §7
 * traffic). Only versions with a ready instance take part: their weights are scaled up to the whole, so a canary
 * still loading (or a version draining during a rollout) never turns requests away.
 */
final class VersionPicker {

    /**
     * @param serving the version that answers; null when no weighted version has a ready instance
     * @param shadow  the version that gets a copy of this request; null for none
     */
    record Choice(@Nullable UUID serving, @Nullable UUID shadow) {
    }

    private VersionPicker() {
    }

    static Choice choose(List<TrafficSplit> traffic, Set<UUID> readyVersions, RandomGenerator random) {
        int total = 0;
        for (TrafficSplit split : traffic) {
            if (serves(split, readyVersions)) {
                total += split.weight();
            }
        }
        UUID serving = null;
        if (total > 0) {
            int ticket = random.nextInt(total);
            for (TrafficSplit split : traffic) {
                if (serves(split, readyVersions)) {
                    ticket -= split.weight();
                    if (ticket < 0) {
                        serving = split.modelVersionId();
                        break;
                    }
                }
            }
        }
        UUID shadow = null;
        for (TrafficSplit split : traffic) {
            if (split.shadow() && readyVersions.contains(split.modelVersionId())
                    && random.nextInt(100) < split.weight()) {
                shadow = split.modelVersionId();
            }
        }
        return new Choice(serving, shadow);
    }

    private static boolean serves(TrafficSplit split, Set<UUID> readyVersions) {
        return !split.shadow() && split.weight() > 0 && readyVersions.contains(split.modelVersionId());
    }
}
