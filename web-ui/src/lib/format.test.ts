import { describe, expect, it } from 'vitest';
import { bytes, compactJson, duration, fixed } from './format';

describe('formatting', () => {
  it('keeps number arrays of a prediction on one line and the rest indented', () => {
    const text = compactJson({ bound: [[0.1, 0.2], [0.3, 0.4]], tag: { id: 1, name: 'person' }, scores: [1, 2] });
    expect(text).toBe('{\n  "bound": [[0.1, 0.2], [0.3, 0.4]],\n  "tag": {\n    "id": 1,\n    "name": "person"\n  },\n  "scores": [1, 2]\n}');
    expect(JSON.parse(text)).toEqual({ bound: [[0.1, 0.2], [0.3, 0.4]], tag: { id: 1, name: 'person' }, scores: [1, 2] });
  });

  it('writes sizes in binary units and durations in their two largest units', () => {
    expect(bytes(0)).toBe('0 B');
    expect(bytes(13.4 * 1024 * 1024)).toBe('13.4 MiB');
    expect(duration(3725)).toBe('1h 2m');
    expect(duration(59)).toBe('59s');
  });

  it('shows axis values without needless decimals', () => {
    expect(fixed(3, 2)).toBe('3');
    expect(fixed(0.25, 2)).toBe('0.25');
    expect(fixed(0.5, 1)).toBe('0.5');
    expect(fixed(1234.5, 1)).toBe('1,235');
  });
});
