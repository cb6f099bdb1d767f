package dev.kiln.node.predict;

import ai.onnxruntime.OnnxJavaType;

import java.util.Arrays;
import java.util.Optional;

/** Open Inference Protocol v2 tensor datatypes and the ONNX Runtime element types they stand for. */
enum TensorType {
    BOOL(OnnxJavaType.BOOL, true),
    UINT8(OnnxJavaType.UINT8, true),
    INT8(OnnxJavaType.INT8, true),
    INT16(OnnxJavaType.INT16, true),
    INT32(OnnxJavaType.INT32, true),
    INT64(OnnxJavaType.INT64, true),
    // Half floats come out (ORT widens them to float on read) but cannot be sent as JSON numbers without loss.
    FP16(OnnxJavaType.FLOAT16, false),
    FP32(OnnxJavaType.FLOAT, true),
    FP64(OnnxJavaType.DOUBLE, true),
    BYTES(OnnxJavaType.STRING, false);

    final OnnxJavaType onnx;
    /** Whether JSON input of this type is accepted. */
    final boolean acceptedAsInput;

    TensorType(OnnxJavaType onnx, boolean acceptedAsInput) {
        this.onnx = onnx;
        this.acceptedAsInput = acceptedAsInput;
    }

    static Optional<TensorType> named(String datatype) {
        return Arrays.stream(values()).filter(t -> t.name().equals(datatype)).findFirst();
    }

    static Optional<TensorType> of(OnnxJavaType onnx) {
        return Arrays.stream(values()).filter(t -> t.onnx == onnx).findFirst();
    }

    /** The v2 name, or the ONNX one for element types v2 has no name for. */
    static String nameOf(OnnxJavaType onnx) {
        return of(onnx).map(Enum::name).orElse(onnx.name());
    }
}
