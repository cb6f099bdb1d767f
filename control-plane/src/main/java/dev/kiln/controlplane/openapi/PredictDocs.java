package dev.kiln.controlplane.openapi;

import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/**
 * Shapes of the data plane's predict bodies (DESIGN §4.1), for the OpenAPI document only: the gateway forwards
 * bodies byte for byte and the node parses them, so nothing here is (de)serialized at run time.
 */
public final class PredictDocs {

    private PredictDocs() {
    }

    /** Example request bodies of POST /{deploymentId}/predict, one per image type and one per routine. */
    public static final String BASE64 = """
            {"image_type": "base64", "data": "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAAAQABAAD..."}""";
    public static final String URL = """
            {"image_type": "url", "data": "https://example.com/street.jpg",
             "routines": [{"name": "FilterConfidence", "args": {"confidence": 0.5}}]}""";
    public static final String ARRAY = """
            {"image_type": "array", "data": [[[255, 0, 0], [0, 255, 0]], [[0, 0, 255], [255, 255, 255]]]}""";
    public static final String FILTER_CONFIDENCE = """
            {"image_type": "url", "data": "https://example.com/street.jpg",
             "routines": [{"name": "FilterConfidence", "args": {"confidence": 0.5}}]}""";
    public static final String FILTER_CLASS = """
            {"image_type": "url", "data": "https://example.com/street.jpg",
             "routines": [{"name": "FilterClass", "args": {"class_name": ["person", "car"]}}]}""";
    public static final String EXCLUDE_CLASS = """
            {"image_type": "url", "data": "https://example.com/street.jpg",
             "routines": [{"name": "ExcludeClass", "args": {"class_name": ["traffic light"]}}]}""";
    public static final String FILTER_IOU = """
            {"image_type": "url", "data": "https://example.com/street.jpg",
             "routines": [{"name": "FilterIOU", "args": {"iou": 0.45}}]}""";
    public static final String HISTOGRAM_BINS = """
            {"image_type": "url", "data": "https://example.com/street.jpg",
             "routines": [{"name": "Histogram", "args": {"bins": 10}}]}""";
    public static final String HISTOGRAM_RANGES = """
            {"image_type": "url", "data": "https://example.com/street.jpg",
             "routines": [{"name": "Histogram", "args": {"ranges": [[0, 0.5], [0.5, 0.8], [0.8, 1]]}}]}""";
    public static final String ACTIVE_LEARNING = """
            {"image_type": "url", "data": "https://example.com/street.jpg",
             "routines": [{"name": "FilterConfidence", "args": {"confidence": 0.25}}, {"name": "ActiveLearning"}]}""";

    public static final String RESPONSE = """
            {"predictId": "5f0c6a0e-8d1b-4c52-9a57-3f1e2b7c9d10", "deploymentId": "3b9d7a52-1f7e-4c1a-b0c2-6d2f1e0a9b11",
             "model": {"name": "detector", "versionTag": "v1", "task": "object_detection"},
             "image": {"width": 640, "height": 480},
             "predictions": [{"annotationId": 0, "bound": [[0.1, 0.2], [0.1, 0.6], [0.4, 0.6], [0.4, 0.2]],
                              "boundType": "rectangle", "confidence": 0.93, "tag": {"id": 0, "name": "person"}}],
             "routines": {},
             "timing": {"queueMs": 0.1, "preprocessMs": 1.2, "inferenceMs": 8.0, "postprocessMs": 0.3, "totalMs": 9.9}}""";

    public static final String ERROR = """
            {"status": 400, "error": "BadRequest", "message": "FilterConfidence argument 'confidence' must be between 0 and 1.",
             "detail": [{"loc": ["body", "routines", "0", "args", "confidence"], "msg": "must be between 0 and 1",
                         "type": "value_error.number"}],
             "predictId": "5f0c6a0e-8d1b-4c52-9a57-3f1e2b7c9d10"}""";

    @Schema(name = "PredictRequest", description = "Body of POST /{deploymentId}/predict (DESIGN §4.1).")
    public record PredictRequest(
            @Schema(description = "How data is given.", allowableValues = {"base64", "base_64", "url", "array"},
                    requiredMode = Schema.RequiredMode.REQUIRED, example = "base64")
            String image_type,
            @Schema(description = "base64 (optionally a data:image/...;base64, URL), an http(s) URL, or a height x width x 3 "
                    + "array of 0-255 RGB values.", requiredMode = Schema.RequiredMode.REQUIRED,
                    oneOf = {String.class, List.class})
            Object data,
            @Schema(description = "Post-processing steps, applied in the order given.")
            List<Routine> routines) {
    }

    @Schema(name = "Routine", description = """
            A post-processing step. Arguments go in `args` or flat beside `name`:
            FilterConfidence {confidence: 0..1}; FilterClass {class_name: [names]}; ExcludeClass {class_name: [names]};
            FilterIOU {iou: 0..1}; Histogram {bins: 1..N} or {ranges: [[low, high], ...] or [upper, ...]}; ActiveLearning (no arguments;
            uses the deployment's evaluation strategy and threshold).""")
    public record Routine(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED,
                    allowableValues = {"FilterConfidence", "FilterClass", "ExcludeClass", "FilterIOU", "Histogram",
                            "ActiveLearning"}, example = "FilterConfidence")
            String name,
            @Schema(description = "The routine's arguments.", example = "{\"confidence\": 0.5}")
            Map<String, Object> args) {
    }

    @Schema(name = "PredictResponse", description = "200 body of POST /{deploymentId}/predict (DESIGN §4.1).")
    public record PredictResponse(String predictId, String deploymentId, Map<String, Object> model,
                                  Map<String, Object> image, List<Map<String, Object>> predictions,
                                  Map<String, Object> routines, Map<String, Object> timing) {
    }
}
