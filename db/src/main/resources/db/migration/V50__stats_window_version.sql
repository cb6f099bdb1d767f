-- Why: stats per model version (canary and shadow, issue 16): each instance window records the version it served.
ALTER TABLE stats_windows ADD COLUMN model_version_id uuid;
CREATE INDEX stats_windows_version_idx ON stats_windows (deployment_id, model_version_id, start);
