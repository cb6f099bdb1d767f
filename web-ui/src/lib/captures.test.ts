import { describe, expect, it } from 'vitest';
import { captureQuery, exportFileName, groupLabel, mostConfident, scoreLabel } from './captures';

describe('captureQuery', () => {
  it('is empty without filters and names only those set', () => {
    expect(captureQuery({ group: '', flagged: 'any' })).toBe('');
    expect(captureQuery({ group: 'uncertain', flagged: 'flagged' }, 2)).toBe('group=uncertain&flagged=true&page=2');
    expect(captureQuery({ group: '', flagged: 'unflagged' })).toBe('flagged=false');
  });

  it('escapes group names', () => {
    expect(captureQuery({ group: 'a b&c', flagged: 'any' })).toBe('group=a+b%26c');
  });
});

describe('labels', () => {
  it('shows the score with three decimals and the flag', () => {
    expect(scoreLabel(0.91234, true)).toBe('score 0.912 · flagged');
    expect(scoreLabel(0.1, false)).toBe('score 0.100');
  });

  it('describes groups with their rate and retention (30 days by default)', () => {
    expect(groupLabel({ name: 'tenth', mode: 'sample', rate: 0.1, retentionDays: 7 })).toBe('tenth (sample 10%, 7 days)');
    expect(groupLabel({ name: 'uncertain', mode: 'flagged' })).toBe('uncertain (flagged, 30 days)');
  });

  it('names the export after the deployment and the filters', () => {
    expect(exportFileName('My detector!', { group: 'uncertain', flagged: 'flagged' })).toBe('My-detector-uncertain-flagged-coco.zip');
    expect(exportFileName('???', { group: '', flagged: 'any' })).toBe('deployment-coco.zip');
  });
});

describe('mostConfident', () => {
  it('keeps the n most confident, most confident first', () => {
    const predictions = [{ confidence: 0.2 }, { confidence: 0.9 }, { confidence: null }, { confidence: 0.5 }];
    expect(mostConfident(predictions, 2)).toEqual([{ confidence: 0.9 }, { confidence: 0.5 }]);
    expect(mostConfident(predictions, 10)).toHaveLength(4);
  });
});
