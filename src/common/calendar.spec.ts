import { isCalendarDay } from './calendar';

describe('isCalendarDay', () => {
  it.each([
    [2024, 2, 29, true], [2023, 2, 29, false], [2024, 2, 31, false], [2024, 4, 31, false], [2024, 12, 31, true],
    [2024, 0, 1, false], [2024, 13, 1, false], [2024, 1, 0, false], [2000, 2, 29, true], [1900, 2, 29, false],
    // years below 100 are those years, not 1900–1999 as Date.UTC reads them
    [50, 1, 1, true], [0, 1, 1, true], [9999, 12, 31, true],
  ])('%i-%i-%i: %s', (y, m, d, ok) => {
    expect(isCalendarDay(y, m, d)).toBe(ok);
  });
});
