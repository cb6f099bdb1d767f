package dev.kiln.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.kiln.protocol.InputSpec;
import dev.kiln.protocol.DescriptorOptions;
import dev.kiln.protocol.ModelDescriptor;
import dev.kiln.protocol.Task;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns an ONNX file into the {@link ModelDescriptor} Kiln serves it by (DESIGN §5): what the file tells (tensor
 * names, shapes, types, metadata) is inferred, the uploader's overrides win, and the result is proven by loading
 * the model and running it once on a dummy input.
 */
public final class ModelInspector {
    static final Set<String> ADAPTERS = DescriptorOptions.ADAPTERS;
    private static final Set<String> LAYOUTS = Set.of("NCHW", "NHWC", "CHW", "HWC");
    private static final Set<String> COLOR_ORDERS = Set.of("RGB", "BGR");
    private static final Set<String> DTYPES = Set.of("float32", "uint8");
    private static final Set<String> RESIZE_MODES = Set.of("stretch", "letterbox", "none");
    private static final List<Double> IMAGENET_MEAN = List.of(0.485, 0.456, 0.406);
    private static final List<Double> IMAGENET_STD = List.of(0.229, 0.224, 0.225);

    private ModelInspector() {
    }

    /**
     * @throws InvalidModelException when the file does not load, is not a model Kiln can feed images, an override
     *                               is not valid, or the model fails on a dummy input
     */
    public static ModelDescriptor inspect(Path onnx, DescriptorOverrides overrides) throws InvalidModelException {
        OrtEnvironment env = Ort.environment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtSession session = open(env, onnx, options)) {
            ModelSignature sig = ModelSignature.of(session);
            ModelDescriptor descriptor = describe(sig, overrides == null ? DescriptorOverrides.NONE : overrides);
            DummyRun.run(env, session, sig, descriptor);
            return descriptor;
        } catch (OrtException e) {
            throw new InvalidModelException("The model could not be closed cleanly: " + e.getMessage(), e);
        }
    }

    private static OrtSession open(OrtEnvironment env, Path onnx, OrtSession.SessionOptions options)
            throws InvalidModelException {
        try {
            return env.createSession(onnx.toString(), options);
        } catch (OrtException e) {
            String reason = String.valueOf(e.getMessage()).replace(onnx.toString(), "the file");
            throw new InvalidModelException("The file is not a loadable ONNX model: " + firstLine(reason), e);
        }
    }

    static ModelDescriptor describe(ModelSignature sig, DescriptorOverrides o) throws InvalidModelException {
        AdapterGuess guess = AdapterGuess.of(sig);
        String adapter = o.outputAdapter() != null ? o.outputAdapter() : guess.adapter();
        require(ADAPTERS.contains(adapter), "Unknown output adapter '" + adapter + "'; use one of " + sorted(ADAPTERS) + ".");
        Task task = o.task() != null ? parseTask(o.task())
                : adapter.equals(guess.adapter()) ? guess.task() : AdapterGuess.taskOf(adapter);
        Map<String, String> outputs = new LinkedHashMap<>(adapter.equals(guess.adapter()) ? guess.outputs() : Map.of());
        if (o.outputs() != null) {
            outputs.putAll(o.outputs());
        }
        for (var role : outputs.entrySet()) {
            require(sig.outputs().containsKey(role.getValue()), "Output '" + role.getValue() + "' (for "
                    + role.getKey() + ") is not an output of the model; it has " + sig.outputs().keySet() + ".");
        }
        InputSpec input = InputInference.infer(sig, adapter, task, o.input());
        Map<Integer, String> labels = o.labels() != null ? o.labels() : Labels.fromMetadata(sig.metadata());
        // Stored complete, defaults included (the control plane has refused unknown or bad options).
        Map<String, Object> options = DescriptorOptions.lenient(adapter, o.options()).asMap();
        return new ModelDescriptor(task, input, adapter, outputs, labels, options);
    }

    private static Task parseTask(String task) throws InvalidModelException {
        try {
            return Task.parse(task);
        } catch (IllegalArgumentException e) {
            throw new InvalidModelException("Unknown task '" + task + "'; use one of object_detection, "
                    + "instance_segmentation, semantic_segmentation, classification, raw.");
        }
    }

    static void require(boolean condition, String message) throws InvalidModelException {
        if (!condition) {
            throw new InvalidModelException(message);
        }
    }

    static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    /** How the image input is fed: inferred from the tensor, with the adapter's usual preprocessing as default. */
    static final class InputInference {
        private InputInference() {
        }

        static InputSpec infer(ModelSignature sig, String adapter, Task task, DescriptorOverrides.Input o)
                throws InvalidModelException {
            DescriptorOverrides.Input in = o != null ? o
                    : new DescriptorOverrides.Input(null, null, null, null, null, null, null, null, null, null);
            String name = in.name() != null ? in.name() : imageInput(sig);
            TensorInfo info = sig.inputs().get(name);
            require(info != null, "Input '" + name + "' is not an input of the model; it has " + sig.inputs().keySet() + ".");
            long[] shape = info.getShape();
            String layout = in.layout() != null ? in.layout() : layoutOf(shape, task);
            require(LAYOUTS.contains(layout), "Unknown input layout '" + layout + "'; use one of " + sorted(LAYOUTS) + ".");
            require(task == Task.RAW || shape.length == layout.length(), "Input '" + name + "' has "
                    + shape.length + " dimensions but layout " + layout + " needs " + layout.length() + ".");
            Integer height = in.height() != null ? in.height() : dim(shape, layout, 'H');
            Integer width = in.width() != null ? in.width() : dim(shape, layout, 'W');
            String dtype = in.dtype() != null ? in.dtype() : dtypeOf(info, task);
            require(DTYPES.contains(dtype), "Unsupported input dtype '" + dtype + "'; use float32 or uint8.");
            boolean fixed = height != null && width != null;
            String resize = in.resize() != null ? in.resize()
                    : !fixed ? "none" : adapter.startsWith("yolo") ? "letterbox" : "stretch";
            require(RESIZE_MODES.contains(resize), "Unknown resize mode '" + resize + "'; use stretch, letterbox or none.");
            require(fixed || !resize.equals("stretch") && !resize.equals("letterbox"),
                    "Resize '" + resize + "' needs a fixed input height and width; give input.height and input.width.");
            String color = in.colorOrder() != null ? in.colorOrder().toUpperCase(java.util.Locale.ROOT) : "RGB";
            require(COLOR_ORDERS.contains(color), "Unknown color order '" + color + "'; use RGB or BGR.");
            boolean normalized = adapter.equals("classification") || adapter.equals("prob_map")
                    || adapter.equals("semantic_segmentation");
            double scale = in.scale() != null ? in.scale() : dtype.equals("uint8") ? 1.0 : 1.0 / 255.0;
            List<Double> mean = in.mean() != null ? in.mean() : normalized && dtype.equals("float32") ? IMAGENET_MEAN : List.of();
            List<Double> std = in.std() != null ? in.std() : normalized && dtype.equals("float32") ? IMAGENET_STD : List.of();
            require(mean.isEmpty() || mean.size() == 3, "input.mean needs 3 values, one per channel.");
            require(std.isEmpty() || std.size() == 3 && std.stream().allMatch(v -> v != 0),
                    "input.std needs 3 non-zero values, one per channel.");
            boolean dynamicBatch = layout.length() == 4 && shape.length == 4 && shape[0] < 0;
            return new InputSpec(name, layout, height, width, color, scale, mean, std, dtype, resize, dynamicBatch);
        }

        /** The first input shaped like an image (3 or 4 dimensions), else the first input. */
        private static String imageInput(ModelSignature sig) throws InvalidModelException {
            require(!sig.inputs().isEmpty(), "The model has no inputs.");
            return sig.inputs().entrySet().stream()
                    .filter(e -> e.getValue().getShape().length == 3 || e.getValue().getShape().length == 4)
                    .map(Map.Entry::getKey).findFirst()
                    .orElse(sig.inputs().keySet().iterator().next());
        }

        private static String layoutOf(long[] s, Task task) throws InvalidModelException {
            if (s.length == 4) {
                return s[3] == 3 && s[1] != 3 ? "NHWC" : "NCHW";
            }
            if (s.length == 3) {
                return s[2] == 3 && s[0] != 3 ? "HWC" : "CHW";
            }
            require(task == Task.RAW, "The model's input has " + s.length + " dimensions, not an image's 3 or 4; "
                    + "upload it with task raw to serve tensors without image processing.");
            return "NCHW";
        }

        private static Integer dim(long[] shape, String layout, char axis) {
            int i = layout.indexOf(axis);
            return i >= 0 && i < shape.length && shape[i] > 0 ? (int) shape[i] : null;
        }

        private static String dtypeOf(TensorInfo info, Task task) throws InvalidModelException {
            if (info.type == OnnxJavaType.FLOAT) {
                return "float32";
            }
            if (info.type == OnnxJavaType.UINT8) {
                return "uint8";
            }
            require(task == Task.RAW, "The model's input type " + info.type + " cannot be fed from images; "
                    + "upload it with task raw to serve tensors without image processing.");
            return "float32";
        }
    }
}
