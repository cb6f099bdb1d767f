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
}
