-- Why: captured predictions (issue 15): the image lives in the blob store under blob_key, this row says what it is.
-- No foreign keys to deployments or organizations: a row outlives its deployment only until the retention job,
-- which deletes the blob and then the row (a cascade would delete rows and leave their blobs behind).
CREATE TABLE captures (
    id               uuid PRIMARY KEY,
    organization_id  uuid             NOT NULL,
    deployment_id    uuid             NOT NULL,
    model_version_id uuid             NOT NULL,
    instance_id      uuid             NOT NULL,
    groups           text[]           NOT NULL,
    flagged          boolean          NOT NULL,
    score            double precision NOT NULL,
    key_prefix       text,
    class_names      text[]           NOT NULL,
    predictions      text             NOT NULL,
    blob_key         text             NOT NULL,
    content_type     text             NOT NULL,
    size_bytes       bigint           NOT NULL CHECK (size_bytes >= 0),
    width            integer          NOT NULL,
    height           integer          NOT NULL,
    captured_at      timestamptz      NOT NULL,
    expires_at       timestamptz      NOT NULL
);
CREATE INDEX captures_deployment_idx ON captures (deployment_id, captured_at DESC);
CREATE INDEX captures_organization_idx ON captures (organization_id);
CREATE INDEX captures_expires_idx ON captures (expires_at);
