package dev.kiln.node.adapters;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import dev.kiln.node.runtime.InferenceFailedException;
import dev.kiln.node.runtime.ModelOutputs;
import dev.kiln.protocol.AdapterOptions;
import dev.kiln.protocol.DescriptorOptions;
import dev.kiln.protocol.ModelDescriptor;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Output adapter {@code raw}: every output tensor of the model as it is, for models whose outputs Kiln has no
 * adapter for. A JSON number per value, so the total is capped (option {@code maxRawValues}, default about a
 * million values, some 10 MB of JSON); larger outputs belong to the Open Inference Protocol endpoint.
 */
public final class RawOutputs {
    public static final String NAME = "raw";

    private RawOutputs() {
    }

    /** The outputs in the model's order; fails, naming the option, when they hold more values than allowed. */
    public static List<RawTensor> read(ModelOutputs outputs, ModelDescriptor d) throws OrtException {
        long limit = DescriptorOptions.of(d).adapter(AdapterOptions.Raw.class).maxRawValues();
        long total = 0;
        for (int i = 0; i < outputs.size(); i++) {
            if (outputs.get(i) instanceof OnnxTensor tensor) {
                total += tensor.getInfo().getNumElements();
            }
        }
        if (total > limit) {
            throw new OrtException("the outputs hold " + total + " values, more than the " + limit
                    + " a raw prediction carries (descriptor option maxRawValues); read them with the Open "
                    + "Inference Protocol infer endpoint instead");
        }
        List<RawTensor> tensors = new ArrayList<>(outputs.size());
        for (int i = 0; i < outputs.size(); i++) {
            String name = outputs.names().get(i);
            if (!(outputs.get(i) instanceof OnnxTensor tensor)) {
                throw new OrtException("output '" + name + "' is not a tensor");
            }
            TensorInfo info = tensor.getInfo();
            tensors.add(new RawTensor(name, Arrays.stream(info.getShape()).boxed().toList(), dtype(info.type),
                    values(name, tensor)));
        }
        return tensors;
    }

    /** The element type as descriptors spell it, or ONNX Runtime's name for types they have none for. */
    static String dtype(OnnxJavaType type) {
        return switch (type) {
            case FLOAT -> "float32";
            case DOUBLE -> "float64";
            case FLOAT16 -> "float16";
            case BFLOAT16 -> "bfloat16";
            case INT64 -> "int64";
            case INT32 -> "int32";
            case INT16 -> "int16";
            case INT8 -> "int8";
            case UINT8 -> "uint8";
            case BOOL -> "bool";
            default -> type.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /**
     * A tensor's values flattened in row-major order as JSON-ready numbers (booleans for bool); half floats widened
     * to float. Fails with {@link InferenceFailedException} for element types JSON cannot carry (strings).
     */
    public static List<?> values(String name, OnnxTensor tensor) {
        OnnxJavaType type = tensor.getInfo().type;
        return switch (type) {
            case FLOAT, FLOAT16, BFLOAT16 -> {
                FloatBuffer b = tensor.getFloatBuffer();
                List<Float> out = new ArrayList<>(b.remaining());
                while (b.hasRemaining()) {
                    out.add(b.get());
                }
                yield out;
            }
            case DOUBLE -> {
                DoubleBuffer b = tensor.getDoubleBuffer();
                double[] a = new double[b.remaining()];
                b.get(a);
                yield Arrays.stream(a).boxed().toList();
            }
            case INT64 -> {
                LongBuffer b = tensor.getLongBuffer();
                long[] a = new long[b.remaining()];
                b.get(a);
                yield Arrays.stream(a).boxed().toList();
            }
            case INT32 -> {
                IntBuffer b = tensor.getIntBuffer();
                int[] a = new int[b.remaining()];
                b.get(a);
                yield Arrays.stream(a).boxed().toList();
            }
            case INT16 -> {
                ShortBuffer b = tensor.getShortBuffer();
                List<Short> out = new ArrayList<>(b.remaining());
                while (b.hasRemaining()) {
                    out.add(b.get());
                }
                yield out;
            }
            case UINT8, INT8, BOOL -> {
                ByteBuffer b = tensor.getByteBuffer();
                List<Object> out = new ArrayList<>(b.remaining());
                while (b.hasRemaining()) {
                    byte x = b.get();
                    out.add(switch (type) {
                        case UINT8 -> x & 0xFF;
                        case BOOL -> x != 0;
                        default -> (int) x;
                    });
                }
                yield out;
            }
            default -> throw new InferenceFailedException("output '" + name + "' has element type " + type
                    + ", which cannot be returned as JSON", null);
        };
    }
}
