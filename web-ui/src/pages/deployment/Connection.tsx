import { useState } from 'react';
import { client, type Deployment, type SnippetLanguage } from '../../api';
import { CopyButton, ErrorBox, Loading, useLoad } from '../../components/ui';

export const LANGUAGES: { id: SnippetLanguage; label: string }[] = [
  { id: 'curl', label: 'curl' },
  { id: 'python', label: 'Python' },
  { id: 'javascript', label: 'JavaScript' },
  { id: 'node', label: 'Node' },
  { id: 'java', label: 'Java' },
  { id: 'go', label: 'Go' },
  { id: 'r', label: 'R' },
  { id: 'ruby', label: 'Ruby' },
  { id: 'c', label: 'C' },
];

export function Connection({ d }: { d: Deployment }) {
  const snippets = useLoad(() => client.snippets(d.id), [d.id]);
  const [language, setLanguage] = useState<SnippetLanguage>('curl');
  const [variant, setVariant] = useState<'file' | 'url'>('file');
  const fallbackUrl = `${window.location.origin}/${d.id}/predict`;
  const predictUrl = snippets.data?.predictUrl ?? fallbackUrl;

  return (
    <div className="stack">
      <div className="card">
        <h2 className="h2">Predict URL</h2>
        <div className="url-row">
          <code data-testid="predict-url" className="url">
            {predictUrl}
          </code>
          <CopyButton text={predictUrl} label="Copy URL" />
        </div>
        <p className="muted">
          Send <code>POST</code> with <code>Authorization: Bearer YOUR_SECRET_KEY</code> (a project secret from the Secrets page) and a JSON body{' '}
          <code>{'{"image_type": "base64", "data": "…"}'}</code>. Also: <code>GET /{d.id}/info</code>, the KServe v1/v2 and TorchServe routes.
        </p>
      </div>
      <div className="card">
        <h2 className="h2">Client code</h2>
        <p className="muted">
          Complete programs: replace <code>YOUR_SECRET_KEY</code> and{' '}
          {variant === 'file' ? <code>path/to/image.jpg</code> : <code>https://example.com/image.jpg</code>}, then run them.
          {variant === 'url' && ' The deployment downloads the image from that address itself (image_type url).'}
        </p>
        {snippets.error && <ErrorBox error={snippets.error} title="Snippets could not be loaded." onRetry={() => void snippets.reload()} />}
        {!snippets.data && !snippets.error && <Loading what="snippets" />}
        {snippets.data && (
          <>
            <div className="lang-picker" role="group" aria-label="Image">
              {(
                [
                  ['file', 'Image file (base64)'],
                  ['url', 'Image URL'],
                ] as const
              ).map(([id, label]) => (
                <button key={id} type="button" className={`chip ${variant === id ? 'on' : ''}`} aria-pressed={variant === id} onClick={() => setVariant(id)}>
                  {label}
                </button>
              ))}
            </div>
            <div className="lang-picker" role="group" aria-label="Language">
              {LANGUAGES.map((l) => (
                <button
                  key={l.id}
                  type="button"
                  className={`chip ${language === l.id ? 'on' : ''}`}
                  aria-pressed={language === l.id}
                  onClick={() => setLanguage(l.id)}
                >
                  {l.label}
                </button>
              ))}
            </div>
            {LANGUAGES.map((l) => {
              const code = variant === 'file' ? snippets.data?.[l.id] : snippets.data?.urlVariants?.[l.id];
              return (
                <div key={l.id} className="snippet" hidden={language !== l.id}>
                  <div className="snippet-head">
                    <span>{l.label}</span>
                    {code && <CopyButton text={code} label="Copy" />}
                  </div>
                  {code ? (
                    <pre data-testid={`snippet-${l.id}`} tabIndex={0} aria-label={`${l.label} snippet`}>
                      {code}
                    </pre>
                  ) : (
                    <p className="muted">No {l.label} snippet is available.</p>
                  )}
                </div>
              );
            })}
          </>
        )}
      </div>
    </div>
  );
}
