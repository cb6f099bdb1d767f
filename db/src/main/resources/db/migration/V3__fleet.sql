-- Why: the scheduler places instances on nodes and their GPUs (DESIGN §7); GPU types are an operator catalog.
CREATE TABLE gpu_types (
    id           uuid PRIMARY KEY,
    name         text        NOT NULL UNIQUE,
    memory_bytes bigint      NOT NULL CHECK (memory_bytes > 0),
    created_at   timestamptz NOT NULL
);

CREATE TABLE nodes (
    id                uuid PRIMARY KEY,
    name              text        NOT NULL UNIQUE,
    address           text        NOT NULL,
    secret_hash       text        NOT NULL,
    state             text        NOT NULL CHECK (state IN ('READY', 'CORDONED', 'DRAINING', 'LOST')),
    region            text,
    labels            jsonb       NOT NULL DEFAULT '{}',
    cpu_cores         integer     NOT NULL CHECK (cpu_cores >= 0),
    memory_bytes      bigint      NOT NULL CHECK (memory_bytes >= 0),
    version           text,
    cpu_percent       double precision,
    used_memory_bytes bigint,
    registered_at     timestamptz NOT NULL,
    last_heartbeat_at timestamptz NOT NULL
);

CREATE TABLE node_gpus (
    node_id      uuid    NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    gpu_index    integer NOT NULL CHECK (gpu_index >= 0),
    name         text    NOT NULL,
    memory_bytes bigint  NOT NULL CHECK (memory_bytes >= 0),
    uuid         text,
    PRIMARY KEY (node_id, gpu_index)
);
