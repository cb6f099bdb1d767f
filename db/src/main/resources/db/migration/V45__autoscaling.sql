-- Why: autoscaling per deployment (DESIGN §7, issue 16): its policy (all null when off), the count the leader's
-- autoscaler wants now (autoscaled_instances, read by the planner instead of instances while autoscaling is on) and
-- when that last changed; demand that gateway replicas signal for a deployment scaled to zero (one row per
-- deployment and replica, so the leader sees requests held on any replica); and the instance count over time.
ALTER TABLE deployments
    ADD COLUMN autoscale_min_instances        integer CHECK (autoscale_min_instances BETWEEN 0 AND 64),
    ADD COLUMN autoscale_max_instances        integer CHECK (autoscale_max_instances BETWEEN 1 AND 64),
    ADD COLUMN autoscale_target_concurrency   double precision CHECK (autoscale_target_concurrency > 0),
    ADD COLUMN autoscale_scale_down_delay_seconds integer CHECK (autoscale_scale_down_delay_seconds BETWEEN 0 AND 86400),
    ADD COLUMN autoscale_max_scale_up_rate    double precision CHECK (autoscale_max_scale_up_rate >= 1),
    ADD COLUMN autoscaled_instances           integer CHECK (autoscaled_instances BETWEEN 0 AND 64),
    ADD COLUMN autoscaled_at                  timestamptz,
    ADD CHECK ((autoscale_min_instances IS NULL) = (autoscale_max_instances IS NULL)
               AND (autoscale_max_instances IS NULL) = (autoscaled_instances IS NULL)
               AND autoscale_min_instances <= autoscale_max_instances);

-- held: requests this replica holds for the deployment now; seen_at: the database's clock at its last report.
CREATE TABLE deployment_demand (
    deployment_id uuid        NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    replica_id    uuid        NOT NULL,
    held          integer     NOT NULL CHECK (held >= 0),
    seen_at       timestamptz NOT NULL,
    PRIMARY KEY (deployment_id, replica_id)
);

-- One row per autoscaler decision (and one when autoscaling starts): the count from `at` on.
CREATE TABLE deployment_scale_points (
    deployment_id uuid        NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    at            timestamptz NOT NULL,
    instances     integer     NOT NULL CHECK (instances >= 0),
    PRIMARY KEY (deployment_id, at)
);
