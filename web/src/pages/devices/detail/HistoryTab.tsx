// A device's history, newest first: software added, removed or upgraded, hardware and OS changes,
// addresses that moved, and hand edits with who made them. Kind, search and page are URL
// parameters (h*).
import { Badge, Group, Pagination, SegmentedControl, Text, ThemeIcon, Timeline } from '@mantine/core';
import { IconArrowsExchange, IconMinus, IconPlus } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, Schemas, unwrap } from '../../../api/client';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { formatAgo, formatCount, formatTime } from '../../../lib/format';
import { pageOf, useUrlParams } from '../../../lib/url-state';
import { SearchBox } from '../SearchBox';

type Entry = Schemas['HistoryView'];
type Kind = Entry['kind'];

const KIND_LABELS: Record<Kind, string> = { software: 'Software', hardware: 'Hardware', os: 'OS', address: 'Address', field: 'Field' };
const ACTION_ICON = { added: IconPlus, removed: IconMinus, changed: IconArrowsExchange } as const;
const ACTION_COLOR = { added: 'green', removed: 'red', changed: 'blue' } as const;

/** One line a technician reads: "Software changed: openssh-server 9.2p1-2 → 9.2p1-3". */
export function describe(e: Entry): string {
  if (e.subject === 'device' && e.action === 'added') return `Device first recorded${e.after ? ` as ${e.after}` : ''}`;
  const what = `${KIND_LABELS[e.kind] ?? e.kind} ${e.action}: ${e.subject}`;
  if (e.action === 'changed') return `${what} ${e.before ?? '—'} → ${e.after ?? '—'}`;
  const value = e.action === 'added' ? e.after : e.before;
  return value && value !== e.subject && !e.subject.endsWith(value) ? `${what} ${value}` : what;
}

export function HistoryTab({ deviceId }: { deviceId: number }) {
  const [v, update] = useUrlParams();
  const { page, limit } = pageOf({ page: v.hpage } as Record<string, string>, 50);
  const kind = (v.hkind || undefined) as Kind | undefined;
  const query = { kind, q: v.hq || undefined, page, limit };
  const list = useQuery({
    queryKey: ['devices', 'history', deviceId, query],
    queryFn: () => unwrap(api.GET('/api/devices/{id}/history', { params: { path: { id: deviceId }, query } })),
    placeholderData: keepPreviousData,
  });
  const items = list.data?.items ?? [];
  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / limit)) : 1;
  return (
    <>
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <SegmentedControl
          aria-label="Kind of change"
          size="xs"
          value={kind ?? 'all'}
          onChange={(k) => update({ hkind: k === 'all' ? undefined : k, hpage: undefined })}
          data={[{ value: 'all', label: 'All' }, ...(Object.keys(KIND_LABELS) as Kind[]).map((k) => ({ value: k, label: KIND_LABELS[k] }))]}
        />
        <SearchBox label="Search this device's history" value={v.hq} onSearch={(q) => update({ hq: q || undefined, hpage: undefined }, { replace: true })} placeholder="What changed…" w={280} />
      </Group>
      <ErrorAlert error={list.error} />
      {list.data && (
        <Text size="sm" c="dimmed" mb="sm">
          {formatCount(list.data.total)} {list.data.total === 1 ? 'change' : 'changes'}
        </Text>
      )}
      {!list.isPending && !items.length && <Text c="dimmed">No changes recorded{kind || v.hq ? ' that match' : ''}.</Text>}
      <Timeline bulletSize={24} lineWidth={2} role="group" aria-label="History" aria-busy={list.isFetching || undefined}>
        {items.map((e, i) => {
          const Icon = ACTION_ICON[e.action];
          return (
            <Timeline.Item
              key={`${e.at}-${i}`}
              bullet={
                <ThemeIcon size={22} radius="xl" color={ACTION_COLOR[e.action]} variant="light">
                  <Icon size={14} />
                </ThemeIcon>
              }
              title={<Text size="sm" fw={500} style={{ overflowWrap: 'anywhere' }}>{describe(e)}</Text>}
            >
              <Group gap="xs">
                <Text size="xs" c="dimmed" title={formatTime(e.at)}>
                  {formatTime(e.at)} ({formatAgo(e.at)})
                </Text>
                <Badge size="xs" variant="light" color="gray">{KIND_LABELS[e.kind] ?? e.kind}</Badge>
                {e.source && <Text size="xs" c="dimmed">via {e.source}</Text>}
                {e.actor && <Text size="xs" c="dimmed">by {e.actor}</Text>}
              </Group>
            </Timeline.Item>
          );
        })}
      </Timeline>
      {pages > 1 && <Pagination mt="md" size="sm" total={pages} value={page} onChange={(p) => update({ hpage: p === 1 ? undefined : p })} aria-label="History pages" />}
    </>
  );
}
