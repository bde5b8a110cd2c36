// IANA time-zone names for schedule pickers (cron jobs, saved scan ranges): the browser's own
// list, with UTC first and the browser's zone as the default.
export function timezoneOptions(): string[] {
  let zones: string[] = [];
  try {
    zones = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  } catch {
    /* an old browser: the typed value is still accepted and checked by the server */
  }
  return ['UTC', ...zones.filter((z) => z !== 'UTC')];
}

export function browserTimezone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}
