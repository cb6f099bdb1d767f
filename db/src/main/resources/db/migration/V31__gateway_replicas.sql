-- Why: each control-plane replica enforces limit / N of every rate limit, N being the replicas alive now; each one
-- refreshes its row here every few seconds and counts the rows seen recently (issue 14).
CREATE TABLE gateway_replicas (
    id      uuid PRIMARY KEY,
    seen_at timestamptz NOT NULL
);
CREATE INDEX gateway_replicas_seen_idx ON gateway_replicas (seen_at);
