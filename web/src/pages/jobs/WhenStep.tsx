// Wizard step 3: when the job runs (now, once at a time, or on a cron schedule in a time zone),
// the maintenance windows it must wait for, how many targets run at once, retries, and the SSH
// credential (by default each device's own, the one that worked in the last scan).
import { MultiSelect, NumberInput, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { CronPreview } from '../../components/CronPreview';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatTime } from '../../lib/format';
import { timezoneOptions } from './timezones';
import type { StepProps } from './WhatStep';
import type { When } from './wizard-state';

export function WhenStep({ state, set, editing }: StepProps) {
  const windows = useQuery({
    queryKey: ['windows', 'picker'],
    queryFn: () => unwrap(api.GET('/api/windows', { params: { query: { limit: 500, sort: 'name' } } })),
    staleTime: 60_000,
  });
  const creds = useQuery({
    queryKey: ['credentials', 'ssh-picker'],
    queryFn: () => unwrap(api.GET('/api/credentials', { params: { query: { kind: 'ssh', limit: 500, sort: 'name' } } })),
    staleTime: 60_000,
  });
  const windowOptions = (windows.data?.items ?? []).map((w) => ({
    value: String(w.id),
    label: `${w.name} (${w.timezone}; ${!w.enabled ? 'disabled' : w.openNow ? 'open now' : w.nextOpening ? `opens ${formatTime(w.nextOpening, { zone: true })}` : 'no opening within 8 weeks'})`,
  }));
  return (
    <Stack gap="md">
      <div>
        <Text size="sm" fw={500} mb={4} id="when-label">
          When
        </Text>
        <SegmentedControl
          aria-labelledby="when-label"
          value={state.when}
          onChange={(v) => set({ when: v as When })}
          data={[
            { value: 'now', label: editing ? 'When run by hand' : 'Now' },
            { value: 'at', label: 'At a time' },
            { value: 'cron', label: 'On a schedule (cron)' },
          ]}
        />
      </div>
      {state.when === 'at' && (
        <TextInput
          type="datetime-local"
          label="Start at"
          description="In your browser's time zone"
          value={state.runAt}
          onChange={(e) => set({ runAt: e.currentTarget.value })}
          required
          w={260}
        />
      )}
      {state.when === 'cron' && (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput
            label="Cron schedule"
            description="minute hour day month weekday, e.g. 0 2 * * 0 for Sundays at 02:00"
            value={state.cron}
            onChange={(e) => set({ cron: e.currentTarget.value })}
            required
            placeholder="0 2 * * 0"
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          />
          <Select label="Time zone" description="The cron schedule is read in this zone (DST included)" data={timezoneOptions()} value={state.timezone} onChange={(v) => v && set({ timezone: v })} searchable allowDeselect={false} />
          <CronPreview cron={state.cron} timezone={state.timezone} />
        </SimpleGrid>
      )}
      <MultiSelect
        label="Maintenance windows"
        description="A target starts only while one of these is open (and while a window of each of its tags is)"
        placeholder={windows.isPending ? 'Loading windows…' : windowOptions.length ? 'Any time' : 'No maintenance windows defined'}
        data={windowOptions}
        value={state.windowIds.map(String)}
        onChange={(v) => set({ windowIds: v.map(Number) })}
        searchable
        clearable
      />
      <ErrorAlert error={windows.error} title="Could not load the maintenance windows" />
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
        <NumberInput label="Concurrency" description="Targets at once" min={1} max={1000} allowDecimal={false} value={state.concurrency} onChange={(v) => set({ concurrency: String(v) })} />
        <NumberInput label="Retries" description="Of a transient failure" min={0} max={10} allowDecimal={false} value={state.retries} onChange={(v) => set({ retries: String(v) })} />
        <NumberInput label="Retry delay (s)" description="Doubled each time" min={1} max={3600} allowDecimal={false} value={state.retryDelaySec} onChange={(v) => set({ retryDelaySec: String(v) })} />
        <NumberInput label="Deadline (minutes)" description="Unstarted targets then missed" min={1} max={40320} allowDecimal={false} placeholder="none" value={state.deadlineMinutes} onChange={(v) => set({ deadlineMinutes: String(v) })} />
      </SimpleGrid>
      <Select
        label="SSH credential"
        description="Names and kinds only: secrets never leave the server"
        data={[{ value: 'default', label: 'Each device’s own (the one that worked in its last scan)' }, ...(creds.data?.items ?? []).map((c) => ({ value: String(c.id), label: `${c.name} (${c.kind}${c.username ? `, ${c.username}` : ''})` }))]}
        value={state.credentialId || 'default'}
        onChange={(v) => set({ credentialId: !v || v === 'default' ? '' : v })}
        allowDeselect={false}
      />
      <ErrorAlert error={creds.error} title="Could not load the credentials" />
    </Stack>
  );
}
