package dev.kiln.controlplane.model;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.util.Optional;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ArtifactRepository extends GenericRepository<Artifact, String> {

    Optional<Artifact> findById(String sha256);

    long count();

    /** Deletes the artifact (and its chunks) unless a model version still references it; 1 when deleted. */
    @Query("""
            DELETE FROM artifacts WHERE sha256 = :sha256
            AND NOT EXISTS (SELECT 1 FROM model_versions WHERE artifact_sha256 = :sha256)""")
    int deleteUnreferenced(String sha256);
}
