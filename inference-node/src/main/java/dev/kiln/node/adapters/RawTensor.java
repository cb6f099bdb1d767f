package dev.kiln.node.adapters;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * One model output as it is, the prediction of task {@code raw} (DESIGN §5).
 *
 * @param dtype element type as descriptors spell it: float32, float64, int64, int32, int16, int8, uint8, bool
 * @param data  the values flattened in row-major order
 */
@Serdeable
public record RawTensor(String name, List<Long> shape, String dtype, List<?> data) {
}
