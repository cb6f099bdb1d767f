import { useState, type FormEvent } from 'react';
import { people, type User } from '../api';
import { ConfirmDialog, Empty, ErrorBox, Field, Loading, useLoad } from '../components/ui';
import { ShownOnce } from '../components/ShownOnce';
import { formErrors } from '../lib/errors';
import { dateTime } from '../lib/format';
import { temporaryPassword } from '../lib/passwords';
import { useWorkspace } from '../context';

/** A temporary password to hand over once: to a new account, or after a reset without mail. */
interface Handover {
  email: string;
  password: string;
  title: string;
}

/** Operators: every account of this Kiln; create one with a temporary password, disable, enable, reset. */
export function Users() {
  const ws = useWorkspace();
  const users = useLoad(() => people.users(), []);
  const [creating, setCreating] = useState(false);
  const [handover, setHandover] = useState<Handover | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [resetting, setResetting] = useState<User | null>(null);

  const act = async (u: User, action: 'disable' | 'enable') => {
    setError(null);
    try {
      await people.userAction(u.id, action);
      void users.reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : `The account could not be ${action}d.`);
    }
  };
  const reset = async (u: User) => {
    setError(null);
    setNotice(null);
    try {
      const answer = await people.resetPassword(u.id);
      if (answer.delivery === 'none') {
        setHandover({ email: u.email, password: answer.temporaryPassword, title: `New temporary password of ${u.email}` });
      } else {
        setNotice(`A reset link went to ${u.email}.`);
      }
      void users.reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : 'The password could not be reset.');
    }
  };

  return (
    <section aria-labelledby="users-title">
      <div className="page-head">
        <div>
          <h1 id="users-title">Users</h1>
          <p className="muted">Every account of this Kiln. A temporary password must be changed at the first sign-in.</p>
        </div>
        <button type="button" onClick={() => { setCreating(true); setHandover(null); setNotice(null); }} disabled={creating}>
          New user
        </button>
      </div>
      {creating && (
        <CreateUser
          onCancel={() => setCreating(false)}
          onCreated={(h) => {
            setCreating(false);
            setHandover(h);
            void users.reload();
          }}
        />
      )}
      {handover && (
        <ShownOnce
          title={handover.title}
          value={handover.password}
          copyLabel="Copy temporary password"
          testId="temporary-password"
          onDone={() => setHandover(null)}
        >
          <p>Hand it over in person or over a channel you trust; Kiln asks for a new password at the first sign-in.</p>
        </ShownOnce>
      )}
      {notice && (
        <p className="success" role="status">
          {notice}
        </p>
      )}
      {error && <ErrorBox error={error} />}
      {users.error && <ErrorBox error={users.error} title="Users could not be loaded." onRetry={() => void users.reload()} />}
      {!users.data && !users.error && <Loading what="users" />}
      {users.data && users.data.length === 0 && <Empty title="No users" />}
      {users.data && users.data.length > 0 && (
        <div className="table-wrap card flush">
          <table>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">State</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.data.map((u) => (
                <tr key={u.id} aria-label={u.email}>
                  <td className="strong">
                    {u.email}
                    {u.operator && (
                      <>
                        {' '}
                        <span className="tag">operator</span>
                      </>
                    )}
                  </td>
                  <td>
                    <span className={`status status-${u.disabled ? 'revoked' : 'active'}`}>{u.disabled ? 'DISABLED' : 'ACTIVE'}</span>
                    {u.mustChangePassword && <div className="muted reason">must change password</div>}
                  </td>
                  <td>{dateTime(u.createdAt)}</td>
                  <td className="row-actions">
                    {/* An operator does not lock themselves out. */}
                    {u.id !== ws.me.id && (
                      <button type="button" className="secondary small" onClick={() => void act(u, u.disabled ? 'enable' : 'disable')} aria-label={`${u.disabled ? 'Enable' : 'Disable'} ${u.email}`}>
                        {u.disabled ? 'Enable' : 'Disable'}
                      </button>
                    )}
                    <button type="button" className="secondary small" onClick={() => setResetting(u)} aria-label={`Reset password of ${u.email}`}>
                      Reset password
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        title={`Reset the password of ${resetting?.email ?? ''}`}
        open={!!resetting}
        confirmLabel="Reset password"
        onClose={() => setResetting(null)}
        onConfirm={() => {
          const u = resetting;
          setResetting(null);
          if (u) {
            void reset(u);
          }
        }}
      >
        <p>Their current password stops working. With mail configured they get a reset link; otherwise you get a temporary password to hand over.</p>
      </ConfirmDialog>
    </section>
  );
}

function CreateUser({ onCancel, onCreated }: { onCancel: () => void; onCreated: (h: Handover) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState(() => temporaryPassword());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setGeneral(null);
    try {
      const user = await people.createUser(email.trim(), password);
      onCreated({ email: user.email, password, title: `Temporary password of ${user.email}` });
    } catch (err) {
      const mapped = formErrors(err, ['email', 'temporaryPassword']);
      setErrors(mapped.fields);
      setGeneral(mapped.general);
      setBusy(false);
    }
  };
  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="new-user-title">
      <h2 className="h2" id="new-user-title">
        New user
      </h2>
      <div className="grid">
        <Field id="user-email" label="User email" error={errors.email}>
          {(p) => <input {...p} type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />}
        </Field>
        <Field id="user-password" label="Temporary password" error={errors.temporaryPassword} hint="Generated at random; shown once after creating.">
          {(p) => <input {...p} type="text" autoComplete="off" value={password} onChange={(e) => setPassword(e.target.value)} />}
        </Field>
      </div>
      {general && <ErrorBox error={general} />}
      <div className="actions">
        <button type="submit" disabled={busy || !email.trim() || !password}>
          {busy ? 'Creating…' : 'Create user'}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
