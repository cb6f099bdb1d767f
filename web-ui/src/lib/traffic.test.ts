import { describe, expect, it } from 'vitest';
import { addVersion, changed, removeVersion, servingTotal, setWeight, type TrafficDraft } from './traffic';

const two: TrafficDraft[] = [
  { modelVersionId: 'a', weight: 90, shadow: false },
  { modelVersionId: 'b', weight: 10, shadow: false },
];

describe('traffic sliders', () => {
  it('moving one slider moves the others so the weights still sum to 100', () => {
    const moved = setWeight(two, 1, 25);
    expect(moved.map((e) => e.weight)).toEqual([75, 25]);
    expect(servingTotal(moved)).toBe(100);
  });

  it('spreads the difference by weight over several others and leaves the shadow alone', () => {
    const three: TrafficDraft[] = [
      { modelVersionId: 'a', weight: 60, shadow: false },
      { modelVersionId: 'b', weight: 20, shadow: false },
      { modelVersionId: 'c', weight: 20, shadow: false },
      { modelVersionId: 's', weight: 10, shadow: true },
    ];
    const moved = setWeight(three, 0, 40);
    expect(moved.map((e) => e.weight)).toEqual([40, 30, 30, 10]);
    expect(servingTotal(moved)).toBe(100);
  });

  it('a single serving version always takes everything', () => {
    expect(setWeight([{ modelVersionId: 'a', weight: 100, shadow: false }], 0, 30)[0].weight).toBe(100);
  });

  it('adds a canary at 0 and a shadow at 10, one shadow at most', () => {
    const withCanary = addVersion(two, 'c', false);
    const withShadow = addVersion(addVersion(two, 's', true), 't', true);
    expect(withCanary[2]).toEqual({ modelVersionId: 'c', weight: 0, shadow: false });
    expect(withShadow.filter((e) => e.shadow).map((e) => e.modelVersionId)).toEqual(['t']);
  });

  it('removing a canary gives its share back', () => {
    expect(removeVersion(two, 'b')).toEqual([{ modelVersionId: 'a', weight: 100, shadow: false }]);
  });

  it('knows when the draft differs', () => {
    expect(changed(two, two)).toBe(false);
    expect(changed(setWeight(two, 1, 20), two)).toBe(true);
  });
});
