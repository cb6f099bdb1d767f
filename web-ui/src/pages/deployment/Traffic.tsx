import { useEffect, useState } from 'react';
import { client, type Deployment, type ModelVersion } from '../../api';
import { Empty, ErrorBox, Loading, useLoad } from '../../components/ui';
import { dateTime, fixed, percent } from '../../lib/format';
import { addVersion, changed, removeVersion, servingTotal, setWeight, type TrafficDraft } from '../../lib/traffic';

const LIVE_MS = 5000;

/** Traffic sliders per version with live figures side by side, promote and rollback, and the history. */
export function Traffic({ d, canWrite, onChanged }: { d: Deployment; canWrite: boolean; onChanged: () => void }) {
  const current: TrafficDraft[] = d.traffic ?? [{ modelVersionId: d.modelVersionId, weight: 100, shadow: false }];
  const [draft, setDraft] = useState<TrafficDraft[]>(current);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const live = useLoad(() => client.versionStats(d.id, 5), [d.id], LIVE_MS);
  const history = useLoad(() => client.history(d.id), [d.id, d.updatedAt]);
  const versions = useLoad(async () => {
    const version = await client.modelVersion(d.modelVersionId);
    return (await client.model(version.modelId)).versions;
  }, [d.modelVersionId]);
  const currentKey = JSON.stringify(current);
  useEffect(() => setDraft(JSON.parse(currentKey) as TrafficDraft[]), [currentKey]);

  const tag = (id: string) => versions.data?.find((v) => v.id === id)?.versionTag ?? id.slice(0, 8);
  const figures = (id: string) => live.data?.versions.find((v) => v.modelVersionId === id);
  const run = async (what: () => Promise<unknown>, failure: string) => {
    setBusy(true);
    setError(null);
    try {
      await what();
      onChanged();
      void history.reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : failure);
    } finally {
      setBusy(false);
    }
  };
  const unused = (versions.data ?? []).filter((v: ModelVersion) => !draft.some((e) => e.modelVersionId === v.id));

  return (
    <div className="stack">
      <section className="card" aria-labelledby="traffic-title">
        <h2 className="h2" id="traffic-title">Traffic between versions</h2>
        <p className="muted">
          Weights split the requests; a shadow gets a copy of its share of requests and its answers are discarded. Figures are from the last 5
          minutes.
        </p>
        <div className="table-wrap">
          <table data-testid="traffic-table">
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Weight</th>
                <th scope="col">Requests/s</th>
                <th scope="col">Error rate</th>
                <th scope="col">p95</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {draft.map((e, i) => {
                const f = figures(e.modelVersionId);
                return (
                  <tr key={e.modelVersionId} data-testid={`traffic-row-${tag(e.modelVersionId)}`}>
                    <td>
                      <span className="tag">{tag(e.modelVersionId)}</span> {e.shadow && <span className="muted">shadow</span>}
                    </td>
                    <td>
                      <span className="inline-label">
                        <input
                          type="range"
                          aria-label={`Weight of ${tag(e.modelVersionId)}`}
                          min={e.shadow ? 1 : 0}
                          max={100}
                          value={e.weight}
                          disabled={!canWrite || busy}
                          onChange={(ev) =>
                            setDraft(e.shadow ? draft.map((x, k) => (k === i ? { ...x, weight: Number(ev.target.value) } : x)) : setWeight(draft, i, Number(ev.target.value)))
                          }
                        />
                        <output>{e.weight} %</output>
                      </span>
                    </td>
                    <td>{f ? fixed(f.requestRatePerSecond, 2) : '—'}</td>
                    <td>{f ? percent(f.errorRate) : '—'}</td>
                    <td>{f?.latencyP95Ms != null ? `${fixed(f.latencyP95Ms, 1)} ms` : '—'}</td>
                    <td className="row-actions">
                      {canWrite && (
                        <>
                          <button type="button" disabled={busy} onClick={() => void run(() => client.promote(d.id, e.modelVersionId), 'Promote failed.')}>
                            Promote
                          </button>{' '}
                          {draft.length > 1 && (
                            <button type="button" className="secondary" disabled={busy} onClick={() => setDraft(removeVersion(draft, e.modelVersionId))}>
                              Remove
                            </button>
                          )}
                        </>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {live.error && <ErrorBox error={live.error} title="Live figures paused:" />}
        {canWrite && (
          <div className="toolbar">
            {unused.length > 0 && (
              <>
                <label className="inline-label">
                  Add version{' '}
                  <select id="traffic-add" defaultValue="">
                    <option value="" disabled>
                      choose…
                    </option>
                    {unused.map((v) => (
                      <option key={v.id} value={v.id}>
                        {v.versionTag}
                      </option>
                    ))}
                  </select>
                </label>
                <button type="button" className="secondary" onClick={() => add(false)}>
                  as canary
                </button>
                <button type="button" className="secondary" onClick={() => add(true)}>
                  as shadow
                </button>
              </>
            )}
            <button
              type="button"
              disabled={busy || !changed(draft, current) || servingTotal(draft) !== 100}
              onClick={() => void run(() => client.updateDeployment(d.id, { traffic: draft }), 'The traffic could not be saved.')}
            >
              {busy ? 'Saving…' : 'Apply traffic'}
            </button>
          </div>
        )}
        {error && <ErrorBox error={error} />}
      </section>
      <section className="card" aria-labelledby="history-title">
        <h2 className="h2" id="history-title">History</h2>
        {!history.data ? (
          history.error ? <ErrorBox error={history.error} /> : <Loading what="the history" />
        ) : history.data.length === 0 ? (
          <Empty title="No generations yet" />
        ) : (
          <ol className="history" data-testid="history-list">
            {history.data.map((h, i) => (
              <li key={h.generation}>
                <strong>#{h.generation}</strong> {h.action} by {h.actor} · {dateTime(h.createdAt)} · {describe(h.settings, tag)}{' '}
                {i === 0 ? (
                  <span className="muted">(current)</span>
                ) : (
                  canWrite && (
                    <button type="button" className="secondary" disabled={busy} onClick={() => void run(() => client.rollback(d.id, h.generation), 'Rollback failed.')}>
                      Roll back to #{h.generation}
                    </button>
                  )
                )}
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );

  function add(shadow: boolean) {
    const select = document.getElementById('traffic-add') as HTMLSelectElement | null;
    if (select?.value) {
      setDraft(addVersion(draft, select.value, shadow));
    }
  }
}

function describe(settings: Record<string, unknown>, tag: (id: string) => string): string {
  const traffic = settings.traffic as { modelVersionId: string; weight: number; shadow: boolean }[] | undefined;
  const split = traffic && traffic.length > 0
    ? traffic.map((t) => `${tag(t.modelVersionId)} ${t.shadow ? 'shadow ' : ''}${t.weight} %`).join(', ')
    : `${tag(String(settings.modelVersionId))} 100 %`;
  return `${split}, ${String(settings.instances)} instances`;
}
