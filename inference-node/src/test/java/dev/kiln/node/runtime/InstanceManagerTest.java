package dev.kiln.node.runtime;

import dev.kiln.node.adapters.AdapterRegistry;
import dev.kiln.node.adapters.ClassificationAdapter;
import dev.kiln.node.adapters.Prediction;
import dev.kiln.node.adapters.ProbMapAdapter;
import dev.kiln.node.adapters.TorchvisionAdapter;
import dev.kiln.node.imaging.DecodedImage;
import dev.kiln.node.imaging.ImageDecoder;
import dev.kiln.node.imaging.ImagingConfig;
import dev.kiln.node.imaging.PixelBudget;
import dev.kiln.node.imaging.PreparedInput;
import dev.kiln.node.imaging.Preprocessor;
import dev.kiln.node.testing.SampleModels;
import dev.kiln.node.testing.TestAssignments;
import dev.kiln.node.testing.TestImages;
import dev.kiln.node.testing.TestQueues;
import dev.kiln.onnx.GpuProbe;
import dev.kiln.protocol.Assignment;
import dev.kiln.protocol.InstanceStatus;
import dev.kiln.protocol.ModelDescriptor;
import dev.kiln.protocol.ServingSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class InstanceManagerTest {
    private static final ServingSettings SETTINGS = new ServingSettings(1, 0, 1, 30_000, "entropy", 0.5);
    private static final RuntimeConfig CONFIG = new RuntimeConfig(null, 2, 1, false);
    private static InferencePool pool;
    private static InstanceManager manager;
    private static final TorchvisionAdapter TORCHVISION = new TorchvisionAdapter();

    @BeforeAll
    static void start() {
        pool = new InferencePool(CONFIG);
        manager = new InstanceManager(new OrtRuntime(CONFIG), pool,
                new AdapterRegistry(List.of(TORCHVISION, new ProbMapAdapter(), new ClassificationAdapter())),
                TestQueues.sizing());
    }

    @AfterAll
    static void stop() {
        manager.close();
        pool.stop();
    }

    private static ServingInstance load(Assignment a) throws Exception {
        ServingInstance instance = manager.add(a, SampleModels.path(SampleModels.SSDLITE));
        return instance.settled().get(60, TimeUnit.SECONDS);
    }

    @Test
    void loadsAnAssignmentAndRunsIt() throws Exception {
        Assignment a = TestAssignments.of(SampleModels.SSDLITE, SETTINGS);
        ServingInstance instance = load(a);
        assertThat(instance.status()).isEqualTo(InstanceStatus.READY);
        assertThat(manager.find(a.instanceId())).contains(instance);
        assertThat(manager.reports()).anySatisfy(r -> {
            assertThat(r.instanceId()).isEqualTo(a.instanceId());
            assertThat(r.status()).isEqualTo(InstanceStatus.READY);
        });
        ImageDecoder decoder = new ImageDecoder(ImagingConfig.defaults(), new PixelBudget(Long.MAX_VALUE));
        try (Admission ignored = instance.tryAdmit().orElseThrow();
             DecodedImage image = decoder.decode(TestImages.encode(TestImages.scene(320, 240, 1), "png"), (w, h) -> 1, Duration.ZERO);
             PreparedInput input = Preprocessor.prepare(image, a.descriptor().input(), a.descriptor().options(),
                     instance.buffers())) {
            InferenceOutcome<List<Prediction>> outcome = instance.infer(input.tensor(), new RunControl(),
                    outputs -> TORCHVISION.decode(outputs, a.descriptor(), input.geometry())).get(30, TimeUnit.SECONDS);
            assertThat(outcome.value()).isNotEmpty();
            assertThat(outcome.inferenceMs()).isPositive();
        }
        manager.apply(manager.all().stream().map(ServingInstance::assignment)
                .filter(x -> !x.instanceId().equals(a.instanceId())).toList(), x -> null);
    }

    @Test
    void anAdapterTheNodeDoesNotHaveFailsTheInstance() throws Exception {
        ModelDescriptor d = TestAssignments.descriptor(SampleModels.SSDLITE);
        ModelDescriptor yolo = new ModelDescriptor(d.task(), d.input(), "yolov8", d.outputs(), d.labels(), d.options());
        ServingInstance instance = load(TestAssignments.of(SampleModels.SSDLITE, yolo, SETTINGS, List.of()));
        assertThat(instance.status()).isEqualTo(InstanceStatus.FAILED);
        assertThat(instance.error()).contains("yolov8");
        assertThat(instance.tryAdmit()).isEmpty();
        assertThat(instance.report().error()).isEqualTo(instance.error());
    }

    @Test
    void aGpuAssignmentNeverSilentlyRunsOnCpu() throws Exception {
        assumeFalse(GpuProbe.present(), "this node has a GPU");
        ServingInstance instance = load(TestAssignments.of(SampleModels.SSDLITE,
                TestAssignments.descriptor(SampleModels.SSDLITE), SETTINGS, List.of(0)));
        assertThat(instance.status()).isEqualTo(InstanceStatus.FAILED);
        assertThat(instance.error()).contains("no usable GPU");
    }

    @Test
    void theQueueIsBoundedByMaxQueuePlusRunningThreads() throws Exception {
        ServingInstance instance = load(TestAssignments.of(SampleModels.SSDLITE, SETTINGS));
        // maxQueue 1 + 2 inference threads.
        Optional<Admission> a = instance.tryAdmit();
        Optional<Admission> b = instance.tryAdmit();
        Optional<Admission> c = instance.tryAdmit();
        assertThat(List.of(a, b, c)).allSatisfy(x -> assertThat(x).isPresent());
        assertThat(instance.tryAdmit()).isEmpty();
        a.orElseThrow().close();
        a.orElseThrow().close(); // closing twice frees one place only
        Optional<Admission> d = instance.tryAdmit();
        assertThat(d).isPresent();
        assertThat(instance.tryAdmit()).isEmpty();
        List.of(b, c, d).forEach(x -> x.orElseThrow().close());
        assertThat(instance.outstanding()).isZero();
    }

    @Test
    void anUnassignedInstanceClosesAfterItsInFlightRequests() throws Exception {
        Assignment keep = TestAssignments.of(SampleModels.SSDLITE, SETTINGS);
        Assignment drop = TestAssignments.of(SampleModels.SSDLITE, SETTINGS);
        load(keep);
        ServingInstance dropped = load(drop);
        Admission inFlight = dropped.tryAdmit().orElseThrow();
        List<Assignment> others = manager.all().stream().map(ServingInstance::assignment)
                .filter(x -> !x.instanceId().equals(drop.instanceId())).toList();
        manager.apply(others, x -> SampleModels.path(SampleModels.SSDLITE));
        assertThat(manager.find(drop.instanceId())).isEmpty();
        assertThat(manager.find(keep.instanceId())).isPresent();
        assertThat(dropped.tryAdmit()).isEmpty();
        assertThat(dropped.closed()).isFalse();
        assertThat(manager.reports()).noneSatisfy(r -> assertThat(r.instanceId()).isEqualTo(drop.instanceId()));
        inFlight.close();
        assertThat(dropped.closed()).isTrue();
    }

    @Test
    void aModelFailureAtRunTimeCarriesOrtsMessageAndACancelledRunIsSkipped() throws Exception {
        ServingInstance instance = load(TestAssignments.of(SampleModels.SSDLITE, SETTINGS));
        ByteBuffer wrongRank = ByteBuffer.allocateDirect(4 * 6).order(ByteOrder.nativeOrder());
        InputTensor bad = new InputTensor("images", wrongRank, new long[]{2, 3}, false);
        assertThatThrownBy(() -> instance.infer(bad, new RunControl(), outputs -> 1).join())
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(InferenceFailedException.class)
                .hasMessageContaining("images");
        RunControl cancelled = new RunControl();
        cancelled.cancel();
        assertThatThrownBy(() -> instance.infer(bad, cancelled, outputs -> 1).join())
                .cause().isInstanceOf(InferenceCancelledException.class);
        // The instance stays healthy.
        assertThat(instance.status()).isEqualTo(InstanceStatus.READY);
    }
}
