-- Why: cluster-wide secrets generated once and shared by every control-plane replica
-- (e.g. the key that derives gateway→node tokens); never defaults baked into config.
CREATE TABLE cluster_settings (
    name       text PRIMARY KEY,
    value      text        NOT NULL,
    created_at timestamptz NOT NULL
);
