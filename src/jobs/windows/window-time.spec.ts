import { closesAt, isOpen, isValidTimeZone, nextAllowed, nextOpening, openInterval, Window, WINDOW_HORIZON_MS, WindowRange } from './window-time';

const win = (timezone: string, ...ranges: WindowRange[]): Window => ({ timezone, ranges });
const d = (iso: string) => new Date(iso);
const iso = (x: Date | null) => x?.toISOString() ?? null;

// 2026: Mon 2 March; Europe/Berlin springs forward Sun 29 March 01:00Z, falls back Sun 25 October 01:00Z
const ALL_DAYS: WindowRange['days'] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

describe('one window', () => {
  const officeUtc = win('UTC', { days: ['mon'], start: '09:00', end: '17:00' });
  const berlinSundayTwo = win('Europe/Berlin', { days: ['sun'], start: '02:00', end: '03:00' });
  const berlinSundayHalfOne = win('Europe/Berlin', { days: ['sun'], start: '01:30', end: '03:30' });
  const berlinFallBack = win('Europe/Berlin', { days: ['sun'], start: '01:00', end: '03:00' });
  const berlinRepeated = win('Europe/Berlin', { days: ['sun'], start: '02:00', end: '02:30' });
  const saturdayNight = win('Europe/Berlin', { days: ['sat'], start: '22:00', end: '02:00' });
  const kolkata = win('Asia/Kolkata', { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '18:00' });
  const fridayEvening = win('UTC', { days: ['fri'], start: '18:00', end: '24:00' });
  const weekend = win('UTC', { days: ['fri'], start: '18:00', end: '24:00' }, { days: ['sat'], start: '00:00', end: '06:00' });
  const allWeek = win('Europe/Berlin', { days: ALL_DAYS, start: '00:00', end: '24:00' });
  const wholeDays = win('UTC', { days: ['tue'], start: '08:00', end: '08:00' });

  // [what, window, at, isOpen, nextOpening, closesAt]
  const cases: Array<[string, Window, string, boolean, string | null, string | null]> = [
    ['UTC, inside', officeUtc, '2026-03-02T10:00:00.000Z', true, '2026-03-02T10:00:00.000Z', '2026-03-02T17:00:00.000Z'],
    ['UTC, at the start', officeUtc, '2026-03-02T09:00:00.000Z', true, '2026-03-02T09:00:00.000Z', '2026-03-02T17:00:00.000Z'],
    ['UTC, at the end (exclusive)', officeUtc, '2026-03-02T17:00:00.000Z', false, '2026-03-09T09:00:00.000Z', null],
    ['UTC, before', officeUtc, '2026-03-02T08:59:59.999Z', false, '2026-03-02T09:00:00.000Z', null],
    ['Berlin winter 02:00-03:00 is 01:00Z-02:00Z', berlinSundayTwo, '2026-03-21T12:00:00.000Z', false, '2026-03-22T01:00:00.000Z', null],
    ['Berlin 02:00-03:00 does not exist on the spring-forward night: next week', berlinSundayTwo, '2026-03-28T12:00:00.000Z', false, '2026-04-05T00:00:00.000Z', null],
    ['Berlin, the jump itself', berlinSundayTwo, '2026-03-29T01:00:00.000Z', false, '2026-04-05T00:00:00.000Z', null],
    ['Berlin 01:30-03:30 on the spring-forward night lasts one hour', berlinSundayHalfOne, '2026-03-29T00:30:00.000Z', true, '2026-03-29T00:30:00.000Z', '2026-03-29T01:30:00.000Z'],
    ['Berlin 01:30-03:30 the week before lasts two', berlinSundayHalfOne, '2026-03-22T00:30:00.000Z', true, '2026-03-22T00:30:00.000Z', '2026-03-22T02:30:00.000Z'],
    ['Berlin 01:00-03:00 on the fall-back night lasts three hours', berlinFallBack, '2026-10-24T23:00:00.000Z', true, '2026-10-24T23:00:00.000Z', '2026-10-25T02:00:00.000Z'],
    ['Berlin fall-back, second pass of 02:xx still inside 01:00-03:00', berlinFallBack, '2026-10-25T01:30:00.000Z', true, '2026-10-25T01:30:00.000Z', '2026-10-25T02:00:00.000Z'],
    ['Berlin 02:00-02:30 on the fall-back night: the first pass', berlinRepeated, '2026-10-25T00:10:00.000Z', true, '2026-10-25T00:10:00.000Z', '2026-10-25T00:30:00.000Z'],
    ['Berlin 02:00-02:30 on the fall-back night: not the second pass', berlinRepeated, '2026-10-25T01:10:00.000Z', false, '2026-11-01T01:00:00.000Z', null],
    ['Saturday 22:00 to Sunday 02:00, Sunday 00:30 local', saturdayNight, '2026-01-10T23:30:00.000Z', true, '2026-01-10T23:30:00.000Z', '2026-01-11T01:00:00.000Z'],
    ['Saturday 22:00 to Sunday 02:00, Saturday noon', saturdayNight, '2026-01-10T11:00:00.000Z', false, '2026-01-10T21:00:00.000Z', null],
    ['Saturday 22:00 to Sunday 02:00, Sunday 22:30 local is not Saturday', saturdayNight, '2026-01-11T21:30:00.000Z', false, '2026-01-17T21:00:00.000Z', null],
    ['Kolkata +05:30, before opening', kolkata, '2026-03-02T03:00:00.000Z', false, '2026-03-02T03:30:00.000Z', null],
    ['Kolkata +05:30, inside', kolkata, '2026-03-02T12:29:00.000Z', true, '2026-03-02T12:29:00.000Z', '2026-03-02T12:30:00.000Z'],
    ['Kolkata, Friday evening waits for Monday', kolkata, '2026-03-06T13:00:00.000Z', false, '2026-03-09T03:30:00.000Z', null],
    ['end 24:00, a minute before midnight', fridayEvening, '2026-03-06T23:59:00.000Z', true, '2026-03-06T23:59:00.000Z', '2026-03-07T00:00:00.000Z'],
    ['end 24:00, midnight itself is Saturday', fridayEvening, '2026-03-07T00:00:00.000Z', false, '2026-03-13T18:00:00.000Z', null],
    ['Friday 18-24 and Saturday 00-06 join into one interval', weekend, '2026-03-06T20:00:00.000Z', true, '2026-03-06T20:00:00.000Z', '2026-03-07T06:00:00.000Z'],
    ['start = end is a whole day, ending the next day', wholeDays, '2026-03-04T07:59:00.000Z', true, '2026-03-04T07:59:00.000Z', '2026-03-04T08:00:00.000Z'],
    ['start = end, Monday', wholeDays, '2026-03-02T12:00:00.000Z', false, '2026-03-03T08:00:00.000Z', null],
  ];

  it.each(cases)('%s', (_what, w, at, open, next, closes) => {
    expect(isOpen(w, d(at))).toBe(open);
    expect(iso(nextOpening(w, d(at)))).toBe(next);
    expect(iso(closesAt(w, d(at)))).toBe(closes);
  });

  it('a window open all week is open across DST and never closes within the horizon', () => {
    for (const at of ['2026-03-29T01:00:00.000Z', '2026-10-25T01:30:00.000Z', '2026-06-15T12:34:56.789Z']) {
      expect(isOpen(allWeek, d(at))).toBe(true);
      expect(iso(nextOpening(allWeek, d(at)))).toBe(at);
      expect(closesAt(allWeek, d(at))!.getTime()).toBe(d(at).getTime() + WINDOW_HORIZON_MS);
    }
  });

  it('a window without ranges never opens', () => {
    const never = win('UTC');
    expect(isOpen(never, d('2026-03-02T10:00:00Z'))).toBe(false);
    expect(nextOpening(never, d('2026-03-02T10:00:00Z'))).toBeNull();
  });

  it('a window beyond a short horizon is not found', () => {
    expect(nextOpening(officeUtc, d('2026-03-02T18:00:00Z'), 24 * 3600_000)).toBeNull();
    expect(iso(nextOpening(officeUtc, d('2026-03-02T18:00:00Z'), 7 * 24 * 3600_000))).toBe('2026-03-09T09:00:00.000Z');
  });

  it('refuses an invalid date rather than answer nonsense', () => {
    expect(() => isOpen(officeUtc, new Date('not a date'))).toThrow(RangeError);
    expect(() => nextAllowed([], new Date(NaN))).toThrow(RangeError);
  });

  it('refuses an unknown time zone', () => {
    expect(() => isOpen(win('Mars/Olympus', { days: ['mon'], start: '00:00', end: '01:00' }), d('2026-03-02T00:00:00Z'))).toThrow(/unknown time zone "Mars\/Olympus"/);
  });
});

