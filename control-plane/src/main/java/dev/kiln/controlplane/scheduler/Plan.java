package dev.kiln.controlplane.scheduler;

import dev.kiln.controlplane.deployment.DeploymentStatus;
import io.micronaut.core.annotation.Nullable;

import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * What one reconcile round does to one deployment.
 *
 * @param create new instances (SCHEDULED) of the current generation
 * @param drain  READY instances to stop routing to; they are deleted after the drain grace
 * @param delete instances to remove now
 * @param touch  instances whose deployment settings changed since their row last changed (nodes must re-pull)
 * @param status the deployment's status after this round, with its reason
 */
public record Plan(List<NewInstance> create, Set<UUID> drain, Set<UUID> delete, Set<UUID> touch,
                   DeploymentStatus status, @Nullable String reason) {

    /**
     * A new instance of model version {@code modelVersionId} (a {@code shadow} one only gets mirrored copies);
     * {@code attempts} and {@code error} carry over from the
     * failed one it retries.
     */
    public record NewInstance(UUID nodeId, List<Integer> gpuIndices, int attempts, @Nullable String error,
                              UUID modelVersionId, boolean shadow) {
    }

    public boolean changesInstances() {
        return !create.isEmpty() || !drain.isEmpty() || !delete.isEmpty() || !touch.isEmpty();
    }
}
