// The form behind "Start a scan" and a saved range (create and edit): targets as lines (addresses,
// CIDR blocks, ranges, host names) and what to leave out of them, credentials picked by name and kind (secrets never come back
// from the server), and the probe options. A saved range adds its name and cron schedule.
import { useId, useState } from 'react';
import { Button, Collapse, Group, MultiSelect, NumberInput, Select, SimpleGrid, Stack, Switch, Text, Textarea, TextInput, UnstyledButton } from '@mantine/core';
import { IconChevronDown, IconChevronRight } from '@tabler/icons-react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, Schemas, unwrap } from '../../api/client';
import { CronPreview } from '../../components/CronPreview';
import { ErrorAlert } from '../../components/ErrorAlert';
import { errorFor, fieldErrorsOf } from '../../lib/form-errors';
import { plural } from '../../lib/format';
import { browserTimezone, timezoneOptions } from '../jobs/timezones';
import { parseTargets } from './scan-labels';

// every option is optional on the way in (the server applies its defaults); the generated type
// marks them required because the document gives each a default
type Options = Partial<Schemas['ScanOptionsDto']>;
type Schedule = Schemas['ScheduleView'];

export const credentialsQuery = {
  queryKey: ['credentials', 'picker'],
  queryFn: () => unwrap(api.GET('/api/credentials', { params: { query: { limit: 500, sort: 'name' } } })),
  staleTime: 60_000,
};

/**
 * A credential by id, and whether it was deleted since a scan or saved range named it: known only
 * once the list holds every credential (technicians list them; viewers cannot, and see ids).
 */
export function useCredentialLookup(enabled: boolean) {
  const creds = useQuery({ ...credentialsQuery, enabled });
  const complete = !!creds.data && creds.data.items.length >= creds.data.total;
  const find = (id: number) => creds.data?.items.find((c) => c.id === id);
  const isDeleted = (id: number) => complete && !find(id);
  const name = (id: number) => {
    const c = find(id);
    return c ? `${c.name} (${c.kind})` : `credential ${id}${isDeleted(id) ? ' (deleted)' : ''}`;
  };
  return { isDeleted, name };
}

const OPTION_FIELDS: Array<{ key: keyof Options; label: string; placeholder: string; min: number; max: number; description?: string }> = [
  { key: 'snmpPort', label: 'SNMP port', placeholder: '161', min: 1, max: 65535 },
  { key: 'sshPort', label: 'SSH port', placeholder: '22', min: 1, max: 65535 },
  { key: 'timeoutMs', label: 'Timeout (ms)', placeholder: '1500', min: 100, max: 30000, description: 'per SNMP request and SSH connection' },
  { key: 'retries', label: 'SNMP retries', placeholder: '1', min: 0, max: 5 },
  { key: 'concurrency', label: 'Concurrency', placeholder: '256', min: 1, max: 4096, description: 'addresses probed at once per worker' },
];

/** The fields that show their own refusal under them, by label: the form's alert points at them rather than repeating it. */
const SCAN_FIELDS = { targets: 'Targets', exclude: 'Exclude', credentialIds: 'Credentials' };
const RANGE_FIELDS = { name: 'Name', ...SCAN_FIELDS, cron: 'Cron schedule', timezone: 'Time zone' };

export interface ScanFormValues {
  targets: string[];
  exclude: string[];
  credentialIds: number[];
  options?: Options;
  name?: string;
  cron?: string;
  timezone?: string;
  enabled?: boolean;
}

