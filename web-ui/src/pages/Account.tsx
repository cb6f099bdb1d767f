import { useState, type FormEvent } from 'react';
import { login, people } from '../api';
import { ErrorBox, Field } from '../components/ui';
import { formErrors } from '../lib/errors';
import { newPasswordProblem } from '../lib/passwords';

/** The signed-in person's own account: their email and the form that changes their password. */
export function Account({ email }: { email: string }) {
  const [changed, setChanged] = useState(false);
  return (
    <section aria-labelledby="account-title" className="narrow">
      <div className="page-head">
        <div>
          <h1 id="account-title">Account</h1>
          <p className="muted">Signed in as {email}.</p>
        </div>
      </div>
      {changed && (
        <p className="success" role="status">
          Your password is changed. Your other sessions are signed out.
        </p>
      )}
      <ChangePassword email={email} onChanged={() => setChanged(true)} />
    </section>
  );
}

/**
 * Current password, new password twice. The API ends every other session of the account on success; signing in
 * again with the new password keeps this one going whether or not the API ended it too.
 */
export function ChangePassword({ email, onChanged, intro }: { email: string; onChanged: () => void; intro?: string }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setGeneral(null);
    const problem = newPasswordProblem(next, again, current);
    if (problem) {
      setGeneral(problem);
      return;
    }
    setBusy(true);
    try {
      await people.changePassword(current, next);
      await login(email, next);
      setCurrent('');
      setNext('');
      setAgain('');
      onChanged();
    } catch (err) {
      const mapped = formErrors(err, ['currentPassword', 'newPassword']);
      setErrors(mapped.fields);
      setGeneral(mapped.general);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="change-password-title">
      <h2 className="h2" id="change-password-title">
        Change password
      </h2>
      {intro && <p>{intro}</p>}
      <Field id="current-password" label="Current password" error={errors.currentPassword}>
        {(p) => <input {...p} type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />}
      </Field>
      <Field id="new-password" label="New password" error={errors.newPassword}>
        {(p) => <input {...p} type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} />}
      </Field>
      <Field id="new-password-again" label="New password again">
        {(p) => <input {...p} type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} />}
      </Field>
      {general && <ErrorBox error={general} />}
      <div className="actions">
        <button type="submit" disabled={busy || !current || !next}>
          {busy ? 'Changing…' : 'Change password'}
        </button>
      </div>
    </form>
  );
}
