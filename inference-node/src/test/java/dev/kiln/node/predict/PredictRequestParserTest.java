package dev.kiln.node.predict;

import dev.kiln.node.imaging.ImageRejectedException;
import dev.kiln.node.imaging.ImagingConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PredictRequestParserTest {
    private final PredictRequestParser parser = new PredictRequestParser(ImagingConfig.defaults());

    private PredictRequest parse(String json) {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private void badRequest(String json, String messagePart, String... loc) {
        assertThatThrownBy(() -> parse(json)).as(json)
                .isInstanceOfSatisfying(PredictException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.getMessage()).contains(messagePart);
                    assertThat(e.detail()).singleElement().satisfies(d -> assertThat(d.loc()).containsExactly(loc));
                });
    }

    @Test
    void readsBase64AndUrlBodies() {
        PredictRequest r = parse("{\"image_type\":\"base64\",\"data\":\"aGVsbG8=\",\"extra\":{\"x\":[1,2]}}");
        assertThat(r.imageType()).isEqualTo(PredictRequest.ImageType.BASE64);
        assertThat(r.text()).isEqualTo("aGVsbG8=");
        assertThat(parse("{\"image_type\":\"base_64\",\"data\":\"aGVsbG8=\"}").imageType())
                .isEqualTo(PredictRequest.ImageType.BASE64);
        assertThat(parse("{\"data\":\"https://example.com/a.jpg\",\"image_type\":\"URL\"}").imageType())
                .isEqualTo(PredictRequest.ImageType.URL);
    }

    @Test
    void readsAnArrayIntoRgbBytes() {
        PredictRequest r = parse("{\"image_type\":\"array\",\"data\":[[[1,2,3],[4,5,6]],[[7,8,9],[10,11,255]]]}");
        assertThat(r.array().width()).isEqualTo(2);
        assertThat(r.array().height()).isEqualTo(2);
        assertThat(r.array().rgb()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, (byte) 255);
    }

    @Test
    void readsRoutinesWithNestedOrFlatArguments() {
        PredictRequest r = parse("{\"image_type\":\"base64\",\"data\":\"aGk=\",\"routines\":["
                + "{\"name\":\"FilterConfidence\",\"args\":{\"confidence\":0.5}},"
                + "{\"name\":\"FilterConfidence\",\"confidence\":0.7}]}");
        assertThat(r.routines()).hasSize(2);
        assertThat(r.routines().get(0).args()).isEqualTo(Map.of("confidence", 0.5));
        assertThat(r.routines().get(1).args()).isEqualTo(Map.of("confidence", 0.7));
        assertThat(r.routines().get(1).index()).isEqualTo(1);
    }

    @Test
    void malformedJsonAndWrongShapesOfBody() {
        badRequest("{\"image_type\": \"base64\", ", "not valid JSON", "body");
        badRequest("[1,2]", "JSON object", "body");
        badRequest("", "empty", "body");
        badRequest("{\"image_type\":\"base64\",\"data\":\"x\"} {}", "after the JSON", "body");
        badRequest("{\"image_type\":\"base64\",\"data\":\"x\"} trailing", "not valid JSON", "body");
        badRequest("{\"image_type\":\"base64\",\"image_type\":\"url\",\"data\":\"x\"}", "Duplicate", "body");
    }

    @Test
    void missingAndUnknownFields() {
        badRequest("{\"data\":\"x\"}", "image_type is required", "body", "image_type");
        badRequest("{\"image_type\":\"tensor\",\"data\":\"x\"}", "Unknown image_type 'tensor'", "body", "image_type");
        badRequest("{\"image_type\":\"base64\"}", "data is required", "body", "data");
        badRequest("{\"image_type\":\"base64\",\"data\":[[[1,2,3]]]}", "must be a string", "body", "data");
        badRequest("{\"image_type\":\"array\",\"data\":\"abc\"}", "height × width × 3", "body", "data");
        badRequest("{\"image_type\":\"base64\",\"data\":5}", "data must be", "body", "data");
    }

    @Test
    void arrayShapeAndValueErrorsSayWhere() {
        badRequest("{\"image_type\":\"array\",\"data\":[[[1,2,3],[4,5,6]],[[7,8,9]]]}", "Row 1 has 1 pixels",
                "body", "data", "1");
        badRequest("{\"image_type\":\"array\",\"data\":[[[1,2,3],[4,5]]]}", "has 2 values", "body", "data", "0", "1");
        badRequest("{\"image_type\":\"array\",\"data\":[[[1,2,3,4]]]}", "more than 3", "body", "data", "0", "0");
        badRequest("{\"image_type\":\"array\",\"data\":[[[1,2,300]]]}", "Value 300 at [0][0][2]", "body", "data", "0",
                "0", "2");
        badRequest("{\"image_type\":\"array\",\"data\":[[[1,-2,3]]]}", "Value -2", "body", "data", "0", "0", "1");
        badRequest("{\"image_type\":\"array\",\"data\":[[[1,2.5,3]]]}", "Value 2.5", "body", "data", "0", "0", "1");
        badRequest("{\"image_type\":\"array\",\"data\":[[[1,\"2\",3]]]}", "not an integer", "body", "data", "0", "0", "1");
        badRequest("{\"image_type\":\"array\",\"data\":[]}", "empty", "body", "data");
        badRequest("{\"image_type\":\"array\",\"data\":[[]]}", "Row 0 is empty", "body", "data", "0");
        badRequest("{\"image_type\":\"array\",\"data\":[5]}", "Row 0 must be", "body", "data", "0");
        badRequest("{\"image_type\":\"array\",\"data\":[[[1,2,NaN]]]}", "not valid JSON", "body");
    }

    @Test
    void arraysOverThePixelLimitAre413() {
        PredictRequestParser small = new PredictRequestParser(new ImagingConfig(40_000_000, false, null, null, 0, 0, 3, 0));
        assertThatThrownBy(() -> small.parse("{\"image_type\":\"array\",\"data\":[[[1,2,3],[1,2,3]],[[1,2,3],[1,2,3]]]}"
                .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> assertThat(e.status()).isEqualTo(413));
    }

    @Test
    void deepNestingIsRefused() {
        String deep = "{\"image_type\":\"base64\",\"data\":\"x\",\"extra\":" + "[".repeat(200) + "]".repeat(200) + "}";
        badRequest(deep, "not valid JSON", "body");
    }

    @Test
    void badRoutineEntries() {
        badRequest("{\"image_type\":\"base64\",\"data\":\"x\",\"routines\":{}}", "must be a list", "body", "routines");
        badRequest("{\"image_type\":\"base64\",\"data\":\"x\",\"routines\":[\"FilterConfidence\"]}", "must be an object",
                "body", "routines", "0");
        badRequest("{\"image_type\":\"base64\",\"data\":\"x\",\"routines\":[{\"name\":\"A\",\"args\":[1]}]}",
                "args must be an object", "body", "routines", "0", "args");
    }
}
