-- Why: every applied configuration of a deployment is a numbered generation that can be listed and rolled back to
-- (DESIGN §7 history); the settings are kept as the JSON the API shows.
CREATE TABLE deployment_history (
    deployment_id uuid        NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    generation    integer     NOT NULL CHECK (generation > 0),
    settings      jsonb       NOT NULL,
    actor         text        NOT NULL,
    action        text        NOT NULL CHECK (action IN ('create', 'update', 'rollback', 'promote')),
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (deployment_id, generation)
);
