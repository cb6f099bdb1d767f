package dev.kiln.controlplane.scheduler;

import dev.kiln.controlplane.deployment.Deployment;
import dev.kiln.protocol.InstanceStatus;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static dev.kiln.controlplane.scheduler.PlacementData.cpu;
import static dev.kiln.controlplane.scheduler.PlacementData.cpuNode;
import static dev.kiln.controlplane.scheduler.PlacementData.gpu;
import static dev.kiln.controlplane.scheduler.PlacementData.gpuNode;
import static dev.kiln.controlplane.scheduler.PlacementData.instance;
import static org.assertj.core.api.Assertions.assertThat;

class CapacityTest {

    @Test
    void cpuInstancesOfOneDeploymentSpreadAcrossNodes() {
        NodeSlot a = cpuNode("a");
        NodeSlot b = cpuNode("b");
        NodeSlot c = cpuNode("c");
        Capacity capacity = new Capacity(List.of(a, b, c), Set.of(), List.of());
        Deployment d = cpu(3);

        List<UUID> placed = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            placed.add(capacity.place(d).orElseThrow().nodeId());
        }

        assertThat(placed).containsExactlyInAnyOrder(a.id(), b.id(), c.id());
    }

    @Test
    void spreadPrefersTheNodeWithFewerInstancesOverall() {
        NodeSlot busy = cpuNode("a-busy");
        NodeSlot idle = cpuNode("b-idle");
        Deployment other = cpu(2);
        Capacity capacity = new Capacity(List.of(busy, idle), Set.of(), List.of(
                instance(other, busy, InstanceStatus.READY), instance(other, busy, InstanceStatus.READY)));

        assertThat(capacity.place(cpu(1)).orElseThrow().nodeId()).isEqualTo(idle.id());
    }

    @Test
    void aFourthInstanceOnThreeNodesGoesToTheLeastLoaded() {
        NodeSlot a = cpuNode("a");
        NodeSlot b = cpuNode("b");
        Deployment d = cpu(3);
        Capacity capacity = new Capacity(List.of(a, b), Set.of(), List.of(instance(d, a, InstanceStatus.READY)));

        assertThat(capacity.place(d).orElseThrow().nodeId()).isEqualTo(b.id());
        // now one each: the tie is broken by total instances, then name
        assertThat(capacity.place(d).orElseThrow().nodeId()).isEqualTo(a.id());
    }

    @Test
    void gpuInstancesGetWholeDedicatedGpusAndNeverShareThem() {
        NodeSlot node = gpuNode("g", "NVIDIA A100-SXM4-80GB", "NVIDIA A100-SXM4-80GB");
        Deployment d = gpu(3, "A100", 1);
        Capacity capacity = new Capacity(List.of(node), Set.of(), List.of());

        var first = capacity.place(d).orElseThrow();
        var second = capacity.place(d).orElseThrow();

        assertThat(first.gpuIndices()).hasSize(1);
        assertThat(second.gpuIndices()).hasSize(1).doesNotContainAnyElementsOf(first.gpuIndices());
        assertThat(capacity.place(d)).isEmpty();
        assertThat(capacity.unplaceableReason(d)).isEqualTo("needs 1 × A100 per instance; no node has a free A100");
    }

    @Test
    void gpusHeldByExistingInstancesOfOtherDeploymentsAreNotFree() {
        NodeSlot node = gpuNode("g", "Tesla T4", "Tesla T4");
        Deployment other = gpu(1, null, 1);
        Capacity capacity = new Capacity(List.of(node), Set.of(),
                List.of(instance(other, node, InstanceStatus.READY, 1)));

        var spot = capacity.place(gpu(1, null, 1)).orElseThrow();

        assertThat(spot.gpuIndices()).containsExactly(0);
    }

    @Test
    void severalGpusPerInstanceMustBeOnOneNode() {
        NodeSlot one = gpuNode("a", "L4");
        NodeSlot two = gpuNode("b", "L4", "L4");
        Deployment d = gpu(1, "L4", 2);
        Capacity capacity = new Capacity(List.of(one, two), Set.of(), List.of());

        var spot = capacity.place(d).orElseThrow();

        assertThat(spot.nodeId()).isEqualTo(two.id());
        assertThat(spot.gpuIndices()).containsExactly(0, 1);
    }

    @Test
    void theGpuTypeMustMatchAndCpuNodesNeverTakeGpuInstances() {
        NodeSlot wrongType = gpuNode("a", "Tesla T4");
        NodeSlot cpuOnly = cpuNode("b");
        Deployment d = gpu(1, "A100", 1);
        Capacity capacity = new Capacity(List.of(wrongType, cpuOnly), Set.of(), List.of());

        assertThat(capacity.place(d)).isEmpty();
    }

    @Test
    void releasedGpusAreFreeAgainWithinTheRound() {
        NodeSlot node = gpuNode("g", "L4");
        Deployment d = gpu(1, null, 1);
        var failed = instance(d, node, InstanceStatus.FAILED, 0);
        Capacity capacity = new Capacity(List.of(node), Set.of(), List.of(failed));
        assertThat(capacity.place(d)).isEmpty();

        capacity.release(failed);

        assertThat(capacity.place(d).orElseThrow().gpuIndices()).containsExactly(0);
    }

    @Test
    void aGpuIsOfACatalogTypeWhenItsNameHasEveryWordOfTheType() {
        assertThat(Capacity.matches("NVIDIA H100 80GB HBM3", "H100-80GB")).isTrue();
        assertThat(Capacity.matches("NVIDIA H100 80GB HBM3", "h100")).isTrue();
        assertThat(Capacity.matches("NVIDIA A100-SXM4-80GB", "A100 80GB")).isTrue();
        assertThat(Capacity.matches("NVIDIA L4", "L4")).isTrue();
        assertThat(Capacity.matches("NVIDIA L40S", "L4")).isFalse();
        assertThat(Capacity.matches("NVIDIA H100 PCIe", "H100-80GB")).isFalse();
        assertThat(Capacity.matches("Tesla T4", null)).isTrue();
    }

    @Test
    void aGpuAskThatDoesNotFitNamesTheLargestFreeSet() {
        NodeSlot a = gpuNode("node-a", "NVIDIA H100 80GB HBM3", "NVIDIA L4");
        NodeSlot b = gpuNode("node-b", "NVIDIA H100 80GB HBM3", "NVIDIA H100 80GB HBM3");
        Deployment other = gpu(1, "H100-80GB", 1);
        Capacity capacity = new Capacity(List.of(a, b), Set.of(), List.of(instance(other, b, InstanceStatus.READY, 0)));
        Deployment big = gpu(1, "H100-80GB", 2);

        assertThat(capacity.place(big)).isEmpty();
        // node-a and node-b both have one free H100; the L4 does not count
        assertThat(capacity.unplaceableReason(big))
                .isEqualTo("needs 2 × H100-80GB per instance; the largest free is 1 on node-a");
    }

    @Test
    void reasonsSayWhatIsMissing() {
        Capacity none = new Capacity(List.of(), Set.of(), List.of());

        assertThat(none.unplaceableReason(gpu(1, null, 1)))
                .isEqualTo("needs 1 × GPU per instance; no node has a free GPU");
        assertThat(none.unplaceableReason(gpu(1, null, 2)))
                .isEqualTo("needs 2 × GPU per instance; no node has 2 free GPUs");
        assertThat(none.unplaceableReason(cpu(1))).isEqualTo("needs a ready inference node; none is available");
    }
}
