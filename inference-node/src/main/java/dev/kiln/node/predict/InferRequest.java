package dev.kiln.node.predict;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.micronaut.core.annotation.Nullable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * A parsed Open Inference Protocol v2 infer request: JSON tensors with their values already in typed arrays, so
 * nothing but tensor creation is left for the inference thread. Read with a streaming parser straight into primitive
 * arrays: a body of millions of numbers costs 8 bytes per value here, not a tree of objects.
 *
 * @param id      the client's request id, echoed back
 * @param outputs the outputs asked for; empty means all
 */
record InferRequest(@Nullable String id, List<Input> inputs, List<String> outputs) {

    /**
     * One input tensor.
     *
     * @param values float[], double[], long[], int[], short[] or byte[] (UINT8, INT8 and BOOL), one per element
     */
    record Input(int index, String name, TensorType type, long[] shape, Object values) {
    }

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(64) // tensors of up to ~60 dimensions, nested
                    .maxNumberLength(64)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    static InferRequest parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw bad("The infer request body is empty.", List.of("body"));
        }
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw bad("The infer request must be a JSON object with an 'inputs' array.", List.of("body"));
            }
            String id = null;
            List<Input> inputs = null;
            List<String> outputs = List.of();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "id" -> {
                        if (value == JsonToken.VALUE_STRING) {
                            id = p.getText();
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "inputs" -> inputs = inputs(p);
                    case "outputs" -> outputs = outputs(p);
                    default -> p.skipChildren(); // "parameters" and whatever else a client sends
                }
            }
            if (p.nextToken() != null) {
                throw bad("Unexpected content after the JSON object.", List.of("body"));
            }
            if (inputs == null || inputs.isEmpty()) {
                throw bad("'inputs' must be a non-empty array of tensors.", List.of("body", "inputs"));
            }
            return new InferRequest(id, inputs, outputs);
        } catch (JsonProcessingException e) {
            throw PredictException.badRequest("The request body is not valid JSON.", List.of("body"), "value_error.json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Input> inputs(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw bad("'inputs' must be a non-empty array of tensors.", List.of("body", "inputs"));
        }
        List<Input> inputs = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            inputs.add(input(inputs.size(), p));
        }
        return inputs;
    }

    private static List<String> outputs(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return List.of();
        }
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw bad("'outputs' must be an array of {\"name\": ...}.", List.of("body", "outputs"));
        }
        List<String> names = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            List<String> loc = List.of("body", "outputs", String.valueOf(names.size()), "name");
            String name = null;
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw bad("'name' must be a non-empty string.", loc);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("name")) {
                    name = text(p, loc);
                } else {
                    p.skipChildren();
                }
            }
            if (name == null) {
                throw bad("'name' must be a non-empty string.", loc);
            }
            names.add(name);
        }
        return names;
    }

    private static Input input(int i, JsonParser p) throws IOException {
        String at = String.valueOf(i);
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw bad("Each input must be an object with name, shape, datatype and data.", List.of("body", "inputs", at));
        }
        String name = null;
        String datatype = null;
        long[] shape = null;
        Values data = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            switch (field) {
                case "name" -> name = text(p, List.of("body", "inputs", at, "name"));
                case "datatype" -> datatype = text(p, List.of("body", "inputs", at, "datatype"));
                case "shape" -> shape = shape(p, List.of("body", "inputs", at, "shape"));
                case "data" -> data = data(p, List.of("body", "inputs", at, "data"));
                default -> p.skipChildren();
            }
        }
        if (name == null) {
            throw bad("'name' must be a non-empty string.", List.of("body", "inputs", at, "name"));
        }
        if (datatype == null) {
            throw bad("'datatype' must be a non-empty string.", List.of("body", "inputs", at, "datatype"));
        }
        String tensor = name;
        String given = datatype;
        TensorType type = TensorType.named(datatype).filter(t -> t.acceptedAsInput).orElseThrow(() -> bad(
                "Input '" + tensor + "' has datatype '" + given + "'; accepted are BOOL, UINT8, INT8, INT16, INT32, "
                        + "INT64, FP32 and FP64.", List.of("body", "inputs", at, "datatype")));
        if (shape == null) {
            throw bad("'shape' must be an array of non-negative integers.", List.of("body", "inputs", at, "shape"));
        }
        List<String> dataLoc = List.of("body", "inputs", at, "data");
        if (data == null) {
            throw bad("Input '" + name + "' needs a 'data' array.", dataLoc);
        }
        long count = count(shape, List.of("body", "inputs", at, "shape"));
        if (data.size != count) {
            throw bad("Input '" + name + "' has " + data.size + " values but its shape " + shapeText(shape)
                    + " needs " + count + ".", dataLoc);
        }
        return new Input(i, name, type, shape, data.as(type, name, dataLoc));
    }

    private static String text(JsonParser p, List<String> loc) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING || p.getText().isBlank()) {
            throw bad("'" + loc.getLast() + "' must be a non-empty string.", loc);
        }
        return p.getText();
    }

    private static long[] shape(JsonParser p, List<String> loc) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw bad("'shape' must be an array of non-negative integers.", loc);
        }
        long[] shape = new long[8];
        int n = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                    || p.getLongValue() < 0) {
                throw bad("'shape' must be an array of non-negative integers.", loc);
            }
            if (n == shape.length) {
                shape = Arrays.copyOf(shape, n * 2);
            }
            shape[n++] = p.getLongValue();
        }
        return Arrays.copyOf(shape, n);
    }

    private static long count(long[] shape, List<String> loc) {
        long count = 1;
        try {
            for (long d : shape) {
                count = Math.multiplyExact(count, d);
            }
        } catch (ArithmeticException e) {
            throw bad("The shape " + shapeText(shape) + " is too large.", loc);
        }
        return count;
    }

    /** Nested or flat data both arrive in row-major order. */
    private static Values data(JsonParser p, List<String> loc) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw bad("'data' must be an array of numbers (flat or nested).", loc);
        }
        Values values = new Values();
        int depth = 1;
        while (depth > 0) {
            JsonToken token = p.nextToken();
            switch (token) {
                case START_ARRAY -> depth++;
                case END_ARRAY -> depth--;
                case VALUE_NUMBER_INT -> {
                    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        values.addOutOfRange();
                    } else {
                        values.addLong(p.getLongValue());
                    }
                }
                case VALUE_NUMBER_FLOAT -> values.addDouble(p.getDoubleValue());
                case VALUE_TRUE, VALUE_FALSE -> values.addBoolean(token == JsonToken.VALUE_TRUE);
                default -> throw bad("'data' must hold only numbers (or true/false for BOOL).", loc);
            }
        }
        return values;
    }

    static String shapeText(long[] shape) {
        return Arrays.toString(shape);
    }

    static PredictException bad(String message, List<String> loc) {
        return PredictException.badRequest(message, loc, "value_error.tensor");
    }

    /**
     * Values as they were written, before the datatype is known ("data" may come before "datatype"): each slot holds
     * a long or the bits of a double, with which one it is (or a boolean, or too large for 64 bits) marked beside it.
     */
    private static final class Values {
        private long[] slots = new long[1024];
        private final BitSet fractional = new BitSet();
        private final BitSet bool = new BitSet();
        private final BitSet outOfRange = new BitSet();
        private int size;

        void addLong(long v) {
            add(v);
        }

        void addDouble(double v) {
            fractional.set(size);
            add(Double.doubleToRawLongBits(v));
        }

        void addBoolean(boolean v) {
            bool.set(size);
            add(v ? 1 : 0);
        }

        void addOutOfRange() {
            outOfRange.set(size);
            add(0);
        }

        private void add(long bits) {
            if (size == slots.length) {
                slots = Arrays.copyOf(slots, size * 2);
            }
            slots[size++] = bits;
        }

        Object as(TensorType type, String name, List<String> loc) {
            return switch (type) {
                case FP32 -> {
                    float[] out = new float[size];
                    for (int k = 0; k < size; k++) {
                        out[k] = (float) real(k, name, loc);
                    }
                    yield out;
                }
                case FP64 -> {
                    double[] out = new double[size];
                    for (int k = 0; k < size; k++) {
                        out[k] = real(k, name, loc);
                    }
                    yield out;
                }
                case INT64 -> {
                    long[] out = new long[size];
                    for (int k = 0; k < size; k++) {
                        out[k] = integer(k, Long.MIN_VALUE, Long.MAX_VALUE, type, name, loc);
                    }
                    yield out;
                }
                case INT32 -> {
                    int[] out = new int[size];
                    for (int k = 0; k < size; k++) {
                        out[k] = (int) integer(k, Integer.MIN_VALUE, Integer.MAX_VALUE, type, name, loc);
                    }
                    yield out;
                }
                case INT16 -> {
                    short[] out = new short[size];
                    for (int k = 0; k < size; k++) {
                        out[k] = (short) integer(k, Short.MIN_VALUE, Short.MAX_VALUE, type, name, loc);
                    }
                    yield out;
                }
                case UINT8, INT8 -> {
                    byte[] out = new byte[size];
                    long min = type == TensorType.UINT8 ? 0 : Byte.MIN_VALUE;
                    long max = type == TensorType.UINT8 ? 255 : Byte.MAX_VALUE;
                    for (int k = 0; k < size; k++) {
                        out[k] = (byte) integer(k, min, max, type, name, loc);
                    }
                    yield out;
                }
                case BOOL -> {
                    byte[] out = new byte[size];
                    for (int k = 0; k < size; k++) {
                        if (!bool.get(k)) {
                            throw bad("Input '" + name + "' is BOOL: its values must be true or false.", loc);
                        }
                        out[k] = (byte) slots[k];
                    }
                    yield out;
                }
                default -> throw new IllegalStateException("not an input type: " + type);
            };
        }

        private double real(int k, String name, List<String> loc) {
            if (bool.get(k)) {
                throw bad("Input '" + name + "' must hold only numbers.", loc);
            }
            if (outOfRange.get(k)) {
                throw bad("Input '" + name + "' has an integer too large for a number tensor.", loc);
            }
            return fractional.get(k) ? Double.longBitsToDouble(slots[k]) : slots[k];
        }

        private long integer(int k, long min, long max, TensorType type, String name, List<String> loc) {
            if (bool.get(k) || fractional.get(k)) {
                throw bad("Input '" + name + "' is " + type + ": its values must be integers.", loc);
            }
            if (outOfRange.get(k) || slots[k] < min || slots[k] > max) {
                throw bad("Input '" + name + "' has a value out of the " + type + " range.", loc);
            }
            return slots[k];
        }
    }
}
