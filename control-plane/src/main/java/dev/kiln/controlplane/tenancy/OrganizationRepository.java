package dev.kiln.controlplane.tenancy;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface OrganizationRepository extends CrudRepository<Organization, UUID> {

    @Query("""
            SELECT o.* FROM organizations o JOIN memberships m ON m.organization_id = o.id
            WHERE m.user_id = :userId ORDER BY o.created_at, o.id""")
    List<Organization> findVisibleTo(UUID userId);

    /**
     * Locks the organization row until the transaction ends, so membership changes of one organization run one
     * at a time (two admins demoting the two last owners at once must not leave none).
     */
    @Query("SELECT * FROM organizations WHERE id = :id FOR UPDATE")
    Optional<Organization> lockById(UUID id);
}
