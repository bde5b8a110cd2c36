// jobs/windows/: when maintenance windows are open. A window is a set of weekly wall-clock
// ranges in an IANA time zone; a target may be held by several (its job's and its tags'),
// and runs only when every group of them has one window open. Pure functions over
// interval edges (no stepping through minutes), with the zone's rules from luxon.
//
// Wall clock to instant, where DST makes it ambiguous: a range starts at the first instant
// the zone's clock shows its start time or later, and ends at the first instant it shows the
// end time or later. So on a spring-forward night 02:00–03:00 (Europe/Berlin) never opens and
// 01:30–03:30 lasts one hour; on a fall-back night 02:00–02:30 is open once (the first pass)
// and 01:00–03:00 lasts three hours.
import { IANAZone } from 'luxon';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface WindowRange {
  days: Weekday[];
  /** 'HH:MM', 00:00–23:59. */
  start: string;
  /** 'HH:MM' or '24:00'; at or before start means the range ends on the next day. */
  end: string;
}

export interface Window {
  /** Which stored window this is, for messages; the time functions ignore both. */
  id?: number;
  name?: string;
  /** IANA name, e.g. Europe/Berlin. */
  timezone: string;
  ranges: WindowRange[];
}

export interface Interval {
  start: Date;
  /** Exclusive. Capped at the search horizon: an end equal to at + horizon means "at least until then". */
  end: Date;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

/** How far ahead the searches look: 8 weeks. */
export const WINDOW_HORIZON_MS = 56 * DAY;

export const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
export const HHMM_OR_24 = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

/** A time zone the window functions accept: an IANA name (not a bare offset like +05:30). */
export function isValidTimeZone(tz: unknown): tz is string {
  return typeof tz === 'string' && /^[A-Za-z]/.test(tz) && IANAZone.isValidZone(tz);
}

// getUTCDay() of a UTC-encoded wall date → our weekday
const BY_UTC_DAY: Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

interface Zone {
  /** Offset from UTC in ms at an instant. */
  offset(ts: number): number;
  /** firstInstantAt per wall time: a run's targets ask about the same few days over and over. */
  memo: Map<number, number>;
}

const MEMO_MAX = 100_000;

const zones = new Map<string, Zone>();

function zoneOf(tz: string): Zone {
  let z = zones.get(tz);
  if (!z) {
    if (!isValidTimeZone(tz)) throw new RangeError(`unknown time zone "${tz}"`);
    const iana = IANAZone.create(tz);
    z = { offset: (ts) => iana.offset(ts) * MINUTE, memo: new Map() };
    zones.set(tz, z);
  }
  return z;
}

/**
 * The first instant at which the zone's clock shows `wall` (a wall time encoded as UTC ms) or
 * later: the earlier pass of a repeated time, the moment of the jump for a skipped one.
 * Assumes at most one offset change within a day of `wall`, true of every real zone.
 */
function firstInstantAt(z: Zone, wall: number): number {
  let t = z.memo.get(wall);
  if (t === undefined) {
    if (z.memo.size >= MEMO_MAX) z.memo.clear();
    t = computeFirstInstantAt(z, wall);
    z.memo.set(wall, t);
  }
  return t;
}

function computeFirstInstantAt(z: Zone, wall: number): number {
  const before = z.offset(wall - DAY);
  const after = z.offset(wall + DAY);
  let best = Infinity;
  for (const o of before === after ? [before] : [before, after]) {
    const u = wall - o;
    if (z.offset(u) === o && u < best) best = u;
  }
  if (best !== Infinity) return best;
  // skipped by a jump forward: find the jump between the two readings of `wall`
  let lo = wall - after; // still on the old offset
  let hi = wall - before; // already on the new one
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (z.offset(mid) === before) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** The local midnight (UTC-encoded wall ms) of the day an instant falls on. */
function wallDay(z: Zone, ts: number): number {
  return Math.floor((ts + z.offset(ts)) / DAY) * DAY;
}

/** Open intervals of one window that overlap [from, to), sorted and merged, not clipped. */
export function windowIntervals(w: Window, from: number, to: number): Array<[number, number]> {
  const z = zoneOf(w.timezone);
  const out: Array<[number, number]> = [];
  const last = wallDay(z, to);
  // from the day before: a range crossing midnight may still be open at `from`
  for (let day = wallDay(z, from) - DAY; day <= last; day += DAY) {
    const weekday = BY_UTC_DAY[new Date(day).getUTCDay()];
    for (const r of w.ranges) {
      if (!r.days.includes(weekday)) continue;
      const s = minutesOf(r.start);
      const e = r.end === '24:00' ? 24 * 60 : minutesOf(r.end);
      const startAt = firstInstantAt(z, day + s * MINUTE);
      const endAt = firstInstantAt(z, day + (e <= s ? DAY : 0) + e * MINUTE);
      if (endAt > startAt && endAt > from && startAt < to) out.push([startAt, endAt]);
    }
  }
  return merge(out);
}

function merge(list: Array<[number, number]>): Array<[number, number]> {
  list.sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const iv of list) {
    const prev = out[out.length - 1];
    if (prev && iv[0] <= prev[1]) prev[1] = Math.max(prev[1], iv[1]);
    else out.push([iv[0], iv[1]]);
  }
  return out;
}

/** Intersection of two sorted, merged interval lists. */
function intersect(a: Array<[number, number]>, b: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const s = Math.max(a[i][0], b[j][0]);
    const e = Math.min(a[i][1], b[j][1]);
    if (e > s) out.push([s, e]);
    if (a[i][1] < b[j][1]) i++;
    else j++;
  }
  return out;
}

