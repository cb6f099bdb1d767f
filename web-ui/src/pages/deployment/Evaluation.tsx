import { useEffect, useRef, useState, type DragEvent, type FormEvent } from 'react';
import { client, predict, type Deployment, type PredictRoutine, type ProjectKey } from '../../api';
import { ErrorBox, Field } from '../../components/ui';
import { useWorkspace } from '../../context';
import { filterByConfidence, toShapes, type Prediction } from '../../lib/annotations';
import { compactJson } from '../../lib/format';
import { dataUrlBlob } from '../../lib/dataUrl';

interface PredictResult {
  image?: { width?: number; height?: number };
  predictions?: Prediction[];
  model?: { task?: string; name?: string; versionTag?: string };
  timing?: { totalMs?: number };
}

const ROUTINES: { name: string; label: string; routine: PredictRoutine }[] = [
  { name: 'FilterIOU', label: 'FilterIOU — drop overlapping boxes (IoU above 0.5)', routine: { name: 'FilterIOU', args: { iou: 0.5 } } },
  { name: 'Histogram', label: 'Histogram — counts per class', routine: { name: 'Histogram' } },
  { name: 'ActiveLearning', label: 'ActiveLearning — uncertainty score', routine: { name: 'ActiveLearning' } },
];

const TEMPORARY_KEY_MINUTES = 60;

