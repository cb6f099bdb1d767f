package dev.kiln.controlplane.audit;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;

import java.util.List;
import java.util.Optional;
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

    /** The latest event of this action from this address whose detail names {@code name}. */
    @Query("""
            SELECT * FROM audit_events WHERE action = :action AND remote_address = :remoteAddress
            AND detail ->> 'name' = :name ORDER BY id DESC LIMIT 1""")
    Optional<AuditEvent> findLatestNamed(String action, String remoteAddress, String name);

    /** Counts one more occurrence into an event: {@code detail.count} (1 when absent) grows, {@code lastAt} moves. */
    @Query("""
            UPDATE audit_events SET detail = jsonb_set(jsonb_set(detail, '{count}',
                   to_jsonb(COALESCE(CAST(detail ->> 'count' AS bigint), 1) + 1)),
                   '{lastAt}', to_jsonb(CAST(:at AS text)))
            WHERE id = :id""")
    void countRepeat(long id, String at);

    /** One page of the fleet's trail (node registrations, refusals, revocations; no organization), newest first. */
    @Query("""
            SELECT * FROM audit_events WHERE organization_id IS NULL AND target_type = 'node'
            ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset""")
    List<AuditEvent> fleetPage(int limit, long offset);
}
