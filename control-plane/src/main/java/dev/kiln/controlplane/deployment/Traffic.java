package dev.kiln.controlplane.deployment;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Pure rules of a traffic list. Instances are split so that every version that takes traffic runs: the deployment's
 * {@code instances} are shared among the weighted (non-shadow, weight &gt; 0) versions in proportion to their
 * weights (largest remainder), each weighted version gets at least one, and the shadow gets its weight's share of
 * {@code instances} rounded up, at least one. Zero instances (scaled to zero) gives every version zero.
 */
public final class Traffic {

    private Traffic() {
    }

    /** The deployment's traffic list; without one, its single model version takes every request. */
    public static List<TrafficSplit> effective(Deployment deployment) {
        return deployment.traffic().isEmpty()
                ? List.of(new TrafficSplit(deployment.modelVersionId(), 100, false))
                : deployment.traffic();
    }

    /** Model version → instances it should run, in list order; versions with no instance are left out. */
    public static Map<UUID, Integer> instancesPerVersion(List<TrafficSplit> traffic, int instances) {
        Map<UUID, Integer> counts = new LinkedHashMap<>();
        if (instances <= 0) {
            return counts;
        }
        List<TrafficSplit> weighted = traffic.stream().filter(t -> !t.shadow() && t.weight() > 0).toList();
        int total = weighted.stream().mapToInt(TrafficSplit::weight).sum();
        int[] share = new int[weighted.size()];
        int given = 0;
        List<Integer> byRemainder = new ArrayList<>();
        for (int i = 0; i < weighted.size(); i++) {
            share[i] = instances * weighted.get(i).weight() / total;
            given += share[i];
            byRemainder.add(i);
        }
        byRemainder.sort(Comparator.comparingInt((Integer i) -> -(instances * weighted.get(i).weight() % total)));
        for (int k = 0; given < instances; k++, given++) {
            share[byRemainder.get(k)]++;
        }
        for (int i = 0; i < weighted.size(); i++) {
            counts.put(weighted.get(i).modelVersionId(), Math.max(1, share[i]));
        }
        traffic.stream().filter(TrafficSplit::shadow).forEach(s -> counts.put(s.modelVersionId(),
                Math.max(1, (instances * s.weight() + 99) / 100)));
        return counts;
    }

    /** All the instances {@link #instancesPerVersion} asks for (quota demand). */
    public static int totalInstances(List<TrafficSplit> traffic, int instances) {
        return instancesPerVersion(traffic, instances).values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The version that takes most of the requests (first on a tie): the deployment's {@code modelVersionId}. */
    public static UUID primary(List<TrafficSplit> traffic) {
        return traffic.stream().filter(t -> !t.shadow())
                .max(Comparator.comparingInt(TrafficSplit::weight).thenComparing(t -> -traffic.indexOf(t)))
                .orElseThrow().modelVersionId();
    }
}
