import { useEffect, useRef, useState, type DragEvent, type FormEvent } from 'react';
import { evaluate, type Deployment } from '../../api';
import { ErrorBox, Field } from '../../components/ui';
import { useWorkspace } from '../../context';
import { filterByConfidence, toShapes, type Prediction } from '../../lib/annotations';
import { compactJson } from '../../lib/format';
import { dataUrlBlob } from '../../lib/dataUrl';
import { MAX_BINS, NEW_ROUTINE_FORM, ROUTINE_NAMES, buildRoutines, type RoutineField, type RoutineForm, type RoutineName } from '../../lib/routines';

interface PredictResult {
  image?: { width?: number; height?: number };
  predictions?: Prediction[];
  model?: { task?: string; name?: string; versionTag?: string };
  timing?: { totalMs?: number };
}

export function Evaluation({ d }: { d: Deployment }) {
  const ws = useWorkspace();
  const [image, setImage] = useState<{ name: string; dataUrl: string } | null>(null);
  const [dragging, setDragging] = useState(false);
  const [routines, setRoutines] = useState<RoutineForm>(NEW_ROUTINE_FORM);
  const [problems, setProblems] = useState<Partial<Record<RoutineField, string>>>({});
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

  const run = async (e: FormEvent) => {
    e.preventDefault();
    const built = buildRoutines(routines);
    setProblems(built.ok ? {} : built.problems);
    if (!image || !built.ok) {
      setError(!image ? 'Choose an image first.' : 'Correct the routine arguments marked above.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      setResult((await evaluate(d.id, image.dataUrl, built.routines)) as PredictResult);
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
        <p className="field-hint">
          Runs this deployment on an image with your session: no secret key is needed, and the calls count as evaluation traffic, apart from production
          traffic, in the deployment&apos;s graphs.
        </p>
        {!ws.canWrite && <div className="notice">Evaluating needs the MEMBER role or higher in this project.</div>}
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
        <RoutineFields form={routines} problems={problems} onChange={setRoutines} />
        <button type="submit" disabled={busy || !ws.canWrite}>
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

const LABELS: Record<RoutineName, string> = {
  FilterConfidence: 'FilterConfidence — keep predictions at or above a confidence',
  FilterClass: 'FilterClass — keep only these classes',
  ExcludeClass: 'ExcludeClass — drop these classes',
  FilterIOU: 'FilterIOU — drop boxes overlapping a better one',
  Histogram: 'Histogram — counts per class and confidence bin',
  ActiveLearning: "ActiveLearning — uncertainty score (the deployment's strategy and threshold)",
};

/** The six routines, each with its arguments shown while it is checked; applied in this order. */
export function RoutineFields({
  form,
  problems,
  onChange,
}: {
  form: RoutineForm;
  problems: Partial<Record<RoutineField, string>>;
  onChange: (next: RoutineForm) => void;
}) {
  const set = (patch: Partial<RoutineForm>) => onChange({ ...form, ...patch });
  const text = (field: RoutineField, label: string, hint?: string) => (
    <Field id={`routine-${field}`} label={label} error={problems[field]} hint={hint}>
      {(p) => <input {...p} value={form[field]} onChange={(e) => set({ [field]: e.target.value })} />}
    </Field>
  );
  return (
    <fieldset className="routines">
      <legend>Routines</legend>
      {ROUTINE_NAMES.map((name) => (
        <div key={name} className="routine">
          <label className="check">
            <input type="checkbox" checked={form.enabled[name]} onChange={(e) => set({ enabled: { ...form.enabled, [name]: e.target.checked } })} />
            {LABELS[name]}
          </label>
          {form.enabled[name] && name === 'FilterConfidence' && text('confidence', 'Confidence (0 to 1)')}
          {form.enabled[name] && name === 'FilterClass' && text('filterClasses', 'Classes to keep', 'Class names, separated by commas.')}
          {form.enabled[name] && name === 'ExcludeClass' && text('excludeClasses', 'Classes to drop', 'Class names, separated by commas.')}
          {form.enabled[name] && name === 'FilterIOU' && text('iou', 'IoU threshold (0 to 1)')}
          {form.enabled[name] && name === 'Histogram' && (
            <>
              <div className="radio-row" role="radiogroup" aria-label="Histogram bins">
                <label className="check">
                  <input type="radio" name="histogram-mode" checked={form.histogramMode === 'bins'} onChange={() => set({ histogramMode: 'bins' })} />
                  Equal bins
                </label>
                <label className="check">
                  <input type="radio" name="histogram-mode" checked={form.histogramMode === 'ranges'} onChange={() => set({ histogramMode: 'ranges' })} />
                  Ranges
                </label>
              </div>
              {form.histogramMode === 'bins'
                ? text('bins', `Number of bins (1 to ${MAX_BINS})`)
                : text('ranges', 'Upper bounds', 'Increasing, separated by commas: 0.5, 0.8, 1 makes the bins 0–0.5, 0.5–0.8, 0.8–1.')}
            </>
          )}
        </div>
      ))}
    </fieldset>
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
