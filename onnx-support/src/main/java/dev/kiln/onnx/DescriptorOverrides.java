package dev.kiln.onnx;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;
import java.util.Map;

/**
 * What an uploader says about a model that cannot be read from the file, or corrects what was inferred. Every field
 * is optional; given fields win over inferred ones.
 */
@Serdeable
public record DescriptorOverrides(@Nullable String task, @Nullable String outputAdapter,
                                  @Nullable Map<String, String> outputs, @Nullable Input input,
                                  @Nullable Map<Integer, String> labels, @Nullable Map<String, Object> options) {

    public static final DescriptorOverrides NONE = new DescriptorOverrides(null, null, null, null, null, null);

    /** Overrides of the input spec; see {@link dev.kiln.protocol.InputSpec} for the meaning of each field. */
    @Serdeable
    public record Input(@Nullable String name, @Nullable String layout, @Nullable Integer height,
                        @Nullable Integer width, @Nullable String colorOrder, @Nullable Double scale,
                        @Nullable List<Double> mean, @Nullable List<Double> std, @Nullable String dtype,
                        @Nullable String resize) {
    }
}
