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

    /** Names of the deployments (live or being deleted) that still run one of the model's versions. */
    @Query("""
            SELECT d.name FROM deployments d JOIN model_versions v ON v.id = d.model_version_id
            WHERE v.model_id = :modelId ORDER BY d.name""")
    List<String> findDeploymentNamesUsingModel(UUID modelId);

    /** Names of the deployments (live or being deleted) that still run the version. */
    @Query("SELECT name FROM deployments WHERE model_version_id = :versionId ORDER BY name")
    List<String> findDeploymentNamesUsingVersion(UUID versionId);
}
