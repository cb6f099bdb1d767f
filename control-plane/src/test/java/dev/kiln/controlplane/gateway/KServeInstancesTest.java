package dev.kiln.controlplane.gateway;

import io.micronaut.json.tree.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class KServeInstancesTest {
    private static final JsonNode IMAGE = JsonNode.createStringNode("aGk=");
    private static final JsonNode BASE64_BODY = JsonNode.createObjectNode(Map.of(
            "image_type", JsonNode.createStringNode("base64"), "data", IMAGE));

    private static JsonNode object(Map<String, JsonNode> fields) {
        return JsonNode.createObjectNode(fields);
    }

    @Test
    void theThreeKserveImageFormsBecomeBase64PredictBodies() {
        assertThat(KServeInstances.toPredictBody(object(Map.of("data", IMAGE)))).isEqualTo(BASE64_BODY);
        assertThat(KServeInstances.toPredictBody(object(Map.of("b64", IMAGE)))).isEqualTo(BASE64_BODY);
        assertThat(KServeInstances.toPredictBody(object(Map.of("image_bytes", object(Map.of("b64", IMAGE))))))
                .isEqualTo(BASE64_BODY);
    }

    @Test
    void routinesBesideAKserveFormRideAlong() {
        JsonNode routines = JsonNode.createArrayNode(List.of(object(Map.of("name", JsonNode.createStringNode("Histogram")))));
        JsonNode body = KServeInstances.toPredictBody(object(Map.of("b64", IMAGE, "routines", routines)));
        assertThat(body.get("image_type").getStringValue()).isEqualTo("base64");
        assertThat(body.get("data")).isEqualTo(IMAGE);
        assertThat(body.get("routines")).isEqualTo(routines);
        assertThat(body.get("b64")).isNull();
    }

    @Test
    void predictBodiesAndUnrecognisedShapesAreSentAsWritten() {
        JsonNode url = object(Map.of("image_type", JsonNode.createStringNode("url"), "data", IMAGE));
        JsonNode twoImages = object(Map.of("data", IMAGE, "b64", IMAGE));
        JsonNode bytesWithoutB64 = object(Map.of("image_bytes", IMAGE));
        JsonNode pixels = object(Map.of("data", JsonNode.createArrayNode(List.of())));
        for (JsonNode instance : List.of(url, twoImages, bytesWithoutB64, pixels, IMAGE)) {
            assertThat(KServeInstances.toPredictBody(instance)).isSameAs(instance);
        }
    }
}
