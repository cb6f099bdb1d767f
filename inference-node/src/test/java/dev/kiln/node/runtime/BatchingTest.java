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
import dev.kiln.protocol.Assignment;
import dev.kiln.protocol.InstanceStatus;
import dev.kiln.protocol.ServingSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Dynamic batching on the mobilenet sample, whose batch dimension is dynamic. Batch sizes are observed, not timed. */
class BatchingTest {
    private static final RuntimeConfig CONFIG = new RuntimeConfig(null, 2, 1, false);
    private static final ClassificationAdapter CLASSIFICATION = new ClassificationAdapter();
    private static final ImageDecoder DECODER = new ImageDecoder(ImagingConfig.defaults(), new PixelBudget(Long.MAX_VALUE));
    private static InferencePool pool;
    private static InstanceManager manager;

    @BeforeAll
    static void start() {
        pool = new InferencePool(CONFIG);
        manager = new InstanceManager(new OrtRuntime(CONFIG), pool,
                new AdapterRegistry(List.of(new TorchvisionAdapter(), new ProbMapAdapter(), CLASSIFICATION)),
                TestQueues.sizing());
    }

    @AfterAll
    static void stop() {
        manager.close();
        pool.stop();
    }

    private static ServingSettings batching(int maxBatchSize, long maxQueueDelayMs) {
        return new ServingSettings(maxBatchSize, maxQueueDelayMs, 64, 60_000, "entropy", 0.5);
    }

    private static ServingInstance load(String sample, ServingSettings settings) throws Exception {
        Assignment a = TestAssignments.of(sample, settings);
        ServingInstance instance = manager.add(a, SampleModels.path(sample)).settled().get(60, TimeUnit.SECONDS);
        assertThat(instance.status()).isEqualTo(InstanceStatus.READY);
        return instance;
    }

    private static PreparedInput prepare(ServingInstance instance, long seed) {
        var d = instance.assignment().descriptor();
        try (DecodedImage image = DECODER.decode(TestImages.encode(TestImages.scene(640, 480, seed), "jpg"),
                (w, h) -> 1, Duration.ZERO)) {
            return Preprocessor.prepare(image, d.input(), d.options(), instance.buffers());
        }
    }

    private static CompletableFuture<InferenceOutcome<List<Prediction>>> classify(ServingInstance instance,
                                                                                 PreparedInput input) {
        var d = instance.assignment().descriptor();
        return instance.infer(input.tensor(), new RunControl(),
                outputs -> CLASSIFICATION.decode(outputs, d, input.geometry()));
    }

    private static List<Prediction> classifyNow(ServingInstance instance, long seed) throws Exception {
        try (PreparedInput input = prepare(instance, seed)) {
            return classify(instance, input).get(60, TimeUnit.SECONDS).value();
        }
    }

    private static int imagesRun(ServingInstance instance) {
        return instance.batchSizes().snapshot().entrySet().stream()
                .mapToInt(e -> (int) (e.getKey() * e.getValue())).sum();
    }

