import type { Quota, QuotaName } from '../api';
import { bytes } from './format';

const GIB = 1024 ** 3;

export const QUOTA_LABELS: Record<QuotaName, string> = {
  instances: 'Instances',
  gpus: 'GPUs',
  deployments: 'Deployments',
  keys: 'Keys',
  modelStorageBytes: 'Model storage',
};

export function quotaLabel(name: string): string {
  return QUOTA_LABELS[name as QuotaName] ?? name;
}

/** A byte quota is edited in GiB; every other quota in its own unit. */
export function isBytes(q: Pick<Quota, 'unit' | 'name'>): boolean {
  return q.unit === 'bytes' || q.name === 'modelStorageBytes';
}

/** "3 / 10", "3 / 100,000", "1.2 GiB / 5.0 GiB", or "3 (no limit)". */
export function usageText(q: Quota): string {
  const show = (n: number) => (isBytes(q) ? bytes(n) : n.toLocaleString('en-US'));
  return q.limit === null || q.limit === undefined ? `${show(q.used)} (no limit)` : `${show(q.used)} / ${show(q.limit)}`;
}

/** How full the quota is, 0..1 (over a lowered limit counts as full); null without a limit. */
export function fillFraction(q: Quota): number | null {
  if (q.limit === null || q.limit === undefined) {
    return null;
  }
  if (q.limit <= 0) {
    return q.used > 0 ? 1 : 0;
  }
  return Math.min(1, q.used / q.limit);
}

/** ok below 80 %, warn from 80 %, full at the limit. */
export function fillLevel(q: Quota): 'ok' | 'warn' | 'full' {
  const f = fillFraction(q);
  if (f === null) {
    return 'ok';
  }
  if (q.limit !== null && q.used >= q.limit) {
    return 'full';
  }
  return f >= 0.8 ? 'warn' : 'ok';
}

/** The limit as the operator edits it: GiB for bytes, the plain count otherwise. */
export function limitDraft(q: Quota): string {
  if (q.limit === null || q.limit === undefined) {
    return '';
  }
  return isBytes(q) ? String(Math.round((q.limit / GIB) * 100) / 100) : String(q.limit);
}

export type LimitsChange =
  | { kind: 'valid'; body: Partial<Record<QuotaName, number>> }
  | { kind: 'invalid'; errors: Partial<Record<QuotaName, string>> };

/**
 * The PATCH body for the drafts that differ from the current limits: whole non-negative counts, GiB turned into
 * bytes. A draft that is not such a number is an error named by its quota.
 */
export function limitsChange(quotas: Quota[], drafts: Partial<Record<QuotaName, string>>): LimitsChange {
  const body: Partial<Record<QuotaName, number>> = {};
  const errors: Partial<Record<QuotaName, string>> = {};
  for (const q of quotas) {
    const draft = drafts[q.name];
    if (draft === undefined || draft.trim() === limitDraft(q)) {
      continue;
    }
    const value = Number(draft.trim());
    if (draft.trim() === '' || !Number.isFinite(value) || value < 0) {
      errors[q.name] = 'Enter a number of 0 or more.';
    } else if (isBytes(q)) {
      body[q.name] = Math.round(value * GIB);
    } else if (!Number.isInteger(value)) {
      errors[q.name] = 'Enter a whole number.';
    } else {
      body[q.name] = value;
    }
  }
  return Object.keys(errors).length > 0 ? { kind: 'invalid', errors } : { kind: 'valid', body };
}
