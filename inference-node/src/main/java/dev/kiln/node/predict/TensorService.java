package dev.kiln.node.predict;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.kiln.node.adapters.RawOutputs;
import dev.kiln.node.memory.MemoryWatch;
import dev.kiln.node.runtime.Admission;
import dev.kiln.node.runtime.InferenceFailedException;
import dev.kiln.node.runtime.ServingInstance;
import dev.kiln.protocol.Assignment;
import dev.kiln.protocol.InstanceStatus;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The Open Inference Protocol v2 on one instance: model metadata from its session, and infer — the client's tensors
 * through the session as they are, raw outputs back, no image processing, no adapter, no routines.
 */
@Singleton
final class TensorService {
    private static final String PLATFORM = "onnxruntime";

    private final PredictService predictions;
    private final ExecutorService requestThreads = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("kiln-infer-", 1).factory());

    private final MemoryWatch memory;

    TensorService(PredictService predictions, MemoryWatch memory) {
        this.predictions = predictions;
        this.memory = memory;
    }

    CompletableFuture<V2Bodies.ModelMetadata> metadata(String instanceId) {
        ServingInstance instance = predictions.find(instanceId);
        if (instance.status() != InstanceStatus.READY) {
            throw PredictException.unavailable("The instance is not ready (" + instance.status() + ").");
        }
        Assignment a = instance.assignment();
        return instance.withSession((env, session) -> new V2Bodies.ModelMetadata(a.deploymentId().toString(),
                List.of(a.versionTag()), PLATFORM, describe(session.getInputInfo()),
                describe(session.getOutputInfo())));
    }

    /** Fails with {@link PredictException} (400 bad tensors, 404, 503), a timeout, or the model's failure. */
    CompletableFuture<V2Bodies.InferResponse> infer(String instanceId, String predictId, byte[] body) {
        ServingInstance instance = predictions.find(instanceId);
        Admission admission = PredictService.admit(instance, memory);
        CompletableFuture<V2Bodies.InferResponse> work;
        try {
            // Parsing a large JSON body blocks: off the event loop, and off the inference threads too.
            work = CompletableFuture.supplyAsync(() -> InferRequest.parse(body), requestThreads)
                    .thenCompose(request -> instance.withSession((env, session) -> run(env, session, request)))
                    .thenApply(outputs -> response(instance.assignment(), predictId, outputs));
        } catch (RuntimeException e) {
            admission.close();
            throw e;
        }
        work.whenComplete((r, e) -> admission.close());
        long timeoutMs = PredictService.settings(instance.assignment()).timeoutMs();
        return timeoutMs > 0 ? work.copy().orTimeout(timeoutMs, TimeUnit.MILLISECONDS) : work;
    }

    private record Outputs(String id, List<V2Bodies.OutputTensor> tensors) {
    }

    /** On an inference thread: check the tensors against the model's inputs, run, read every output asked for. */
    private static Outputs run(OrtEnvironment env, OrtSession session, InferRequest request) throws OrtException {
        Map<String, NodeInfo> declared = session.getInputInfo();
        Set<String> seen = new HashSet<>();
        for (InferRequest.Input input : request.inputs()) {
            check(input, declared.get(input.name()), seen);
        }
        for (String name : declared.keySet()) {
            if (!seen.contains(name)) {
                throw InferRequest.bad("The model's input '" + name + "' is missing.", List.of("body", "inputs"));
            }
        }
        Set<String> outputNames = session.getOutputNames();
        for (int j = 0; j < request.outputs().size(); j++) {
            if (!outputNames.contains(request.outputs().get(j))) {
                throw InferRequest.bad("The model has no output '" + request.outputs().get(j) + "'; it has "
                        + outputNames + ".", List.of("body", "outputs", String.valueOf(j), "name"));
            }
        }
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        try {
            for (InferRequest.Input input : request.inputs()) {
                tensors.put(input.name(), tensor(env, input));
            }
            Set<String> wanted = request.outputs().isEmpty() ? outputNames : new HashSet<>(request.outputs());
            try (OrtSession.Result result = session.run(tensors, wanted)) {
                List<V2Bodies.OutputTensor> out = new ArrayList<>();
                for (Map.Entry<String, OnnxValue> entry : result) {
                    out.add(read(entry.getKey(), entry.getValue()));
                }
                return new Outputs(request.id(), out);
            }
        } finally {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    private static void check(InferRequest.Input input, NodeInfo node, Set<String> seen) {
        String at = String.valueOf(input.index());
        if (node == null || !(node.getInfo() instanceof TensorInfo info)) {
            throw InferRequest.bad("The model has no tensor input '" + input.name() + "'.",
                    List.of("body", "inputs", at, "name"));
        }
        if (!seen.add(input.name())) {
            throw InferRequest.bad("Input '" + input.name() + "' is given twice.", List.of("body", "inputs", at, "name"));
        }
        if (info.type != input.type().onnx) {
            throw InferRequest.bad("Input '" + input.name() + "' must be " + TensorType.nameOf(info.type) + ", not "
                    + input.type() + ".", List.of("body", "inputs", at, "datatype"));
        }
        long[] expected = info.getShape();
        boolean fits = expected.length == input.shape().length;
        for (int d = 0; fits && d < expected.length; d++) {
            fits = expected[d] < 0 || expected[d] == input.shape()[d];
        }
        if (!fits) {
            throw InferRequest.bad("Input '" + input.name() + "' must have shape " + InferRequest.shapeText(expected)
                    + " (-1: any size), not " + InferRequest.shapeText(input.shape()) + ".",
                    List.of("body", "inputs", at, "shape"));
        }
    }

    private static OnnxTensor tensor(OrtEnvironment env, InferRequest.Input input) throws OrtException {
        long[] shape = input.shape();
        return switch (input.values()) {
            case float[] v -> OnnxTensor.createTensor(env, FloatBuffer.wrap(v), shape);
            case double[] v -> OnnxTensor.createTensor(env, DoubleBuffer.wrap(v), shape);
            case long[] v -> OnnxTensor.createTensor(env, LongBuffer.wrap(v), shape);
            case int[] v -> OnnxTensor.createTensor(env, IntBuffer.wrap(v), shape);
            case short[] v -> OnnxTensor.createTensor(env, ShortBuffer.wrap(v), shape);
            case byte[] v -> OnnxTensor.createTensor(env,
                    ByteBuffer.allocateDirect(v.length).order(ByteOrder.nativeOrder()).put(v).flip(), shape,
                    input.type().onnx);
            default -> throw new IllegalStateException("unexpected values " + input.values().getClass());
        };
    }

    private static V2Bodies.OutputTensor read(String name, OnnxValue value) {
        if (!(value instanceof OnnxTensor tensor)) {
            throw new InferenceFailedException("output '" + name + "' is not a tensor", null);
        }
        TensorInfo info = tensor.getInfo();
        return new V2Bodies.OutputTensor(name, TensorType.nameOf(info.type),
                Arrays.stream(info.getShape()).boxed().toList(), RawOutputs.values(name, tensor));
    }

    private static List<V2Bodies.TensorMetadata> describe(Map<String, NodeInfo> nodes) {
        List<V2Bodies.TensorMetadata> out = new ArrayList<>();
        nodes.forEach((name, node) -> {
            if (node.getInfo() instanceof TensorInfo info) {
                out.add(new V2Bodies.TensorMetadata(name, TensorType.nameOf(info.type),
                        Arrays.stream(info.getShape()).boxed().toList()));
            }
        });
        return out;
    }

    private static V2Bodies.InferResponse response(Assignment a, String predictId, Outputs outputs) {
        return new V2Bodies.InferResponse(a.deploymentId().toString(), a.versionTag(),
                outputs.id() != null ? outputs.id() : predictId, outputs.tensors());
    }

    @PreDestroy
    void stop() {
        requestThreads.shutdownNow();
    }
}
