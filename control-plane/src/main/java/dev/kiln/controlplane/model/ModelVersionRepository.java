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

    /**
     * Names of the deployments (live or being deleted) that still run one of the model's versions: as their version,
     * in their traffic list, or on an instance that has not drained yet.
     */
    @Query("""
            SELECT DISTINCT d.name FROM deployments d JOIN model_versions v ON v.model_id = :modelId
            WHERE v.id = d.model_version_id
               OR d.traffic @> jsonb_build_array(jsonb_build_object('modelVersionId', v.id::text))
               OR EXISTS (SELECT 1 FROM instances i WHERE i.deployment_id = d.id AND i.model_version_id = v.id)
            ORDER BY d.name""")
    List<String> findDeploymentNamesUsingModel(UUID modelId);

    /** Names of the deployments (live or being deleted) that still run the version, as above. */
    @Query("""
            SELECT d.name FROM deployments d
            WHERE d.model_version_id = :versionId
               OR d.traffic @> jsonb_build_array(jsonb_build_object('modelVersionId', CAST(:versionId AS text)))
               OR EXISTS (SELECT 1 FROM instances i WHERE i.deployment_id = d.id AND i.model_version_id = :versionId)
            ORDER BY d.name""")
    List<String> findDeploymentNamesUsingVersion(UUID versionId);
}
