// Wizard step 2: the targets — devices picked from a search, tags, and/or a saved device filter
// (the union of the three, as the server resolves it) — with a live count of matching devices
// that the server answers (GET /api/devices … limit=1 gives its total).
import { useEffect, useState } from 'react';
import { Badge, Button, Card, CloseButton, Group, Loader, Select, SimpleGrid, Stack, Switch, Table, TagsInput, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPlus, IconSearch } from '@tabler/icons-react';
import { useQueries, useQuery } from '@tanstack/react-query';
import { api, Schemas, unwrap } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Spinner } from '../../components/Spinner';
import { formatCount, noun, plural } from '../../lib/format';
import { suggestWhileTyping, useTagSuggestions } from '../devices/tag-suggestions';
import { activeFilter, FilterField, WizardState } from './wizard-state';
import type { StepProps } from './WhatStep';

type Device = Schemas['DeviceView'];
type DeviceQuery = NonNullable<NonNullable<import('../../api/client').paths['/api/devices']['get']['parameters']['query']>>;

const TYPES: Device['type'][] = ['workstation', 'laptop', 'server', 'switch', 'router', 'firewall', 'access-point', 'printer', 'phone', 'virtual-machine', 'other'];
const PLATFORMS: Device['platform'][] = ['linux', 'windows', 'macos', 'cisco-ios', 'cisco-nxos', 'junos', 'eos', 'procurve', 'routeros', 'fortios', 'printer', 'other'];
const STATUSES = ['active', 'stale', 'retired', 'all'];
/** At most this many picked devices are looked up by id to show their names. */
const NAME_LOOKUPS = 50;
/** Each part of a union is listed (ids) only when it has at most this many devices. */
const UNION_LIMIT = 500;

export const deviceLabel = (d: Pick<Device, 'id' | 'hostname' | 'primaryIp'>) => d.hostname || d.primaryIp || `device ${d.id}`;

