-- Why: logout must make refresh tokens unusable (issue 4). Refresh tokens carry the user's token_version;
-- logging out bumps it, so every refresh token issued before is refused from then on.
ALTER TABLE users ADD COLUMN token_version bigint NOT NULL DEFAULT 0;

-- Why: every control-plane replica keeps project keys in memory for the gateway's hot path. Each change that can
-- alter what a secret may do (new key, rotation, revocation, scope, expiry, deletion) notifies kiln_keys inside the
-- changing transaction, so listeners reload right after it commits. last_used_at is left out on purpose: it is
-- written in batches by every replica and does not change any verdict, so it must not cause reload storms.
CREATE FUNCTION kiln_keys_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('kiln_keys', '');
    RETURN NULL;
END;
$$;

CREATE TRIGGER project_keys_notify
    AFTER INSERT OR DELETE OR TRUNCATE
       OR UPDATE OF project_id, prefix, secret_hash, previous_secret_hash, previous_valid_until, deployment_ids,
                    expires_at, rate_limit_per_second, revoked_at
    ON project_keys
    FOR EACH STATEMENT EXECUTE FUNCTION kiln_keys_notify();