    private static void assertSamePredictions(List<Prediction> actual, List<Prediction> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i).tag()).isEqualTo(expected.get(i).tag());
            assertThat(actual.get(i).confidence()).isCloseTo(expected.get(i).confidence(), within(1e-4));
        }
    }

    @Test
    void batchedRunsGiveTheSamePredictionsAsSingleRunsOfTheSameImages() throws Exception {
        ServingInstance single = load(SampleModels.MOBILENET, batching(1, 0));
        // A delay no test waits for: the batch runs because it is full.
        ServingInstance batched = load(SampleModels.MOBILENET, batching(4, 600_000));
        assertThat(single.batching()).isFalse();
        assertThat(batched.batching()).isTrue();
        List<PreparedInput> inputs = new ArrayList<>();
        List<CompletableFuture<InferenceOutcome<List<Prediction>>>> results = new ArrayList<>();
        List<Admission> admitted = admit(batched, 4);
        try {
            for (long seed = 1; seed <= 4; seed++) {
                inputs.add(prepare(batched, seed));
                results.add(classify(batched, inputs.getLast()));
            }
            for (int i = 0; i < 4; i++) {
                assertSamePredictions(results.get(i).get(60, TimeUnit.SECONDS).value(), classifyNow(single, i + 1));
            }
        } finally {
            inputs.forEach(PreparedInput::close);
            admitted.forEach(Admission::close);
        }
        assertThat(batched.batchSizes().snapshot()).isEqualTo(Map.of(4, 1L));
        assertThat(single.batchSizes().snapshot()).isEqualTo(Map.of(1, 4L));
    }

    @Test
    void aBatchFormsUnderConcurrentSubmissions() throws Exception {
        ServingInstance batched = load(SampleModels.MOBILENET, batching(4, 60_000));
        int clients = 16;
        CountDownLatch go = new CountDownLatch(1);
        List<Admission> admitted = admit(batched, clients);
        try (ExecutorService submitters = Executors.newFixedThreadPool(clients)) {
            List<Future<List<Prediction>>> answers = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                long seed = i;
                Admission admission = admitted.get(i);
                answers.add(submitters.submit(() -> {
                    go.await();
                    try (admission) {
                        return classifyNow(batched, seed);
                    }
                }));
            }
            go.countDown();
            for (Future<List<Prediction>> answer : answers) {
                assertThat(answer.get(60, TimeUnit.SECONDS)).hasSize(5);
            }
        }
        assertThat(imagesRun(batched)).isEqualTo(clients);
        assertThat(batched.batchSizes().snapshot().lastKey()).isGreaterThan(1).isLessThanOrEqualTo(4);
    }

    @Test
    void theQueueDelayEndsTheWaitForABatchThatNeverFills() throws Exception {
        ServingInstance batched = load(SampleModels.MOBILENET, batching(8, 20));
        // A second admitted request that never arrives: the first waits for it only as long as the delay.
        List<Admission> admitted = admit(batched, 2);
        assertThat(classifyNow(batched, 7)).hasSize(5);
        admitted.forEach(Admission::close);
        assertThat(batched.batchSizes().snapshot()).isEqualTo(Map.of(1, 1L));
    }

    @Test
    void aRequestWithNoOtherOnItsWayRunsWithoutWaitingForTheDelay() throws Exception {
        // Were the delay waited for, the answer would not come within the test's 60 s.
        ServingInstance batched = load(SampleModels.MOBILENET, batching(8, 600_000));
        try (Admission ignored = batched.tryAdmit().orElseThrow()) {
            assertThat(classifyNow(batched, 7)).hasSize(5);
        }
        assertThat(batched.batchSizes().snapshot()).isEqualTo(Map.of(1, 1L));
    }

    /** Admissions of requests on their way to the instance, as the predict path takes them before decoding. */
    private static List<Admission> admit(ServingInstance instance, int count) {
        List<Admission> admitted = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            admitted.add(instance.tryAdmit().orElseThrow());
        }
        return admitted;
    }

    @Test
    void requestsOfDifferentShapesAreNeverStackedAndAFailedBatchFailsOnlyItsRequests() throws Exception {
        ServingInstance batched = load(SampleModels.MOBILENET, batching(4, 20));
        String name = batched.assignment().descriptor().input().name();
        List<CompletableFuture<InferenceOutcome<Integer>>> fitting = new ArrayList<>();
        List<CompletableFuture<InferenceOutcome<Integer>>> wrong = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            fitting.add(batched.infer(tensor(name, 224), new RunControl(), outputs -> outputs.size()));
            // The model's input is fixed at 224×224: this shape fails in the model.
            wrong.add(batched.infer(tensor(name, 96), new RunControl(), outputs -> outputs.size()));
        }
        for (var f : fitting) {
            assertThat(f.get(60, TimeUnit.SECONDS).value()).isEqualTo(1);
        }
        for (var w : wrong) {
            assertThatThrownBy(() -> w.get(60, TimeUnit.SECONDS)).cause()
                    .isInstanceOf(InferenceFailedException.class).hasMessageContaining(name);
        }
        assertThat(imagesRun(batched)).isEqualTo(4);
        assertThat(batched.batchSizes().snapshot().lastKey()).isLessThanOrEqualTo(2);
        assertThat(batched.status()).isEqualTo(InstanceStatus.READY);
        assertThat(classifyNow(batched, 3)).hasSize(5);
    }

    @Test
    void aModelWithoutADynamicBatchDimensionOrABatchSizeOfOneIsNotBatched() throws Exception {
        assertThat(load(SampleModels.SSDLITE, batching(8, 5)).batching()).isFalse();
        assertThat(load(SampleModels.MOBILENET, batching(1, 5)).batching()).isFalse();
    }

    @Test
    void aBatchingInstanceQueuesMaxQueuePlusOneBatchPerThread() throws Exception {
        ServingInstance batched = load(SampleModels.MOBILENET, new ServingSettings(4, 5, 1, 60_000, "entropy", 0.5));
        List<Admission> held = new ArrayList<>();
        for (var admission = batched.tryAdmit(); admission.isPresent(); admission = batched.tryAdmit()) {
            held.add(admission.get());
        }
        // maxQueue 1 + 2 inference threads × maxBatchSize 4.
        assertThat(held).hasSize(9);
        held.forEach(Admission::close);
        assertThat(batched.outstanding()).isZero();
    }

    private static InputTensor tensor(String name, int side) {
        ByteBuffer zeros = ByteBuffer.allocateDirect(4 * 3 * side * side).order(ByteOrder.nativeOrder());
        return new InputTensor(name, zeros, new long[]{1, 3, side, side}, false);
    }
}
