package dev.kiln.controlplane.serviceaccount;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

@JdbcRepository(dialect = Dialect.POSTGRES)
interface ServiceAccountRepository extends GenericRepository<ServiceAccount, UUID> {

    ServiceAccount save(ServiceAccount account);

    Optional<ServiceAccount> findById(UUID id);

    @Query("SELECT * FROM service_accounts WHERE id = :id AND organization_id = :organizationId")
    Optional<ServiceAccount> findInOrganization(UUID id, UUID organizationId);

    @Query("SELECT * FROM service_accounts WHERE organization_id = :organizationId ORDER BY created_at, name")
    List<ServiceAccount> findByOrganization(UUID organizationId);

    @Query("SELECT EXISTS (SELECT 1 FROM service_accounts WHERE organization_id = :organizationId AND name = :name)")
    boolean nameTaken(UUID organizationId, String name);

    /** Its tokens go with it (ON DELETE CASCADE), so they stop working with the next request. */
    @Query("DELETE FROM service_accounts WHERE id = :id")
    void delete(UUID id);
}
