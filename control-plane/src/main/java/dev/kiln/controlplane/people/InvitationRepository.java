package dev.kiln.controlplane.people;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@JdbcRepository(dialect = Dialect.POSTGRES)
interface InvitationRepository extends GenericRepository<Invitation, UUID> {

    Invitation save(Invitation invitation);

    @Query("SELECT * FROM invitations WHERE token_hash = :tokenHash")
    Optional<Invitation> findByTokenHash(String tokenHash);

    @Query("SELECT * FROM invitations WHERE id = :id AND organization_id = :organizationId")
    Optional<Invitation> findInOrganization(UUID id, UUID organizationId);

    /** Locks the row, so two acceptances (or an acceptance and a revocation) are judged one after the other. */
    @Query("SELECT * FROM invitations WHERE id = :id FOR UPDATE")
    Optional<Invitation> lockById(UUID id);

    @Query("""
            SELECT * FROM invitations WHERE organization_id = :organizationId AND status = 'PENDING'
            AND expires_at > :now ORDER BY created_at""")
    List<Invitation> findPendingIn(UUID organizationId, Instant now);

    @Query("""
            SELECT * FROM invitations WHERE lower(email) = lower(:email) AND status = 'PENDING'
            AND expires_at > :now ORDER BY created_at""")
    List<Invitation> findPendingFor(String email, Instant now);

    @Query("""
            UPDATE invitations SET status = 'REVOKED', decided_at = :now
            WHERE organization_id = :organizationId AND lower(email) = lower(:email) AND status = 'PENDING'""")
    long revokePending(UUID organizationId, String email, Instant now);

    @Query("UPDATE invitations SET status = :status, decided_at = :now WHERE id = :id AND status = 'PENDING'")
    long decide(UUID id, String status, Instant now);

    @Query("DELETE FROM invitations WHERE id = :id")
    void deleteById(UUID id);
}
