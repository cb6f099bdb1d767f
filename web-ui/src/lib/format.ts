export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) {
    return '—';
  }
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v >= 100 || u === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[u]}`;
}

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) {
    return '—';
  }
  const s = Math.floor(seconds);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) {
    return `${d}d ${h}h`;
  }
  if (h > 0) {
    return `${h}h ${m}m`;
  }
  if (m > 0) {
    return `${m}m ${s % 60}s`;
  }
  return `${s}s`;
}

export function percent(fraction: number | null | undefined, digits = 1): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) {
    return '—';
  }
  return `${(fraction * 100).toFixed(digits)}%`;
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) {
    return '—';
  }
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** "3 min ago", "in 2 h" — for times near now. */
export function relative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) {
    return 'never';
  }
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) {
    return iso;
  }
  const diff = Math.round((t - now) / 1000);
  const abs = Math.abs(diff);
  const text =
    abs < 45 ? `${abs} s` : abs < 5400 ? `${Math.round(abs / 60)} min` : abs < 129600 ? `${Math.round(abs / 3600)} h` : `${Math.round(abs / 86400)} d`;
  return diff <= 0 ? `${text} ago` : `in ${text}`;
}

export function shortId(id: string | null | undefined): string {
  return id ? id.slice(0, 8) : '—';
}

/** Whole numbers without decimals, small fractions with up to {@code digits}: 3, 0.25, 12.5, 1200. */
export function fixed(v: number, digits: number): string {
  if (Number.isInteger(v) || Math.abs(v) >= 100) {
    return Math.round(v).toLocaleString('en-US');
  }
  return String(Number(v.toFixed(digits)));
}

/** JSON indented by two spaces, with arrays of numbers (and arrays of those, e.g. a bound) kept on one line. */
export function compactJson(value: unknown): string {
  const text = JSON.stringify(value, null, 2) ?? '';
  const flat = (m: string) => m.replace(/\s*\n\s*/g, ' ').replace(/\[ /g, '[').replace(/ \]/g, ']');
  return text.replace(/\[[\d\s,.eE+-]*\]/g, flat).replace(/\[(?:\s*\[[^[\]{}"]*\],?)+\s*\]/g, flat);
}
