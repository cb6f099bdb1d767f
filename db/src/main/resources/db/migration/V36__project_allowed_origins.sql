-- Why: CORS on the data plane (DESIGN §8): the browser origins a project lets call its deployments, cached in memory
-- on every replica like keys, so a change notifies them the way a key change does (kiln_keys, V9).
ALTER TABLE projects ADD COLUMN allowed_origins text[] NOT NULL DEFAULT '{}'
    CHECK (cardinality(allowed_origins) <= 20);
CREATE TRIGGER projects_allowed_origins_notify
    AFTER UPDATE OF allowed_origins ON projects
    FOR EACH STATEMENT EXECUTE FUNCTION kiln_keys_notify();
