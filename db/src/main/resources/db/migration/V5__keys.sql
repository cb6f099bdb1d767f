-- Why: project secrets (DESIGN §8): many named keys per project, stored only as a hash with a visible prefix.
-- previous_secret_hash keeps a rotated-out secret valid until previous_valid_until (the grace period).
CREATE TABLE project_keys (
    id                    uuid PRIMARY KEY,
    project_id            uuid        NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name                  text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    prefix                text        NOT NULL,
    secret_hash           text        NOT NULL UNIQUE,
    previous_secret_hash  text,
    previous_valid_until  timestamptz,
    deployment_ids        uuid[],
    expires_at            timestamptz,
    rate_limit_per_second integer CHECK (rate_limit_per_second > 0),
    created_by            uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at            timestamptz NOT NULL,
    rotated_at            timestamptz,
    last_used_at          timestamptz,
    revoked_at            timestamptz
);
CREATE INDEX project_keys_project_idx ON project_keys (project_id);
