import { useState, type FormEvent } from 'react';
import { client, type Deployment } from '../../api';
import { ErrorBox, Field } from '../../components/ui';
import { navigate } from '../../router';

export function Actions({ d, canWrite }: { d: Deployment; canWrite: boolean }) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const matches = typed === d.name;

  const remove = async (e: FormEvent) => {
    e.preventDefault();
    if (!matches) {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await client.deleteDeployment(d.id, typed);
      navigate('/');
    } catch (err) {
      setError(err instanceof Error ? err.message : 'The deployment could not be deleted.');
      setBusy(false);
    }
  };

  return (
    <form className="card danger-zone narrow" onSubmit={remove}>
      <h2 className="h2">Delete this deployment</h2>
      <p>
        Its instances stop, its predict URL answers 404 and keys scoped only to it stop working. Models and their versions stay. This cannot be
        undone.
      </p>
      {canWrite ? (
        <>
          <Field id="delete-confirm" label="Type the deployment name to confirm" hint={<>Type <strong>{d.name}</strong> exactly.</>}>
            {(p) => <input {...p} value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" spellCheck={false} />}
          </Field>
          {error && <ErrorBox error={error} />}
          <button type="submit" className="danger" disabled={!matches || busy}>
            {busy ? 'Deleting…' : 'Delete deployment'}
          </button>
        </>
      ) : (
        <p className="muted">Your role can only read this deployment.</p>
      )}
    </form>
  );
}
