// common/: cron calendar maths in a time zone (cron-parser), shared by saved scan ranges and jobs.
import { BadRequestException } from '@nestjs/common';
import { CronExpressionParser } from 'cron-parser';

export function fieldError(field: string, message: string): BadRequestException {
  return new BadRequestException({ message: `${field}: ${message}`, details: [{ field, messages: [message] }] });
}

/** A 400 naming the field unless `timezone` is an IANA time zone. */
export function checkTimezone(timezone: string, field = 'timezone'): void {
  try {
    Intl.DateTimeFormat('en', { timeZone: timezone });
  } catch {
    throw fieldError(field, `timezone "${timezone}" is not an IANA time zone (like Europe/Berlin or UTC)`);
  }
}

/** The next firing strictly after `after`; a 400 naming the field when the expression or zone is wrong. */
export function nextFiring(cron: string, timezone: string, after: Date, fields = { cron: 'cron', timezone: 'timezone' }): Date {
  return firings(cron, timezone, after, 1, fields)[0];
}

/** The next `count` firings strictly after `after`; a 400 naming the field when the expression or zone is wrong. */
export function firings(cron: string, timezone: string, after: Date, count: number, fields = { cron: 'cron', timezone: 'timezone' }): Date[] {
  checkTimezone(timezone, fields.timezone);
  // cron-parser takes Jenkins' H ("some minute") and draws it again at every parse: a job that
  // reads "H 2 * * *" fired one to three times a day, as each firing computed the next anew
  if (cron.trim().split(/\s+/).some((f) => /(?:^|,)H(?:$|[(/,])/i.test(f))) {
    throw fieldError(fields.cron, `cron "${cron}" uses H (a random value), which Teknisi does not take: write the minute or hour you want`);
  }
  try {
    const it = CronExpressionParser.parse(cron, { currentDate: after, tz: timezone });
    return Array.from({ length: count }, () => it.next().toDate());
  } catch (err) {
    throw fieldError(fields.cron, `cron "${cron}" is not valid: ${(err as Error).message}`);
  }
}

/**
 * What a technician may not expect of a valid expression, in words, or null. Cron fires on a day
 * that matches the day of the month OR the weekday when both are set: "0 2 1-7 * 1", meant as
 * the first Monday of the month, runs on the 1st to the 7th and on every Monday besides (a patch
 * job eleven times a month instead of once). The nth weekday is written with # instead.
 */
export function cronSurprise(cron: string): string | null {
  const f = cron.trim().split(/\s+/);
  if (f.length < 5) return null;
  const [dom, month, dow] = f.slice(-3);
  if (dom === '*' || dom === '?' || dow === '*' || dow === '?') return null;
  const block = /^(1|8|15|22)-(7|14|21|28)$/.exec(dom);
  const nth = block && Number(block[2]) === Number(block[1]) + 6 && /^[0-7]$/.test(dow) ? (Number(block[1]) + 6) / 7 : null;
  const instead = nth ? ` For the ${['first', 'second', 'third', 'fourth'][nth - 1]} ${WEEKDAYS[Number(dow) % 7]} of the month write "${[...f.slice(0, -3), '*', month, `${dow}#${nth}`].join(' ')}".` : ' For one weekday of the month, write it with #: "1#1" is the first Monday, "2#2" the second Tuesday.';
  return `Both a day of the month (${dom}) and a weekday (${dow}) are set: cron runs on every day that matches either one, not only where they meet.${instead}`;
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