export function Evaluation({ d }: { d: Deployment }) {
  const ws = useWorkspace();
  const [secret, setSecret] = useState('');
  const [temporary, setTemporary] = useState<ProjectKey | null>(null);
  const [keyError, setKeyError] = useState<string | null>(null);
  const [image, setImage] = useState<{ name: string; dataUrl: string } | null>(null);
  const [dragging, setDragging] = useState(false);
  const [routines, setRoutines] = useState<Record<string, boolean>>({});
  const [threshold, setThreshold] = useState(0.5);
  const [result, setResult] = useState<PredictResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const readFile = (file: File | undefined) => {
    if (!file) {
      return;
    }
    if (!file.type.startsWith('image/')) {
      setError('Choose an image file (JPEG, PNG, BMP or WebP).');
      return;
    }
    const reader = new FileReader();
    reader.onload = () => {
      setImage({ name: file.name, dataUrl: String(reader.result) });
      setResult(null);
      setError(null);
    };
    reader.onerror = () => setError('The image could not be read.');
    reader.readAsDataURL(file);
  };

  const createTemporaryKey = async () => {
    setKeyError(null);
    try {
      const key = await client.createKey(d.projectId, {
        name: `dashboard evaluation ${new Date().toISOString().slice(0, 16).replace('T', ' ')}`,
        deploymentIds: [d.id],
        expiresAt: new Date(Date.now() + TEMPORARY_KEY_MINUTES * 60_000).toISOString(),
      });
      setTemporary(key);
      setSecret(key.secret ?? '');
    } catch (e) {
      setKeyError(e instanceof Error ? e.message : 'The key could not be created.');
    }
  };

  const run = async (e: FormEvent) => {
    e.preventDefault();
    if (!image || !secret.trim()) {
      setError(!image ? 'Choose an image first.' : 'Paste a secret key of this project first.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const chosen = ROUTINES.filter((r) => routines[r.name]).map((r) => r.routine);
      setResult((await predict(d.id, secret.trim(), image.dataUrl, chosen)) as PredictResult);
    } catch (err) {
      setResult(null);
      setError(err instanceof Error ? err.message : 'The prediction failed.');
    } finally {
      setBusy(false);
    }
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    readFile(e.dataTransfer.files?.[0]);
  };

  return (
    <div className="evaluation">
      <form className="card eval-form" onSubmit={run}>
        <Field
          id="eval-secret"
          label="Secret key"
          hint="A project secret (Secrets page). It stays in this tab only and is sent to this deployment's predict URL."
        >
          {(p) => <input {...p} type="password" autoComplete="off" value={secret} onChange={(e) => setSecret(e.target.value)} placeholder="kiln_…" />}
        </Field>
        {ws.isAdmin && !temporary && (
          <button type="button" className="secondary" onClick={() => void createTemporaryKey()}>
            Use a temporary key
          </button>
        )}
        {temporary && (
          <div className="notice" role="status">
            <strong>Temporary key created: “{temporary.name}”.</strong> It works only for this deployment and expires in {TEMPORARY_KEY_MINUTES} minutes
            {temporary.expiresAt ? ` (${new Date(temporary.expiresAt).toLocaleTimeString()})` : ''}. Its secret was shown once and is only in the field
            above — Kiln cannot show it again. Revoke it on the Secrets page when you are done.
          </div>
        )}
        {keyError && <ErrorBox error={keyError} title="No temporary key:" />}
        <div
          className={`dropzone ${dragging ? 'over' : ''}`}
          onDragOver={(e) => {
            e.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <label htmlFor="eval-image">Image</label>
          <input id="eval-image" type="file" accept="image/*" onChange={(e) => readFile(e.target.files?.[0])} />
          <p className="field-hint">{image ? image.name : 'Choose a file, or drop an image here.'}</p>
        </div>
        <fieldset className="routines">
          <legend>Routines</legend>
          {ROUTINES.map((r) => (
            <label key={r.name} className="check">
              <input type="checkbox" checked={!!routines[r.name]} onChange={(e) => setRoutines({ ...routines, [r.name]: e.target.checked })} />
              {r.label}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={busy}>
          {busy ? 'Running…' : 'Run'}
        </button>
        {error && <ErrorBox error={error} />}
      </form>
      <div className="eval-result">
        <div className="field slider">
          <label htmlFor="eval-confidence">Confidence</label>
          <input
            id="eval-confidence"
            type="range"
            min={0}
            max={1}
            step={0.01}
            value={threshold}
            onChange={(e) => setThreshold(Number(e.target.value))}
            aria-valuetext={`${Math.round(threshold * 100)}%`}
          />
          <output htmlFor="eval-confidence">{threshold.toFixed(2)}</output>
        </div>
        {image ? (
          <Drawing image={image.dataUrl} result={result} threshold={threshold} />
        ) : (
          <div className="empty drawing-empty">
            <p className="empty-title">No image yet</p>
            <p>Choose or drop an image, then Run: the predictions are drawn over it with their labels.</p>
          </div>
        )}
        {result && (
          <details open className="json-box">
            <summary>Response JSON</summary>
            <pre data-testid="evaluation-json" tabIndex={0}>
              {compactJson(result)}
            </pre>
          </details>
        )}
      </div>
    </div>
  );
}

export function Drawing({ image, result, threshold }: { image: string; result: PredictResult | null; threshold: number }) {
  const [picture, setPicture] = useState<ImageBitmap | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const natural = picture ? { w: picture.width, h: picture.height } : null;
  // Decoded from the bytes, not loaded from the data URL: a strict Content-Security-Policy refuses data: images.
  useEffect(() => {
    const blob = dataUrlBlob(image);
    if (!blob || typeof createImageBitmap !== 'function') {
      return undefined;
    }
    let live = true;
    createImageBitmap(blob).then(
      (bitmap) => (live ? setPicture(bitmap) : bitmap.close()),
      () => setPicture(null),
    );
    return () => {
      live = false;
    };
  }, [image]);
  const width = result?.image?.width ?? natural?.w ?? 0;
  const height = result?.image?.height ?? natural?.h ?? 0;
  const all = result?.predictions ?? [];
  const visible = filterByConfidence(all, threshold);
  const labelHeight = Math.max(12, Math.round(Math.max(width, height) / 36));
  const shapes = toShapes(visible, width, height, labelHeight);
  const classification = all.length > 0 && all.every((p) => !p.bound && !p.contour);
  useEffect(() => {
    const target = canvas.current;
    if (target && picture) {
      target.getContext('2d')?.drawImage(picture, 0, 0);
    }
  }, [picture, width, height]);

  return (
    <div className="drawing">
      {width > 0 && (
        <svg
          data-testid="evaluation-canvas"
          viewBox={`0 0 ${width} ${height}`}
          role="img"
          aria-label={result ? `Image with ${shapes.length} predictions drawn` : 'Chosen image'}
          className="canvas"
        >
          <foreignObject x={0} y={0} width={width} height={height}>
            <canvas ref={canvas} className="picture" width={picture?.width ?? 1} height={picture?.height ?? 1} />
          </foreignObject>
          {shapes.map((s) => (
            <g key={s.key} data-testid="annotation">
              {s.points ? (
                <polygon points={s.points} fill={`${s.color}33`} stroke={s.color} strokeWidth={Math.max(2, labelHeight / 6)} />
              ) : (
                s.rect && <rect x={s.rect.x} y={s.rect.y} width={s.rect.width} height={s.rect.height} fill="none" stroke={s.color} strokeWidth={Math.max(2, labelHeight / 6)} />
              )}
              <rect x={s.labelAt.x} y={s.labelAt.y} width={s.label.length * labelHeight * 0.6 + 8} height={labelHeight + 4} fill={s.color} />
              <text x={s.labelAt.x + 4} y={s.labelAt.y + labelHeight} fontSize={labelHeight} fill="#fff" fontFamily="system-ui, sans-serif">
                {s.label}
              </text>
            </g>
          ))}
        </svg>
      )}
      {result && (
        <p className="muted" aria-live="polite">
          {classification
            ? `${visible.length} of ${all.length} classes at or above ${threshold.toFixed(2)}`
            : `${shapes.length} of ${all.length} predictions drawn (confidence ≥ ${threshold.toFixed(2)})`}
          {typeof result.timing?.totalMs === 'number' ? ` · ${result.timing.totalMs.toFixed(1)} ms on the node` : ''}
        </p>
      )}
      {classification && (
        <ol className="classes">
          {visible.map((p, i) => (
            <li key={p.annotationId ?? i}>
              <span>{p.tag?.name ?? `class ${p.tag?.id}`}</span>
              <span className="bar" style={{ width: `${Math.round((p.confidence ?? 0) * 100)}%` }} />
              <span>{((p.confidence ?? 0) * 100).toFixed(1)}%</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
