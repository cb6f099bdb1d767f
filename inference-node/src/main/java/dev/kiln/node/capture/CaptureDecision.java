package dev.kiln.node.capture;

import dev.kiln.protocol.CaptureGroup;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

/** Which of a deployment's capture groups keep one prediction (DESIGN §7): pure, the randomness passed in. */
public final class CaptureDecision {

    private CaptureDecision() {
    }

    /**
     * @param flagged ActiveLearning's verdict: the score is above the deployment's evaluation threshold
     * @param random  uniform in [0, 1); drawn once per sample group
     * @return the names of the groups that keep it, in the deployment's order; empty when none does
     */
    public static List<String> groups(List<CaptureGroup> groups, boolean flagged, DoubleSupplier random) {
        List<String> keep = new ArrayList<>(groups.size());
        for (CaptureGroup group : groups) {
            boolean kept = switch (group.mode()) {
                case CaptureGroup.ALL -> true;
                case CaptureGroup.FLAGGED -> flagged;
                case CaptureGroup.SAMPLE -> group.rate() != null && random.getAsDouble() < group.rate();
                default -> false;
            };
            if (kept) {
                keep.add(group.name());
            }
        }
        return keep;
    }
}
