-- Why: nodes long-poll their desired state ("anything newer than version N?"). A per-node counter, bumped in the
-- same transaction as every change to that node's instances or their settings, answers that exactly on every
-- control-plane replica, removals included (a deleted instance leaves no row whose timestamp could move).
ALTER TABLE nodes ADD COLUMN assignments_version bigint NOT NULL DEFAULT 0;
