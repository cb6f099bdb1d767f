-- Why: a deployment is the desired state (DESIGN §7); instances are its placed copies on nodes.
-- generation increases with every change that needs new sessions, so rollouts can tell old from new.
CREATE TABLE deployments (
    id                   uuid PRIMARY KEY,
    project_id           uuid             NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name                 text             NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    model_version_id     uuid             NOT NULL REFERENCES model_versions (id),
    status               text             NOT NULL CHECK (status IN ('PENDING', 'DEPLOYING', 'ONLINE', 'DEGRADED', 'FAILED', 'DELETING')),
    status_reason        text,
    instances            integer          NOT NULL CHECK (instances BETWEEN 0 AND 64),
    resource_type        text             NOT NULL CHECK (resource_type IN ('CPU', 'GPU')),
    gpu_type             text,
    gpus_per_instance    integer          NOT NULL DEFAULT 0 CHECK (gpus_per_instance BETWEEN 0 AND 16),
    region               text,
    evaluation_strategy  text             NOT NULL DEFAULT 'entropy',
    evaluation_threshold double precision NOT NULL DEFAULT 0.5,
    max_batch_size       integer          NOT NULL DEFAULT 1 CHECK (max_batch_size BETWEEN 1 AND 256),
    max_queue_delay_ms   integer          NOT NULL DEFAULT 0 CHECK (max_queue_delay_ms BETWEEN 0 AND 10000),
    max_queue            integer          NOT NULL DEFAULT 64 CHECK (max_queue BETWEEN 1 AND 100000),
    timeout_ms           integer          NOT NULL DEFAULT 30000 CHECK (timeout_ms BETWEEN 1 AND 600000),
    rate_limit_per_second integer CHECK (rate_limit_per_second > 0),
    generation           integer          NOT NULL DEFAULT 1,
    online_since         timestamptz,
    created_by           uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at           timestamptz      NOT NULL,
    updated_at           timestamptz      NOT NULL,
    CHECK ((resource_type = 'GPU') = (gpus_per_instance > 0))
);
-- Names are unique among live deployments of a project; a deleted name can be reused.
CREATE UNIQUE INDEX deployments_project_name_key ON deployments (project_id, name) WHERE status <> 'DELETING';

CREATE TABLE instances (
    id            uuid PRIMARY KEY,
    deployment_id uuid        NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    generation    integer     NOT NULL,
    node_id       uuid REFERENCES nodes (id) ON DELETE SET NULL,
    gpu_indices   integer[]   NOT NULL DEFAULT '{}',
    status        text        NOT NULL CHECK (status IN ('SCHEDULED', 'LOADING', 'READY', 'DRAINING', 'FAILED', 'LOST')),
    error         text,
    attempts      integer     NOT NULL DEFAULT 0,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX instances_deployment_idx ON instances (deployment_id);
CREATE INDEX instances_node_idx ON instances (node_id);