export function TargetsStep({ state, set }: StepProps) {
  const tagSuggestions = useTagSuggestions();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 300);
  const found = useQuery({
    queryKey: ['devices', 'job-picker', q],
    queryFn: () => unwrap(api.GET('/api/devices', { params: { query: { q, limit: 25, sort: 'hostname' } } })),
    enabled: q.length > 0,
    placeholderData: (prev) => prev,
  });
  const picked = new Set(state.deviceIds);
  const add = (ids: number[]) => set({ deviceIds: [...new Set([...state.deviceIds, ...ids])] });
  const remove = (id: number) => set({ deviceIds: state.deviceIds.filter((x) => x !== id) });
  const names = useQueries({
    queries: state.deviceIds.slice(0, NAME_LOOKUPS).map((id) => ({
      queryKey: ['devices', id, 'name'],
      queryFn: () => unwrap(api.GET('/api/devices/{id}', { params: { path: { id } } })),
      staleTime: 60_000,
      retry: false,
    })),
  });
  const nameOf = (id: number, i: number) => {
    const r = i < NAME_LOOKUPS ? names[i] : undefined;
    if (r?.data) return deviceLabel(r.data);
    if (r?.error) return `device ${id} (not found)`;
    return `device ${id}`;
  };
  const filterOn = state.filter !== undefined && Object.keys(state.filter).length > 0;
  const [showFilter, setShowFilter] = useState(filterOn);
  const setFilter = (f: FilterField, v: string | null) => set({ filter: { ...state.filter, [f]: v || undefined } });

  return (
    <Stack gap="md">
      <TargetCount state={state} />
      <Card withBorder padding="sm">
        <Text fw={600} size="sm" mb={4}>
          Devices
        </Text>
        <TextInput
          label="Find devices"
          description="Hostname, IP, MAC, serial, model or installed software"
          leftSection={<IconSearch size={14} />}
          rightSection={found.isFetching ? <Loader size="xs" /> : null}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          autoComplete="off"
        />
        <ErrorAlert error={found.error} />
        {q && found.data && (
          <>
            <Group justify="space-between" mt="xs">
              <Text size="xs" c="dimmed">
                {formatCount(found.data.total)} found{found.data.total > found.data.items.length ? `, first ${found.data.items.length} shown` : ''}
              </Text>
              {found.data.items.some((d) => !picked.has(d.id)) && (
                <Button size="compact-xs" variant="light" onClick={() => add(found.data!.items.map((d) => d.id))}>
                  Add all shown
                </Button>
              )}
            </Group>
            <Table.ScrollContainer minWidth={500} mah={260}>
              <Table verticalSpacing={2} fz="sm" aria-label="Devices found">
                <Table.Tbody>
                  {found.data.items.map((d) => (
                    <Table.Tr key={d.id}>
                      <Table.Td>{deviceLabel(d)}</Table.Td>
                      <Table.Td ff="monospace">{d.primaryIp ?? '—'}</Table.Td>
                      <Table.Td>{d.platform}</Table.Td>
                      <Table.Td>{[d.osName, d.osVersion].filter(Boolean).join(' ') || '—'}</Table.Td>
                      <Table.Td w={90}>
                        {picked.has(d.id) ? (
                          <Badge size="sm" variant="light" color="green">added</Badge>
                        ) : (
                          <Button size="compact-xs" variant="default" leftSection={<IconPlus size={12} />} onClick={() => add([d.id])} aria-label={`Add ${deviceLabel(d)}`}>
                            Add
                          </Button>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {found.data.items.length === 0 && (
              <Text size="sm" c="dimmed" py="xs">
                No device matches “{q}”.
              </Text>
            )}
          </>
        )}
        {state.deviceIds.length === 0 ? (
          <Text size="sm" c="dimmed" mt="sm">
            No devices picked.
          </Text>
        ) : (
          <Group gap={6} mt="sm">
            {/* a list holds only its items: Remove all sits beside it */}
            <Group gap={6} aria-label="Picked devices" role="list">
              {state.deviceIds.map((id, i) => (
                // a Pill's own remove button is hidden from keyboards and screen readers: this one is not
                <Badge
                  key={id}
                  role="listitem"
                  variant="default"
                  size="lg"
                  tt="none"
                  fw={500}
                  pr={3}
                  rightSection={<CloseButton size="xs" onClick={() => remove(id)} aria-label={`Remove ${nameOf(id, i)}`} />}
                >
                  {nameOf(id, i)}
                </Badge>
              ))}
            </Group>
            {state.deviceIds.length > 1 && (
              <Button size="compact-xs" variant="subtle" color="gray" onClick={() => set({ deviceIds: [] })}>
                Remove all
              </Button>
            )}
          </Group>
        )}
      </Card>

      <Card withBorder padding="sm">
        <TagsInput
          label="Tags"
          description="Devices carrying any of these tags (type a tag, then Enter)"
          value={state.tags}
          onChange={(tags) => set({ tags })}
          data={tagSuggestions}
          filter={suggestWhileTyping}
          clearable
          maxTags={50}
        />
      </Card>

      <Card withBorder padding="sm">
        <Switch
          label="Also match a device filter (evaluated when each run starts, so machines added later are included)"
          checked={showFilter || filterOn}
          onChange={(e) => {
            setShowFilter(e.currentTarget.checked);
            if (!e.currentTarget.checked) set({ filter: {} });
          }}
        />
        {(showFilter || filterOn) && (
          <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }} spacing="sm" mt="sm">
            <TextInput label="Filter: search" value={state.filter.q ?? ''} onChange={(e) => setFilter('q', e.currentTarget.value)} placeholder="firefox" />
            <Select label="Filter: type" data={TYPES} value={state.filter.type ?? null} onChange={(v) => setFilter('type', v)} clearable />
            <Select label="Filter: platform" data={PLATFORMS} value={state.filter.platform ?? null} onChange={(v) => setFilter('platform', v)} clearable />
            <TextInput label="Filter: OS family" value={state.filter.osFamily ?? ''} onChange={(e) => setFilter('osFamily', e.currentTarget.value)} placeholder="linux" />
            <TextInput label="Filter: vendor" value={state.filter.vendor ?? ''} onChange={(e) => setFilter('vendor', e.currentTarget.value)} />
            <TextInput label="Filter: tag" value={state.filter.tag ?? ''} onChange={(e) => setFilter('tag', e.currentTarget.value)} />
            <TextInput label="Filter: location" value={state.filter.location ?? ''} onChange={(e) => setFilter('location', e.currentTarget.value)} />
            <Select label="Filter: status" data={STATUSES} value={state.filter.status ?? null} onChange={(v) => setFilter('status', v)} clearable placeholder="active and stale" />
          </SimpleGrid>
        )}
      </Card>
    </Stack>
  );
}

/** One part of the target union as a device-list query (a tag, or the filter). */
function partQueries(state: WizardState): Array<{ key: string; query: DeviceQuery }> {
  const parts: Array<{ key: string; query: DeviceQuery }> = state.tags.map((tag) => ({ key: `tag:${tag}`, query: { tag } }));
  const f = activeFilter(state);
  if (f) parts.push({ key: `filter:${JSON.stringify(f)}`, query: f as DeviceQuery });
  return parts;
}

/**
 * The live count: each tag and the filter asked with limit=1 (the server's total); when more than
 * one part is in play and each is small, their device ids are listed and united with the picked
 * ones, so a device matched twice counts once, as when the job runs.
 */
export function useTargetCount(state: WizardState): { count?: number; exact: boolean; loading: boolean; error: unknown } {
  const [debounced] = useDebouncedValue(state, 400);
  const parts = partQueries(debounced);
  const totals = useQueries({
    queries: parts.map((p) => ({
      queryKey: ['devices', 'count', p.key],
      queryFn: () => unwrap(api.GET('/api/devices', { params: { query: { ...p.query, limit: 1 } } })).then((r) => r.total),
      staleTime: 10_000,
    })),
  });
  const ids = debounced.deviceIds;
  const needUnion = parts.length + (ids.length ? 1 : 0) > 1;
  const small = totals.every((t) => t.data !== undefined && t.data <= UNION_LIMIT);
  const listed = useQueries({
    queries: parts.map((p) => ({
      queryKey: ['devices', 'ids', p.key],
      queryFn: () => unwrap(api.GET('/api/devices', { params: { query: { ...p.query, limit: UNION_LIMIT } } })).then((r) => r.items.map((d) => d.id)),
      enabled: needUnion && small,
      staleTime: 10_000,
    })),
  });
  const error = [...totals, ...listed].find((r) => r.error)?.error;
  const loading = totals.some((t) => t.isPending) || (needUnion && small && listed.some((l) => l.isPending)) || debounced !== state;
  if (!needUnion) {
    if (ids.length) return { count: ids.length, exact: true, loading: false, error };
    if (parts.length === 1) return { count: totals[0].data, exact: true, loading, error };
    return { count: 0, exact: true, loading: false, error };
  }
  if (small && listed.every((l) => l.data)) {
    const union = new Set<number>(ids);
    for (const l of listed) for (const id of l.data!) union.add(id);
    return { count: union.size, exact: true, loading, error };
  }
  // too many to list: at most the sum of the parts
  const sum = ids.length + totals.reduce((n, t) => n + (t.data ?? 0), 0);
  return { count: sum, exact: false, loading, error };
}

export function TargetCount({ state }: { state: WizardState }) {
  const c = useTargetCount(state);
  const [shown, setShown] = useState<number | undefined>(c.count);
  useEffect(() => {
    if (!c.loading) setShown(c.count);
  }, [c.loading, c.count]);
  return (
    <Card withBorder padding="xs" bg="var(--mantine-color-default-hover)">
      <Group gap="xs">
        <Text size="sm" fw={600} role="status" aria-live="polite" data-testid="target-count">
          {shown === undefined ? 'Counting devices…' : `${c.exact ? '' : 'Up to '}${plural(shown, 'device')} ${noun(shown, 'matches', 'match')}`}
        </Text>
        {c.loading && <Spinner size="xs" label="Counting devices" />}
        {shown === 0 && !c.loading && (
          <Text size="xs" c="dimmed">
            {state.deviceIds.length || state.tags.length || activeFilter(state) ? 'Nothing matches now; a filter or tag is evaluated again when each run starts.' : 'Pick devices, tags or a filter.'}
          </Text>
        )}
      </Group>
      <ErrorAlert error={c.error} title="Could not count the devices" />
    </Card>
  );
}
