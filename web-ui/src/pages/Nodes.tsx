import { useState } from 'react';
import { client, type FleetNode } from '../api';
import { ConfirmDialog, Empty, ErrorBox, Loading, StatusBadge, useLoad } from '../components/ui';
import { bytes, relative } from '../lib/format';

export function Nodes() {
  const nodes = useLoad(() => client.nodes(), [], 5000);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [draining, setDraining] = useState<FleetNode | null>(null);

  const act = async (node: FleetNode, action: 'cordon' | 'uncordon' | 'drain') => {
    setBusy(`${node.id}:${action}`);
    setError(null);
    try {
      await client.nodeAction(node.id, action);
      await nodes.reload();
    } catch (e) {
      setError(`${node.name}: ${e instanceof Error ? e.message : `could not ${action}`}`);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section aria-labelledby="nodes-title">
      <div className="page-head">
        <div>
          <h1 id="nodes-title">Nodes</h1>
          <p className="muted">Inference nodes of the fleet, their GPUs and what runs on them. Cordon stops new placements; drain also moves instances away.</p>
        </div>
      </div>
      {error && <ErrorBox error={error} />}
      {nodes.error && <ErrorBox error={nodes.error} title="Nodes could not be loaded." onRetry={() => void nodes.reload()} />}
      {!nodes.data && !nodes.error && <Loading what="nodes" />}
      {nodes.data && nodes.data.length === 0 && (
        <Empty title="No nodes have joined yet">
          <p>
            Start one with <code>./kiln node</code>, or run the inference node with the cluster's join token.
          </p>
        </Empty>
      )}
      <div className="node-grid">
        {nodes.data?.map((n) => (
          <article key={n.id} className="card node" aria-label={`Node ${n.name}`}>
            <header className="node-head">
              <h2 className="h2">{n.name}</h2>
              <StatusBadge status={n.state} />
            </header>
            <dl className="facts">
              <dt>Address</dt>
              <dd>
                <code>{n.address}</code>
              </dd>
              <dt>Region</dt>
              <dd>{n.region ?? '—'}</dd>
              <dt>CPU</dt>
              <dd>
                {n.cpuCores} cores{n.cpuPercent !== null ? ` · ${n.cpuPercent.toFixed(0)}% busy` : ''}
              </dd>
              <dt>Memory</dt>
              <dd>
                {n.usedMemoryBytes !== null ? `${bytes(n.usedMemoryBytes)} of ` : ''}
                {bytes(n.memoryBytes)}
              </dd>
              <dt>Instances</dt>
              <dd>{n.instances}</dd>
              <dt>Heartbeat</dt>
              <dd title={n.lastHeartbeatAt}>{relative(n.lastHeartbeatAt)}</dd>
              <dt>Version</dt>
              <dd>{n.version ?? '—'}</dd>
            </dl>
            <h3 className="h3">GPUs</h3>
            {n.gpus.length === 0 ? (
              <p className="muted">No GPU (CPU only).</p>
            ) : (
              <ul className="gpus">
                {n.gpus.map((g) => (
                  <li key={g.index}>
                    <span>
                      #{g.index} {g.name} · {bytes(g.memoryBytes)}
                    </span>
                    <span className={g.instanceId ? 'tag' : 'muted'}>{g.instanceId ? `in use by ${g.instanceId.slice(0, 8)}` : 'free'}</span>
                  </li>
                ))}
              </ul>
            )}
            <div className="actions">
              {n.state === 'CORDONED' || n.state === 'DRAINING' ? (
                <button type="button" className="secondary small" disabled={busy !== null} onClick={() => void act(n, 'uncordon')}>
                  Uncordon
                </button>
              ) : (
                <button type="button" className="secondary small" disabled={busy !== null} onClick={() => void act(n, 'cordon')}>
                  Cordon
                </button>
              )}
              <button type="button" className="secondary small danger-text" disabled={busy !== null || n.state === 'DRAINING'} onClick={() => setDraining(n)}>
                Drain
              </button>
            </div>
          </article>
        ))}
      </div>
      <ConfirmDialog
        title={`Drain ${draining?.name ?? ''}`}
        open={!!draining}
        confirmLabel="Drain node"
        onClose={() => setDraining(null)}
        onConfirm={() => {
          const node = draining;
          setDraining(null);
          if (node) {
            void act(node, 'drain');
          }
        }}
      >
        <p>
          No new instances go to this node, and each of its instances is replaced on another node before it stops here, so requests keep
          succeeding. Uncordon brings it back.
        </p>
      </ConfirmDialog>
    </section>
  );
}
