import { useMemo, useState } from 'react';
import { client, type Deployment, type DeploymentStats, type Instance } from '../../api';
import { Chart } from '../../components/Chart';
import { ErrorBox, Loading, useLoad } from '../../components/ui';
import { bytes, duration, fixed, percent } from '../../lib/format';
import { TIME_RANGES, align, errorRate, perSecond, total } from '../../lib/stats';

const STATS_REFRESH_MS = 10_000;
const GIB = 1024 ** 3;

export function Overview({ d, instances }: { d: Deployment; instances: Instance[] | null }) {
  const [rangeIndex, setRangeIndex] = useState(1);
  const range = TIME_RANGES[rangeIndex];
  const stats = useLoad(
    () => {
      const to = new Date();
      const from = new Date(to.getTime() - range.minutes * 60_000);
      return client.stats(d.id, from, to, range.step);
    },
    [d.id, rangeIndex],
    STATS_REFRESH_MS,
  );

  return (
    <div className="stack">
      {d.status !== 'ONLINE' && <ComingOnline d={d} instances={instances} />}
      <div className="toolbar">
        <h2 className="h2">Live metrics</h2>
        <label className="inline-label">
          Time range
          <select value={rangeIndex} onChange={(e) => setRangeIndex(Number(e.target.value))}>
            {TIME_RANGES.map((r, i) => (
              <option key={r.label} value={i}>
                {r.label}
              </option>
            ))}
          </select>
        </label>
        <span className="muted small-text" aria-live="polite">
          {stats.loading && stats.data ? 'Updating…' : 'Updates every 10 s'}
        </span>
      </div>
      {stats.error && !stats.data && <ErrorBox error={stats.error} title="Metrics are unavailable." onRetry={() => void stats.reload()} />}
      {!stats.data && !stats.error && <Loading what="metrics" />}
      {stats.data && <Charts stats={stats.data} />}
    </div>
  );
}

function ComingOnline({ d, instances }: { d: Deployment; instances: Instance[] | null }) {
  const current = (instances ?? []).filter((i) => i.generation === d.generation);
  const count = (s: string) => current.filter((i) => i.status === s).length;
  const placed = current.filter((i) => i.nodeId).length;
  const steps = [
    { label: 'Created', done: true },
    { label: `Placed on nodes (${placed}/${d.instances})`, done: d.instances > 0 && placed >= d.instances },
    { label: `Model loaded (${count('READY')}/${d.instances})`, done: d.instances > 0 && count('READY') >= d.instances },
  ];
  const failed = current.filter((i) => i.status === 'FAILED' && i.error);
  return (
    <div className={`card coming-online status-${d.status.toLowerCase()}`} aria-live="polite">
      <h2 className="h2">
        {d.status === 'FAILED'
          ? 'The deployment failed'
          : d.status === 'PENDING'
            ? 'Waiting to be placed'
            : d.status === 'DELETING'
              ? 'Being deleted'
              : d.status === 'DEGRADED'
                ? 'Running with fewer instances than asked'
                : 'Coming online…'}
      </h2>
      {d.instances === 0 ? (
        <p>This deployment asks for 0 instances; raise Instances in Configuration to serve requests.</p>
      ) : (
        <ol className="steps">
          {steps.map((s) => (
            <li key={s.label} className={s.done ? 'done' : ''}>
              <span aria-hidden="true">{s.done ? '✓' : '…'}</span> {s.label}
            </li>
          ))}
        </ol>
      )}
      {failed.map((i) => (
        <p key={i.id} className="bad-text">
          Instance {i.id.slice(0, 8)}: {i.error}
        </p>
      ))}
    </div>
  );
}

