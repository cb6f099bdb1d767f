package dev.kiln.node.predict;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.kiln.node.imaging.ImageRejectedException;
import dev.kiln.node.imaging.ImagingConfig;
import dev.kiln.node.imaging.RgbArray;
import dev.kiln.node.routines.RoutineCall;
import jakarta.inject.Singleton;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the predict body with a streaming parser: pixel arrays go straight into bytes (a tree of millions of number
 * nodes would cost far more than the image), nesting depth is capped, duplicate keys are refused, and every problem
 * becomes a 400 that says where it is.
 */
@Singleton
final class PredictRequestParser {
    private static final List<String> BODY = List.of("body");
    private static final List<String> IMAGE_TYPE = List.of("body", "image_type");
    private static final List<String> DATA = List.of("body", "data");
    private final JsonFactory json = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(32)
                    .maxStringLength(32 << 20)
                    .maxNumberLength(64)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private final ImagingConfig limits;

    PredictRequestParser(ImagingConfig limits) {
        this.limits = limits;
    }

    PredictRequest parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw PredictException.badRequest("The request body is empty; send a JSON object.", BODY,
                    "value_error.missing");
        }
        try (JsonParser p = json.createParser(body)) {
            PredictRequest request = object(p);
            if (p.nextToken() != null) {
                throw PredictException.badRequest("The request body has content after the JSON object.", BODY,
                        "value_error.jsondecode");
            }
            return request;
        } catch (JsonProcessingException e) {
            throw PredictException.badRequest("The request body is not valid JSON: " + e.getOriginalMessage(), BODY,
                    "value_error.jsondecode");
        } catch (IOException e) {
            throw PredictException.badRequest("The request body could not be read.", BODY, "value_error.jsondecode");
        }
    }

    private PredictRequest object(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw PredictException.badRequest("The request body must be a JSON object.", BODY, "type_error.object");
        }
        String imageType = null;
        Object data = null;
        List<RoutineCall> routines = List.of();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "image_type" -> imageType = imageType(p, value);
                case "data" -> data = data(p, value);
                case "routines" -> routines = routines(p, value);
                default -> p.skipChildren(); // unknown fields are ignored, as clients add their own
            }
        }
        return request(imageType, data, routines);
    }

    private static String imageType(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            throw PredictException.badRequest("image_type must be a string: url, base64 or array.", IMAGE_TYPE,
                    "type_error.str");
        }
        return p.getText();
    }

    private Object data(JsonParser p, JsonToken value) throws IOException {
        return switch (value) {
            case VALUE_STRING -> p.getText();
            case START_ARRAY -> pixels(p);
            default -> throw PredictException.badRequest("data must be a string (url, base64) or an array of pixels.",
                    DATA, "type_error");
        };
    }

    private static PredictRequest request(String imageType, Object data, List<RoutineCall> routines) {
        if (imageType == null) {
            throw PredictException.badRequest("image_type is required: url, base64 or array.", IMAGE_TYPE,
                    "value_error.missing");
        }
        PredictRequest.ImageType type = switch (imageType.trim().toLowerCase(Locale.ROOT)) {
            case "url" -> PredictRequest.ImageType.URL;
            // base_64 is how some other platforms' clients spell it.
            case "base64", "base_64" -> PredictRequest.ImageType.BASE64;
            case "array" -> PredictRequest.ImageType.ARRAY;
            default -> throw PredictException.badRequest("Unknown image_type '" + imageType
                    + "'; use url, base64 or array.", IMAGE_TYPE, "value_error.image_type");
        };
        if (data == null) {
            throw PredictException.badRequest("data is required.", DATA, "value_error.missing");
        }
        if (type == PredictRequest.ImageType.ARRAY) {
            if (!(data instanceof RgbArray array)) {
                throw PredictException.badRequest("data must be a height × width × 3 array for image_type array.",
                        DATA, "type_error.array");
            }
            return new PredictRequest(type, null, array, routines);
        }
        if (!(data instanceof String text)) {
            throw PredictException.badRequest("data must be a string for image_type " + imageType + ".", DATA,
                    "type_error.str");
        }
        return new PredictRequest(type, text, null, routines);
    }

    /** A height × width × 3 array of integers 0..255, read into RGB bytes. */
    private RgbArray pixels(JsonParser p) throws IOException {
        ByteArrayOutputStream rgb = new ByteArrayOutputStream();
        int height = 0;
        int width = -1;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_ARRAY) {
                throw arrayError("Row " + height + " must be an array of [r, g, b] pixels.", height);
            }
            int columns = row(p, height, rgb);
            if (columns == 0) {
                throw arrayError("Row " + height + " is empty.", height);
            }
            if (width >= 0 && columns != width) {
                throw arrayError("Row " + height + " has " + columns + " pixels but row 0 has " + width
                        + "; all rows must have the same width.", height);
            }
            width = columns;
            height++;
            if ((long) height * width > limits.maxArrayPixels()) {
                throw tooManyPixels();
            }
        }
        if (height == 0) {
            throw PredictException.badRequest("data must not be an empty array.", DATA, "value_error.array");
        }
        return new RgbArray(width, height, rgb.toByteArray());
    }

    private int row(JsonParser p, int y, ByteArrayOutputStream rgb) throws IOException {
        int x = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_ARRAY) {
                throw arrayError("Pixel [" + y + "][" + x + "] must be an array [r, g, b].", y, x);
            }
            int channels = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                if (channels == 3) {
                    throw arrayError("Pixel [" + y + "][" + x + "] has more than 3 values.", y, x);
                }
                rgb.write(channel(p, y, x, channels));
                channels++;
            }
            if (channels != 3) {
                throw arrayError("Pixel [" + y + "][" + x + "] has " + channels + " values; it needs 3 (r, g, b).",
                        y, x);
            }
            x++;
            if ((long) x > limits.maxArrayPixels()) {
                throw tooManyPixels();
            }
        }
        return x;
    }

    private static int channel(JsonParser p, int y, int x, int c) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT
                || p.getIntValue() < 0 || p.getIntValue() > 255) {
            String value = p.currentToken().isScalarValue() ? p.getText() : "a " + p.currentToken().asString();
            throw arrayError("Value " + value + " at [" + y + "][" + x + "][" + c
                    + "] is not an integer from 0 to 255.", y, x, c);
        }
        return p.getIntValue();
    }

    private static PredictException arrayError(String message, int... index) {
        List<String> loc = new ArrayList<>(DATA);
        for (int i : index) {
            loc.add(String.valueOf(i));
        }
        return PredictException.badRequest(message, List.copyOf(loc), "value_error.array");
    }

    private ImageRejectedException tooManyPixels() {
        return ImageRejectedException.tooLarge("The array has more than " + limits.maxArrayPixels() + " pixels.");
    }

    private static List<RoutineCall> routines(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return List.of();
        }
        if (value != JsonToken.START_ARRAY) {
            throw PredictException.badRequest("routines must be a list of {\"name\": ..., \"args\": {...}}.",
                    List.of("body", "routines"), "type_error.list");
        }
        List<RoutineCall> calls = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            List<String> loc = List.of("body", "routines", String.valueOf(calls.size()));
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw PredictException.badRequest("Each routine must be an object with a name.", loc,
                        "type_error.object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> fields = (Map<String, Object>) value(p);
            calls.add(call(calls.size(), fields, loc));
        }
        return calls;
    }

    private static RoutineCall call(int index, Map<String, Object> fields, List<String> loc) {
        Object name = fields.remove("name");
        if (name != null && !(name instanceof String)) {
            throw PredictException.badRequest("A routine's name must be a string.", append(loc, "name"),
                    "type_error.str");
        }
        Map<String, Object> args = new LinkedHashMap<>();
        Object nested = fields.remove("args");
        if (nested instanceof Map<?, ?> map) {
            map.forEach((k, v) -> args.put(String.valueOf(k), v));
        } else if (nested != null) {
            throw PredictException.badRequest("A routine's args must be an object.", append(loc, "args"),
                    "type_error.object");
        }
        args.putAll(fields); // arguments given flat beside the name
        return new RoutineCall(index, (String) name, args);
    }

    private static List<String> append(List<String> loc, String part) {
        List<String> out = new ArrayList<>(loc);
        out.add(part);
        return List.copyOf(out);
    }

    /** The current value as plain Java (maps, lists, strings, numbers, booleans, null). */
    private static Object value(JsonParser p) throws IOException {
        return switch (p.currentToken()) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    map.put(key, value(p));
                }
                yield map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(value(p));
                }
                yield list;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            default -> null;
        };
    }
}
