-- Why: stats of DESIGN §9 — raw 10-second windows per source (an instance, or a gateway replica counting the
-- requests it refused) kept briefly, 1-minute rollups per deployment with merged histograms kept long, node
-- usage samples likewise, and spans of readiness and placement from which availability is measured and node
-- usage is attributed to the deployments a node hosted.
CREATE TABLE stats_windows (
    source              uuid        NOT NULL,
    start               timestamptz NOT NULL,
    deployment_id       uuid        NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    seconds             integer     NOT NULL CHECK (seconds > 0),
    requests            bigint      NOT NULL CHECK (requests >= 0),
    errors_4xx          bigint      NOT NULL CHECK (errors_4xx >= 0),
    errors_5xx          bigint      NOT NULL CHECK (errors_5xx >= 0),
    max_concurrency     integer     NOT NULL CHECK (max_concurrency >= 0),
    max_queue_depth     integer     NOT NULL CHECK (max_queue_depth >= 0),
    queue_histogram     bytea,
    inference_histogram bytea,
    total_histogram     bytea,
    PRIMARY KEY (source, start)
);
CREATE INDEX stats_windows_deployment_idx ON stats_windows (deployment_id, start);
CREATE INDEX stats_windows_start_idx ON stats_windows (start);

-- max_concurrency: the most requests in flight across all sources in any one window of the minute.
CREATE TABLE stats_minutes (
    deployment_id       uuid        NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    start               timestamptz NOT NULL,
    requests            bigint      NOT NULL,
    errors_4xx          bigint      NOT NULL,
    errors_5xx          bigint      NOT NULL,
    max_concurrency     integer     NOT NULL,
    max_queue_depth     integer     NOT NULL,
    queue_histogram     bytea,
    inference_histogram bytea,
    total_histogram     bytea,
    PRIMARY KEY (deployment_id, start)
);
CREATE INDEX stats_minutes_start_idx ON stats_minutes (start);

-- gpus: [{"index", "utilPercent", "memoryUsedBytes"}], as the node reported them (averaged in the minutes).
CREATE TABLE node_samples (
    node_id      uuid             NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    start        timestamptz      NOT NULL,
    seconds      integer          NOT NULL CHECK (seconds > 0),
    cpu_percent  double precision NOT NULL,
    memory_bytes bigint           NOT NULL,
    gpus         jsonb            NOT NULL DEFAULT '[]',
    PRIMARY KEY (node_id, start)
);
CREATE INDEX node_samples_start_idx ON node_samples (start);

CREATE TABLE node_sample_minutes (
    node_id      uuid             NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
    start        timestamptz      NOT NULL,
    cpu_percent  double precision NOT NULL,
    memory_bytes bigint           NOT NULL,
    gpus         jsonb            NOT NULL DEFAULT '[]',
    PRIMARY KEY (node_id, start)
);
CREATE INDEX node_sample_minutes_start_idx ON node_sample_minutes (start);

-- READY: at least one instance of the deployment was READY from started to ended. HOSTED: the node held
-- instances of it (on those GPUs). Extended by a periodic observation while they last.
CREATE TABLE deployment_spans (
    id            bigserial PRIMARY KEY,
    deployment_id uuid        NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
    kind          text        NOT NULL CHECK (kind IN ('READY', 'HOSTED')),
    node_id       uuid,
    gpu_indices   integer[]   NOT NULL DEFAULT '{}',
    started       timestamptz NOT NULL,
    ended         timestamptz NOT NULL,
    CHECK ((kind = 'HOSTED') = (node_id IS NOT NULL))
) WITH (fillfactor = 50);
-- Every observation moves `ended` of every open span (thousands of rows at fleet scale): with `ended` in no index
-- and free room in each page those are HOT updates that touch no index. Open spans are few, so scans are cheap.
CREATE INDEX deployment_spans_deployment_idx ON deployment_spans (deployment_id, kind);

-- Minutes before rolled_up_to are in the *_minutes tables; later ones are read from the raw tables. A window
-- arriving late (a node that buffered through an outage) moves it back so its minute is rolled up again.
CREATE TABLE stats_rollup_state (
    id           integer PRIMARY KEY CHECK (id = 1),
    rolled_up_to timestamptz NOT NULL
);
INSERT INTO stats_rollup_state (id, rolled_up_to) VALUES (1, date_trunc('minute', now()));
