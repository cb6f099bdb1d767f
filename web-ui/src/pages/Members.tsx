import { useState, type FormEvent } from 'react';
import { client, people, type Invitation, type Member, type Role } from '../api';
import { ConfirmDialog, Empty, ErrorBox, Field, Loading, useLoad } from '../components/ui';
import { useWorkspace } from '../context';
import { dateTime } from '../lib/format';
import { formErrors } from '../lib/errors';

const ROLES: Role[] = ['OWNER', 'ADMIN', 'MEMBER', 'VIEWER'];

export function Members() {
  const ws = useWorkspace();
  const orgId = ws.organization?.id;
  const members = useLoad(() => (orgId ? client.members(orgId) : Promise.resolve([])), [orgId]);
  const [inviting, setInviting] = useState(false);
  const [sent, setSent] = useState<string | null>(null);
  const [invitations, setInvitations] = useState(0);
  const [rowError, setRowError] = useState<string | null>(null);
  const [removing, setRemoving] = useState<Member | null>(null);

  if (!ws.organization || !orgId) {
    return <Empty title="You are not a member of any organization yet." />;
  }

  const change = async (userId: string, role: Role) => {
    setRowError(null);
    try {
      await client.changeMember(orgId, userId, role);
      void members.reload();
    } catch (e) {
      setRowError(e instanceof Error ? e.message : 'The role could not be changed.');
    }
  };
  const remove = async (userId: string) => {
    setRowError(null);
    try {
      await client.removeMember(orgId, userId);
      void members.reload();
    } catch (e) {
      setRowError(e instanceof Error ? e.message : 'The member could not be removed.');
    }
  };

  return (
    <section aria-labelledby="members-title">
      <div className="page-head">
        <div>
          <h1 id="members-title">Members</h1>
          <p className="muted">People of {ws.organization.name} and their roles. Admins and owners manage keys and members.</p>
        </div>
        {ws.isAdmin && (
          <button type="button" onClick={() => { setInviting(true); setSent(null); }} disabled={inviting}>
            Invite
          </button>
        )}
      </div>
      {inviting && (
        <Invite
          orgId={orgId}
          onCancel={() => setInviting(false)}
          onInvited={(i) => {
            setInviting(false);
            setSent(invitationSent(i));
            setInvitations((n) => n + 1);
          }}
        />
      )}
      {sent && (
        <p className="success" role="status">
          {sent}
        </p>
      )}
      {ws.isAdmin && <PendingInvitations orgId={orgId} reloadKey={invitations} />}
      {rowError && <ErrorBox error={rowError} />}
      {members.error && <ErrorBox error={members.error} title="Members could not be loaded." onRetry={() => void members.reload()} />}
      {!members.data && !members.error && <Loading what="members" />}
      {members.data && members.data.length === 0 && <Empty title="No members" />}
      {members.data && members.data.length > 0 && (
        <div className="table-wrap card flush">
          <table>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Since</th>
                {ws.isAdmin && (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {members.data.map((m) => (
                <tr key={m.userId}>
                  <td className="strong">
                    {m.email}
                    {m.userId === ws.me.id && <span className="muted"> (you)</span>}
                  </td>
                  <td>{m.displayName ?? '—'}</td>
                  <td>
                    {ws.isAdmin ? (
                      <select aria-label={`Role of ${m.email}`} value={m.role} onChange={(e) => void change(m.userId, e.target.value as Role)}>
                        {ROLES.map((r) => (
                          <option key={r} value={r}>
                            {r}
                          </option>
                        ))}
                      </select>
                    ) : (
                      m.role
                    )}
                  </td>
                  <td>{dateTime(m.createdAt)}</td>
                  {ws.isAdmin && (
                    <td className="row-actions">
                      <button type="button" className="secondary small danger-text" onClick={() => setRemoving(m)}>
                        Remove
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ConfirmDialog
        title={`Remove ${removing?.email ?? ''}`}
        open={!!removing}
        confirmLabel="Remove member"
        onClose={() => setRemoving(null)}
        onConfirm={() => {
          const member = removing;
          setRemoving(null);
          if (member) {
            void remove(member.userId);
          }
        }}
      >
        <p>They lose access to every project of {ws.organization.name}. Their account and what they created stay.</p>
      </ConfirmDialog>
    </section>
  );
}

function Invite({ orgId, onCancel, onInvited }: { orgId: string; onCancel: () => void; onInvited: (i: Invitation) => void }) {
  const [email, setEmail] = useState('');
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
      onInvited(await people.invite(orgId, email.trim(), role));
    } catch (err) {
      const mapped = formErrors(err, ['email', 'role']);
      setErrors(mapped.fields);
      setGeneral(mapped.general);
      setBusy(false);
    }
  };
  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="invite-title">
      <h2 className="h2" id="invite-title">
        Invite someone
      </h2>
      <div className="grid">
        <Field id="invite-email" label="Email to invite" error={errors.email}>
          {(p) => <input {...p} type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />}
        </Field>
        <Field id="invite-role" label="Role" error={errors.role}>
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
        <button type="submit" disabled={busy || !email.trim()}>
          {busy ? 'Inviting…' : 'Send invitation'}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** What became of an invitation just sent: mailed, or waiting for the person to sign in and accept. */
export function invitationSent(i: Invitation): string {
  return i.delivery === 'email'
    ? `An invitation link went to ${i.email}.`
    : `${i.email} is invited. No mail is configured: they accept it under "Invitations for you" after signing in.`;
}

function PendingInvitations({ orgId, reloadKey }: { orgId: string; reloadKey: number }) {
  const pending = useLoad(() => people.invitations(orgId), [orgId, reloadKey]);
  const [error, setError] = useState<string | null>(null);
  const revoke = async (id: string) => {
    setError(null);
    try {
      await people.revokeInvitation(orgId, id);
      void pending.reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : 'The invitation could not be revoked.');
    }
  };
  if (pending.error) {
    return <ErrorBox error={pending.error} title="Pending invitations could not be loaded." onRetry={() => void pending.reload()} />;
  }
  if (!pending.data || pending.data.length === 0) {
    return null;
  }
  return (
    <section aria-labelledby="pending-title">
      <h2 className="h2" id="pending-title">
        Pending invitations
      </h2>
      {error && <ErrorBox error={error} />}
      <div className="table-wrap card flush">
        <table>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {pending.data.map((i) => (
              <tr key={i.id}>
                <td className="strong">{i.email}</td>
                <td>{i.role}</td>
                <td>{dateTime(i.expiresAt)}</td>
                <td className="row-actions">
                  <button type="button" className="secondary small danger-text" aria-label={`Revoke invitation of ${i.email}`} onClick={() => void revoke(i.id)}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
