import { useState } from 'react';
import { client } from '../api';
import { Empty, ErrorBox, Loading, Pager, useLoad } from '../components/ui';
import { useWorkspace } from '../context';
import { dateTime } from '../lib/format';

export function AuditLog() {
  const ws = useWorkspace();
  const [page, setPage] = useState(1);
  const [onlyProject, setOnlyProject] = useState(false);
  const orgId = ws.organization?.id;
  const projectId = onlyProject ? (ws.project?.id ?? null) : null;
  const audit = useLoad(() => (orgId ? client.audit(orgId, projectId, page) : Promise.resolve(null)), [orgId, projectId, page]);

  if (!orgId) {
    return <Empty title="You are not a member of any organization yet." />;
  }
  return (
    <section aria-labelledby="audit-title">
      <div className="page-head">
        <div>
          <h1 id="audit-title">Audit log</h1>
          <p className="muted">Sign-ins, key and member changes, deployment changes — newest first.</p>
        </div>
        {ws.project && (
          <label className="check">
            <input
              type="checkbox"
              checked={onlyProject}
              onChange={(e) => {
                setOnlyProject(e.target.checked);
                setPage(1);
              }}
            />
            Only project {ws.project.name}
          </label>
        )}
      </div>
      {audit.error && <ErrorBox error={audit.error} title="The audit log could not be loaded." onRetry={() => void audit.reload()} />}
      {audit.loading && !audit.data && !audit.error && <Loading what="the audit log" />}
      {audit.data && audit.data.items.length === 0 && <Empty title="Nothing recorded yet" />}
      {audit.data && audit.data.items.length > 0 && (
        <div className="table-wrap card flush">
          <table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {audit.data.items.map((a) => (
                <tr key={a.id}>
                  <td className="nowrap">{dateTime(a.createdAt)}</td>
                  <td>
                    {a.actor}
                    {a.remoteAddress && <div className="muted reason">{a.remoteAddress}</div>}
                  </td>
                  <td className="nowrap">
                    <code>{a.action}</code>
                  </td>
                  <td>{a.targetType ? `${a.targetType} ${a.targetId?.slice(0, 8) ?? ''}` : '—'}</td>
                  <td className="wrap detail">
                    {Object.entries(a.detail ?? {})
                      .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
                      .join(' · ') || '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager page={page} hasMore={!!audit.data?.hasMore} onPage={setPage} />
    </section>
  );
}
