import type { ReactNode } from 'react';
import { CopyButton } from './ui';

/** A secret the API returns once (a token, a temporary password): shown with a copy button until dismissed. */
export function ShownOnce({
  title,
  value,
  copyLabel,
  testId,
  onDone,
  children,
}: {
  title: string;
  value: string;
  copyLabel: string;
  testId: string;
  onDone: () => void;
  children?: ReactNode;
}) {
  return (
    <div className="card secret-box" role="status">
      <h2 className="h2">{title}</h2>
      <p className="warning">
        <strong>Copy it now.</strong> This is the only time Kiln shows it; only a hash is stored.
      </p>
      {children}
      <div className="url-row">
        <code data-testid={testId} className="url secret">
          {value}
        </code>
        <CopyButton text={value} label={copyLabel} />
      </div>
      <div className="actions">
        <button type="button" className="secondary" onClick={onDone}>
          I have stored it
        </button>
      </div>
    </div>
  );
}
