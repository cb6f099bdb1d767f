package dev.kiln.controlplane.model;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A hand-encoded ONNX model (protobuf wire format, opset 13) whose every run allocates a tensor of about 630 GB:
 * {@code y = ConstantOfShape(Shape(x) * [1, 1, 1024, 1024])} for an image input x of dynamic height and width. The
 * allocation depends on the input, so ONNX Runtime cannot fold it away when it loads the model: the inspection's
 * dummy run meets it.
 */
final class HugeTensorModel {

    private static final int FLOAT = 1;
    private static final int INT64 = 7;

    private HugeTensorModel() {
    }

    static byte[] bytes() {
        byte[] graph = concat(
                node("Shape", "x", "s"),
                node("Mul", "s", "k", "t"),
                node("ConstantOfShape", "t", "y"),
                string(2, "huge"),
                field(5, concat(varint(1, 4), varint(2, INT64), field(7, packed(1, 1, 1024, 1024)), string(8, "k"))),
                field(11, valueInfo("x", "1", "3", "h", "w")),
                field(12, valueInfo("y", "a", "b", "c", "d")));
        return concat(varint(1, 7), field(8, concat(string(1, ""), varint(2, 13))), field(7, graph));
    }

    private static byte[] node(String op, String... inputsThenOutput) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < inputsThenOutput.length - 1; i++) {
            out.writeBytes(string(1, inputsThenOutput[i]));
        }
        out.writeBytes(string(2, inputsThenOutput[inputsThenOutput.length - 1]));
        out.writeBytes(string(4, op));
        return field(1, out.toByteArray());
    }

    /** A float tensor value; a dimension that is a number is fixed, any other is named (dynamic). */
    private static byte[] valueInfo(String name, String... dims) {
        ByteArrayOutputStream shape = new ByteArrayOutputStream();
        for (String dim : dims) {
            shape.writeBytes(field(1, dim.chars().allMatch(Character::isDigit)
                    ? varint(1, Long.parseLong(dim)) : string(2, dim)));
        }
        byte[] tensorType = concat(varint(1, FLOAT), field(2, shape.toByteArray()));
        return concat(string(1, name), field(2, field(1, tensorType)));
    }

    private static byte[] packed(long... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long value : values) {
            out.writeBytes(rawVarint(value));
        }
        return out.toByteArray();
    }

    private static byte[] varint(int field, long value) {
        return concat(rawVarint((long) field << 3), rawVarint(value));
    }

    private static byte[] string(int field, String value) {
        return field(field, value.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] field(int field, byte[] bytes) {
        return concat(rawVarint(((long) field << 3) | 2), rawVarint(bytes.length), bytes);
    }

    private static byte[] rawVarint(long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((value & ~0x7FL) != 0) {
            out.write((int) ((value & 0x7F) | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
