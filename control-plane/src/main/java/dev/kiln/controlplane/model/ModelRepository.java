package dev.kiln.controlplane.model;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ModelRepository extends CrudRepository<Model, UUID> {

    List<Model> findByProjectIdOrderByCreatedAt(UUID projectId);

    Optional<Model> findByProjectIdAndName(UUID projectId, String name);
}
