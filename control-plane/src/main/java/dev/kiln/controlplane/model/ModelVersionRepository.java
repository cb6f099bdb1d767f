package dev.kiln.controlplane.model;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ModelVersionRepository extends CrudRepository<ModelVersion, UUID> {

    List<ModelVersion> findByModelIdOrderByCreatedAt(UUID modelId);

    Optional<ModelVersion> findByModelIdAndVersionTag(UUID modelId, String versionTag);

    @Query("SELECT version_tag FROM model_versions WHERE model_id = :modelId")
    List<String> findVersionTagsByModelId(UUID modelId);
}
