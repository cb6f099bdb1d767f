import { useState, type FormEvent } from 'react';
import { client, type ProjectKey } from '../api';
import { CopyButton, Dialog, Empty, ErrorBox, Field, Loading, StatusBadge, useLoad } from '../components/ui';
import { useWorkspace } from '../context';
import { dateTime, relative } from '../lib/format';
import { formErrors } from '../lib/errors';
import { originLines, originProblems } from '../lib/origins';

export function Secrets({ projectId }: { projectId: string }) {
  const ws = useWorkspace();
  const keys = useLoad(() => client.keys(projectId), [projectId], 15_000);
  const deployments = useLoad(() => client.deployments(projectId), [projectId]);
  const [creating, setCreating] = useState(false);
  const [shown, setShown] = useState<{ key: ProjectKey; why: string } | null>(null);
  const [rotating, setRotating] = useState<ProjectKey | null>(null);
  const [revoking, setRevoking] = useState<ProjectKey | null>(null);

  if (!ws.isAdmin) {
    return (
      <div className="empty">
        <p className="empty-title">Only admins and owners manage project secrets.</p>
        <p>Ask an admin of {ws.organization?.name} for a key.</p>
      </div>
    );
  }

  const names = new Map((deployments.data ?? []).map((d) => [d.id, d.name]));
  return (
    <section aria-labelledby="secrets-title">
      <div className="page-head">
        <div>
          <h1 id="secrets-title">Secrets</h1>
          <p className="muted">Keys that call this project's predict URLs ({ws.project?.name}). A secret is shown once, when it is created or rotated.</p>
        </div>
        <button type="button" onClick={() => setCreating(true)} disabled={creating}>
          New key
        </button>
      </div>
      {shown && <NewSecret shown={shown} onDone={() => setShown(null)} />}
      <AllowedOrigins projectId={projectId} saved={ws.project?.allowedOrigins ?? []} onSaved={ws.reloadProjects} />
      {creating && (
        <CreateKey
          projectId={projectId}
          deployments={deployments.data ?? []}
          onCancel={() => setCreating(false)}
          onCreated={(key) => {
            setCreating(false);
            setShown({ key, why: 'created' });
            void keys.reload();
          }}
        />
      )}
      {keys.error && <ErrorBox error={keys.error} title="Keys could not be loaded." onRetry={() => void keys.reload()} />}
      {!keys.data && !keys.error && <Loading what="keys" />}
      {keys.data && keys.data.length === 0 && (
        <Empty title="No keys yet">
          <p>Create a key to call the deployments of this project from your code.</p>
        </Empty>
      )}
      {keys.data && keys.data.length > 0 && (
        <div className="table-wrap card flush">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Prefix</th>
                <th scope="col">Status</th>
                <th scope="col">Deployments</th>
                <th scope="col">Expires</th>
                <th scope="col">Last used</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.map((k) => (
                <tr key={k.id} aria-label={`Key ${k.name}`}>
                  <td className="strong">{k.name}</td>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>
                    <StatusBadge status={k.status} />
                    {k.previousValidUntil && <div className="muted reason">old secret valid until {dateTime(k.previousValidUntil)}</div>}
                  </td>
                  <td>{k.deploymentIds && k.deploymentIds.length > 0 ? k.deploymentIds.map((id) => names.get(id) ?? id.slice(0, 8)).join(', ') : 'All'}</td>
                  <td>{k.expiresAt ? dateTime(k.expiresAt) : 'Never'}</td>
                  <td title={k.lastUsedAt ?? undefined}>{relative(k.lastUsedAt)}</td>
                  <td>
                    {dateTime(k.createdAt)}
                    {k.createdByEmail && <div className="muted reason">by {k.createdByEmail}</div>}
                  </td>
                  <td className="row-actions">
                    {k.status !== 'REVOKED' && (
                      <>
                        <button type="button" className="secondary small" onClick={() => setRotating(k)} aria-label="Rotate" title={`Rotate ${k.name}`}>
                          Rotate
                        </button>
                        <button type="button" className="secondary small danger-text" onClick={() => setRevoking(k)} aria-label="Revoke" title={`Revoke ${k.name}`}>
                          Revoke
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <RotateDialog
        target={rotating}
        onClose={() => setRotating(null)}
        onRotated={(key) => {
          setRotating(null);
          setShown({ key, why: 'rotated' });
          void keys.reload();
        }}
      />
      <RevokeDialog
        target={revoking}
        onClose={() => setRevoking(null)}
        onRevoked={() => {
          setRevoking(null);
          void keys.reload();
        }}
      />
    </section>
  );
}

function NewSecret({ shown, onDone }: { shown: { key: ProjectKey; why: string }; onDone: () => void }) {
  const secret = shown.key.secret ?? '';
  return (
    <div className="card secret-box" role="status">
      <h2 className="h2">
        Secret of “{shown.key.name}” {shown.why}
      </h2>
      <p className="warning">
        <strong>Copy it now.</strong> This is the only time Kiln shows it; only a hash is stored. If it is lost, rotate the key.
      </p>
      <div className="url-row">
        <code data-testid="new-secret" className="url secret">
          {secret}
        </code>
        <CopyButton text={secret} label="Copy secret" />
      </div>
      {shown.key.previousValidUntil && <p className="muted">The previous secret keeps working until {dateTime(shown.key.previousValidUntil)}.</p>}
      <button type="button" className="secondary" onClick={onDone}>
        I have stored it
      </button>
    </div>
  );
}

/** The project's CORS origins: pages of these sites may call its deployments from the browser with a key. */
export function AllowedOrigins({ projectId, saved, onSaved }: { projectId: string; saved: string[]; onSaved: () => void }) {
  const [text, setText] = useState(saved.join('\n'));
  const [problems, setProblems] = useState<string[]>([]);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const lines = originLines(text);
    setBusy(true);
    setProblems([]);
    setDone(false);
    try {
      const project = await client.setAllowedOrigins(projectId, lines);
      setText((project.allowedOrigins ?? []).join('\n'));
      setDone(true);
      onSaved();
    } catch (err) {
      setProblems(originProblems(err, lines));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="origins-title">
      <h2 className="h2" id="origins-title">
        Allowed origins
      </h2>
      <Field
        id="allowed-origins"
        label="Origins (one per line)"
        error={problems.length > 0 ? problems.join(' ') : null}
        hint="Web pages of these origins may call this project's predict URLs from the browser (CORS), e.g. https://app.example.com. Scheme, host and port only; no paths, no *."
      >
        {(p) => (
          <textarea
            {...p}
            rows={3}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setDone(false);
            }}
          />
        )}
      </Field>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save origins'}
        </button>
        {done && (
          <span className="muted" role="status">
            Saved.
          </span>
        )}
      </div>
    </form>
  );
}

function CreateKey({
  projectId,
  deployments,
  onCancel,
  onCreated,
}: {
  projectId: string;
  deployments: { id: string; name: string }[];
  onCancel: () => void;
  onCreated: (key: ProjectKey) => void;
}) {
  const [name, setName] = useState('');
  const [scope, setScope] = useState<string[]>([]);
  const [expires, setExpires] = useState('');
  const [rate, setRate] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) {
      setErrors({ name: 'Give the key a name, e.g. the service that will use it.' });
      return;
    }
    setBusy(true);
    setErrors({});
    setGeneral(null);
    try {
      onCreated(
        await client.createKey(projectId, {
          name: name.trim(),
          ...(scope.length ? { deploymentIds: scope } : {}),
          ...(expires ? { expiresAt: new Date(expires).toISOString() } : {}),
          ...(rate.trim() ? { rateLimitPerSecond: Number.parseInt(rate, 10) } : {}),
        }),
      );
    } catch (err) {
      const mapped = formErrors(err, ['name', 'deploymentIds', 'expiresAt', 'rateLimitPerSecond']);
      setErrors(mapped.fields);
      setGeneral(mapped.general);
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="new-key-title">
      <h2 className="h2" id="new-key-title">
        New key
      </h2>
      <div className="grid">
        <Field id="key-name" label="Key name" error={errors.name}>
          {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" autoFocus />}
        </Field>
        <Field id="key-expires" label="Expires (optional)" error={errors.expiresAt}>
          {(p) => <input {...p} type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} />}
        </Field>
        <Field id="key-rate" label="Rate limit per second (optional)" error={errors.rateLimitPerSecond} hint="Empty: the project's default.">
          {(p) => <input {...p} type="number" min={1} value={rate} onChange={(e) => setRate(e.target.value)} />}
        </Field>
      </div>
      {deployments.length > 0 && (
        <fieldset className="routines">
          <legend>Only for these deployments (none checked: all of the project)</legend>
          {deployments.map((d) => (
            <label key={d.id} className="check">
              <input
                type="checkbox"
                checked={scope.includes(d.id)}
                onChange={(e) => setScope(e.target.checked ? [...scope, d.id] : scope.filter((x) => x !== d.id))}
              />
              {d.name}
            </label>
          ))}
          {errors.deploymentIds && <p className="field-error">{errors.deploymentIds}</p>}
        </fieldset>
      )}
      {general && <ErrorBox error={general} />}
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create key'}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function RotateDialog({ target, onClose, onRotated }: { target: ProjectKey | null; onClose: () => void; onRotated: (key: ProjectKey) => void }) {
  const [grace, setGrace] = useState('3600');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!target) {
      return;
    }
    const seconds = Number.parseInt(grace, 10);
    if (!Number.isFinite(seconds) || seconds < 0) {
      setError('Enter 0 or more seconds.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onRotated(await client.rotateKey(target.id, seconds));
    } catch (err) {
      const mapped = formErrors(err, ['graceSeconds']);
      setError(mapped.fields.graceSeconds ?? mapped.general);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={`Rotate “${target?.name ?? ''}”`} open={!!target} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <p>A new secret is issued. The current one keeps working for the grace period, so clients can switch without downtime.</p>
        <Field id="rotate-grace" label="Grace period (seconds)" error={error} hint="0 stops the current secret at once.">
          {(p) => <input {...p} type="number" min={0} value={grace} onChange={(e) => setGrace(e.target.value)} autoFocus />}
        </Field>
        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Rotating…' : 'Rotate key'}
          </button>
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function RevokeDialog({ target, onClose, onRevoked }: { target: ProjectKey | null; onClose: () => void; onRevoked: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const revoke = async () => {
    if (!target) {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await client.revokeKey(target.id);
      onRevoked();
    } catch (err) {
      setError(err instanceof Error ? err.message : 'The key could not be revoked.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={`Revoke “${target?.name ?? ''}”`} open={!!target} onClose={onClose}>
      <p>Every call with this key (and with a previous secret still in its grace period) is refused within about a second. This cannot be undone.</p>
      {error && <ErrorBox error={error} />}
      <div className="actions">
        <button type="button" className="danger" onClick={() => void revoke()} disabled={busy}>
          {busy ? 'Revoking…' : 'Revoke key'}
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
