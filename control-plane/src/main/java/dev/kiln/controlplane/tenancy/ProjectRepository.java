package dev.kiln.controlplane.tenancy;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;

import java.util.List;
import java.util.UUID;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ProjectRepository extends CrudRepository<Project, UUID> {

    List<Project> findByOrganizationIdOrderByCreatedAt(UUID organizationId);

    boolean existsByOrganizationIdAndName(UUID organizationId, String name);

    /** Projects whose keys without a limit of their own inherit one. */
    List<Project> findByDefaultRateLimitPerSecondIsNotNull();
}
