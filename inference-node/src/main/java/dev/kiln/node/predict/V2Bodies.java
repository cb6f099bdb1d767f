package dev.kiln.node.predict;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/** Response bodies of the Open Inference Protocol v2 (KServe v2 / Triton HTTP), field names as the protocol spells them. */
final class V2Bodies {
    private V2Bodies() {
    }

    /** A tensor as the model declares it; -1 marks a dynamic dimension. */
    @Serdeable
    record TensorMetadata(String name, String datatype, List<Long> shape) {
    }

    /** {@code GET /v2/models/{name}}. */
    @Serdeable
    record ModelMetadata(String name, List<String> versions, String platform, List<TensorMetadata> inputs,
                         List<TensorMetadata> outputs) {
    }

    /** One output tensor, its data flattened in row-major order. */
    @Serdeable
    record OutputTensor(String name, String datatype, List<Long> shape, List<?> data) {
    }

    /** {@code POST /v2/models/{name}/infer}. */
    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record InferResponse(@JsonProperty("model_name") String modelName,
                         @JsonProperty("model_version") String modelVersion,
                         @Nullable String id, List<OutputTensor> outputs) {
    }
}
