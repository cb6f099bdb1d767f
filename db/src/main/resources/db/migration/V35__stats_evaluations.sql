-- Why: evaluation traffic (POST /api/v1/deployments/{id}/evaluate, sent from the dashboard) is counted apart from
-- production traffic, so dashboards can tell the two apart; `requests` still counts both.
ALTER TABLE stats_windows ADD COLUMN evaluations bigint NOT NULL DEFAULT 0 CHECK (evaluations >= 0);
ALTER TABLE stats_minutes ADD COLUMN evaluations bigint NOT NULL DEFAULT 0;
