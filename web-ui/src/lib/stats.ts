import type { DeploymentStats, Point } from '../api';

export interface TimeRange {
  label: string;
  minutes: number;
  /** Seconds per point; the range / step stays near or under 180 points. */
  step: number;
}

export const TIME_RANGES: TimeRange[] = [
  { label: 'Last 15 minutes', minutes: 15, step: 10 },
  { label: 'Last hour', minutes: 60, step: 30 },
  { label: 'Last 6 hours', minutes: 360, step: 120 },
  { label: 'Last 24 hours', minutes: 1440, step: 600 },
  { label: 'Last 7 days', minutes: 10080, step: 3600 },
];

/** Columns for uPlot: x in seconds, then each series aligned on x (missing → null). */
export type Columns = [number[], ...(number | null)[][]];

export function align(seriesList: (Point[] | undefined)[], transform?: (values: (number | null)[], x: number) => (number | null)[]): Columns {
  const xsSet = new Set<number>();
  seriesList.forEach((s) => s?.forEach(([t]) => xsSet.add(t)));
  const xs = [...xsSet].sort((a, b) => a - b);
  const maps = seriesList.map((s) => new Map((s ?? []).map(([t, v]) => [t, v])));
  const ys = maps.map(() => [] as (number | null)[]);
  xs.forEach((t) => {
    const row = maps.map((m) => (m.has(t) ? (m.get(t) ?? null) : null));
    const out = transform ? transform(row, t) : row;
    out.forEach((v, i) => ys[i].push(v));
  });
  return [xs.map((t) => t / 1000), ...ys];
}

/** Requests per step → requests per second. */
export function perSecond(points: Point[] | undefined, step: number): Point[] {
  return (points ?? []).map(([t, v]) => [t, v === null ? null : v / step]);
}

/** Errors (4xx + 5xx) over requests per point, 0..1; null where there were no requests. */
export function errorRate(stats: DeploymentStats): Point[] {
  const requests = new Map((stats.series.requests ?? []).map(([t, v]) => [t, v ?? 0]));
  const errors = new Map<number, number>();
  for (const s of [stats.series.errors4xx, stats.series.errors5xx]) {
    (s ?? []).forEach(([t, v]) => errors.set(t, (errors.get(t) ?? 0) + (v ?? 0)));
  }
  return [...requests.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([t, n]) => [t, n > 0 ? (errors.get(t) ?? 0) / n : null]);
}

export function total(points: Point[] | undefined): number {
  return (points ?? []).reduce((a, [, v]) => a + (v ?? 0), 0);
}

/** The SVG path of a sparkline through the points, scaled into width × height. */
export function sparklinePath(points: Point[], width: number, height: number): string {
  const values = points.map(([, v]) => v ?? 0);
  if (values.length < 2) {
    return '';
  }
  const max = Math.max(...values, 1e-9);
  const dx = width / (values.length - 1);
  return values
    .map((v, i) => `${i === 0 ? 'M' : 'L'}${(i * dx).toFixed(1)},${(height - (v / max) * (height - 2) - 1).toFixed(1)}`)
    .join(' ');
}
