import { useEffect, useRef, useState } from 'react';
import { client, type Capture, type Deployment } from '../../api';
import { ConfirmDialog, Empty, ErrorBox, Loading, Pager, useLoad } from '../../components/ui';
import { toShapes } from '../../lib/annotations';
import { captureQuery, exportFileName, groupLabel, mostConfident, scoreLabel, type CaptureFilters, type FlaggedFilter } from '../../lib/captures';
import { dateTime } from '../../lib/format';

/** The deployment's captured images (data capture, DESIGN §7): thumbnails with predictions, filters, export, delete. */
export function Data({ d }: { d: Deployment }) {
  const [filters, setFilters] = useState<CaptureFilters>({ group: '', flagged: 'any' });
  const [page, setPage] = useState(1);
  const [doomed, setDoomed] = useState<Capture | null>(null);
  const [problem, setProblem] = useState<Error | null>(null);
  const [exporting, setExporting] = useState(false);
  const captures = useLoad(() => client.captures(d.id, captureQuery(filters, page)), [d.id, filters, page], page === 1 ? 5000 : undefined);
  const groups = d.captureGroups ?? [];

  const change = (next: Partial<CaptureFilters>) => {
    setFilters({ ...filters, ...next });
    setPage(1);
  };
  const download = async () => {
    setExporting(true);
    setProblem(null);
    try {
      const zip = await client.exportCaptures(d.id, captureQuery(filters));
      const url = URL.createObjectURL(zip);
      const link = document.createElement('a');
      link.href = url;
      link.download = exportFileName(d.name, filters);
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (e) {
      setProblem(e as Error);
    } finally {
      setExporting(false);
    }
  };
  const remove = async (capture: Capture) => {
    setDoomed(null);
    try {
      await client.deleteCapture(d.id, capture.id);
      await captures.reload();
    } catch (e) {
      setProblem(e as Error);
    }
  };

  return (
    <div className="stack">
      <div className="toolbar">
        <h2 className="h2">Data</h2>
        <span className="muted small-text">
          {groups.length === 0 ? 'No capture groups: set captureGroups on the deployment to keep images.' : groups.map(groupLabel).join(' · ')}
        </span>
      </div>
      <div className="inline-form start">
        <label>
          Group{' '}
          <select data-testid="capture-group" value={filters.group} onChange={(e) => change({ group: e.target.value })}>
            <option value="">All groups</option>
            {groups.map((g) => (
              <option key={g.name} value={g.name}>
                {g.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Flagged{' '}
          <select data-testid="capture-flagged" value={filters.flagged} onChange={(e) => change({ flagged: e.target.value as FlaggedFilter })}>
            <option value="any">Any</option>
            <option value="flagged">Flagged</option>
            <option value="unflagged">Not flagged</option>
          </select>
        </label>
        <button type="button" className="secondary" data-testid="capture-export" disabled={exporting} onClick={() => void download()}>
          {exporting ? 'Exporting…' : 'Export COCO'}
        </button>
        {captures.data && <span className="muted small-text" data-testid="capture-total">{captures.data.total} captured</span>}
      </div>
      {problem && <ErrorBox error={problem} title="That did not work." />}
      {captures.error && <ErrorBox error={captures.error} title="Captures could not be loaded." onRetry={() => void captures.reload()} />}
      {!captures.data && !captures.error && <Loading what="captures" />}
      {captures.data && captures.data.items.length === 0 && (
        <Empty title="No captured images">
          <p>Predictions that a capture group keeps show up here, with what the model found.</p>
        </Empty>
      )}
      {captures.data && captures.data.items.length > 0 && (
        <ul className="captures" aria-label="Captured images">
          {captures.data.items.map((c) => (
            <li key={c.id} className="card capture" data-testid="capture">
              <Thumbnail deploymentId={d.id} capture={c} />
              <div className="capture-meta">
                <span className={c.flagged ? 'status status-degraded' : 'status'}>{scoreLabel(c.score, c.flagged)}</span>
                <span className="muted small-text">
                  {c.groups.join(', ')} · {dateTime(c.capturedAt)}
                </span>
                <button type="button" className="secondary small" aria-label={`Delete capture of ${dateTime(c.capturedAt)}`} onClick={() => setDoomed(c)}>
                  Delete
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      {captures.data && <Pager page={page} hasMore={captures.data.hasMore} onPage={setPage} />}
      <ConfirmDialog
        title="Delete this capture?"
        open={doomed !== null}
        confirmLabel="Delete capture"
        onConfirm={() => doomed && void remove(doomed)}
        onClose={() => setDoomed(null)}
      >
        <p>The image and its predictions are deleted for good.</p>
      </ConfirmDialog>
    </div>
  );
}

/** How many predictions a thumbnail draws: the most confident ones. */
const DRAWN = 5;

/** The captured image, decoded from its bytes (a strict CSP refuses blob: and data: images), with its predictions. */
function Thumbnail({ deploymentId, capture }: { deploymentId: string; capture: Capture }) {
  const [picture, setPicture] = useState<ImageBitmap | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    let live = true;
    client
      .captureImage(deploymentId, capture.id)
      .then((blob) => createImageBitmap(blob))
      .then(
        (bitmap) => (live ? setPicture(bitmap) : bitmap.close()),
        () => setPicture(null),
      );
    return () => {
      live = false;
    };
  }, [deploymentId, capture.id]);
  useEffect(() => {
    if (canvas.current && picture) {
      canvas.current.getContext('2d')?.drawImage(picture, 0, 0);
    }
  }, [picture]);
  const width = capture.width || picture?.width || 1;
  const height = capture.height || picture?.height || 1;
  const labelHeight = Math.max(12, Math.round(Math.max(width, height) / 24));
  const shapes = toShapes(mostConfident(capture.predictions, DRAWN), width, height, labelHeight);
  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={`Captured image with its ${shapes.length} most confident of ${capture.predictions.length} predictions drawn`}
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
          <text x={s.labelAt.x + 4} y={s.labelAt.y + labelHeight} fontSize={labelHeight} fill={s.color} fontFamily="system-ui, sans-serif">
            {s.label}
          </text>
        </g>
      ))}
    </svg>
  );
}