function Charts({ stats }: { stats: DeploymentStats }) {
  const s = stats.series;
  const step = stats.step || 1;
  const data = useMemo(
    () => ({
      rate: align([perSecond(s.requests, step), perSecond(s.evaluations, step)]),
      errors: align([errorRate(stats)]),
      latency: align([s.latencyP50Ms, s.latencyP95Ms, s.latencyP99Ms]),
      concurrency: align([s.concurrency]),
      cpu: align([s.cpuPercent]),
      memory: align([s.memoryBytes]),
      gpu: align([s.gpuUtilPercent]),
      gpuMemory: align([s.gpuMemoryBytes]),
      instances: align([s.instances]),
    }),
    [stats, s, step],
  );
  const requests = total(s.requests);
  const errors = total(s.errors4xx) + total(s.errors5xx);
  const p95 = (s.latencyP95Ms ?? []).map(([, v]) => v).filter((v): v is number => v !== null);
  const hasGpu = (s.gpuUtilPercent ?? []).some(([, v]) => v !== null);
  // Only autoscaled deployments record their instance count over time.
  const autoscaled = (s.instances ?? []).some(([, v]) => v !== null);
  return (
    <>
      <div className="tiles">
        <Tile label="Uptime" value={duration(stats.uptimeSeconds)} />
        <Tile label="Availability" value={percent(stats.availability, 2)} />
        <Tile label="Requests" value={requests.toLocaleString()} />
        <Tile label="Error rate" value={requests > 0 ? percent(errors / requests, 2) : '—'} />
        <Tile label="Latency p95 (latest)" value={p95.length ? `${p95[p95.length - 1].toFixed(1)} ms` : '—'} />
      </div>
      <div className="charts">
        <Chart
          title="Request rate (per second)"
          data={data.rate}
          series={[
            { label: 'all requests/s', color: '#c2410c' },
            { label: 'of them evaluation/s', color: '#0ea5e9' },
          ]}
          format={(v) => fixed(v, 2)}
        />
        <Chart title="Error rate" data={data.errors} series={[{ label: 'errors', color: '#dc2626' }]} format={(v) => `${fixed(v * 100, 1)}%`} />
        <Chart
          title="Latency (ms)"
          data={data.latency}
          series={[
            { label: 'p50', color: '#0ea5e9' },
            { label: 'p95', color: '#f97316' },
            { label: 'p99', color: '#a855f7' },
          ]}
          format={(v) => fixed(v, 1)}
        />
        <Chart title="Concurrent requests" data={data.concurrency} series={[{ label: 'in flight', color: '#6366f1' }]} format={(v) => fixed(v, 1)} />
        {autoscaled && (
          <Chart title="Instances (autoscaled)" data={data.instances} series={[{ label: 'instances', color: '#0d9488' }]} format={(v) => fixed(v, 0)} />
        )}
        {/* Whole-node figures of the nodes hosting the deployment, not this deployment's own share. */}
        <Chart title="CPU (node)" data={data.cpu} series={[{ label: 'node CPU', color: '#14b8a6' }]} format={(v) => `${fixed(v, 1)}%`} />
        <Chart title="Memory (node)" data={data.memory} series={[{ label: 'node memory', color: '#22c55e' }]} format={(v) => bytes(v)} emptyMax={GIB} />
        {hasGpu ? (
          <>
            <Chart title="GPU utilization" data={data.gpu} series={[{ label: 'GPU', color: '#eab308' }]} format={(v) => `${fixed(v, 1)}%`} />
            <Chart title="GPU memory" data={data.gpuMemory} series={[{ label: 'GPU memory', color: '#84cc16' }]} format={(v) => bytes(v)} emptyMax={GIB} />
          </>
        ) : (
          <figure className="chart card">
            <figcaption>GPU</figcaption>
            <p className="chart-empty static">No GPU metrics: this deployment runs on CPU, or its nodes report no GPU.</p>
          </figure>
        )}
      </div>
    </>
  );
}

function Tile({ label, value }: { label: string; value: string }) {
  return (
    <div className="tile card">
      <div className="tile-label">{label}</div>
      <div className="tile-value">{value}</div>
    </div>
  );
}
