// How times, sizes and counts read in the UI: one place, so every page says it the same way.
/**
 * A time in the browser's zone; `zone` names that zone ("… 08:00 PM EST") where the time sits
 * beside a schedule read in another one (a saved range's cron in its own time zone).
 */
export function formatTime(iso: string | null | undefined, opts: { zone?: boolean } = {}): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', ...(opts.zone ? { timeZoneName: 'short' } : {}) });
}

export function formatAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return '—';
  const s = Math.round((now - t) / 1000);
  if (s < 0) return formatTime(iso);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  if (s < 86400 * 30) return `${Math.floor(s / 86400)} d ago`;
  return formatTime(iso);
}

/** "0.4 s", "2.3 s", "45 s", "3 min", "1 h 5 min": how long something took or has left. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  const min = Math.round(s / 60);
  return min < 60 ? `${min} min` : `${Math.floor(min / 60)} h${min % 60 ? ` ${min % 60} min` : ''}`;
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) (v /= 1024), i++;
  return `${v >= 10 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : n.toLocaleString();
}

/** "device" for 1, else "devices" (many: the plural where it is not word + s). */
export function noun(n: number, word: string, many = `${word}s`): string {
  return n === 1 ? word : many;
}

/**
 * Firings of a schedule skipped while the run (or scan) they came during was under way, as a line
 * ("2 scheduled runs skipped while it ran"), or null for none: jobs' runs and saved ranges' scans.
 */
export function skippedFiringsText(n: number, what: 'run' | 'scan', it = 'it'): string | null {
  return n > 0 ? `${plural(n, `scheduled ${what}`)} skipped while ${it} ran` : null;
}

/** "1 device", "2 devices", "1,204 devices". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${formatCount(n)} ${noun(n, word, many)}`;
}
