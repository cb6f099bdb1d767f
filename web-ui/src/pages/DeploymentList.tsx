import { client, type Deployment, type DeploymentSummary, type Model } from '../api';
import { Sparkline } from '../components/Chart';
import { Empty, ErrorBox, Loading, StatusBadge, useLoad } from '../components/ui';
import { useWorkspace } from '../context';
import { percent } from '../lib/format';
import { href } from '../router';

const REFRESH_MS = 5000;

/** Model name per model version id, from the project's models. */
export function versionNames(models: Model[]): Map<string, { model: string; versionTag: string }> {
  const names = new Map<string, { model: string; versionTag: string }>();
  models.forEach((m) => m.versions?.forEach((v) => names.set(v.id, { model: m.name, versionTag: v.versionTag })));
  return names;
}

export function DeploymentList({ projectId }: { projectId: string }) {
  const ws = useWorkspace();
  const deployments = useLoad(() => client.deployments(projectId), [projectId], REFRESH_MS);
  const models = useLoad(() => client.models(projectId), [projectId]);
  // Stats are optional decoration: without them the list still works.
  const summary = useLoad(() => client.summary(projectId, 60), [projectId], 15_000);

  const byId = new Map<string, DeploymentSummary>((summary.data?.deployments ?? []).map((s) => [s.deploymentId, s]));
  const names = versionNames(models.data ?? []);

  return (
    <section aria-labelledby="deployments-title">
      <div className="page-head">
        <div>
          <h1 id="deployments-title">Deployments</h1>
          <p className="muted">{ws.project?.name} · requests over the last hour</p>
        </div>
        {ws.canWrite && (
          <a className="button" href={href('/deployments/new')}>
            New deployment
          </a>
        )}
      </div>
      {deployments.error && (
        <ErrorBox error={deployments.error} title="Deployments could not be loaded." onRetry={() => void deployments.reload()} />
      )}
      {!deployments.data && !deployments.error && <Loading what="deployments" />}
      {deployments.data && deployments.data.length === 0 && (
        <Empty title="No deployments in this project yet">
          <p>
            A deployment turns an ONNX model into a prediction API. Upload a model (for example an SSDLite detector
            or a MobileNet classifier), choose how many instances to run, and Kiln places them on the fleet.
          </p>
          {ws.canWrite ? (
            <a className="button" href={href('/deployments/new')}>
              Create your first deployment
            </a>
          ) : (
            <p>Your role ({ws.role}) can only read; ask a member of the project to create one.</p>
          )}
        </Empty>
      )}
      {deployments.data && deployments.data.length > 0 && (
        <div className="table-wrap card flush">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Ready</th>
                <th scope="col">Model</th>
                <th scope="col">Requests (1 h)</th>
                <th scope="col">Error rate</th>
              </tr>
            </thead>
            <tbody>
              {deployments.data.map((d) => (
                <Row key={d.id} d={d} stats={byId.get(d.id)} model={names.get(d.modelVersionId)?.model} statsFailed={!!summary.error} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Row({ d, stats, model, statsFailed }: { d: Deployment; stats?: DeploymentSummary; model?: string; statsFailed: boolean }) {
  return (
    <tr>
      <td>
        <a className="strong" href={href(`/deployments/${d.id}`)}>
          {d.name}
        </a>
      </td>
      <td>
        <StatusBadge status={d.status} testId={`status-${d.name}`} />
        {d.statusReason && <div className="muted reason">{d.statusReason}</div>}
      </td>
      <td>
        <span className={d.readyInstances < d.instances ? 'warn-text' : ''}>
          {d.readyInstances} / {d.instances}
        </span>
      </td>
      <td>
        {model ?? <span className="muted">model</span>} <span className="tag">{d.versionTag ?? '—'}</span>
      </td>
      <td>
        {stats ? (
          <span className="spark-cell">
            <Sparkline points={stats.sparkline ?? []} label={`Requests of ${d.name} over the last hour`} />
            <span>{stats.requestRatePerSecond.toFixed(2)}/s</span>
          </span>
        ) : (
          <span className="muted" title={statsFailed ? 'Stats are unavailable right now' : undefined}>
            —
          </span>
        )}
      </td>
      <td>
        {stats && stats.errorRate !== null ? (
          <span className={stats.errorRate > 0.01 ? 'bad-text' : ''}>{percent(stats.errorRate, 2)}</span>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
    </tr>
  );
}
