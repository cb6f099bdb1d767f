package dev.kiln.node.batching;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.kiln.node.runtime.DirectBufferPool;
import dev.kiln.node.runtime.InputTensor;
import dev.kiln.node.runtime.ModelOutputs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Stacks single-image inputs {@code [1,...]} into one {@code [B,...]} tensor and splits outputs back into rows. */
final class Tensors {
    private Tensors() {
    }

    /**
     * Whether every output of the session has a dynamic first (batch) dimension, so its rows can be handed back per
     * request. A model whose outputs are per-batch (e.g. a flat list of detections) is never batched.
     */
    static boolean outputsBatchFirst(OrtSession session) throws OrtException {
        for (NodeInfo output : session.getOutputInfo().values()) {
            if (!(output.getInfo() instanceof TensorInfo info) || info.type == OnnxJavaType.STRING
                    || info.getShape().length == 0 || info.getShape()[0] >= 0) {
                return false;
            }
        }
        return !session.getOutputInfo().isEmpty();
    }

    /** The inputs one after another in a buffer from {@code buffers}; release it once the tensor is closed. */
    static ByteBuffer stack(List<InputTensor> inputs, DirectBufferPool buffers) {
        int bytes = 0;
        for (InputTensor input : inputs) {
            bytes += input.buffer().limit();
        }
        ByteBuffer stacked = buffers.acquire(bytes);
        for (InputTensor input : inputs) {
            stacked.put(input.buffer().duplicate().position(0));
        }
        return stacked.flip();
    }

    static OnnxTensor tensor(OrtEnvironment env, InputTensor first, ByteBuffer data, int batch) throws OrtException {
        long[] shape = first.shape().clone();
        shape[0] = batch;
        return first.uint8()
                ? OnnxTensor.createTensor(env, data, shape, OnnxJavaType.UINT8)
                : OnnxTensor.createTensor(env, data.asFloatBuffer(), shape);
    }

    /**
     * One result per row of a batched run's outputs, each output's row {@code i} with shape {@code [1,...]}; each is
     * the caller's to close. Fails when an output's first dimension is not the batch size.
     */
    static List<ModelOutputs> split(OrtEnvironment env, OrtSession.Result outputs, int batch) throws OrtException {
        int n = outputs.size();
        String[] names = new String[n];
        OnnxValue[][] rows = new OnnxValue[batch][n];
        List<ModelOutputs> results = new ArrayList<>(batch);
        try {
            int k = 0;
            for (Map.Entry<String, OnnxValue> entry : outputs) {
                if (!(entry.getValue() instanceof OnnxTensor tensor)) {
                    throw new NotBatchFirstException("output '" + entry.getKey() + "' is not a tensor");
                }
                long[] shape = tensor.getInfo().getShape();
                if (shape.length == 0 || shape[0] != batch) {
                    throw new NotBatchFirstException("output '" + entry.getKey() + "' does not have the batch dimension first");
                }
                names[k] = entry.getKey();
                // One copy into native memory; each row tensor wraps its slice of it without another copy.
                ByteBuffer copy = tensor.getByteBuffer();
                ByteBuffer all = ByteBuffer.allocateDirect(copy.remaining()).order(ByteOrder.nativeOrder());
                all.put(copy).flip();
                int rowBytes = all.remaining() / batch;
                long[] rowShape = shape.clone();
                rowShape[0] = 1;
                for (int i = 0; i < batch; i++) {
                    ByteBuffer row = all.slice(i * rowBytes, rowBytes).order(ByteOrder.nativeOrder());
                    rows[i][k] = OnnxTensor.createTensor(env, row, rowShape, tensor.getInfo().type);
                }
                k++;
            }
            for (int i = 0; i < batch; i++) {
                results.add(ModelOutputs.owning(Arrays.asList(names), Arrays.asList(rows[i])));
            }
            return results;
        } catch (OrtException | RuntimeException e) {
            if (results.isEmpty()) {
                for (OnnxValue[] row : rows) {
                    for (OnnxValue value : row) {
                        if (value != null) {
                            value.close();
                        }
                    }
                }
            }
            throw e;
        }
    }

    /** A batched run whose outputs are not one row per request after all. */
    static final class NotBatchFirstException extends OrtException {
        NotBatchFirstException(String message) {
            super(message);
        }
    }
}
