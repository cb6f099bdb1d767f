-- Why: POST /{id}/predict?async=true answers 202 at once and the result is fetched later from any control-plane
-- replica (DESIGN §4.2), so it is kept here until expires_at (kiln.gateway.async-result-ttl, default 1 h).
-- status is RUNNING until the answer arrives; then http_status, content_type and body hold it as it would have
-- been sent (errors included).
CREATE TABLE async_predictions (
    predict_id    uuid PRIMARY KEY,
    deployment_id uuid        NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    status        text        NOT NULL CHECK (status IN ('RUNNING', 'DONE')),
    http_status   integer,
    content_type  text,
    body          bytea,
    created_at    timestamptz NOT NULL,
    finished_at   timestamptz,
    expires_at    timestamptz NOT NULL
);
CREATE INDEX async_predictions_expires_idx ON async_predictions (expires_at);
