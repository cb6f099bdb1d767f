package dev.kiln.controlplane.model;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.util.Optional;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ArtifactRepository extends GenericRepository<Artifact, String> {

    Optional<Artifact> findById(String sha256);

    long count();
}
