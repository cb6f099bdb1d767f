package dev.kiln.node.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes small real ONNX models whose outputs are fixed tensors: each output is an {@code Identity} of an
 * initializer, and the image input is declared but not used. There is no Python ONNX here, so the protobuf is
 * encoded by hand; such a model has exactly the output layout an adapter test needs, and the node loads and runs it
 * like any other model (ORT, inspector, preprocessing).
 */
public final class OnnxModelWriter {
    public static final int FLOAT = 1;
    public static final int UINT8 = 2;
    public static final int INT64 = 7;

    private record Input(String name, int type, Object[] dims) {
    }

    private record Output(String name, int type, long[] dims, byte[] raw) {
    }

    private final List<Input> inputs = new ArrayList<>();
    private final List<Output> outputs = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /**
     * @param dims a {@link Number} per fixed dimension, a {@link String} per named dynamic one
     */
    public OnnxModelWriter input(String name, int type, Object... dims) {
        inputs.add(new Input(name, type, dims));
        return this;
    }

    /** An image input {@code float32 [1,3,size,size]}, the usual fixed-size detector input. */
    public OnnxModelWriter imageInput(String name, int size) {
        return input(name, FLOAT, 1, 3, size, size);
    }

    public OnnxModelWriter output(String name, long[] dims, float... values) {
        check(dims, values.length);
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            raw.putFloat(v);
        }
        outputs.add(new Output(name, FLOAT, dims, raw.array()));
        return this;
    }

    public OnnxModelWriter output(String name, long[] dims, long... values) {
        check(dims, values.length);
        ByteBuffer raw = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            raw.putLong(v);
        }
        outputs.add(new Output(name, INT64, dims, raw.array()));
        return this;
    }

    /** Custom metadata ({@code metadata_props}), e.g. Ultralytics' {@code names}. */
    public OnnxModelWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    private static void check(long[] dims, int count) {
        long size = 1;
        for (long d : dims) {
            size *= d;
        }
        if (size != count) {
            throw new IllegalArgumentException("shape holds " + size + " values, given " + count);
        }
    }

    public Path write(Path file) {
        try {
            return Files.write(file, bytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The ModelProto: IR version 7, default-domain opset 13. */
    public byte[] bytes() {
        Proto model = new Proto()
                .varint(1, 7)
                .string(2, "kiln-test")
                .message(7, graph())
                .message(8, new Proto().varint(2, 13));
        metadata.forEach((k, v) -> model.message(14, new Proto().string(1, k).string(2, v)));
        return model.bytes();
    }

    private Proto graph() {
        Proto graph = new Proto();
        for (Output o : outputs) {
            String constant = o.name() + "_value";
            graph.message(1, new Proto().string(1, constant).string(2, o.name())
                    .string(3, o.name() + "_identity").string(4, "Identity"));
        }
        graph.string(2, "kiln_test_graph");
        for (Output o : outputs) {
            Proto tensor = new Proto();
            for (long d : o.dims()) {
                tensor.varint(1, d);
            }
            graph.message(5, tensor.varint(2, o.type()).string(8, o.name() + "_value").bytes(9, o.raw()));
        }
        for (Input in : inputs) {
            graph.message(11, valueInfo(in.name(), in.type(), in.dims()));
        }
        for (Output o : outputs) {
            Object[] dims = new Object[o.dims().length];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = o.dims()[i];
            }
            graph.message(12, valueInfo(o.name(), o.type(), dims));
        }
        return graph;
    }

    private static Proto valueInfo(String name, int type, Object[] dims) {
        Proto shape = new Proto();
        for (Object d : dims) {
            shape.message(1, d instanceof String param ? new Proto().string(2, param)
                    : new Proto().varint(1, ((Number) d).longValue()));
        }
        Proto tensorType = new Proto().varint(1, type).message(2, shape);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
    }

    /** Protobuf wire format: varint (type 0) and length-delimited (type 2) fields, which is all ONNX needs here. */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            raw((long) field << 3);
            raw(value);
            return this;
        }

        Proto bytes(int field, byte[] value) {
            raw((long) field << 3 | 2);
            raw(value.length);
            out.writeBytes(value);
            return this;
        }

        Proto string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto value) {
            return bytes(field, value.bytes());
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private void raw(long value) {
            long v = value;
            while ((v & ~0x7FL) != 0) {
                out.write((int) (v & 0x7F) | 0x80);
                v >>>= 7;
            }
            out.write((int) v);
        }
    }
}
