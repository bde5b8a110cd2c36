import { BadRequestException } from '@nestjs/common';
import { cronSurprise, firings, nextFiring } from './cron';

describe('nextFiring', () => {
  const at = new Date('2026-03-28T12:00:00Z');

  it.each(['H 2 * * *', 'H(0-29) * * * *', '0 H/4 * * *', '0 1,H * * *', 'h 2 * * *'])('refuses %p: H draws a random value again at every parse, so the job fired a varying number of times a day', (cron) => {
    expect(() => nextFiring(cron, 'Europe/Berlin', at)).toThrow(BadRequestException);
    try {
      nextFiring(cron, 'UTC', at);
    } catch (err) {
      expect((err as BadRequestException).getResponse()).toMatchObject({ details: [{ field: 'cron', messages: [expect.stringContaining('uses H (a random value)')] }] });
    }
  });

  it('takes day names that contain an H, and fires on the day asked', () => {
    expect(nextFiring('0 2 * * THU', 'UTC', at).toISOString()).toBe('2026-04-02T02:00:00.000Z');
    expect(nextFiring('30 6 * * MON-THU', 'UTC', at).toISOString()).toBe('2026-03-30T06:30:00.000Z');
  });

  it('fires a 02:30 Berlin job at 03:30 on the night the clocks skip 02:00-03:00', () => {
    expect(nextFiring('30 2 * * *', 'Europe/Berlin', at).toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });
});

describe('firings and cronSurprise: what a schedule does, shown before it is saved', () => {
  const at = new Date('2027-02-28T12:00:00Z');

  it('lists the next firings in order', () => {
    expect(firings('0 2 * * 2#2', 'UTC', at, 3).map((d) => d.toISOString())).toEqual(['2027-03-09T02:00:00.000Z', '2027-04-13T02:00:00.000Z', '2027-05-11T02:00:00.000Z']);
  });

  it('says that a day of the month and a weekday together fire on either, and how to write the nth weekday', () => {
    // "the first Monday", as written: the 1st to the 7th, and every Monday besides
    expect(firings('0 2 1-7 * 1', 'UTC', at, 8).map((d) => d.toISOString().slice(0, 10))).toEqual(
      ['2027-03-01', '2027-03-02', '2027-03-03', '2027-03-04', '2027-03-05', '2027-03-06', '2027-03-07', '2027-03-08']);
    expect(cronSurprise('0 2 1-7 * 1')).toBe('Both a day of the month (1-7) and a weekday (1) are set: cron runs on every day that matches either one, not only where they meet. For the first Monday of the month write "0 2 * * 1#1".');
    expect(cronSurprise('30 4 8-14 1,7 2')).toContain('For the second Tuesday of the month write "30 4 * 1,7 2#2".');
    expect(cronSurprise('0 2 13 * 5')).toContain('"1#1" is the first Monday');
  });

  it.each(['0 2 * * 1', '0 2 1 * *', '0 2 1-7 * *', '0 2 * * 1#1', '*/5 * * * *'])('has nothing to say of %p', (cron) => {
    expect(cronSurprise(cron)).toBeNull();
  });
});