export function ScanForm({
  mode, initial, onSubmit, onCancel,
}: {
  mode: 'scan' | 'range';
  initial?: Partial<Schedule>;
  onSubmit: (v: ScanFormValues) => Promise<unknown>;
  onCancel: () => void;
}) {
  const qc = useQueryClient();
  const creds = useQuery(credentialsQuery);
  const [targets, setTargets] = useState((initial?.targets ?? []).join('\n'));
  const [exclude, setExclude] = useState((initial?.exclude ?? []).join('\n'));
  const [credentialIds, setCredentialIds] = useState<string[]>((initial?.credentialIds ?? []).map(String));
  const [options, setOptions] = useState<Options>({ ...(initial?.options ?? {}) });
  const [showOptions, setShowOptions] = useState(Object.keys(initial?.options ?? {}).length > 0);
  const [name, setName] = useState(initial?.name ?? '');
  const [cron, setCron] = useState(initial?.cron ?? '0 2 * * *');
  const [timezone, setTimezone] = useState<string>(initial?.timezone ?? browserTimezone());
  const [enabled, setEnabled] = useState(initial?.enabled ?? true);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const listed = creds.data?.items ?? [];
  // a picked credential the list lacks (a saved range's, or one picked before an admin deleted it)
  // reads as what it is, not as a bare "3" the technician cannot place
  const complete = !!creds.data && listed.length >= creds.data.total;
  const credOptions = [
    ...listed.map((c) => ({ value: String(c.id), label: `${c.name} (${c.kind})` })),
    ...credentialIds.filter((v) => !listed.some((c) => String(c.id) === v)).map((v) => ({ value: v, label: complete ? `credential ${v} (deleted)` : `credential ${v}` })),
  ];
  const parsed = parseTargets(targets);
  const excluded = parseTargets(exclude);
  // the server names a bad entry by its place in the list (targets.3): beside the field, that
  // message quotes the entry itself
  const fieldErrors = fieldErrorsOf(error);
  // why the submit button is disabled, said beside it (and read with it) rather than left to guess
  const whyId = useId();
  const why = !parsed.length ? undefined : !credentialIds.length ? 'Pick at least one credential to scan with.' : undefined;

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const cleanOptions = Object.fromEntries(Object.entries(options).filter(([, v]) => typeof v === 'number')) as Options;
    try {
      await onSubmit({
        targets: parsed,
        exclude: excluded,
        credentialIds: credentialIds.map(Number),
        ...(Object.keys(cleanOptions).length ? { options: cleanOptions } : {}),
        ...(mode === 'range' ? { name: name.trim(), cron: cron.trim(), timezone, enabled } : {}),
      });
    } catch (err) {
      setError(err);
      // a credential deleted since the list was loaded: load it again, so that the pick says so
      if (Object.keys(fieldErrorsOf(err)).some((f) => f.startsWith('credentialIds'))) void qc.invalidateQueries({ queryKey: credentialsQuery.queryKey });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} aria-label={mode === 'scan' ? 'Start a scan' : 'Saved range'}>
      <Stack gap="sm">
        {mode === 'range' && <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} placeholder="Office LAN nightly" maxLength={128} error={errorFor(fieldErrors, 'name')} />}
        <Textarea
          label="Targets"
          description="One per line: addresses, CIDR blocks (192.0.2.0/24), ranges (192.0.2.5-192.0.2.9 or 192.0.2.5-9) or host names"
          required
          autosize
          minRows={3}
          maxRows={10}
          value={targets}
          onChange={(e) => setTargets(e.currentTarget.value)}
          error={errorFor(fieldErrors, 'targets')}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        />
        <Textarea
          label="Exclude"
          description="Optional, in the same forms: never contacted (fragile devices, machines that are not yours). A host name here is looked up as the scan starts and its addresses left out"
          autosize
          minRows={1}
          maxRows={6}
          value={exclude}
          onChange={(e) => setExclude(e.currentTarget.value)}
          error={errorFor(fieldErrors, 'exclude')}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
        />
        <MultiSelect
          label="Credentials"
          description="SNMP and SSH credentials to try; the one that worked for a device is tried first next time"
          placeholder={creds.isPending ? 'Loading credentials…' : credOptions.length ? 'Pick one or more' : 'No credentials yet: an admin adds them under Admin → Credentials'}
          data={credOptions}
          value={credentialIds}
          onChange={setCredentialIds}
          error={errorFor(fieldErrors, 'credentialIds')}
          searchable
          clearable
          required
          nothingFoundMessage="No credential by that name"
        />
        {creds.error && <ErrorAlert error={creds.error} title="Could not load the credentials" />}
        {mode === 'range' && (
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <TextInput label="Cron schedule" description="minute hour day month weekday" required value={cron} onChange={(e) => setCron(e.currentTarget.value)} placeholder="0 2 * * *" error={errorFor(fieldErrors, 'cron')} />
            <Select label="Time zone" data={timezoneOptions()} value={timezone} onChange={(v) => v && setTimezone(v)} searchable allowDeselect={false} error={errorFor(fieldErrors, 'timezone')} />
            <Switch label="Enabled" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} mt={{ sm: 30 }} />
          </SimpleGrid>
        )}
        {mode === 'range' && <CronPreview cron={cron} timezone={timezone} />}
        <UnstyledButton onClick={() => setShowOptions((s) => !s)} aria-expanded={showOptions}>
          <Group gap={4}>
            {showOptions ? <IconChevronDown size={16} /> : <IconChevronRight size={16} />}
            <Text size="sm" fw={500}>
              Options
            </Text>
          </Group>
        </UnstyledButton>
        <Collapse expanded={showOptions}>
          <SimpleGrid cols={{ base: 2, sm: 5 }} spacing="sm">
            {OPTION_FIELDS.map((f) => (
              <NumberInput
                key={f.key}
                label={f.label}
                description={f.description}
                placeholder={f.placeholder}
                min={f.min}
                max={f.max}
                allowDecimal={false}
                value={options[f.key] ?? ''}
                onChange={(v) => setOptions((o) => ({ ...o, [f.key]: typeof v === 'number' ? v : undefined }))}
              />
            ))}
          </SimpleGrid>
        </Collapse>
        <ErrorAlert error={error} title={mode === 'scan' ? 'The scan was not started' : 'The range was not saved'} beside={mode === 'scan' ? SCAN_FIELDS : RANGE_FIELDS} />
        <Group justify="space-between">
          <Stack gap={0}>
            <Text size="sm" c="dimmed">
              {parsed.length ? plural(parsed.length, 'target') : 'No targets yet'}
              {excluded.length ? `, ${plural(excluded.length, 'exclusion')}` : ''}
            </Text>
            {why && (
              <Text size="sm" c="dimmed" id={whyId}>
                {why}
              </Text>
            )}
          </Stack>
          <Group gap="xs">
            <Button variant="default" onClick={onCancel}>
              Close
            </Button>
            <Button type="submit" loading={busy} disabled={!parsed.length || !credentialIds.length} aria-describedby={why ? whyId : undefined}>
              {mode === 'scan' ? 'Start scan' : initial?.id ? 'Save range' : 'Create range'}
            </Button>
          </Group>
        </Group>
      </Stack>
    </form>
  );
}
