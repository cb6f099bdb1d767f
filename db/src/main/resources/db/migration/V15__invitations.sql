-- Why: people join an organization by accepting an invitation sent to their address, never through an account an
-- admin made for them with a password of the admin's choosing (issue 13). Only the token's SHA-256 is stored.
CREATE TABLE invitations (
    id              uuid PRIMARY KEY,
    organization_id uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    email           text        NOT NULL,
    role            text        NOT NULL CHECK (role IN ('OWNER', 'ADMIN', 'MEMBER', 'VIEWER')),
    token_hash      text        NOT NULL UNIQUE,
    status          text        NOT NULL CHECK (status IN ('PENDING', 'ACCEPTED', 'DECLINED', 'REVOKED')),
    invited_by      uuid        REFERENCES users (id) ON DELETE SET NULL,
    expires_at      timestamptz NOT NULL,
    created_at      timestamptz NOT NULL,
    decided_at      timestamptz
);
CREATE INDEX invitations_organization_idx ON invitations (organization_id) WHERE status = 'PENDING';
CREATE INDEX invitations_email_idx ON invitations (lower(email)) WHERE status = 'PENDING';
