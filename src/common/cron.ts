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
  checkTimezone(timezone, fields.timezone);
  // cron-parser takes Jenkins' H ("some minute") and draws it again at every parse: a job that
  // reads "H 2 * * *" fired one to three times a day, as each firing computed the next anew
  if (cron.trim().split(/\s+/).some((f) => /(?:^|,)H(?:$|[(/,])/i.test(f))) {
    throw fieldError(fields.cron, `cron "${cron}" uses H (a random value), which Teknisi does not take: write the minute or hour you want`);
  }
  try {
    return CronExpressionParser.parse(cron, { currentDate: after, tz: timezone }).next().toDate();
  } catch (err) {
    throw fieldError(fields.cron, `cron "${cron}" is not valid: ${(err as Error).message}`);
  }
}
