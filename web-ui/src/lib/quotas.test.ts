import { describe, expect, it } from 'vitest';
import type { Quota } from '../api';
import { fillFraction, fillLevel, limitDraft, limitsChange, usageText } from './quotas';

const GIB = 1024 ** 3;
const quotas: Quota[] = [
  { name: 'instances', limit: 10, used: 3, unit: 'count' },
  { name: 'keys', limit: 5, used: 5, unit: 'count' },
  { name: 'modelStorageBytes', limit: 2 * GIB, used: GIB, unit: 'bytes' },
];

describe('quota usage', () => {
  it('shows used over limit, in bytes for storage', () => {
    expect(usageText(quotas[0])).toBe('3 / 10');
    expect(usageText({ ...quotas[0], used: 1200, limit: 100_000 })).toBe('1,200 / 100,000');
    expect(usageText(quotas[2])).toBe('1.0 GiB / 2.0 GiB');
    expect(usageText({ name: 'gpus', limit: null, used: 2, unit: 'count' })).toBe('2 (no limit)');
  });

  it('fills the bar by the used share and calls a reached limit full', () => {
    expect(fillFraction(quotas[0])).toBeCloseTo(0.3);
    expect(fillLevel(quotas[0])).toBe('ok');
    expect(fillLevel({ ...quotas[0], used: 8 })).toBe('warn');
    expect(fillLevel(quotas[1])).toBe('full');
    expect(fillFraction({ ...quotas[0], limit: 0, used: 1 })).toBe(1);
    expect(fillFraction({ ...quotas[0], limit: null })).toBeNull();
  });
});

describe('editing limits', () => {
  it('sends only the limits that changed, storage turned from GiB into bytes', () => {
    const drafts = { instances: '12', keys: limitDraft(quotas[1]), modelStorageBytes: '3.5' };
    expect(limitsChange(quotas, drafts)).toEqual({ kind: 'valid', body: { instances: 12, modelStorageBytes: 3.5 * GIB } });
  });

  it('sends nothing when nothing changed', () => {
    const drafts = Object.fromEntries(quotas.map((q) => [q.name, limitDraft(q)]));
    expect(limitsChange(quotas, drafts)).toEqual({ kind: 'valid', body: {} });
  });

  it('names each quota whose draft is not a count of 0 or more', () => {
    const change = limitsChange(quotas, { instances: '-1', keys: '2.5', modelStorageBytes: 'lots' });
    expect(change).toEqual({
      kind: 'invalid',
      errors: { instances: 'Enter a number of 0 or more.', keys: 'Enter a whole number.', modelStorageBytes: 'Enter a number of 0 or more.' },
    });
  });
});
