package dev.kiln.protocol;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * How an image becomes the model's input tensor (DESIGN §5).
 *
 * @param name       input tensor name
 * @param layout     {@code NCHW}, {@code NHWC} or {@code CHW}/{@code HWC} (no batch dimension)
 * @param height     fixed input height, or null when the model takes any height
 * @param width      fixed input width, or null when the model takes any width
 * @param colorOrder {@code RGB} or {@code BGR}
 * @param scale      multiplier applied to 0..255 pixel values before mean/std (e.g. 1/255)
 * @param mean       per-channel mean subtracted after scaling (empty: none)
 * @param std        per-channel std divided after mean (empty: none)
 * @param dtype      {@code float32} or {@code uint8}
 * @param resize     {@code stretch}, {@code letterbox} or {@code none} (dynamic-size models)
 * @param dynamicBatch whether the batch dimension is dynamic (batching possible)
 */
@Serdeable
public record InputSpec(String name, String layout, @Nullable Integer height, @Nullable Integer width,
                        String colorOrder, double scale, List<Double> mean, List<Double> std, String dtype,
                        String resize, boolean dynamicBatch) {
}
