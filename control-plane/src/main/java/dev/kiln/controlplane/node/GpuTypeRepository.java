package dev.kiln.controlplane.node;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

@JdbcRepository(dialect = Dialect.POSTGRES)
interface GpuTypeRepository extends GenericRepository<GpuType, UUID> {

    GpuType save(GpuType type);

    @Query("SELECT * FROM gpu_types ORDER BY lower(name)")
    List<GpuType> findAllOrdered();

    /** Names are unique case-insensitively (gpu_types_lower_name_key). */
    @Query("SELECT * FROM gpu_types WHERE lower(name) = lower(:name)")
    Optional<GpuType> findByNameIgnoreCase(String name);
}
