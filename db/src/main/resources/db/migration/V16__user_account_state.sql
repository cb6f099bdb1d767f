-- Why: operators disable accounts and hand out temporary passwords that must be changed at the next sign-in
-- (issue 13); both are checked on every management request together with token_version.
ALTER TABLE users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;
ALTER TABLE users ADD COLUMN disabled_at timestamptz;
