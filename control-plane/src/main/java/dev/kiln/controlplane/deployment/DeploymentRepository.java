package dev.kiln.controlplane.deployment;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;

import java.util.List;
import java.util.UUID;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface DeploymentRepository extends CrudRepository<Deployment, UUID> {

    List<Deployment> findByProjectIdOrderByCreatedAt(UUID projectId);

    boolean existsByProjectIdAndNameAndStatusNotEqual(UUID projectId, String name, String status);

    /**
     * Sets the status and its reason; a no-op (updated_at untouched) when neither changes, so a reconcile
     * loop may call it every round. online_since records when the deployment started serving (uptime).
     */
    @Query("""
            UPDATE deployments SET status = :status, status_reason = :statusReason, updated_at = now(),
                   online_since = CASE WHEN :status IN ('ONLINE', 'DEGRADED') THEN COALESCE(online_since, now())
                                       ELSE NULL END
            WHERE id = :id AND (status IS DISTINCT FROM :status OR status_reason IS DISTINCT FROM :statusReason)""")
    void updateStatus(UUID id, String status, @Nullable String statusReason);
}
