import { useState, type FormEvent, type ReactNode } from 'react';
import { login, people, type Session } from '../api';
import { ErrorBox, Field, Loading, useLoad } from '../components/ui';
import { formErrors } from '../lib/errors';
import { dateTime } from '../lib/format';
import { newPasswordProblem } from '../lib/passwords';
import { href, navigate } from '../router';
import { Login } from './Login';

// The pages a mailed link opens (#/accept-invitation/<token>, #/reset-password/<token>): they work signed out.

function Frame({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="login-page">
      <section className="card login" aria-labelledby="public-title">
        <div className="login-brand" aria-hidden="true">
          <span className="logo" /> Kiln
        </div>
        <h1 id="public-title">{title}</h1>
        {children}
      </section>
    </main>
  );
}

/**
 * An invitation link. A new address chooses its password here and is signed in; an existing account must sign in
 * as the invited address first and then accepts, so nobody joins someone else's account by holding the link.
 */
export function AcceptInvitation({ token, current }: { token: string; current: Session | null }) {
  const preview = useLoad(() => people.previewInvitation(token), [token]);
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (preview.error) {
    return (
      <Frame title="Invitation">
        <ErrorBox error={preview.error} title="This invitation cannot be used." />
        <a href={href('/')}>Go to the dashboard</a>
      </Frame>
    );
  }
  if (!preview.data) {
    return (
      <Frame title="Invitation">
        <Loading what="the invitation" />
      </Frame>
    );
  }
  const invitation = preview.data;
  if (invitation.accountExists && !current) {
    return <Login email={invitation.email} notice={`Sign in as ${invitation.email} to join ${invitation.organizationName}.`} />;
  }

  const accept = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setGeneral(null);
    if (!invitation.accountExists) {
      const problem = newPasswordProblem(password, again);
      if (problem) {
        setGeneral(problem);
        return;
      }
    }
    setBusy(true);
    try {
      if (invitation.accountExists) {
        await people.acceptInvitation(token);
      } else {
        await people.acceptInvitation(token, password);
        await login(invitation.email, password);
      }
      navigate('/');
    } catch (err) {
      const mapped = formErrors(err, ['password']);
      setErrors(mapped.fields);
      setGeneral(mapped.general);
      setBusy(false);
    }
  };

  return (
    <Frame title={`Join ${invitation.organizationName}`}>
      <p>
        <strong>{invitation.email}</strong> is invited as <strong>{invitation.role}</strong>. The invitation is valid until{' '}
        {dateTime(invitation.expiresAt)}.
      </p>
      <form onSubmit={accept} noValidate>
        {!invitation.accountExists && (
          <>
            <Field id="invite-password" label="Choose a password" error={errors.password}>
              {(p) => <input {...p} type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />}
            </Field>
            <Field id="invite-password-again" label="Password again">
              {(p) => <input {...p} type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} />}
            </Field>
          </>
        )}
        {general && <ErrorBox error={general} />}
        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Joining…' : invitation.accountExists ? 'Accept invitation' : 'Create account and join'}
          </button>
        </div>
      </form>
    </Frame>
  );
}

/** A password-reset link: choose a new password, then sign in with it. */
export function ResetPassword({ token }: { token: string }) {
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  if (done) {
    return (
      <Frame title="Password changed">
        <p className="success" role="status">
          Your password is changed and every earlier session is signed out.
        </p>
        <a className="button" href={href('/')}>
          Sign in
        </a>
      </Frame>
    );
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setGeneral(null);
    const problem = newPasswordProblem(password, again);
    if (problem) {
      setGeneral(problem);
      return;
    }
    setBusy(true);
    try {
      await people.acceptReset(token, password);
      setDone(true);
    } catch (err) {
      const mapped = formErrors(err, ['newPassword']);
      setErrors(mapped.fields);
      setGeneral(mapped.general);
      setBusy(false);
    }
  };

  return (
    <Frame title="Choose a new password">
      <form onSubmit={submit} noValidate>
        <Field id="reset-password" label="New password" error={errors.newPassword}>
          {(p) => <input {...p} type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />}
        </Field>
        <Field id="reset-password-again" label="New password again">
          {(p) => <input {...p} type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} />}
        </Field>
        {general && <ErrorBox error={general} />}
        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Saving…' : 'Set password'}
          </button>
        </div>
      </form>
    </Frame>
  );
}
