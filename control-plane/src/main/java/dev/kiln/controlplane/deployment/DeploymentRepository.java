package dev.kiln.controlplane.deployment;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;

import java.util.List;
import java.util.UUID;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface DeploymentRepository extends CrudRepository<Deployment, UUID> {

    List<Deployment> findByProjectIdOrderByCreatedAt(UUID projectId);

    boolean existsByProjectIdAndNameAndStatusNotEqual(UUID projectId, String name, String status);
}
