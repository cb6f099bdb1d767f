import { ApiError } from '../api';

export interface FormErrors {
  /** Field name (the API's camelCase name, the last element of detail[].loc) → its messages. */
  fields: Record<string, string>;
  /** What is not tied to a known field: the error's one sentence, plus any unplaced detail. */
  general: string | null;
}

/**
 * Maps an error body's detail[].loc (e.g. ["body","gpuType"]) onto the form's fields so each message is shown
 * next to its field. Fields the form does not show, and errors without detail, end up in {@code general}.
 */
export function formErrors(error: unknown, known: readonly string[], aliases: Record<string, string> = {}): FormErrors {
  if (!(error instanceof ApiError)) {
    return { fields: {}, general: error instanceof Error ? error.message : 'Something went wrong.' };
  }
  const fields: Record<string, string> = {};
  const unplaced: string[] = [];
  for (const d of error.detail) {
    const loc = Array.isArray(d.loc) ? d.loc.filter((p) => p !== 'body' && p !== 'query') : [];
    const raw = loc.length > 0 ? String(loc[0]) : '';
    const field = aliases[raw] ?? raw;
    if (field && known.includes(field)) {
      fields[field] = fields[field] ? `${fields[field]}; ${d.msg}` : d.msg;
    } else {
      unplaced.push(raw ? `${raw}: ${d.msg}` : d.msg);
    }
  }
  const placed = Object.keys(fields).length > 0;
  const general = unplaced.length > 0 ? `${error.message} ${unplaced.join('; ')}` : placed ? null : error.message;
  return { fields, general };
}
