-- Why: who did what to which resource, when and from where (DESIGN §8); written in the change's transaction.
CREATE TABLE audit_events (
    id              bigserial PRIMARY KEY,
    organization_id uuid REFERENCES organizations (id) ON DELETE CASCADE,
    project_id      uuid,
    actor_user_id   uuid,
    actor           text        NOT NULL,
    action          text        NOT NULL,
    target_type     text,
    target_id       text,
    detail          jsonb       NOT NULL DEFAULT '{}',
    remote_address  text,
    created_at      timestamptz NOT NULL
);
CREATE INDEX audit_events_org_time_idx ON audit_events (organization_id, created_at DESC);
