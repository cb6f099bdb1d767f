import { describe, expect, it } from 'vitest';
import { NEW_ROUTINE_FORM, buildRoutines, type RoutineForm } from './routines';

const all: RoutineForm = {
  ...NEW_ROUTINE_FORM,
  enabled: { FilterConfidence: true, FilterClass: true, ExcludeClass: true, FilterIOU: true, Histogram: true, ActiveLearning: true },
  confidence: '0.25',
  filterClasses: 'person, car, person',
  excludeClasses: 'traffic light',
  iou: '0.45',
};

describe('the routine form', () => {
  it('sends nothing when no routine is checked', () => {
    expect(buildRoutines(NEW_ROUTINE_FORM)).toEqual({ ok: true, routines: [] });
  });

  it('sends all six routines in the documented order with their arguments', () => {
    expect(buildRoutines(all)).toEqual({
      ok: true,
      routines: [
        { name: 'FilterConfidence', args: { confidence: 0.25 } },
        { name: 'FilterClass', args: { class_name: ['person', 'car'] } },
        { name: 'ExcludeClass', args: { class_name: ['traffic light'] } },
        { name: 'FilterIOU', args: { iou: 0.45 } },
        { name: 'Histogram', args: { bins: 10 } },
        { name: 'ActiveLearning' },
      ],
    });
  });

  it('sends Histogram ranges as upper bounds when ranges are chosen instead of bins', () => {
    const form = { ...NEW_ROUTINE_FORM, enabled: { ...NEW_ROUTINE_FORM.enabled, Histogram: true }, histogramMode: 'ranges' as const, ranges: '0.3,0.6 , 1' };
    expect(buildRoutines(form)).toEqual({ ok: true, routines: [{ name: 'Histogram', args: { ranges: [0.3, 0.6, 1] } }] });
  });

  it('names every wrong argument of a checked routine and ignores those of unchecked ones', () => {
    const wrong = { ...all, confidence: '1.5', filterClasses: ' , ', excludeClasses: '', iou: 'x', bins: '0' };
    expect(buildRoutines(wrong)).toEqual({
      ok: false,
      problems: {
        confidence: 'Enter a number from 0 to 1.',
        filterClasses: 'Name at least one class, separated by commas.',
        excludeClasses: 'Name at least one class, separated by commas.',
        iou: 'Enter a number from 0 to 1.',
        bins: 'Enter a whole number from 1 to 100.',
      },
    });
    expect(buildRoutines({ ...wrong, enabled: { ...NEW_ROUTINE_FORM.enabled, ActiveLearning: true } })).toEqual({
      ok: true,
      routines: [{ name: 'ActiveLearning' }],
    });
  });

  it('refuses ranges that do not increase or leave 0 to 1', () => {
    const ranges = (text: string) => buildRoutines({ ...NEW_ROUTINE_FORM, enabled: { ...NEW_ROUTINE_FORM.enabled, Histogram: true }, histogramMode: 'ranges', ranges: text });
    for (const bad of ['0.8, 0.5', '0, 1', '0.5, 1.2', '', 'a, 1']) {
      expect(ranges(bad).ok, bad).toBe(false);
    }
  });
});
