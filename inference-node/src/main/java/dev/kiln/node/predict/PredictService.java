package dev.kiln.node.predict;

import ai.onnxruntime.OrtException;
import dev.kiln.node.adapters.AdapterRegistry;
import dev.kiln.node.adapters.OutputAdapter;
import dev.kiln.node.adapters.Prediction;
import dev.kiln.node.adapters.RawOutputs;
import dev.kiln.node.adapters.RawTensor;
import dev.kiln.node.capture.CaptureQueue;
import dev.kiln.node.capture.Captures;
import dev.kiln.node.imaging.Base64Image;
import dev.kiln.node.imaging.DecodedImage;
import dev.kiln.node.imaging.DecodingConfig;
import dev.kiln.node.imaging.Geometry;
import dev.kiln.node.imaging.ImageDecoder;
import dev.kiln.node.imaging.ImageFetcher;
import dev.kiln.node.imaging.ImagingConfig;
import dev.kiln.node.imaging.PreparedInput;
import dev.kiln.node.imaging.Preprocessor;
import dev.kiln.node.memory.MemoryWatch;
import dev.kiln.node.routines.Routines;
import dev.kiln.node.runtime.Admission;
import dev.kiln.node.runtime.InferenceCancelledException;
import dev.kiln.node.runtime.InferenceOutcome;
import dev.kiln.node.runtime.InstanceManager;
import dev.kiln.node.runtime.ModelOutputs;
import dev.kiln.node.runtime.RunControl;
import dev.kiln.node.runtime.ServingInstance;
import dev.kiln.protocol.Assignment;
import dev.kiln.protocol.InputSpec;
import dev.kiln.protocol.InstanceStatus;
import dev.kiln.protocol.ModelDescriptor;
import dev.kiln.protocol.ServingSettings;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One prediction: admit into the instance's bounded queue, read the body and make the tensor on a virtual thread
 * (fetching and decoding block), run the model and its adapter and routines on an inference thread, answer within
 * the deployment's timeout.
 */