/** When every group has a window open, within [from, to), clipped to it. */
function allowedIntervals(constraints: Window[][], from: number, to: number): Array<[number, number]> {
  let acc: Array<[number, number]> = [[from, to]];
  for (const group of constraints) {
    const union = merge(group.flatMap((w) => windowIntervals(w, from, to)));
    acc = intersect(acc, union);
    if (!acc.length) break;
  }
  return acc;
}

/**
 * The first interval, starting at or after `at` (at itself when allowed now), during which
 * every group of windows has at least one open; null when there is none within the horizon.
 * Each inner array is a group of alternatives; no groups means no constraint; an empty group
 * is never open.
 */
export function openInterval(constraints: Window[][], at: Date, horizonMs = WINDOW_HORIZON_MS): Interval | null {
  const from = at.getTime();
  if (!Number.isFinite(from)) throw new RangeError('openInterval needs a valid date');
  const limit = from + horizonMs;
  // most answers lie within the week: look there first, then over the whole horizon
  for (const to of [Math.min(from + 7 * DAY, limit), limit]) {
    const first = allowedIntervals(constraints, from, to)[0];
    if (first && (first[1] < to || to === limit)) return { start: new Date(first[0]), end: new Date(first[1]) };
    if (to === limit) break;
  }
  return null;
}

/** The next instant at or after `at` when every group has a window open, or null within the horizon. */
export function nextAllowed(constraints: Window[][], at: Date, horizonMs = WINDOW_HORIZON_MS): Date | null {
  return openInterval(constraints, at, horizonMs)?.start ?? null;
}

export function isOpen(w: Window, at: Date): boolean {
  const t = at.getTime();
  if (!Number.isFinite(t)) throw new RangeError('isOpen needs a valid date');
  return windowIntervals(w, t, t + 1).some(([s, e]) => s <= t && t < e);
}

/** `at` when the window is open, else when it next opens; null when not within the horizon. */
export function nextOpening(w: Window, at: Date, horizonMs = WINDOW_HORIZON_MS): Date | null {
  return nextAllowed([[w]], at, horizonMs);
}

/** When the open interval around `at` ends (capped at the horizon); null when the window is closed at `at`. */
export function closesAt(w: Window, at: Date, horizonMs = WINDOW_HORIZON_MS): Date | null {
  const iv = openInterval([[w]], at, horizonMs);
  return iv && iv.start.getTime() === at.getTime() ? iv.end : null;
}
