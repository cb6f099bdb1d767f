// The Secrets page's "Allowed origins" field: one origin per line, as PATCH /api/v1/projects/{id} {allowedOrigins} takes them.
import { ApiError } from '../api';

/** The non-empty lines, trimmed; the server checks and canonicalizes each one. */
export function originLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** The server's 400 as one message per wrong line ("Line 2: …"), else its message. */
export function originProblems(error: unknown, lines: string[]): string[] {
  if (!(error instanceof ApiError)) {
    return [error instanceof Error ? error.message : 'The origins could not be saved.'];
  }
  const located = error.detail
    .map((d) => (Array.isArray(d.loc) ? d.loc.filter((p) => p !== 'body') : []))
    .map((loc, i) => ({ loc, msg: error.detail[i].msg }))
    .filter(({ loc }) => loc[0] === 'allowedOrigins');
  if (located.length === 0) {
    return [error.message];
  }
  return located.map(({ loc, msg }) => {
    const index = Number(loc[1]);
    return Number.isInteger(index) ? `Line ${index + 1} (${lines[index] ?? ''}): ${msg}` : msg;
  });
}
