-- Why: a deployment's data-capture groups (issue 15, DESIGN §7 "upload groups") are one setting, written and read
-- whole with the deployment: a JSON array of {name, mode, rate?, retentionDays?}, validated by the control plane.
ALTER TABLE deployments ADD COLUMN capture_groups text NOT NULL DEFAULT '[]';