@Singleton
public final class PredictService {
    private static final Logger LOG = LoggerFactory.getLogger(PredictService.class);
    private final InstanceManager instances;
    private final PredictRequestParser parser;
    private final ImageDecoder decoder;
    private final ImageFetcher fetcher;
    private final AdapterRegistry adapters;
    private final ImagingConfig imaging;
    private final DecodingConfig decoding;
    private final MemoryWatch memory;
    private final CaptureQueue captures;
    private final ExecutorService requestThreads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("kiln-request-", 1).factory());

    PredictService(InstanceManager instances, PredictRequestParser parser, ImageDecoder decoder, ImageFetcher fetcher,
                   AdapterRegistry adapters, ImagingConfig imaging, DecodingConfig decoding, MemoryWatch memory,
                   CaptureQueue captures) {
        this.captures = captures;
        this.imaging = imaging;
        this.decoding = decoding;
        this.memory = memory;
        this.instances = instances;
        this.parser = parser;
        this.decoder = decoder;
        this.fetcher = fetcher;
        this.adapters = adapters;
    }

    /**
     * @return the response, or a future failed with {@link PredictException}, an imaging or routine rejection,
     * {@link TimeoutException} past the timeout, or the model's failure
     */
    public CompletableFuture<PredictResponse> predict(String instanceId, String predictId, byte[] body) {
        long arrived = System.nanoTime();
        ServingInstance instance = find(instanceId);
        Admission admission = admit(instance, memory);
        RunControl control = new RunControl();
        CompletableFuture<PredictResponse> work;
        try {
            work = CompletableFuture.supplyAsync(() -> prepare(instance, body, arrived), requestThreads)
                    .thenCompose(prepared -> infer(instance, prepared, control))
                    .thenApply(done -> {
                        capture(instance, done);
                        return response(instance.assignment(), predictId, done, arrived);
                    });
        } catch (RuntimeException e) {
            admission.close();
            throw e;
        }
        // The place in the queue is given back when the work really ends, not when a timeout answers early.
        work.whenComplete((r, e) -> admission.close());
        long timeoutMs = settings(instance.assignment()).timeoutMs();
        CompletableFuture<PredictResponse> answer = work.copy();
        if (timeoutMs > 0) {
            answer.orTimeout(timeoutMs, TimeUnit.MILLISECONDS).whenComplete((r, e) -> {
                if (e instanceof TimeoutException) {
                    control.cancel();
                }
            });
        }
        return answer;
    }

    /** The instance's timeout, for the 504 message; 0 when it is gone. */
    long timeoutMs(String instanceId) {
        try {
            return instances.find(UUID.fromString(instanceId))
                    .map(i -> settings(i.assignment()).timeoutMs()).orElse(0L);
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }

    ServingInstance find(String instanceId) {
        UUID id;
        try {
            id = UUID.fromString(instanceId);
        } catch (IllegalArgumentException e) {
            throw notFound(instanceId);
        }
        return instances.find(id).orElseThrow(() -> notFound(instanceId));
    }

    private static PredictException notFound(String instanceId) {
        return new PredictException(404, "Instance " + instanceId + " is not served by this node.", List.of(), null);
    }

    /** A place in the instance's queue, or 503 while loading, failed, full or while the node is short of memory. */
    static Admission admit(ServingInstance instance, MemoryWatch memory) {
        if (memory.underPressure()) {
            throw new PredictException(503, "The node is short of memory and takes no new requests until it "
                    + "recovers; retry later.", List.of(), memory.retryAfterSeconds());
        }
        if (instance.status() == InstanceStatus.LOADING) {
            throw PredictException.unavailable("The instance is still loading its model.");
        }
        if (instance.status() == InstanceStatus.FAILED) {
            throw PredictException.unavailable("The instance failed to load its model: " + instance.error());
        }
        return instance.tryAdmit().orElseThrow(() -> PredictException.unavailable(
                "The instance's queue is full (" + instance.queue().effective() + " waiting); retry later."));
    }

    /** Everything before the model: parse, get the image, make the tensor. Runs on a virtual thread. */
    private Prepared prepare(ServingInstance instance, byte[] body, long arrived) {
        long started = System.nanoTime();
        PredictRequest request = parser.parse(body);
        ModelDescriptor descriptor = instance.assignment().descriptor();
        Reader reader = reader(descriptor, request, settings(instance.assignment()));
        Map<String, Object> options = Preprocessor.withMaxSide(descriptor.options(), imaging.dynamicMaxSide());
        byte[] encoded = encoded(request);
        Duration wait = decodeWait(instance, arrived);
        try (DecodedImage image = encoded == null ? decoder.fromRgb(request.array(), wait)
                : decode(encoded, descriptor.input(), options, wait)) {
            PreparedInput input = Preprocessor.prepare(image, descriptor.input(), options, instance.buffers());
            long done = System.nanoTime();
            boolean capturing = !settings(instance.assignment()).captureGroups().isEmpty();
            return new Prepared(input, reader, image.width(), image.height(), ms(started - arrived),
                    ms(done - started), capturing ? encoded : null);
        }
    }

    /**
     * How the outputs become the answer: the descriptor's adapter then the request's routines, or for {@code raw}
     * the output tensors themselves, which no routine can work on.
     */
    private Reader reader(ModelDescriptor descriptor, PredictRequest request, ServingSettings settings) {
        if (RawOutputs.NAME.equals(descriptor.outputAdapter())) {
            if (!request.routines().isEmpty()) {
                throw PredictException.badRequest("Routines work on predictions, and this model's output adapter "
                        + "is raw: its outputs are returned as they are.", List.of("body", "routines"),
                        "value_error.routine");
            }
            return (outputs, geometry) -> new Post(RawOutputs.read(outputs, descriptor), Routines.newResults());
        }
        Routines routines = Routines.parse(request.routines(), settings);
        OutputAdapter adapter = adapters.find(descriptor.outputAdapter()).orElseThrow();
        return (outputs, geometry) -> {
            Map<String, Object> results = Routines.newResults();
            List<Prediction> predictions = adapter.decode(outputs, descriptor, geometry);
            return new Post(numbered(routines.apply(predictions, results)), results);
        };
    }

    /**
     * The encoded image (JPEG, PNG, …) of a base64 or URL request; null for a pixel array. Pixels decoded from it are
     * given back once the tensor is filled (the try-with-resources in {@link #prepare}), whatever happens; the wait
     * for them is bounded by the node's decode wait and by what is left of the deployment's timeout.
     */
    private byte[] encoded(PredictRequest request) {
        return switch (request.imageType()) {
            case ARRAY -> null;
            case BASE64 -> Base64Image.decode(request.text());
            case URL -> fetcher.fetch(request.text());
        };
    }

    /** Hands the prediction to data capture when a group of the deployment keeps it; never fails the answer. */
    private void capture(ServingInstance instance, Done done) {
        byte[] image = done.prepared().captureImage();
        if (image == null) {
            return;
        }
        Assignment a = instance.assignment();
        try {
            Captures.decide(a, settings(a), image, done.prepared().width(), done.prepared().height(),
                    done.outcome().value().predictions(), done.outcome().value().routineResults())
                    .ifPresent(captures::offer);
        } catch (RuntimeException e) {
            LOG.warn("Capture of a prediction of deployment {} failed: {}", a.deploymentId(), e.toString());
        }
    }

    private DecodedImage decode(byte[] bytes, InputSpec spec, Map<String, Object> options, Duration wait) {
        return decoder.decode(bytes, (w, h) -> Preprocessor.jpegReduction(spec, options, w, h), wait);
    }

    private Duration decodeWait(ServingInstance instance, long arrived) {
        return decodeWait(decoding.maxWait(), settings(instance.assignment()).timeoutMs(), System.nanoTime() - arrived);
    }

    /** The node's decode wait, cut to what is left of the deployment's timeout (0 = none) after {@code elapsedNanos}. */
    static Duration decodeWait(Duration maxWait, long timeoutMs, long elapsedNanos) {
        if (timeoutMs <= 0) {
            return maxWait;
        }
        Duration left = Duration.ofMillis(timeoutMs).minusNanos(elapsedNanos);
        return left.compareTo(maxWait) < 0 ? left : maxWait;
    }

    private CompletableFuture<Done> infer(ServingInstance instance, Prepared prepared, RunControl control) {
        if (control.cancelled()) {
            prepared.input().close();
            return CompletableFuture.failedFuture(new InferenceCancelledException());
        }
        return instance.infer(prepared.input().tensor(), control,
                        outputs -> prepared.reader().read(outputs, prepared.input().geometry()))
                .whenComplete((outcome, e) -> prepared.input().close())
                .thenApply(outcome -> new Done(prepared, outcome));
    }

    private static List<Prediction> numbered(List<Prediction> predictions) {
        List<Prediction> out = new ArrayList<>(predictions.size());
        for (int i = 0; i < predictions.size(); i++) {
            out.add(predictions.get(i).withAnnotationId(i));
        }
        return out;
    }

    private static PredictResponse response(Assignment a, String predictId, Done done, long arrived) {
        InferenceOutcome<Post> o = done.outcome();
        Prepared p = done.prepared();
        ModelDescriptor d = a.descriptor();
        return new PredictResponse(predictId, a.deploymentId(),
                new PredictResponse.Model(a.modelName(), a.versionTag(), d.task() == null ? null : d.task().json()),
                new PredictResponse.Image(p.width(), p.height()),
                o.value().predictions(), o.value().routineResults(),
                PredictResponse.Timing.of(p.waitedMs() + o.queueMs(), p.preprocessMs(), o.inferenceMs(),
                        o.postprocessMs(), ms(System.nanoTime() - arrived)));
    }

    static ServingSettings settings(Assignment a) {
        return a.settings() == null ? ServingSettings.defaults() : a.settings();
    }

    private static double ms(long nanos) {
        return nanos / 1_000_000.0;
    }

    @PreDestroy
    void stop() {
        requestThreads.shutdownNow();
    }

    /** @param captureImage the encoded image, kept only while a capture group may want it */
    private record Prepared(PreparedInput input, Reader reader, int width, int height, double waitedMs,
                            double preprocessMs, byte[] captureImage) {
    }

    /** Runs on the inference thread while the outputs are alive. */
    @FunctionalInterface
    private interface Reader {
        Post read(ModelOutputs outputs, Geometry geometry) throws OrtException;
    }

    /** @param predictions {@link Prediction}s, or {@link RawTensor}s for output adapter raw */
    private record Post(List<?> predictions, Map<String, Object> routineResults) {
    }

    private record Done(Prepared prepared, InferenceOutcome<Post> outcome) {
    }
}
