-- Why: gateway tokens become random per node, stored sealed with a key kept outside the database; the shared HMAC
-- key that derived every node's token from a database row goes (nodes without a sealed token re-register).
ALTER TABLE nodes ADD COLUMN gateway_token_sealed text;
DROP TABLE cluster_settings;
