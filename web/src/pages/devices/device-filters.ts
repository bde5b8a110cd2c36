// The devices grid's URL ↔ the API's device filter. One place, so the grid, its CSV link, saved
// filters and "all N matching" bulk actions always mean the same rows.
import type { paths } from '../../api/client';
import { pageOf } from '../../lib/url-state';

export type DeviceListQuery = NonNullable<paths['/api/devices']['get']['parameters']['query']>;
export type DeviceFilter = Omit<DeviceListQuery, 'page' | 'limit' | 'sort'>;

/** URL parameters that narrow the rows (everything but sort, page, limit and the selection). */
export const FILTER_KEYS = [
  'q', 'type', 'platform', 'osFamily', 'vendor', 'tag', 'location', 'softwareId', 'softwareVersion', 'softwareNoVersion', 'status', 'seen', 'lastSeenAfter', 'lastSeenBefore',
] as const;
/** What a saved filter keeps: the rows and their order, not the page one was on. */
export const SAVED_KEYS = [...FILTER_KEYS, 'sort', 'limit'] as const;

export const DEFAULT_SORT = 'hostname';

/**
 * "Last seen" presets kept relative in the URL (`seen=7d`: within 7 days, `seen=!30d`: not in
 * 30 days), so a bookmark or a saved filter means the same thing next month.
 */
export const SEEN_PRESETS: Array<{ value: string; label: string }> = [
  { value: '24h', label: 'Within 24 hours' },
  { value: '7d', label: 'Within 7 days' },
  { value: '30d', label: 'Within 30 days' },
  { value: '!7d', label: 'Not in 7 days' },
  { value: '!30d', label: 'Not in 30 days' },
  { value: '!90d', label: 'Not in 90 days' },
];

const UNIT_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000 };

/** The instant a preset starts at; `now` is rounded to the minute so the query stays one cache entry. */
export function seenBound(preset: string, now = Date.now()): { lastSeenAfter?: string; lastSeenBefore?: string } {
  const m = /^(!?)(\d{1,4})([hd])$/.exec(preset);
  if (!m) return {};
  const at = new Date(Math.floor(now / 60_000) * 60_000 - Number(m[2]) * UNIT_MS[m[3]]).toISOString();
  return m[1] ? { lastSeenBefore: at } : { lastSeenAfter: at };
}

/** The API filter the URL describes (unknown or empty parameters left out). */
export function filterFromUrl(v: Record<string, string>, now = Date.now()): DeviceFilter {
  const f: Record<string, string> = {};
  for (const k of ['q', 'type', 'platform', 'osFamily', 'vendor', 'tag', 'location', 'status', 'lastSeenAfter', 'lastSeenBefore'] as const) {
    const value = v[k]?.trim();
    if (value) f[k] = value;
  }
  // one software title exactly (a title's "Show in device list"), at the version its page showed:
  // exact, so not trimmed; "(none)" is its own flag, as the URL drops an empty value
  if (/^\d{1,10}$/.test(v.softwareId ?? '')) {
    (f as Record<string, unknown>).softwareId = Number(v.softwareId);
    const version = softwareVersionOf(v);
    if (version !== undefined) f.softwareVersion = version;
  }
  if (v.seen) Object.assign(f, seenBound(v.seen, now));
  return f as DeviceFilter;
}

/** The version of the software filter: undefined for any, '' for "(none)" (installed without a version). */
export function softwareVersionOf(v: Record<string, string>): string | undefined {
  return v.softwareNoVersion ? '' : v.softwareVersion || undefined;
}

/** The URL parameters of a title (at a version: '' is "(none)") on the device list. */
export function softwareParams(softwareId: number, version: string | undefined): URLSearchParams {
  const qs = new URLSearchParams({ softwareId: String(softwareId) });
  if (version === '') qs.set('softwareNoVersion', '1');
  else if (version !== undefined) qs.set('softwareVersion', version);
  return qs;
}

/** The CSV export's address for the filter: an empty softwareVersion ("(none)") is kept, which downloadUrl leaves out. */
export function exportUrl(filter: DeviceFilter, sort: string): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...filter, sort })) if (v !== undefined && (v !== '' || k === 'softwareVersion')) qs.set(k, String(v));
  return `/api/devices.csv?${qs}`;
}

export function listQueryFromUrl(v: Record<string, string>, now = Date.now()): DeviceListQuery {
  const { page, limit } = pageOf(v, 50);
  return { ...filterFromUrl(v, now), sort: (v.sort || DEFAULT_SORT) as DeviceListQuery['sort'], page, limit };
}

/** Whether the URL narrows the rows at all (the default list is every device but the retired). */
export function hasFilter(v: Record<string, string>): boolean {
  return FILTER_KEYS.some((k) => !!v[k]);
}

/** The part of the URL a saved filter keeps, as a query string without '?' (keys in a fixed order). */
export function savedQueryOf(v: Record<string, string>): string {
  const qs = new URLSearchParams();
  for (const k of SAVED_KEYS) if (v[k]) qs.set(k, v[k]);
  return qs.toString();
}

/** A patch for useUrlParams that clears every filter, the sort, the page and the selection. */
export function clearedFilters(): Record<string, undefined> {
  return Object.fromEntries([...SAVED_KEYS, 'page', 'sel'].map((k) => [k, undefined]));
}

/**
 * The grid's selection in the URL: `sel=3,17,42` (those rows, on any page of this filter) or
 * `sel=all` (every row the filter matches, however many: sent to the server as the filter, so
 * no list of ids is ever fetched). A new filter drops it, since it named other rows.
 */
export type Selection = { all: true } | { all: false; ids: Set<number> };

export function selectionFromUrl(sel: string | undefined): Selection {
  if (sel === 'all') return { all: true };
  const ids = new Set((sel ?? '').split(',').map((s) => Number(s)).filter((n) => Number.isInteger(n) && n > 0));
  return { all: false, ids };
}

export function selectionToUrl(s: Selection): string | undefined {
  if (s.all) return 'all';
  return s.ids.size ? [...s.ids].sort((a, b) => a - b).join(',') : undefined;
}
