// Wizard step 4: everything the job will do, in words, before POST /api/jobs. Values a user typed
// are shown as text (never HTML).
import { Code, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { plural } from '../../lib/format';
import { kindLabel, wizardHasParams } from './job-labels';
import { TargetCount } from './TargetsStep';
import type { StepProps } from './WhatStep';
import { activeFilter, isSoftware, paramsOf, splitPackages } from './wizard-state';

export function ReviewStep({ state, editing }: Pick<StepProps, 'state' | 'editing'>) {
  const windows = useQuery({
    queryKey: ['windows', 'picker'],
    queryFn: () => unwrap(api.GET('/api/windows', { params: { query: { limit: 500, sort: 'name' } } })),
    staleTime: 60_000,
    enabled: state.windowIds.length > 0,
  });
  const creds = useQuery({
    queryKey: ['credentials', 'ssh-picker'],
    queryFn: () => unwrap(api.GET('/api/credentials', { params: { query: { kind: 'ssh', limit: 500, sort: 'name' } } })),
    staleTime: 60_000,
    enabled: state.credentialId !== '',
  });
  const filter = activeFilter(state);
  const params = paramsOf(state);
  const rows: Array<[string, React.ReactNode]> = [
    ['What', kindLabel(state.kind)],
    ...(state.name.trim() ? [['Name', state.name.trim()] as [string, React.ReactNode]] : []),
  ];
  if (isSoftware(state.kind)) {
    const pk = splitPackages(state.packages);
    rows.push(['Packages', pk.length ? pk.join(', ') : 'every pending update']);
    rows.push(['Package manager', state.manager || 'automatic (from the OS)']);
    rows.push(['Reboot', state.reboot]);
  } else if (state.kind === 'command') {
    rows.push(['Script', <Code block key="s">{state.script}</Code>]);
    rows.push(['Shell', `${state.shell}${state.sudo ? ', as root (sudo)' : ''}${state.timeoutSec ? `, time limit ${state.timeoutSec} s` : ''}`]);
    const p = (params.parameters ?? {}) as Record<string, string>;
    if (Object.keys(p).length) rows.push(['Parameters', <Code block key="p">{Object.entries(p).map(([k, v]) => `${k}=${v}`).join('\n')}</Code>]);
  } else if (!wizardHasParams(state.kind)) {
    rows.push(['Parameters', 'unchanged, as saved']);
  } else if (Object.keys(params).length) {
    rows.push(['Parameters', <Code block key="p">{JSON.stringify(params, null, 2)}</Code>]);
  }
  const targetParts: string[] = [];
  if (state.deviceIds.length) targetParts.push(plural(state.deviceIds.length, 'picked device'));
  if (state.tags.length) targetParts.push(`devices tagged ${state.tags.join(', ')}`);
  if (filter) targetParts.push(`devices matching ${Object.entries(filter).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  rows.push(['Targets', targetParts.join(' + ') || 'none']);
  rows.push([
    'When',
    state.when === 'now' ? (editing ? 'Only when run by hand (Run now on its page)' : 'Now, as soon as it is created') : state.when === 'at' ? `Once, at ${state.runAt ? new Date(state.runAt).toLocaleString() : '—'}` : `On the cron schedule ${state.cron} (${state.timezone})`,
  ]);
  rows.push([
    'Maintenance windows',
    state.windowIds.length ? state.windowIds.map((id) => windows.data?.items.find((w) => w.id === id)?.name ?? `window ${id}`).join(', ') : 'none: any time',
  ]);
  rows.push(['Concurrency', `${state.concurrency || 10} targets at once`]);
  rows.push(['Retries', `${state.retries || 3}, first after ${state.retryDelaySec || 30} s${state.deadlineMinutes ? `; unstarted targets missed after ${state.deadlineMinutes} min` : ''}`]);
  rows.push(['SSH credential', state.credentialId ? creds.data?.items.find((c) => String(c.id) === state.credentialId)?.name ?? `credential ${state.credentialId}` : 'each device’s own']);
  return (
    <>
      <TargetCount state={state} />
      <Table withRowBorders verticalSpacing={4} mt="sm" aria-label="Job summary" maw={900}>
        <Table.Tbody>
          {rows.map(([k, v]) => (
            <Table.Tr key={k}>
              <Table.Th w={180} fw={600}>
                {k}
              </Table.Th>
              <Table.Td>{typeof v === 'string' ? <Text size="sm">{v}</Text> : v}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </>
  );
}
