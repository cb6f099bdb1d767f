package dev.kiln.controlplane.node;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface NodeRepository extends CrudRepository<Node, UUID> {

    Optional<Node> findByName(String name);

    /** The artifact endpoint has no node id in its path, so the secret alone identifies the node. */
    Optional<Node> findBySecretHash(String secretHash);

    List<Node> findAllOrderByName();

    @Query("SELECT assignments_version FROM nodes WHERE id = :id")
    Optional<Long> findAssignmentsVersion(UUID id);

    @Query("SELECT * FROM nodes WHERE id IN (:ids)")
    List<Node> findByIdIn(Collection<UUID> ids);

    /** Records a heartbeat; a LOST node that speaks again is READY, or CORDONED/DRAINING if an operator said so. */
    @Query("""
            UPDATE nodes SET last_heartbeat_at = :at, cpu_percent = :cpuPercent, used_memory_bytes = :usedMemoryBytes,
                   state = CASE WHEN state = 'LOST' THEN COALESCE(cordon, 'READY') ELSE state END
            WHERE id = :id""")
    void recordHeartbeat(UUID id, Instant at, double cpuPercent, long usedMemoryBytes);

    /** Sets the operator's cordon (CORDONED or DRAINING); a LOST node takes it when it comes back. */
    @Query("""
            UPDATE nodes SET cordon = :cordon, state = CASE WHEN state = 'LOST' THEN 'LOST' ELSE :cordon END
            WHERE id = :id""")
    void cordon(UUID id, String cordon);

    /** Lifts the cordon: the node receives new instances again (once it is heard from, if it is LOST). */
    @Query("UPDATE nodes SET cordon = NULL, state = CASE WHEN state = 'LOST' THEN 'LOST' ELSE 'READY' END WHERE id = :id")
    void uncordon(UUID id);

    /**
     * Revokes the node's credential: no secret hashes to this stored value, so its heartbeats, polls, downloads and
     * re-registrations fail from the next request on, on every replica (each check reads this row). LOST at once.
     */
    @Query("UPDATE nodes SET secret_hash = 'revoked', state = 'LOST' WHERE id = :id")
    void revoke(UUID id);

    /** Called in the transaction that changes the nodes' desired instances. */
    @Query("UPDATE nodes SET assignments_version = assignments_version + 1 WHERE id IN (:ids)")
    void bumpAssignmentsVersions(Collection<UUID> ids);

    /**
     * Marks the node LOST only if it is still silent: a heartbeat that lands between the scheduler's read
     * and this write wins. Returns the number of rows changed (0 or 1).
     */
    @Query("UPDATE nodes SET state = 'LOST' WHERE id = :id AND state <> 'LOST' AND last_heartbeat_at < :silentSince")
    long markLostIfSilent(UUID id, Instant silentSince);
}
