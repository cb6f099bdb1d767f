package dev.kiln.protocol;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;
import java.util.Map;

/**
 * Everything needed to serve a model version (DESIGN §5): inferred from the ONNX file where possible,
 * the rest given at upload.
 *
 * @param outputAdapter {@code torchvision}, {@code yolov5}, {@code yolov8}, {@code tf_od},
 *                      {@code classification}, {@code prob_map} or {@code raw}
 * @param outputs       model output names the adapter reads, by role (e.g. {@code boxes → "boxes"})
 * @param labels        class id → name
 * @param options       adapter options (e.g. {@code topK}, {@code threshold}); strings, numbers or booleans
 */
@Serdeable
public record ModelDescriptor(Task task, InputSpec input, String outputAdapter, Map<String, String> outputs,
                              Map<Integer, String> labels, Map<String, Object> options) {
}
