-- Why: every other table hangs off organizations, projects and the people who belong to them (DESIGN §8).
CREATE TABLE organizations (
    id         uuid PRIMARY KEY,
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL
);

CREATE TABLE users (
    id            uuid PRIMARY KEY,
    email         text        NOT NULL,
    display_name  text,
    password_hash text        NOT NULL,
    is_operator   boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE memberships (
    organization_id uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id         uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role            text        NOT NULL CHECK (role IN ('OWNER', 'ADMIN', 'MEMBER', 'VIEWER')),
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

CREATE TABLE projects (
    id                          uuid PRIMARY KEY,
    organization_id             uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name                        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    default_rate_limit_per_second integer CHECK (default_rate_limit_per_second > 0),
    created_at                  timestamptz NOT NULL,
    UNIQUE (organization_id, name)
);
