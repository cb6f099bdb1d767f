-- Why: cordon and drain are an operator's decision and must survive a node going LOST and coming back, but
-- nodes.state also records liveness (LOST); the decision gets its own column and state is derived from both.
ALTER TABLE nodes ADD COLUMN cordon text CHECK (cordon IN ('CORDONED', 'DRAINING'));

-- Why: deployments name GPU types case-insensitively ("h100-80gb" is "H100-80GB"), so the catalog must not hold
-- two names that differ only in case.
CREATE UNIQUE INDEX gpu_types_lower_name_key ON gpu_types (lower(name));
