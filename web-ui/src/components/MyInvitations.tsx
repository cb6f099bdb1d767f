import { useState } from 'react';
import { people } from '../api';
import { ErrorBox, useLoad } from './ui';

/** Invitations addressed to the signed-in person, shown above every page until accepted or declined. */
export function MyInvitations({ onJoined }: { onJoined: () => void }) {
  const mine = useLoad(() => people.myInvitations(), []);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  if (!mine.data || mine.data.length === 0) {
    return null;
  }
  const answer = async (id: string, accept: boolean) => {
    setError(null);
    setBusy(id);
    try {
      if (accept) {
        await people.acceptMine(id);
        onJoined();
      } else {
        await people.declineMine(id);
      }
      await mine.reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : 'The invitation could not be answered.');
    } finally {
      setBusy(null);
    }
  };
  return (
    <section className="card" aria-labelledby="my-invitations-title">
      <h2 className="h2" id="my-invitations-title">
        Invitations for you
      </h2>
      {error && <ErrorBox error={error} />}
      <ul className="invitation-list">
        {mine.data.map((i) => (
          <li key={i.id} aria-label={`Invitation to ${i.organizationName}`}>
            <span>
              Join <strong>{i.organizationName}</strong> as {i.role}
            </span>
            <span className="row-actions">
              <button type="button" className="small" disabled={busy === i.id} onClick={() => void answer(i.id, true)}>
                Accept
              </button>
              <button type="button" className="secondary small" disabled={busy === i.id} onClick={() => void answer(i.id, false)}>
                Decline
              </button>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
