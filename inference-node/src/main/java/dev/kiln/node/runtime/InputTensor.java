package dev.kiln.node.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;

import java.nio.ByteBuffer;

/**
 * A model input in a direct buffer (native order), wrapped by ONNX Runtime without a copy.
 *
 * @param buffer float32 values or uint8 bytes, position 0, limit = the tensor's byte size
 */
public record InputTensor(String name, ByteBuffer buffer, long[] shape, boolean uint8) {

    OnnxTensor create(OrtEnvironment env) throws OrtException {
        return uint8
                ? OnnxTensor.createTensor(env, buffer, shape, OnnxJavaType.UINT8)
                : OnnxTensor.createTensor(env, buffer.asFloatBuffer(), shape);
    }
}
