import { useRef, type KeyboardEvent } from 'react';
import { ApiError, client, type Deployment, type Instance } from '../api';
import { ErrorBox, Loading, StatusBadge, useLoad } from '../components/ui';
import { useWorkspace } from '../context';
import { href, navigate } from '../router';
import { Overview } from './deployment/Overview';
import { Configuration } from './deployment/Configuration';
import { Instances } from './deployment/Instances';
import { Traffic } from './deployment/Traffic';
import { Connection } from './deployment/Connection';
import { Evaluation } from './deployment/Evaluation';
import { Logs } from './deployment/Logs';
import { Data } from './deployment/Data';
import { Actions } from './deployment/Actions';

const TABS = [
  { id: 'overview', label: 'Overview' },
  { id: 'configuration', label: 'Configuration' },
  { id: 'traffic', label: 'Traffic' },
  { id: 'instances', label: 'Instances' },
  { id: 'connection', label: 'Connection' },
  { id: 'evaluation', label: 'Evaluation' },
  { id: 'data', label: 'Data' },
  { id: 'logs', label: 'Logs' },
  { id: 'actions', label: 'Actions' },
] as const;

const REFRESH_MS = 3000;

export function DeploymentPage({ deploymentId, tab }: { deploymentId: string; tab: string }) {
  const ws = useWorkspace();
  const deployment = useLoad(() => client.deployment(deploymentId), [deploymentId], REFRESH_MS);
  const instances = useLoad(() => client.instances(deploymentId), [deploymentId], REFRESH_MS);
  const tabRefs = useRef<(HTMLButtonElement | null)[]>([]);
  const active = TABS.find((t) => t.id === tab) ?? TABS[0];

  if (deployment.error instanceof ApiError && deployment.error.status === 404 && !deployment.data) {
    return (
      <div className="empty">
        <p className="empty-title">This deployment does not exist, or it was deleted.</p>
        <a href={href('/')}>Back to deployments</a>
      </div>
    );
  }
  if (!deployment.data) {
    return deployment.error ? (
      <ErrorBox error={deployment.error} title="The deployment could not be loaded." onRetry={() => void deployment.reload()} />
    ) : (
      <Loading what="the deployment" />
    );
  }
  const d = deployment.data;

  const onKey = (e: KeyboardEvent, index: number) => {
    const last = TABS.length - 1;
    const next = e.key === 'ArrowRight' ? (index === last ? 0 : index + 1) : e.key === 'ArrowLeft' ? (index === 0 ? last : index - 1) : e.key === 'Home' ? 0 : e.key === 'End' ? last : -1;
    if (next >= 0) {
      e.preventDefault();
      navigate(`/deployments/${d.id}/${TABS[next].id}`);
      tabRefs.current[next]?.focus();
    }
  };

  return (
    <section aria-labelledby="deployment-title">
      <p className="crumbs">
        <a href={href('/')}>Deployment list</a> / {d.name}
      </p>
      <div className="page-head">
        <div>
          <h1 id="deployment-title">
            {d.name} <StatusBadge status={d.status} testId="deployment-status" />
          </h1>
          <p className="muted">
            {d.readyInstances} of {d.instances} instances ready · version <span className="tag">{d.versionTag ?? '—'}</span> ·{' '}
            {d.resourceType}
            {d.resourceType === 'GPU' ? ` × ${d.gpusPerInstance}${d.gpuType ? ` ${d.gpuType}` : ''}` : ''} · <code>{d.id}</code>
          </p>
          {d.statusReason && <p className={`reason-box status-${d.status.toLowerCase()}`}>{d.statusReason}</p>}
        </div>
      </div>
      {deployment.error && <ErrorBox error={deployment.error} title="Live updates paused:" />}
      <div className="tabs" role="tablist" aria-label="Deployment">
        {TABS.map((t, i) => (
          <button
            key={t.id}
            ref={(el) => {
              tabRefs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={t.id === active.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={t.id === active.id ? 0 : -1}
            onClick={() => navigate(`/deployments/${d.id}/${t.id}`)}
            onKeyDown={(e) => onKey(e, i)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${active.id}`} aria-labelledby={`tab-${active.id}`} className="tabpanel">
        <Panel tab={active.id} d={d} instances={instances.data} instancesError={instances.error} canWrite={ws.canWrite} onChanged={() => void deployment.reload()} />
      </div>
    </section>
  );
}

function Panel({
  tab,
  d,
  instances,
  instancesError,
  canWrite,
  onChanged,
}: {
  tab: string;
  d: Deployment;
  instances: Instance[] | null;
  instancesError: Error | null;
  canWrite: boolean;
  onChanged: () => void;
}) {
  switch (tab) {
    case 'configuration':
      return <Configuration d={d} instances={instances} canWrite={canWrite} onSaved={onChanged} />;
    case 'traffic':
      return <Traffic d={d} canWrite={canWrite} onChanged={onChanged} />;
    case 'instances':
      return <Instances instances={instances} error={instancesError} generation={d.generation} />;
    case 'connection':
      return <Connection d={d} />;
    case 'evaluation':
      return <Evaluation d={d} />;
    case 'data':
      return <Data d={d} />;
    case 'logs':
      return <Logs deploymentId={d.id} />;
    case 'actions':
      return <Actions d={d} canWrite={canWrite} />;
    default:
      return <Overview d={d} instances={instances} />;
  }
}
