package dev.kiln.controlplane.node;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.util.List;
import java.util.UUID;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface NodeGpuRepository extends GenericRepository<NodeGpu, NodeGpuKey> {

    NodeGpu save(NodeGpu gpu);

    @Query("SELECT * FROM node_gpus WHERE node_id = :nodeId ORDER BY gpu_index")
    List<NodeGpu> findByNode(UUID nodeId);

    @Query("SELECT * FROM node_gpus ORDER BY node_id, gpu_index")
    List<NodeGpu> findAllOrdered();

    @Query("DELETE FROM node_gpus WHERE node_id = :nodeId")
    void deleteByNode(UUID nodeId);
}
