package dev.kiln.controlplane.scheduler;

import dev.kiln.controlplane.deployment.Deployment;
import dev.kiln.controlplane.deployment.DeploymentStatus;
import dev.kiln.controlplane.deployment.TrafficSplit;
import dev.kiln.controlplane.node.Instance;
import dev.kiln.protocol.InstanceStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static dev.kiln.controlplane.scheduler.PlacementData.T0;
import static dev.kiln.controlplane.scheduler.PlacementData.cpu;
import static dev.kiln.controlplane.scheduler.PlacementData.cpuNode;
import static dev.kiln.controlplane.scheduler.PlacementData.failed;
import static dev.kiln.controlplane.scheduler.PlacementData.gpu;
import static dev.kiln.controlplane.scheduler.PlacementData.instance;
import static dev.kiln.controlplane.scheduler.PlacementData.ofVersion;
import static dev.kiln.controlplane.scheduler.PlacementData.withTraffic;
import static dev.kiln.controlplane.scheduler.PlacementData.withGeneration;
import static org.assertj.core.api.Assertions.assertThat;

class PlannerTest {

    private final SchedulerConfig config = new SchedulerConfig(true, Duration.ofSeconds(1), Duration.ofSeconds(5),
            Duration.ofMinutes(5), Duration.ofSeconds(5));
    private final Planner planner = new Planner(config);
    private final Instant now = T0.plusSeconds(60);
    private final NodeSlot a = cpuNode("a");
    private final NodeSlot b = cpuNode("b");
    private final NodeSlot c = cpuNode("c");

    private Plan plan(Deployment d, List<Instance> instances, NodeSlot... nodes) {
        return planner.plan(d, instances, new Capacity(List.of(nodes), Set.of(), instances), now);
    }

    @Test
    void aNewDeploymentGetsItsInstancesSpreadAndIsDeploying() {
        Plan plan = plan(cpu(2), List.of(), a, b);

        assertThat(plan.create()).extracting(Plan.NewInstance::nodeId).containsExactlyInAnyOrder(a.id(), b.id());
        assertThat(plan.status()).isEqualTo(DeploymentStatus.DEPLOYING);
        assertThat(plan.reason()).isNull();
    }

    @Test
    void nothingToPlaceOnIsPendingWithTheReason() {
        Plan cpuPlan = plan(cpu(1), List.of());
        Plan gpuPlan = plan(gpu(1, null, 1), List.of(), a, b);

        assertThat(cpuPlan.create()).isEmpty();
        assertThat(cpuPlan.status()).isEqualTo(DeploymentStatus.PENDING);
        assertThat(gpuPlan.status()).isEqualTo(DeploymentStatus.PENDING);
        assertThat(gpuPlan.reason()).isEqualTo("needs 1 × GPU per instance; no node has a free GPU");
    }

    @Test
    void allReadyIsOnlineSomeReadyIsDegraded() {
        Deployment d = cpu(2);
        Plan online = plan(d, List.of(instance(d, a, InstanceStatus.READY), instance(d, b, InstanceStatus.READY)),
                a, b);
        Plan degraded = plan(d, List.of(instance(d, a, InstanceStatus.READY), instance(d, b, InstanceStatus.LOADING)),
                a, b);

        assertThat(online.changesInstances()).isFalse();
        assertThat(online.status()).isEqualTo(DeploymentStatus.ONLINE);
        assertThat(degraded.status()).isEqualTo(DeploymentStatus.DEGRADED);
        assertThat(degraded.reason()).isEqualTo("1 of 2 instances ready");
    }

