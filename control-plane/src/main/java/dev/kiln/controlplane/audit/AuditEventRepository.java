package dev.kiln.controlplane.audit;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;

import java.util.List;
import java.util.UUID;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface AuditEventRepository extends CrudRepository<AuditEvent, Long> {

    List<AuditEvent> findByActionOrderByIdDesc(String action);

    List<AuditEvent> findByTargetIdOrderById(String targetId);

    /** One page of an organization's trail, newest first; {@code limit} is one more than shown to learn if more exist. */
    @Query("""
            SELECT * FROM audit_events WHERE organization_id = :organizationId
            AND (CAST(:projectId AS uuid) IS NULL OR project_id = :projectId)
            ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset""")
    List<AuditEvent> page(UUID organizationId, @Nullable UUID projectId, int limit, long offset);

    /** One page of the fleet's trail (node registrations, refusals, revocations; no organization), newest first. */
    @Query("""
            SELECT * FROM audit_events WHERE organization_id IS NULL AND target_type = 'node'
            ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset""")
    List<AuditEvent> fleetPage(int limit, long offset);
}
