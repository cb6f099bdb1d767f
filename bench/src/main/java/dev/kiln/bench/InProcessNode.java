package dev.kiln.bench;

import dev.kiln.node.predict.PredictService;
import dev.kiln.node.runtime.InstanceManager;
import dev.kiln.node.runtime.ServingInstance;
import dev.kiln.onnx.DescriptorOverrides;
import dev.kiln.onnx.ModelInspector;
import dev.kiln.protocol.Assignment;
import dev.kiln.protocol.ServingSettings;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The node's pipeline in this process, without HTTP: the predict body parsed, the image decoded and preprocessed,
 * ONNX Runtime run, the adapter applied and the answer written as JSON, exactly as the node does behind its
 * endpoint. Beside raw ORT and the served row it tells how much of a request's cost is the pipeline and how much the
 * HTTP hops (client → gateway → node).
 */
final class InProcessNode implements AutoCloseable {
    private final ApplicationContext context;
    private final PredictService predictions;
    private final JsonMapper json;
    private final String instanceId;

    InProcessNode(Path ortCache, Path model, Path home) throws Exception {
        this.context = ApplicationContext.builder().properties(Map.of(
                "kiln.node.agent-enabled", false,
                "kiln.node.home", home.toString(),
                "kiln.node.runtime.ort-cache", ortCache.toString(),
                "micronaut.server.port", -1)).start();
        this.predictions = context.getBean(PredictService.class);
        this.json = context.getBean(JsonMapper.class);
        Assignment assignment = new Assignment(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(),
                model.getFileName().toString().replace(".onnx", ""), "v1", "0".repeat(64), 0,
                ModelInspector.inspect(model, DescriptorOverrides.NONE), List.of(),
                new ServingSettings(1, 0, 64, 60_000, "entropy", 0.5));
        ServingInstance instance = context.getBean(InstanceManager.class).add(assignment, model);
        instance.settled().get(120, TimeUnit.SECONDS);
        this.instanceId = instance.id().toString();
    }

    /** One prediction through the pipeline, its answer serialized. */
    int predict(byte[] body) throws Exception {
        byte[] answer = json.writeValueAsBytes(predictions.predict(instanceId, "bench", body).get());
        return answer.length > 0 ? 200 : 500;
    }

    @Override
    public void close() {
        context.close();
    }
}
