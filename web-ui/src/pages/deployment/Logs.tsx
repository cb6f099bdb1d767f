import { useState } from 'react';
import { client } from '../../api';
import { Empty, ErrorBox, Loading, Pager, useLoad } from '../../components/ui';
import { dateTime, shortId } from '../../lib/format';

const PAGE_SIZE = 50;

export function Logs({ deploymentId }: { deploymentId: string }) {
  const [page, setPage] = useState(1);
  // The newest page follows along; older pages hold still while being read.
  const logs = useLoad(() => client.logs(deploymentId, page, PAGE_SIZE), [deploymentId, page], page === 1 ? 5000 : undefined);

  return (
    <div className="stack">
      <div className="toolbar">
        <h2 className="h2">Logs</h2>
        <span className="muted small-text">Newest first{page === 1 ? ' · updates every 5 s' : ''}</span>
      </div>
      {logs.error && <ErrorBox error={logs.error} title="Logs could not be loaded." onRetry={() => void logs.reload()} />}
      {!logs.data && !logs.error && <Loading what="logs" />}
      {logs.data && logs.data.items.length === 0 && (
        <Empty title={page === 1 ? 'No log entries yet' : 'No older entries'}>
          <p>Model loads, failures, refused requests, rollouts and scaling show up here.</p>
        </Empty>
      )}
      {logs.data && logs.data.items.length > 0 && (
        <div className="table-wrap card flush">
          <table className="logs">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Level</th>
                <th scope="col">Kind</th>
                <th scope="col">Message</th>
                <th scope="col">Instance / node</th>
              </tr>
            </thead>
            <tbody>
              {logs.data.items.map((l) => (
                <tr key={l.id} className={`level-${l.level.toLowerCase()}`}>
                  <td className="nowrap">{dateTime(l.at)}</td>
                  <td>
                    <span className={`level level-${l.level.toLowerCase()}`}>{l.level}</span>
                  </td>
                  <td>{l.kind}</td>
                  <td className="wrap">{l.message}</td>
                  <td>
                    {l.instanceId ? <code title={l.instanceId}>{shortId(l.instanceId)}</code> : '—'}
                    {l.nodeId ? (
                      <>
                        {' / '}
                        <code title={l.nodeId}>{shortId(l.nodeId)}</code>
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager page={page} hasMore={!!logs.data?.hasMore} onPage={setPage} />
    </div>
  );
}
