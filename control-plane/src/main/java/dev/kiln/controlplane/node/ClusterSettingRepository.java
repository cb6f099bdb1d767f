package dev.kiln.controlplane.node;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;
import java.util.Optional;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ClusterSettingRepository extends GenericRepository<ClusterSetting, String> {

    Optional<ClusterSetting> findById(String name);

    /** First writer wins: concurrent replicas generating the same setting all end up reading one value. */
    @Query("INSERT INTO cluster_settings (name, value, created_at) VALUES (:name, :value, :createdAt) ON CONFLICT (name) DO NOTHING")
    void insertIfAbsent(String name, String value, Instant createdAt);
}
