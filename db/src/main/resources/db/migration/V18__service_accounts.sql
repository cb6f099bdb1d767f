-- Why: automation (CI, the CLI) acts in one organization with a role through its own hashed bearer tokens, never
-- a person's password (DESIGN §8, issue 13). Deleting an account deletes its tokens; OWNER is never a robot's role.
CREATE TABLE service_accounts (
    id              uuid PRIMARY KEY,
    organization_id uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    role            text        NOT NULL CHECK (role IN ('ADMIN', 'MEMBER', 'VIEWER')),
    created_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL,
    UNIQUE (organization_id, name)
);

CREATE TABLE service_account_tokens (
    id                 uuid PRIMARY KEY,
    service_account_id uuid        NOT NULL REFERENCES service_accounts (id) ON DELETE CASCADE,
    name               text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    prefix             text        NOT NULL,
    token_hash         text        NOT NULL UNIQUE,
    expires_at         timestamptz,
    created_at         timestamptz NOT NULL,
    last_used_at       timestamptz,
    revoked_at         timestamptz
);
CREATE INDEX service_account_tokens_account_idx ON service_account_tokens (service_account_id);
