package dev.kiln.node.predict;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.kiln.node.runtime.QueueClamp;
import dev.kiln.node.runtime.ServingInstance;
import dev.kiln.protocol.Assignment;
import dev.kiln.protocol.InstanceStatus;
import dev.kiln.protocol.ModelDescriptor;
import dev.kiln.protocol.ServingSettings;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;
import java.util.UUID;

/**
 * An instance as this node serves it: what {@code GET /{id}/info} is built from.
 *
 * @param maxQueue          the deployment's queue length
 * @param effectiveMaxQueue the queue length this node's memory allows, at most {@code maxQueue}
 * @param maxQueueClampedBy {@code heap} or {@code directMemory} when that made the queue shorter; absent otherwise
 */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
record InstanceInfo(UUID instanceId, UUID deploymentId, UUID modelVersionId, String modelName, String versionTag,
                    InstanceStatus status, @Nullable String error, int inFlight, ModelDescriptor descriptor,
                    List<Integer> gpuIndices, ServingSettings settings, int maxQueue, int effectiveMaxQueue,
                    @Nullable String maxQueueClampedBy) {

    static InstanceInfo of(ServingInstance instance) {
        Assignment a = instance.assignment();
        QueueClamp queue = instance.queue();
        return new InstanceInfo(a.instanceId(), a.deploymentId(), a.modelVersionId(), a.modelName(), a.versionTag(),
                instance.status(), instance.error(), instance.outstanding(), a.descriptor(),
                a.gpuIndices() == null ? List.of() : a.gpuIndices(), PredictService.settings(a), queue.configured(),
                queue.effective(), queue.clampedBy());
    }
}
