-- Why: the organization's capture storage quota (DESIGN §8, issue 15); NULL means the configured default.
ALTER TABLE organization_quotas ADD COLUMN capture_storage_bytes bigint CHECK (capture_storage_bytes >= 0);
