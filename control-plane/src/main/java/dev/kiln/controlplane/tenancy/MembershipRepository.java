package dev.kiln.controlplane.tenancy;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface MembershipRepository extends GenericRepository<Membership, MembershipKey> {

    Membership save(Membership membership);

    Optional<Membership> findById(MembershipKey id);

    @Query("SELECT * FROM memberships WHERE user_id = :userId ORDER BY created_at")
    List<Membership> findByUser(UUID userId);

    @Query("SELECT * FROM memberships WHERE organization_id = :organizationId ORDER BY created_at, user_id")
    List<Membership> findByOrganization(UUID organizationId);

    @Query("SELECT count(*) FROM memberships WHERE organization_id = :organizationId AND role = 'OWNER'")
    long countOwners(UUID organizationId);

    @Query("UPDATE memberships SET role = :role WHERE organization_id = :organizationId AND user_id = :userId")
    long updateRole(UUID organizationId, UUID userId, String role);

    @Query("DELETE FROM memberships WHERE organization_id = :organizationId AND user_id = :userId")
    long remove(UUID organizationId, UUID userId);
}
