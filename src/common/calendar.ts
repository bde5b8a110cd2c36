// A day the calendar has: 2024-02-29, not 2023-02-29 or 2024-02-31. Devices print such days
// (a registry InstallDate, an SNMP DateAndTime) and JavaScript's Date rolls them over into the
// next month where MariaDB keeps 0000-00-00: every reader of a device's date asks this first.

/** Whether year-month-day (month 1–12) is a day of the calendar. */
export function isCalendarDay(year: number, month: number, day: number): boolean {
  // setUTCFullYear, not Date.UTC: that reads years 0–99 as 1900–1999
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** Nothing that Teknisi inventories was installed before 1980: an earlier date is a clock at zero. */
const FIRST_DAY = Date.UTC(1980, 0, 1);
/** A device may be a time zone ahead of the collector. */
const DAY_MS = 86_400_000;

/** Whether an instant (ms) is a plausible day for something on a device to have happened: from 1980 to a day past `now`. */
export function isPlausibleDay(ms: number, now: number): boolean {
  return ms >= FIRST_DAY && ms <= now + DAY_MS;
}

/**
 * yyyy-mm-dd of a date a device gave, or undefined when it is no calendar day (the 31st of
 * February, which the database refuses along with the rest of the report), or before 1980 or
 * more than a day after `now`.
 */
export function calendarDay(year: number, month: number, day: number, now = Date.now()): string | undefined {
  if (!isCalendarDay(year, month, day)) return undefined;
  const d = new Date(Date.UTC(year, month - 1, day));
  return isPlausibleDay(d.getTime(), now) ? d.toISOString().slice(0, 10) : undefined;
}
