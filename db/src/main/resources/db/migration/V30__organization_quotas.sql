-- Why: operators raise or lower an organization's quotas (issue 14, DESIGN §8); a NULL column means the configured
-- default (kiln.quotas.*), so changing a default reaches every organization an operator has not set by hand.
CREATE TABLE organization_quotas (
    organization_id     uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    instances           integer CHECK (instances >= 0),
    gpus                integer CHECK (gpus >= 0),
    deployments         integer CHECK (deployments >= 0),
    keys                integer CHECK (keys >= 0),
    model_storage_bytes bigint  CHECK (model_storage_bytes >= 0),
    updated_at          timestamptz NOT NULL
);
