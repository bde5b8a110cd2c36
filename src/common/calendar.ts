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