describe('several windows', () => {
  const berlinWorkday = win('Europe/Berlin', { days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '08:00', end: '18:00' });
  const utcEvening = win('UTC', { days: ['mon'], start: '16:00', end: '20:00' });
  const mondayOne = win('UTC', { days: ['mon'], start: '01:00', end: '02:00' });
  const mondayThree = win('UTC', { days: ['mon'], start: '03:00', end: '04:00' });
  const mondayMorning = win('UTC', { days: ['mon'], start: '09:00', end: '12:00' });
  const tuesdayMorning = win('UTC', { days: ['tue'], start: '09:00', end: '12:00' });
  const at = d('2026-03-02T10:00:00.000Z'); // Monday

  it('runs only when every group is open: the overlap of a job window and a tag window', () => {
    expect(openInterval([[berlinWorkday], [utcEvening]], at)).toEqual({ start: d('2026-03-02T16:00:00.000Z'), end: d('2026-03-02T17:00:00.000Z') });
  });

  it('a group is open when any of its windows is', () => {
    expect(iso(nextAllowed([[mondayOne, mondayThree]], d('2026-03-02T02:30:00.000Z')))).toBe('2026-03-02T03:00:00.000Z');
    expect(iso(nextAllowed([[mondayOne, mondayThree]], d('2026-03-02T01:30:00.000Z')))).toBe('2026-03-02T01:30:00.000Z');
  });

  it('groups whose windows never overlap within the horizon: null', () => {
    expect(openInterval([[mondayMorning], [tuesdayMorning]], at)).toBeNull();
    expect(nextAllowed([[mondayMorning], [tuesdayMorning]], at)).toBeNull();
  });

  it('no groups: allowed now, until the horizon', () => {
    expect(openInterval([], at)).toEqual({ start: at, end: new Date(at.getTime() + WINDOW_HORIZON_MS) });
  });

  it('an empty group (every window of a tag disabled is left out, not passed empty) is never open', () => {
    expect(nextAllowed([[]], at)).toBeNull();
  });

  it('an interval found in the first week is followed past it', () => {
    const allWeek = win('UTC', { days: ALL_DAYS, start: '00:00', end: '24:00' });
    expect(openInterval([[allWeek], [allWeek]], at)).toEqual({ start: at, end: new Date(at.getTime() + WINDOW_HORIZON_MS) });
  });

  it('the overlap moves with DST', () => {
    const berlin = win('Europe/Berlin', { days: ['sun'], start: '01:30', end: '03:30' });
    const utcSunday = win('UTC', { days: ['sun'], start: '01:00', end: '02:00' });
    // on the spring-forward night Berlin's range is 00:30Z-01:30Z
    expect(openInterval([[berlin], [utcSunday]], d('2026-03-29T00:00:00.000Z'))).toEqual({ start: d('2026-03-29T01:00:00.000Z'), end: d('2026-03-29T01:30:00.000Z') });
    // a week before, 00:30Z-02:30Z
    expect(openInterval([[berlin], [utcSunday]], d('2026-03-22T00:00:00.000Z'))).toEqual({ start: d('2026-03-22T01:00:00.000Z'), end: d('2026-03-22T02:00:00.000Z') });
  });

  it('finds an overlap weeks ahead, when DST brings two windows together, and not past the horizon', () => {
    // Sunday 00:30-01:00 in Berlin is Saturday 23:30Z in winter, 22:30Z in summer (from 5 April 2026)
    const berlin = win('Europe/Berlin', { days: ['sun'], start: '00:30', end: '01:00' });
    const utcSaturday = win('UTC', { days: ['sat'], start: '22:00', end: '23:00' });
    const expected = { start: d('2026-04-04T22:30:00.000Z'), end: d('2026-04-04T23:00:00.000Z') };
    expect(openInterval([[berlin], [utcSaturday]], d('2026-02-20T00:00:00.000Z'))).toEqual(expected);
    expect(openInterval([[utcSaturday], [berlin]], d('2026-02-20T00:00:00.000Z'))).toEqual(expected);
    expect(openInterval([[berlin], [utcSaturday]], d('2026-01-05T00:00:00.000Z'))).toBeNull();
  });

});

describe('isValidTimeZone', () => {
  it.each([
    ['Europe/Berlin', true], ['UTC', true], ['Asia/Kolkata', true], ['America/Argentina/Buenos_Aires', true],
    ['Mars/Olympus', false], ['+05:30', false], ['', false], ['Europe/Berlin ', false], [42, false],
  ])('%p → %p', (tz, ok) => {
    expect(isValidTimeZone(tz)).toBe(ok);
  });
});
