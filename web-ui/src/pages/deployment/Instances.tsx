import type { Instance } from '../../api';
import { Empty, ErrorBox, Loading, StatusBadge } from '../../components/ui';
import { relative, shortId } from '../../lib/format';

export function Instances({ instances, error, generation }: { instances: Instance[] | null; error: Error | null; generation: number }) {
  if (!instances) {
    return error ? <ErrorBox error={error} title="Instances could not be loaded." /> : <Loading what="instances" />;
  }
  if (instances.length === 0) {
    return (
      <Empty title="No instances yet">
        <p>The scheduler places instances on nodes within seconds once there is capacity.</p>
      </Empty>
    );
  }
  return (
    <div className="table-wrap card flush">
      <table>
        <caption className="visually-hidden">Instances of this deployment</caption>
        <thead>
          <tr>
            <th scope="col">Instance</th>
            <th scope="col">Version</th>
            <th scope="col">Node</th>
            <th scope="col">GPUs</th>
            <th scope="col">State</th>
            <th scope="col">Config</th>
            <th scope="col">Last error</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          {instances.map((i) => (
            <tr key={i.id}>
              <td>
                <code title={i.id}>{shortId(i.id)}</code>
              </td>
              <td>
                {i.versionTag ? <span className="tag">{i.versionTag}</span> : '—'}
                {i.shadow && <span className="muted"> shadow</span>}
              </td>
              <td>{i.nodeAddress ?? (i.nodeId ? <code>{shortId(i.nodeId)}</code> : <span className="muted">not placed</span>)}</td>
              <td>{i.gpuIndices.length ? i.gpuIndices.map((g) => `#${g}`).join(', ') : <span className="muted">CPU</span>}</td>
              <td>
                <StatusBadge status={i.status} />
              </td>
              <td>{i.generation === generation ? 'current' : <span className="muted">previous (#{i.generation})</span>}</td>
              <td className="wrap">{i.error ? <span className="bad-text">{i.error}</span> : <span className="muted">—</span>}</td>
              <td title={i.updatedAt}>{relative(i.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
