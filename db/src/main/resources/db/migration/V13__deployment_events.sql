-- Why: the deployment logs of DESIGN §9 — instance loads and failures, status changes, rollouts and scaling,
-- and requests the gateway refused (one row per deployment, replica and 10-second window, not one per request).
CREATE TABLE deployment_events (
    id            bigserial PRIMARY KEY,
    deployment_id uuid        NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    at            timestamptz NOT NULL,
    level         text        NOT NULL CHECK (level IN ('INFO', 'WARN', 'ERROR')),
    kind          text        NOT NULL CHECK (kind IN ('LOAD', 'FAILURE', 'REJECTED', 'ROLLOUT', 'SCALE', 'STATUS')),
    message       text        NOT NULL,
    instance_id   uuid,
    node_id       uuid
);
CREATE INDEX deployment_events_deployment_idx ON deployment_events (deployment_id, at DESC, id DESC);
CREATE INDEX deployment_events_at_idx ON deployment_events (at);
