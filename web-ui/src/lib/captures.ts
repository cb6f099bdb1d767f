// The Data tab's pure parts: the list query of its filters, and how a capture is summed up.

export type FlaggedFilter = 'any' | 'flagged' | 'unflagged';

export interface CaptureFilters {
  group: string;
  flagged: FlaggedFilter;
}

/** The query string of the captures list and export for these filters ('' = every capture). */
export function captureQuery(filters: CaptureFilters, page?: number): string {
  const params = new URLSearchParams();
  if (filters.group) {
    params.set('group', filters.group);
  }
  if (filters.flagged !== 'any') {
    params.set('flagged', String(filters.flagged === 'flagged'));
  }
  if (page !== undefined) {
    params.set('page', String(page));
  }
  return params.toString();
}

/** The uncertainty score as shown on a thumbnail: three decimals, and whether ActiveLearning flagged it. */
export function scoreLabel(score: number, flagged: boolean): string {
  return `score ${score.toFixed(3)}${flagged ? ' · flagged' : ''}`;
}

/** One group as the tab lists it, e.g. "uncertain (flagged, 30 days)" or "tenth (sample 10%, 7 days)". */
export function groupLabel(group: { name: string; mode: string; rate?: number | null; retentionDays?: number | null }): string {
  const mode = group.mode === 'sample' && typeof group.rate === 'number' ? `sample ${Math.round(group.rate * 1000) / 10}%` : group.mode;
  return `${group.name} (${mode}, ${group.retentionDays ?? 30} days)`;
}

/** The file name an export is saved under. */
export function exportFileName(deploymentName: string, filters: CaptureFilters): string {
  const safe = deploymentName.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '') || 'deployment';
  return `${safe}${filters.group ? `-${filters.group}` : ''}${filters.flagged === 'any' ? '' : `-${filters.flagged}`}-coco.zip`;
}

/** The {@code n} most confident predictions, most confident first: a thumbnail draws these, not the detector's tail. */
export function mostConfident<T extends { confidence?: number | null }>(predictions: readonly T[], n: number): T[] {
  return [...predictions].sort((a, b) => (b.confidence ?? 0) - (a.confidence ?? 0)).slice(0, n);
}
