-- Why: a project's default rate limit is part of the effective limit of each of its keys that has none of its
-- own, so changing it must reach every replica's in-memory key table the way a key change does.
CREATE TRIGGER projects_rate_limit_notify
    AFTER UPDATE OF default_rate_limit_per_second ON projects
    FOR EACH STATEMENT EXECUTE FUNCTION kiln_keys_notify();
