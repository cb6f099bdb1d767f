import { useState, type FormEvent } from 'react';
import { people, type QuotaName, type Quotas } from '../api';
import { Empty, ErrorBox, Field, Loading, useLoad } from '../components/ui';
import { useWorkspace } from '../context';
import { fillFraction, fillLevel, isBytes, limitDraft, limitsChange, quotaLabel, usageText } from '../lib/quotas';

/** The organization's quotas: what is used of each limit, as bars; operators change the limits here. */
export function Usage() {
  const ws = useWorkspace();
  const orgId = ws.organization?.id;
  const quotas = useLoad(() => (orgId ? people.quotas(orgId) : Promise.resolve(null)), [orgId]);
  const [editing, setEditing] = useState(false);

  if (!ws.organization || !orgId) {
    return <Empty title="You are not a member of any organization yet." />;
  }
  return (
    <section aria-labelledby="usage-title" className="narrow">
      <div className="page-head">
        <div>
          <h1 id="usage-title">Usage</h1>
          <p className="muted">What {ws.organization.name} uses of its quotas. Going over one is refused with the quota's name.</p>
        </div>
        {ws.me.operator && quotas.data && (
          <button type="button" onClick={() => setEditing(true)} disabled={editing}>
            Edit limits
          </button>
        )}
      </div>
      {quotas.error && <ErrorBox error={quotas.error} title="Quotas could not be loaded." onRetry={() => void quotas.reload()} />}
      {!quotas.data && !quotas.error && <Loading what="quotas" />}
      {quotas.data && editing && (
        <EditLimits
          orgId={orgId}
          current={quotas.data}
          onCancel={() => setEditing(false)}
          onSaved={(next) => {
            quotas.setData(next);
            setEditing(false);
          }}
        />
      )}
      {quotas.data && !editing && (
        <div className="card">
          <ul className="quota-list">
            {quotas.data.quotas.map((q) => {
              const fraction = fillFraction(q);
              return (
                <li key={q.name} className={`quota quota-${fillLevel(q)}`} data-testid={`quota-${q.name}`}>
                  <div className="quota-head">
                    <span className="strong">{quotaLabel(q.name)}</span>
                    <span>{usageText(q)}</span>
                  </div>
                  {fraction !== null && (
                    <meter aria-label={`${quotaLabel(q.name)} used`} min={0} max={1} low={0.8} high={0.99} optimum={0} value={fraction} />
                  )}
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </section>
  );
}

function EditLimits({ orgId, current, onCancel, onSaved }: { orgId: string; current: Quotas; onCancel: () => void; onSaved: (q: Quotas) => void }) {
  const [drafts, setDrafts] = useState<Partial<Record<QuotaName, string>>>(() =>
    Object.fromEntries(current.quotas.map((q) => [q.name, limitDraft(q)])),
  );
  const [errors, setErrors] = useState<Partial<Record<QuotaName, string>>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setGeneral(null);
    const change = limitsChange(current.quotas, drafts);
    if (change.kind === 'invalid') {
      setErrors(change.errors);
      return;
    }
    setErrors({});
    if (Object.keys(change.body).length === 0) {
      onCancel();
      return;
    }
    setBusy(true);
    try {
      onSaved(await people.setQuotas(orgId, change.body));
    } catch (err) {
      setGeneral(err instanceof Error ? err.message : 'The limits could not be saved.');
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="limits-title">
      <h2 className="h2" id="limits-title">
        Limits
      </h2>
      <div className="grid">
        {current.quotas.map((q) => (
          <Field key={q.name} id={`limit-${q.name}`} label={`${quotaLabel(q.name)} limit${isBytes(q) ? ' (GiB)' : ''}`} error={errors[q.name]}>
            {(p) => (
              <input {...p} inputMode="decimal" value={drafts[q.name] ?? ''} onChange={(e) => setDrafts({ ...drafts, [q.name]: e.target.value })} />
            )}
          </Field>
        ))}
      </div>
      {general && <ErrorBox error={general} />}
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save limits'}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
