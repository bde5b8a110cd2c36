// Under a cron schedule: when it will fire next, in its own time zone, and what in it may
// surprise (cron fires on a day that matches the day of the month OR the weekday). A technician
// sees "0 2 1-7 * 1" run every day of the first week before saving it, not after the patches.
import { Alert, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { api, ApiError, unwrap } from '../api/client';
import { fieldErrorsOf } from '../lib/form-errors';

/** "Tue 9 Mar 2027, 02:00" as the clock in `timezone` reads it. */
function inZone(iso: string, timezone: string): string {
  try {
    return new Date(iso).toLocaleString(undefined, { timeZone: timezone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });
  } catch {
    return new Date(iso).toLocaleString();
  }
}

export function CronPreview({ cron, timezone }: { cron: string; timezone: string }) {
  const [asked] = useDebouncedValue({ cron: cron.trim(), timezone }, 400);
  const preview = useQuery({
    queryKey: ['schedule-preview', asked.cron, asked.timezone],
    queryFn: () => unwrap(api.GET('/api/schedule-preview', { params: { query: { cron: asked.cron, timezone: asked.timezone } } })),
    enabled: asked.cron !== '',
    retry: false,
    staleTime: 60_000,
  });
  if (!asked.cron) return null;
  if (preview.error) {
    const fields = fieldErrorsOf(preview.error);
    const said = Object.values(fields)[0] ?? (preview.error instanceof ApiError || preview.error instanceof Error ? preview.error.message : String(preview.error));
    return (
      <Text size="xs" c="red" role="status" aria-label="Schedule preview">
        {said}
      </Text>
    );
  }
  if (!preview.data) return null;
  return (
    <div role="status" aria-label="Schedule preview">
      <Text size="xs" c="dimmed">
        Next runs ({timezone}): {preview.data.next.map((at) => inZone(at, timezone)).join(' · ')}
      </Text>
      {preview.data.note && (
        <Alert role="note" color="orange" variant="light" icon={<IconAlertTriangle size={16} />} mt={4} p="xs">
          <Text size="xs">{preview.data.note}</Text>
        </Alert>
      )}
    </div>
  );
}