    @Test
    void aFailedLoadIsFailedWithTheErrorAndRetriedOnlyAfterItsBackoff() {
        Deployment d = cpu(1);
        Instance justFailed = failed(d, a, "Protobuf parsing failed", 1, now.minusSeconds(2));
        Instance failedLongAgo = failed(d, a, "Protobuf parsing failed", 2, now.minusSeconds(11));

        Plan waiting = plan(d, List.of(justFailed), a);
        Plan retry = plan(d, List.of(failedLongAgo), a);

        assertThat(waiting.changesInstances()).isFalse();
        assertThat(waiting.status()).isEqualTo(DeploymentStatus.FAILED);
        assertThat(waiting.reason()).isEqualTo("Protobuf parsing failed");
        assertThat(retry.delete()).containsExactly(failedLongAgo.id());
        assertThat(retry.create()).singleElement().satisfies(created -> {
            assertThat(created.attempts()).isEqualTo(2);
            assertThat(created.error()).isEqualTo("Protobuf parsing failed");
        });
        assertThat(retry.status()).isEqualTo(DeploymentStatus.FAILED);
    }

    @Test
    void backoffDoublesPerAttemptUpToItsCap() {
        assertThat(config.backoff(1)).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.backoff(2)).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.backoff(3)).isEqualTo(Duration.ofSeconds(20));
        assertThat(config.backoff(30)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void aNewGenerationStartsBesideTheOldOneAndTakesOverOnlyWhenReady() {
        Deployment v1 = cpu(2);
        Instance old1 = instance(v1, a, InstanceStatus.READY);
        Instance old2 = instance(v1, b, InstanceStatus.READY);
        Deployment v2 = withGeneration(v1, 2, T0.plusSeconds(30));

        Plan starting = plan(v2, List.of(old1, old2), a, b);

        assertThat(starting.create()).hasSize(2);
        assertThat(starting.drain()).isEmpty();
        assertThat(starting.delete()).isEmpty();
        assertThat(starting.status()).isEqualTo(DeploymentStatus.DEPLOYING);
        assertThat(starting.reason()).startsWith("rolling out: 0 of 2 new instances ready");

        Instance new1 = instance(v2, a, InstanceStatus.READY, 2, now);
        Instance new2 = instance(v2, b, InstanceStatus.READY, 2, now);
        Plan switching = plan(v2, List.of(old1, old2, new1, new2), a, b);

        assertThat(switching.create()).isEmpty();
        assertThat(switching.drain()).containsExactlyInAnyOrder(old1.id(), old2.id());
        assertThat(switching.status()).isEqualTo(DeploymentStatus.ONLINE);
    }

    @Test
    void extraInstancesDrainTheReadyOnesAndDropTheOthers() {
        Deployment d = cpu(1);
        Instance ready1 = instance(d, a, InstanceStatus.READY);
        Instance ready2 = instance(d, b, InstanceStatus.READY);
        Instance loading = instance(d, b, InstanceStatus.LOADING);

        Plan plan = plan(d, List.of(ready1, ready2, loading), a, b);

        assertThat(plan.delete()).containsExactly(loading.id());
        // the node with two instances gives one up
        assertThat(plan.drain()).containsExactly(ready2.id());
        assertThat(plan.status()).isEqualTo(DeploymentStatus.ONLINE);
    }

    @Test
    void drainedInstancesGoAfterTheGrace() {
        Deployment d = cpu(1);
        Instance ready = instance(d, a, InstanceStatus.READY);
        Instance draining = instance(d, b, InstanceStatus.DRAINING, 1, now.minusSeconds(6));
        Instance recentlyDrained = instance(d, b, InstanceStatus.DRAINING, 1, now.minusSeconds(1));

        Plan plan = plan(d, List.of(ready, draining, recentlyDrained), a, b);

        assertThat(plan.delete()).containsExactly(draining.id());
    }

    @Test
    void lostInstancesAreReplacedAndForgottenOnceTheReplacementIsReady() {
        Deployment d = cpu(1);
        Instance lost = instance(d, a, InstanceStatus.LOST);

        Plan replacing = plan(d, List.of(lost), b);
        Instance replacement = instance(d, b, InstanceStatus.READY);
        Plan done = plan(d, List.of(lost, replacement), b);

        assertThat(replacing.create()).singleElement().extracting(Plan.NewInstance::nodeId).isEqualTo(b.id());
        assertThat(replacing.delete()).isEmpty();
        assertThat(done.delete()).containsExactly(lost.id());
    }

    @Test
    void settingsChangedAfterAnInstanceWasWrittenAreAnnounced() {
        Deployment d = withGeneration(cpu(1), 1, now.minusSeconds(5));
        Instance stale = instance(d, a, InstanceStatus.READY, 1, now.minusSeconds(10));
        Instance fresh = instance(d, b, InstanceStatus.READY, 1, now.minusSeconds(1));

        assertThat(plan(d, List.of(stale), a).touch()).containsExactly(stale.id());
        assertThat(plan(d, List.of(fresh), b).touch()).isEmpty();
    }

    private Plan planDraining(Deployment d, List<Instance> instances, NodeSlot drainingNode, NodeSlot... nodes) {
        return planner.plan(d, instances, new Capacity(List.of(nodes), Set.of(drainingNode.id()), instances), now);
    }

    @Test
    void instancesOnADrainingNodeAreReplacedElsewhereAndServeUntilTheReplacementIsReady() {
        Deployment d = cpu(2);
        Instance onA = instance(d, a, InstanceStatus.READY);
        Instance onB = instance(d, b, InstanceStatus.READY);
        NodeSlot c = cpuNode("c");

        Plan replacing = planDraining(d, List.of(onA, onB), a, b, c);

        assertThat(replacing.create()).singleElement().extracting(Plan.NewInstance::nodeId).isEqualTo(c.id());
        assertThat(replacing.drain()).isEmpty();
        assertThat(replacing.delete()).isEmpty();
        assertThat(replacing.status()).isEqualTo(DeploymentStatus.ONLINE);
        assertThat(replacing.reason()).isEqualTo("moving 1 instance off a draining node");

        Instance loading = instance(d, c, InstanceStatus.LOADING);
        Plan waiting = planDraining(d, List.of(onA, onB, loading), a, b, c);
        assertThat(waiting.create()).isEmpty();
        assertThat(waiting.drain()).isEmpty();

        Instance ready = instance(d, c, InstanceStatus.READY);
        Plan moved = planDraining(d, List.of(onA, onB, ready), a, b, c);
        assertThat(moved.create()).isEmpty();
        assertThat(moved.drain()).containsExactly(onA.id());
        assertThat(moved.status()).isEqualTo(DeploymentStatus.ONLINE);
        assertThat(moved.reason()).isNull();
    }

    @Test
    void aDrainingNodesInstanceThatDoesNotServeGoesAtOnce() {
        Deployment d = cpu(1);
        Instance loadingOnA = instance(d, a, InstanceStatus.LOADING);

        Plan plan = planDraining(d, List.of(loadingOnA), a, b);

        assertThat(plan.delete()).containsExactly(loadingOnA.id());
        assertThat(plan.create()).singleElement().extracting(Plan.NewInstance::nodeId).isEqualTo(b.id());
    }

    @Test
    void aDrainingNodeKeepsServingWhileNoReplacementCanBePlaced() {
        Deployment d = cpu(1);
        Instance onA = instance(d, a, InstanceStatus.READY);

        Plan plan = planDraining(d, List.of(onA), a);

        assertThat(plan.create()).isEmpty();
        assertThat(plan.drain()).isEmpty();
        assertThat(plan.delete()).isEmpty();
        assertThat(plan.status()).isEqualTo(DeploymentStatus.ONLINE);
        assertThat(plan.reason())
                .isEqualTo("moving 1 instance off a draining node; needs a ready inference node; none is available");
    }

    @Test
    void scaledToZeroHasNothingToRun() {
        Deployment d = cpu(0);
        Instance ready = instance(d, a, InstanceStatus.READY);

        Plan plan = plan(d, List.of(ready), a);

        assertThat(plan.drain()).containsExactly(ready.id());
        assertThat(plan.status()).isEqualTo(DeploymentStatus.PENDING);
    }

    @Test
    void aCanaryGetsItsOwnInstanceBesideThePrimaryOnesWhichKeepServing() {
        Deployment single = cpu(3);
        UUID v1 = single.modelVersionId();
        UUID v2 = UUID.randomUUID();
        List<Instance> running = List.of(instance(single, a, InstanceStatus.READY),
                instance(single, b, InstanceStatus.READY), instance(single, c, InstanceStatus.READY));
        Deployment canary = withTraffic(single, List.of(new TrafficSplit(v1, 90, false),
                new TrafficSplit(v2, 10, false)));

        Plan plan = plan(canary, running, a, b, c);

        // 3 × 90 % rounds to 3 for v1 (largest remainder), and v2 gets its one anyway.
        assertThat(plan.create()).extracting(Plan.NewInstance::modelVersionId).containsExactly(v2);
        assertThat(plan.drain()).isEmpty();
        assertThat(plan.delete()).isEmpty();
    }

    @Test
    void aShadowVersionGetsAnInstanceAndCountsTowardsReadiness() {
        Deployment single = cpu(2);
        UUID v1 = single.modelVersionId();
        UUID shadow = UUID.randomUUID();
        Deployment mirrored = withTraffic(single, List.of(new TrafficSplit(v1, 100, false),
                new TrafficSplit(shadow, 10, true)));
        List<Instance> running = List.of(instance(single, a, InstanceStatus.READY),
                instance(single, b, InstanceStatus.READY));

        Plan starting = plan(mirrored, running, a, b);
        Plan online = plan(mirrored, List.of(running.get(0), running.get(1),
                ofVersion(mirrored, shadow, a, InstanceStatus.READY)), a, b);

        assertThat(starting.create()).extracting(Plan.NewInstance::modelVersionId).containsExactly(shadow);
        assertThat(starting.status()).isEqualTo(DeploymentStatus.DEGRADED);
        assertThat(online.changesInstances()).isFalse();
        assertThat(online.status()).isEqualTo(DeploymentStatus.ONLINE);
    }

    @Test
    void promotingStartsTheNewVersionBeforeTheOldOneDrains() {
        Deployment canary = withTraffic(cpu(2), List.of(new TrafficSplit(UUID.randomUUID(), 50, false),
                new TrafficSplit(UUID.randomUUID(), 50, false)));
        UUID v1 = canary.traffic().get(0).modelVersionId();
        UUID v2 = canary.traffic().get(1).modelVersionId();
        Instance onV1 = ofVersion(canary, v1, a, InstanceStatus.READY);
        Instance onV2 = ofVersion(canary, v2, b, InstanceStatus.READY);
        Deployment promoted = withTraffic(canary, List.of(new TrafficSplit(v2, 100, false)));

        Plan starting = plan(promoted, List.of(onV1, onV2), a, b);
        Instance second = ofVersion(promoted, v2, a, InstanceStatus.READY);
        Plan switching = plan(promoted, List.of(onV1, onV2, second), a, b);

        assertThat(starting.create()).extracting(Plan.NewInstance::modelVersionId).containsExactly(v2);
        assertThat(starting.drain()).isEmpty();
        assertThat(starting.status()).isEqualTo(DeploymentStatus.DEPLOYING);
        assertThat(switching.create()).isEmpty();
        assertThat(switching.drain()).containsExactly(onV1.id());
        assertThat(switching.status()).isEqualTo(DeploymentStatus.ONLINE);
    }

    @Test
    void aShadowMadeAServingVersionGetsServingInstancesBeforeItsShadowOneDrains() {
        Deployment base = cpu(1);
        UUID v1 = base.modelVersionId();
        UUID v2 = UUID.randomUUID();
        Deployment mirrored = withTraffic(base, List.of(new TrafficSplit(v1, 100, false),
                new TrafficSplit(v2, 10, true)));
        Instance shadowOne = ofVersion(mirrored, v2, a, InstanceStatus.READY);
        Instance primaryOne = ofVersion(mirrored, v1, b, InstanceStatus.READY);
        Deployment promoted = withTraffic(base, List.of(new TrafficSplit(v2, 100, false)));

        Plan plan = plan(promoted, List.of(shadowOne, primaryOne), a, b);

        assertThat(plan.create()).singleElement().satisfies(created -> {
            assertThat(created.modelVersionId()).isEqualTo(v2);
            assertThat(created.shadow()).isFalse();
        });
        assertThat(plan.drain()).isEmpty();
    }
}
