-- Why: a node may apply a shorter queue than the deployment's maxQueue where its memory does not allow more
-- (issue 14); it reports the bound it applies, and GET /{id}/info shows it.
ALTER TABLE instances
    ADD COLUMN effective_max_queue integer,
    ADD COLUMN max_queue_clamped_by text;
