// Geometry of the predictions drawn over an evaluated image (DESIGN §4.1: coordinates are 0..1 of the image).

export interface Prediction {
  annotationId?: number;
  bound?: number[][] | null;
  boundType?: string | null;
  confidence?: number | null;
  tag?: { id?: number; name?: string } | null;
  contourType?: string | null;
  contour?: number[][] | null;
}

export interface Shape {
  key: string;
  label: string;
  confidence: number;
  color: string;
  /** Pixel rectangle, when the prediction has a bound. */
  rect: { x: number; y: number; width: number; height: number } | null;
  /** Pixel polygon as an SVG points attribute, when the prediction has a contour. */
  points: string | null;
  /** Where its label sits, kept inside the image. */
  labelAt: { x: number; y: number };
}

const PALETTE = ['#f97316', '#0ea5e9', '#22c55e', '#e11d48', '#a855f7', '#eab308', '#14b8a6', '#6366f1'];

export function colorFor(tagId: number | undefined, name: string): string {
  const n = typeof tagId === 'number' ? tagId : [...name].reduce((a, c) => a + c.charCodeAt(0), 0);
  return PALETTE[Math.abs(n) % PALETTE.length];
}

/** Predictions at or above the threshold; one without a confidence is always kept. */
export function filterByConfidence<T extends { confidence?: number | null }>(items: readonly T[], threshold: number): T[] {
  return items.filter((p) => typeof p.confidence !== 'number' || p.confidence >= threshold);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** The pixel rectangle spanned by a normalized bound (any corner order). */
export function boundToRect(bound: number[][], width: number, height: number) {
  const xs = bound.map((p) => clamp(p[0], 0, 1) * width);
  const ys = bound.map((p) => clamp(p[1], 0, 1) * height);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}

export function contourToPoints(contour: number[][], width: number, height: number): string {
  return contour.map((p) => `${round(clamp(p[0], 0, 1) * width)},${round(clamp(p[1], 0, 1) * height)}`).join(' ');
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

/** Shapes to draw for the predictions of one image of {@code width} × {@code height} pixels. */
export function toShapes(predictions: readonly Prediction[], width: number, height: number, labelHeight: number): Shape[] {
  return predictions
    .filter((p) => (p.bound && p.bound.length >= 2) || (p.contour && p.contour.length >= 3))
    .map((p, i) => {
      const name = p.tag?.name ?? (p.tag?.id !== undefined ? `class ${p.tag.id}` : 'object');
      const confidence = typeof p.confidence === 'number' ? p.confidence : 1;
      const rect = p.bound && p.bound.length >= 2 ? boundToRect(p.bound, width, height) : null;
      const points = p.contour && p.contour.length >= 3 ? contourToPoints(p.contour, width, height) : null;
      const anchor = rect ?? boundToRect(p.contour ?? [], width, height);
      // Above the shape when there is room, else just inside its top edge.
      const y = anchor.y - labelHeight >= 0 ? anchor.y - labelHeight : clamp(anchor.y, 0, Math.max(0, height - labelHeight));
      return {
        key: `${p.annotationId ?? i}`,
        label: `${name} ${(confidence * 100).toFixed(0)}%`,
        confidence,
        color: colorFor(p.tag?.id, name),
        rect,
        points,
        labelAt: { x: clamp(anchor.x, 0, width), y },
      };
    });
}
