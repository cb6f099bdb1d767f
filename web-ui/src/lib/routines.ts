// The Evaluation tab's routine form (DESIGN §6): which of the six routines run, in this order, with their arguments.
import type { PredictRoutine } from '../api';

export const ROUTINE_NAMES = ['FilterConfidence', 'FilterClass', 'ExcludeClass', 'FilterIOU', 'Histogram', 'ActiveLearning'] as const;
export type RoutineName = (typeof ROUTINE_NAMES)[number];

/** What the form holds: text as typed, checked when the request is built. */
export interface RoutineForm {
  enabled: Record<RoutineName, boolean>;
  confidence: string;
  filterClasses: string;
  excludeClasses: string;
  iou: string;
  histogramMode: 'bins' | 'ranges';
  bins: string;
  ranges: string;
}

/** The node's limit (Histogram.MAX_BINS). */
export const MAX_BINS = 100;

export const NEW_ROUTINE_FORM: RoutineForm = {
  enabled: { FilterConfidence: false, FilterClass: false, ExcludeClass: false, FilterIOU: false, Histogram: false, ActiveLearning: false },
  confidence: '0.5',
  filterClasses: '',
  excludeClasses: '',
  iou: '0.5',
  histogramMode: 'bins',
  bins: '10',
  ranges: '0.5, 0.8, 1',
};

/** Field ids of the form, for errors: the routine's argument. */
export type RoutineField = 'confidence' | 'filterClasses' | 'excludeClasses' | 'iou' | 'bins' | 'ranges';

export type RoutineOutcome = { ok: true; routines: PredictRoutine[] } | { ok: false; problems: Partial<Record<RoutineField, string>> };

/** The request's routines for the checked ones, or what is wrong with their arguments. */
export function buildRoutines(form: RoutineForm): RoutineOutcome {
  const problems: Partial<Record<RoutineField, string>> = {};
  const routines: PredictRoutine[] = [];
  for (const name of ROUTINE_NAMES) {
    if (!form.enabled[name]) {
      continue;
    }
    switch (name) {
      case 'FilterConfidence':
        routines.push({ name, args: { confidence: fraction(form.confidence, 'confidence', problems) } });
        break;
      case 'FilterClass':
        routines.push({ name, args: { class_name: classNames(form.filterClasses, 'filterClasses', problems) } });
        break;
      case 'ExcludeClass':
        routines.push({ name, args: { class_name: classNames(form.excludeClasses, 'excludeClasses', problems) } });
        break;
      case 'FilterIOU':
        routines.push({ name, args: { iou: fraction(form.iou, 'iou', problems) } });
        break;
      case 'Histogram':
        routines.push({
          name,
          args: form.histogramMode === 'bins' ? { bins: bins(form.bins, problems) } : { ranges: upperBounds(form.ranges, problems) },
        });
        break;
      case 'ActiveLearning':
        routines.push({ name }); // strategy and threshold are the deployment's settings
        break;
    }
  }
  return Object.keys(problems).length > 0 ? { ok: false, problems } : { ok: true, routines };
}

function fraction(text: string, field: RoutineField, problems: Partial<Record<RoutineField, string>>): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) {
    problems[field] = 'Enter a number from 0 to 1.';
  }
  return value;
}

function classNames(text: string, field: RoutineField, problems: Partial<Record<RoutineField, string>>): string[] {
  const names = [...new Set(text.split(',').map((n) => n.trim()).filter((n) => n !== ''))];
  if (names.length === 0) {
    problems[field] = 'Name at least one class, separated by commas.';
  }
  return names;
}

function bins(text: string, problems: Partial<Record<RoutineField, string>>): number {
  const value = Number(text.trim());
  if (!Number.isInteger(value) || value < 1 || value > MAX_BINS) {
    problems.bins = `Enter a whole number from 1 to ${MAX_BINS}.`;
  }
  return value;
}

/** The Nexus form of ranges: increasing upper bounds, each bin starting where the previous one ended (from 0). */
function upperBounds(text: string, problems: Partial<Record<RoutineField, string>>): number[] {
  const bounds = text.split(',').map((b) => b.trim()).filter((b) => b !== '').map(Number);
  const valid =
    bounds.length > 0 && bounds.length <= MAX_BINS && bounds.every((b, i) => Number.isFinite(b) && b > 0 && b <= 1 && (i === 0 || b > bounds[i - 1]));
  if (!valid) {
    problems.ranges = 'Enter increasing upper bounds above 0 and at most 1, separated by commas (e.g. 0.5, 0.8, 1).';
  }
  return bounds;
}
