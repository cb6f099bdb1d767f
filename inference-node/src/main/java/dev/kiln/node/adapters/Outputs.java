package dev.kiln.node.adapters;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import dev.kiln.node.runtime.ModelOutputs;
import dev.kiln.protocol.ModelDescriptor;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Map;
import java.util.Optional;

/** Finds an adapter's outputs by role (as the descriptor maps them) and reads them as Java arrays. */
final class Outputs {
    private Outputs() {
    }

    /** The output the descriptor names for {@code role}, else one named like the role, else the one at {@code index}. */
    static OnnxTensor tensor(ModelOutputs result, ModelDescriptor d, String role, int index) throws OrtException {
        Map<String, String> roles = d.outputs() == null ? Map.of() : d.outputs();
        String name = roles.getOrDefault(role, role);
        Optional<OnnxValue> value = result.get(name);
        if (value.isEmpty() && index < result.size()) {
            value = Optional.of(result.get(index));
        }
        if (value.isEmpty() || !(value.get() instanceof OnnxTensor tensor)) {
            throw new OrtException("the model has no tensor output for '" + role + "' (looked for '" + name + "')");
        }
        return tensor;
    }

    static float[] floats(OnnxTensor t) throws OrtException {
        OnnxJavaType type = t.getInfo().type;
        switch (type) {
            case FLOAT -> {
                FloatBuffer b = t.getFloatBuffer();
                float[] out = new float[b.remaining()];
                b.get(out);
                return out;
            }
            case DOUBLE -> {
                DoubleBuffer b = t.getDoubleBuffer();
                float[] out = new float[b.remaining()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) b.get(i);
                }
                return out;
            }
            default -> {
                long[] values = longs(t);
                float[] out = new float[values.length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = values[i];
                }
                return out;
            }
        }
    }

    static long[] longs(OnnxTensor t) throws OrtException {
        OnnxJavaType type = t.getInfo().type;
        switch (type) {
            case INT64 -> {
                LongBuffer b = t.getLongBuffer();
                long[] out = new long[b.remaining()];
                b.get(out);
                return out;
            }
            case INT32 -> {
                IntBuffer b = t.getIntBuffer();
                long[] out = new long[b.remaining()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = b.get(i);
                }
                return out;
            }
            case FLOAT, DOUBLE -> {
                float[] f = floats(t);
                long[] out = new long[f.length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = Math.round(f[i]);
                }
                return out;
            }
            default -> throw new OrtException("output of type " + type + " cannot be read as class ids");
        }
    }
}
