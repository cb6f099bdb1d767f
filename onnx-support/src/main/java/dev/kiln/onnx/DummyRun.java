package dev.kiln.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.kiln.protocol.InputSpec;
import dev.kiln.protocol.ModelDescriptor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/** Runs a model once on a mid-gray input of the shape the descriptor will feed it, so a broken model is refused at upload. */
final class DummyRun {
    /** Side used for dynamic image dimensions: a multiple of 32, as detectors with strided backbones need. */
    private static final int DYNAMIC_SIDE = 320;

    private DummyRun() {
    }

    static void run(OrtEnvironment env, OrtSession session, ModelSignature sig, ModelDescriptor d)
            throws InvalidModelException {
        Map<String, OnnxTensor> feed = new HashMap<>();
        try {
            for (var input : sig.inputs().entrySet()) {
                boolean image = input.getKey().equals(d.input().name());
                feed.put(input.getKey(), tensor(env, input.getValue(), image ? d.input() : null));
            }
            try (OrtSession.Result ignored = session.run(feed)) {
                // Reaching here is the proof; outputs are read by the adapters at serving time.
            }
        } catch (OrtException | IllegalArgumentException e) {
            throw new InvalidModelException("The model failed on a test input: " + e.getMessage(), e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    private static OnnxTensor tensor(OrtEnvironment env, TensorInfo info, InputSpec image) throws OrtException {
        long[] shape = info.getShape().clone();
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                shape[i] = image == null ? 1 : dynamicDim(image, shape.length, i);
            }
        }
        long count = 1;
        for (long dim : shape) {
            count *= dim;
        }
        OnnxJavaType type = info.type;
        int width = type == OnnxJavaType.UINT8 || type == OnnxJavaType.INT8 || type == OnnxJavaType.BOOL ? 1
                : type == OnnxJavaType.INT64 || type == OnnxJavaType.DOUBLE ? 8 : type == OnnxJavaType.FLOAT16 ? 2 : 4;
        ByteBuffer buffer = ByteBuffer.allocateDirect(Math.toIntExact(count * width)).order(ByteOrder.nativeOrder());
        if (type == OnnxJavaType.FLOAT) {
            while (buffer.hasRemaining()) {
                buffer.putFloat(0.5f);
            }
        } else if (type == OnnxJavaType.UINT8) {
            while (buffer.hasRemaining()) {
                buffer.put((byte) 128);
            }
        }
        buffer.rewind();
        return OnnxTensor.createTensor(env, buffer, shape, type);
    }

    private static long dynamicDim(InputSpec image, int rank, int index) {
        String layout = image.layout();
        if (layout.length() != rank) {
            return 1;
        }
        return switch (layout.charAt(index)) {
            case 'H' -> image.height() != null ? image.height() : DYNAMIC_SIDE;
            case 'W' -> image.width() != null ? image.width() : DYNAMIC_SIDE;
            case 'C' -> 3;
            default -> 1;
        };
    }
}
