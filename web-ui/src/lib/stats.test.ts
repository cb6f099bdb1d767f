import { describe, expect, it } from 'vitest';
import type { DeploymentStats } from '../api';
import { align, errorRate, perSecond, sparklinePath, total } from './stats';

const stats = (series: DeploymentStats['series']): DeploymentStats => ({ from: '', to: '', step: 10, uptimeSeconds: 0, availability: 1, series });

describe('stats series', () => {
  it('turns requests per step into requests per second', () => {
    expect(perSecond([[0, 50], [10_000, null]], 10)).toEqual([[0, 5], [10_000, null]]);
  });

  it('computes the error rate per point from 4xx and 5xx, with no value where there were no requests', () => {
    const s = stats({
      requests: [[0, 100], [10_000, 0], [20_000, 10]],
      errors4xx: [[0, 5], [20_000, 1]],
      errors5xx: [[0, 5]],
    });
    expect(errorRate(s)).toEqual([[0, 0.1], [10_000, null], [20_000, 0.1]]);
  });

  it('aligns series on one time axis in seconds, with gaps as null', () => {
    expect(align([[[1000, 1], [3000, 3]], [[2000, 2]]])).toEqual([[1, 2, 3], [1, null, 3], [null, 2, null]]);
  });

  it('sums a series, treating missing values as zero', () => {
    expect(total([[0, 2], [1, null], [2, 3]])).toBe(5);
  });

  it('draws a sparkline from the left to the right edge with the peak at the top', () => {
    const path = sparklinePath([[0, 0], [1, 10], [2, 5]], 100, 20);
    expect(path).toBe('M0.0,19.0 L50.0,1.0 L100.0,10.0');
    expect(sparklinePath([[0, 1]], 100, 20)).toBe('');
  });
});
