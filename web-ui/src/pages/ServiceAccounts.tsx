import { useState, type FormEvent } from 'react';
import { people, type Role, type ServiceAccount, type ServiceToken } from '../api';
import { ConfirmDialog, Empty, ErrorBox, Field, Loading, useLoad } from '../components/ui';
import { ShownOnce } from '../components/ShownOnce';
import { useWorkspace } from '../context';
import { formErrors } from '../lib/errors';
import { dateTime, relative } from '../lib/format';

const ROLES: Role[] = ['ADMIN', 'MEMBER', 'VIEWER'];

/** Admins and owners: the organization's service accounts (automation) and their tokens. */
export function ServiceAccounts() {
  const ws = useWorkspace();
  const orgId = ws.organization?.id;
  const accounts = useLoad(() => (orgId && ws.isAdmin ? people.serviceAccounts(orgId) : Promise.resolve([])), [orgId, ws.isAdmin]);
  const [creating, setCreating] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<ServiceAccount | null>(null);
  const [error, setError] = useState<string | null>(null);

  if (!ws.organization || !orgId) {
    return <Empty title="You are not a member of any organization yet." />;
  }
  if (!ws.isAdmin) {
    return <Empty title="Only admins and owners manage service accounts." />;
  }
  const remove = async (a: ServiceAccount) => {
    setError(null);
    try {
      await people.deleteServiceAccount(orgId, a.id);
      void accounts.reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : 'The service account could not be deleted.');
    }
  };

  return (
    <section aria-labelledby="service-accounts-title">
      <div className="page-head">
        <div>
          <h1 id="service-accounts-title">Service accounts</h1>
          <p className="muted">Automation for {ws.organization.name}: each account has a role and its own tokens, never a person's password.</p>
        </div>
        <button type="button" onClick={() => setCreating(true)} disabled={creating}>
          New service account
        </button>
      </div>
      {creating && (
        <CreateAccount
          orgId={orgId}
          onCancel={() => setCreating(false)}
          onCreated={(a) => {
            setCreating(false);
            setOpen(a.id);
            void accounts.reload();
          }}
        />
      )}
      {error && <ErrorBox error={error} />}
      {accounts.error && <ErrorBox error={accounts.error} title="Service accounts could not be loaded." onRetry={() => void accounts.reload()} />}
      {!accounts.data && !accounts.error && <Loading what="service accounts" />}
      {accounts.data && accounts.data.length === 0 && !creating && <Empty title="No service accounts yet" />}
      {accounts.data?.map((a) => (
        <article key={a.id} className="card" aria-label={`Service account ${a.name}`}>
          <div className="page-head">
            <div>
              <h2 className="h2">{a.name}</h2>
              <p className="muted">
                {a.role} · created {dateTime(a.createdAt)}
              </p>
            </div>
            <div className="row-actions">
              <button type="button" className="secondary small" aria-expanded={open === a.id} onClick={() => setOpen(open === a.id ? null : a.id)}>
                {open === a.id ? 'Hide tokens' : 'Tokens'}
              </button>
              <button type="button" className="secondary small danger-text" onClick={() => setDeleting(a)}>
                Delete
              </button>
            </div>
          </div>
          {open === a.id && <Tokens orgId={orgId} account={a} />}
        </article>
      ))}
      <ConfirmDialog
        title={`Delete ${deleting?.name ?? ''}`}
        open={!!deleting}
        confirmLabel="Delete service account"
        onClose={() => setDeleting(null)}
        onConfirm={() => {
          const a = deleting;
          setDeleting(null);
          if (a) {
            void remove(a);
          }
        }}
      >
        <p>Every token of this account stops working at once.</p>
      </ConfirmDialog>
    </section>
  );
}

function CreateAccount({ orgId, onCancel, onCreated }: { orgId: string; onCancel: () => void; onCreated: (a: ServiceAccount) => void }) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('MEMBER');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setGeneral(null);
    try {
      onCreated(await people.createServiceAccount(orgId, name.trim(), role));
    } catch (err) {
      const mapped = formErrors(err, ['name', 'role']);
      setErrors(mapped.fields);
      setGeneral(mapped.general);
      setBusy(false);
    }
  };
  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="new-account-title">
      <h2 className="h2" id="new-account-title">
        New service account
      </h2>
      <div className="grid">
        <Field id="account-name" label="Account name" error={errors.name}>
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} autoFocus />}
        </Field>
        <Field id="account-role" label="Account role" error={errors.role}>
          {(p) => (
            <select {...p} value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      {general && <ErrorBox error={general} />}
      <div className="actions">
        <button type="submit" disabled={busy || !name.trim()}>
          {busy ? 'Creating…' : 'Create service account'}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** One account's tokens: create (the token is shown once), list with last use, revoke. */
export function Tokens({ orgId, account }: { orgId: string; account: ServiceAccount }) {
  const tokens = useLoad(() => people.tokens(orgId, account.id), [orgId, account.id]);
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const [created, setCreated] = useState<ServiceToken | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setGeneral(null);
    try {
      // The date field gives a day; the token stays valid through the end of that day, in the browser's zone.
      const expiresAt = expires ? new Date(`${expires}T23:59:59`).toISOString() : undefined;
      setCreated(await people.createToken(orgId, account.id, name.trim(), expiresAt));
      setName('');
      setExpires('');
      void tokens.reload();
    } catch (err) {
      const mapped = formErrors(err, ['name', 'expiresAt']);
      setErrors(mapped.fields);
      setGeneral(mapped.general);
    } finally {
      setBusy(false);
    }
  };
  const revoke = async (t: ServiceToken) => {
    setGeneral(null);
    try {
      await people.revokeToken(orgId, account.id, t.id);
      void tokens.reload();
    } catch (err) {
      setGeneral(err instanceof Error ? err.message : 'The token could not be revoked.');
    }
  };

  return (
    <div className="stack">
      {created?.token && (
        <ShownOnce
          title={`Token “${created.name}” of ${account.name}`}
          value={created.token}
          copyLabel="Copy token"
          testId="new-token"
          onDone={() => setCreated(null)}
        />
      )}
      <form className="inline-form start" onSubmit={create} noValidate aria-label={`New token for ${account.name}`}>
        <Field id={`token-name-${account.id}`} label="Token name" error={errors.name}>
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field id={`token-expires-${account.id}`} label="Expires on (optional)" error={errors.expiresAt}>
          {(p) => <input {...p} type="date" value={expires} onChange={(e) => setExpires(e.target.value)} />}
        </Field>
        <button type="submit" disabled={busy || !name.trim()}>
          Create token
        </button>
      </form>
      {general && <ErrorBox error={general} />}
      {tokens.error && <ErrorBox error={tokens.error} title="Tokens could not be loaded." onRetry={() => void tokens.reload()} />}
      {tokens.data && tokens.data.length === 0 && <p className="muted">No tokens yet.</p>}
      {tokens.data && tokens.data.length > 0 && (
        <div className="table-wrap">
          <table aria-label={`Tokens of ${account.name}`}>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Prefix</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((t) => (
                <tr key={t.id}>
                  <td className="strong">{t.name}</td>
                  <td>
                    <code>{t.prefix}…</code>
                  </td>
                  <td>{t.expiresAt ? dateTime(t.expiresAt) : 'never'}</td>
                  <td data-testid="token-last-used">{t.lastUsedAt ? relative(t.lastUsedAt) : 'never'}</td>
                  <td className="row-actions">
                    <button type="button" className="secondary small danger-text" aria-label={`Revoke token ${t.name}`} onClick={() => void revoke(t)}>
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
