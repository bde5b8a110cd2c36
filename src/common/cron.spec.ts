import { BadRequestException } from '@nestjs/common';
import { nextFiring } from './cron';

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
