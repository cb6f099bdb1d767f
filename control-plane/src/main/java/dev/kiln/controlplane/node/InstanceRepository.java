package dev.kiln.controlplane.node;

import dev.kiln.protocol.InstanceStatus;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface InstanceRepository extends GenericRepository<Instance, UUID> {

    Instance save(Instance instance);

    Optional<Instance> findById(UUID id);

    @Query("SELECT * FROM instances ORDER BY created_at")
    List<Instance> findAllOrdered();

    @Query("SELECT * FROM instances WHERE node_id = :nodeId ORDER BY created_at")
    List<Instance> findByNode(UUID nodeId);

    @Query("SELECT * FROM instances WHERE deployment_id = :deploymentId ORDER BY created_at")
    List<Instance> findByDeployment(UUID deploymentId);

    @Query("""
            UPDATE instances SET status = :status, error = :error, attempts = :attempts, updated_at = :at
            WHERE id = :id""")
    void updateStatus(UUID id, InstanceStatus status, @Nullable String error, int attempts, Instant at);

    /** The queue bound the node applies to the instance, as it reported it (for {@code /{id}/info}). */
    @Query("UPDATE instances SET effective_max_queue = :effective, max_queue_clamped_by = :clampedBy WHERE id = :id")
    void recordQueue(UUID id, @Nullable Integer effective, @Nullable String clampedBy);

    /** The node vanished: its instances stop counting and are replaced elsewhere. */
    @Query("UPDATE instances SET status = 'LOST', updated_at = :at WHERE node_id = :nodeId AND status <> 'LOST'")
    void markLostOnNode(UUID nodeId, Instant at);

    /**
     * A node that (re-)registers has just started and holds no sessions: what it still owns must be loaded
     * again, so nothing of it may look READY to the gateway until the node says so.
     */
    @Query("""
            UPDATE instances SET status = 'SCHEDULED', updated_at = :at
            WHERE node_id = :nodeId AND status IN ('LOADING', 'READY')""")
    void resetOnNode(UUID nodeId, Instant at);

    @Query("UPDATE instances SET status = 'DRAINING', updated_at = :at WHERE id IN (:ids)")
    void drain(Collection<UUID> ids, Instant at);

    /** Marks instances as carrying their deployment's latest settings (see the reconciler). */
    @Query("UPDATE instances SET updated_at = :at WHERE id IN (:ids)")
    void touch(Collection<UUID> ids, Instant at);

    @Query("DELETE FROM instances WHERE id IN (:ids)")
    void deleteByIdIn(Collection<UUID> ids);

    /** Whether the node runs an instance of a model version stored under this hash (artifact downloads). */
    @Query("""
            SELECT EXISTS (SELECT 1 FROM instances i
                           JOIN model_versions mv ON mv.id = i.model_version_id
                           WHERE i.node_id = :nodeId AND mv.artifact_sha256 = :sha256)""")
    boolean nodeNeedsArtifact(UUID nodeId, String sha256);
}
