-- Why: model files are content-addressed by SHA-256 and kept in Postgres (the only durable state, DESIGN §1),
-- in chunks so they are streamed in and out rather than held whole in memory.
CREATE TABLE artifacts (
    sha256     char(64) PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size_bytes bigint      NOT NULL CHECK (size_bytes >= 0),
    chunks     integer     NOT NULL CHECK (chunks >= 0),
    created_at timestamptz NOT NULL
);

CREATE TABLE artifact_chunks (
    sha256 char(64) NOT NULL REFERENCES artifacts (sha256) ON DELETE CASCADE,
    seq    integer  NOT NULL CHECK (seq >= 0),
    data   bytea    NOT NULL,
    PRIMARY KEY (sha256, seq)
);

CREATE TABLE models (
    id          uuid PRIMARY KEY,
    project_id  uuid        NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    task        text        NOT NULL,
    description text,
    created_at  timestamptz NOT NULL,
    UNIQUE (project_id, name)
);

CREATE TABLE model_versions (
    id              uuid PRIMARY KEY,
    model_id        uuid        NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    version_tag     text        NOT NULL CHECK (length(version_tag) BETWEEN 1 AND 100),
    artifact_sha256 char(64)    NOT NULL REFERENCES artifacts (sha256),
    descriptor      jsonb       NOT NULL,
    created_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL,
    UNIQUE (model_id, version_tag)
);
CREATE INDEX model_versions_artifact_idx ON model_versions (artifact_sha256);
