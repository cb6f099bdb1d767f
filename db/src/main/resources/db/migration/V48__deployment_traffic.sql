-- Why: a deployment may split its requests between model versions (canary) or mirror a share to one (shadow), so
-- it keeps a traffic list and every instance says which version it runs (DESIGN §7, issue 16).
ALTER TABLE deployments ADD COLUMN traffic jsonb;
ALTER TABLE instances ADD COLUMN model_version_id uuid REFERENCES model_versions (id);
UPDATE instances i SET model_version_id = d.model_version_id FROM deployments d WHERE d.id = i.deployment_id;
ALTER TABLE instances ALTER COLUMN model_version_id SET NOT NULL;
-- A shadow instance only ever gets mirrored copies: the gateway never lets it answer a caller, even while a
-- traffic change that removed the shadow is still rolling out.
ALTER TABLE instances ADD COLUMN shadow boolean NOT NULL DEFAULT false;
-- An insert that names no version (older writers, raw fixtures) runs the deployment's primary version.
CREATE FUNCTION instances_default_model_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.model_version_id IS NULL THEN
        SELECT model_version_id INTO NEW.model_version_id FROM deployments WHERE id = NEW.deployment_id;
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER instances_default_model_version BEFORE INSERT ON instances
    FOR EACH ROW EXECUTE FUNCTION instances_default_model_version();
