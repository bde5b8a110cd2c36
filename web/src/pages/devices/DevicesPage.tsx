// /devices: the grid. Search, filters, sort, page, page size and the selection are URL parameters
// (device-filters.ts); the server pages (LIMIT/OFFSET), so only one page of rows is ever loaded.
// Technicians tick rows (kept across pages of one filter) or every row the filter matches, and
// add or remove tags on them; saved filters put a named query back in the URL.
import { useMemo } from 'react';
import { Anchor, Badge, Button, Group, Stack, Text, UnstyledButton } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { Column, DataTable } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { useCan } from '../../lib/auth';
import { formatAgo, formatTime, plural } from '../../lib/format';
import { useUrlParams } from '../../lib/url-state';
import { BulkTagBar } from './BulkTagBar';
import { clearedFilters, DEFAULT_SORT, exportUrl, filterFromUrl, hasFilter, listQueryFromUrl, Selection, selectionFromUrl, selectionToUrl } from './device-filters';
import { DeviceFilterBar } from './DeviceFilterBar';
import { Device, deviceName, PLATFORM_LABELS, STATUS_COLORS, STATUS_LABELS, TYPE_LABELS } from './device-labels';
import { SavedFiltersMenu } from './SavedFiltersMenu';
import { SearchBox } from './SearchBox';

export default function DevicesPage() {
  const [v, update] = useUrlParams();
  const canEdit = useCan('technician');
  // relative "last seen" presets resolve once per URL, so the query key is stable
  const query = useMemo(() => listQueryFromUrl(v), [v]);
  const filter = useMemo(() => filterFromUrl(v), [v]);
  const list = useQuery({
    queryKey: ['devices', 'list', query],
    queryFn: () => unwrap(api.GET('/api/devices', { params: { query } })),
    placeholderData: keepPreviousData,
  });
  const rows = list.data?.items;
  const total = list.data?.total;
  const selection = selectionFromUrl(v.sel);

  /** A new filter starts again at page 1 and drops the selection (it named other rows). */
  const setFilter = (patch: Record<string, string | undefined>, replace = false) => update({ ...patch, page: undefined, sel: undefined }, { replace });
  const setSelection = (s: Selection | null) => update({ sel: s ? selectionToUrl(s) : undefined }, { replace: true });

  const columns: Column<Device>[] = [
    {
      key: 'hostname', label: 'Hostname', sortKey: 'hostname',
      render: (d) => (
        <Anchor component={Link} to={`/devices/${d.id}`} fw={500} style={{ wordBreak: 'break-all' }}>
          {deviceName(d)}
        </Anchor>
      ),
    },
    { key: 'primaryIp', label: 'Primary IP', sortKey: 'primaryIp', render: (d) => <Text size="sm" ff="monospace" style={{ whiteSpace: 'nowrap' }}>{d.primaryIp ?? '—'}</Text> },
    { key: 'type', label: 'Type', sortKey: 'type', render: (d) => TYPE_LABELS[d.type] ?? d.type },
    {
      key: 'platform', label: 'Platform / OS', sortKey: 'platform',
      render: (d) => (
        <Stack gap={0}>
          <Text size="sm">{PLATFORM_LABELS[d.platform] ?? d.platform}</Text>
          {(d.osName || d.osVersion) && (
            <Text size="xs" c="dimmed" lineClamp={1} title={[d.osName, d.osVersion].filter(Boolean).join(' ')}>
              {[d.osName, d.osVersion].filter(Boolean).join(' ')}
            </Text>
          )}
        </Stack>
      ),
    },
    {
      key: 'vendor', label: 'Vendor / model', sortKey: 'vendor',
      render: (d) => (
        <Stack gap={0}>
          <Text size="sm">{d.vendor ?? '—'}</Text>
          {d.model && <Text size="xs" c="dimmed" lineClamp={1} title={d.model}>{d.model}</Text>}
        </Stack>
      ),
    },
    { key: 'serial', label: 'Serial', sortKey: 'serial', render: (d) => <Text size="sm" ff="monospace" style={{ whiteSpace: 'nowrap' }}>{d.serial ?? '—'}</Text> },
    { key: 'status', label: 'Status', sortKey: 'status', render: (d) => <Badge variant="light" color={STATUS_COLORS[d.status]}>{STATUS_LABELS[d.status] ?? d.status}</Badge> },
    {
      key: 'tags', label: 'Tags',
      render: (d) => (
        <Group gap={4}>
          {d.tags.map((t) => (
            <UnstyledButton key={t} onClick={() => setFilter({ tag: t })} aria-label={`Filter by tag ${t}`}>
              <Badge variant="outline" size="sm" style={{ textTransform: 'none', cursor: 'pointer' }}>{t}</Badge>
            </UnstyledButton>
          ))}
        </Group>
      ),
    },
    {
      key: 'lastSeen', label: 'Last seen', sortKey: 'lastSeen',
      // the exact time as a native title: a Mantine Tooltip per row cost the grid's render more
      // than everything else in the row together (bench/ui.ts)
      render: (d) => (
        <Text size="sm" component="span" title={formatTime(d.lastSeen)}>
          {formatAgo(d.lastSeen)}
        </Text>
      ),
    },
  ];

  const filtered = hasFilter(v);
  // "all matching" ticks every row in view; unticking one of them leaves the rest of this page
  const selectedOnPage = new Set<string | number>(selection.all ? (rows ?? []).map((d) => d.id) : selection.ids);

  return (
    <>
      <PageHeader
        title="Devices"
        subtitle={total === undefined ? undefined : `${plural(total, 'device')}${filtered ? ' match' : ''}`}
        actions={
          <>
            <SavedFiltersMenu values={v} />
            <Button
              component="a"
              href={exportUrl(filter, v.sort || DEFAULT_SORT)}
              download
              variant="default"
              leftSection={<IconDownload size={16} />}
            >
              Export CSV
            </Button>
          </>
        }
      />
      <Group justify="space-between" align="flex-end" mb="xs">
        <SearchBox
          label="Search the device list"
          value={v.q}
          onSearch={(q) => setFilter({ q: q || undefined }, true)}
          placeholder="Hostname, IP, MAC, serial or software"
          w={380}
        />
      </Group>
      <DeviceFilterBar values={v} onChange={(p) => setFilter(p)} onClear={() => update(clearedFilters())} filtered={filtered} />
      <ErrorAlert error={list.error} />
      {canEdit && <BulkTagBar selection={selection} total={total} rows={rows ?? []} filter={filter} filtered={filtered} onSelection={setSelection} />}
      <DataTable<Device>
        label="Devices"
        columns={columns}
        rows={rows}
        rowKey={(d) => d.id}
        total={total}
        page={query.page}
        limit={query.limit}
        sort={v.sort || DEFAULT_SORT}
        onSort={(sort) => update({ sort: sort === DEFAULT_SORT ? undefined : sort, page: undefined })}
        onPage={(page, o) => update({ page: page === 1 ? undefined : page }, o)}
        onLimit={(limit) => update({ limit: limit === 50 ? undefined : limit, page: undefined })}
        loading={list.isFetching}
        empty={filtered ? 'No device matches these filters.' : 'No devices yet: run a discovery scan or import a CSV.'}
        selected={canEdit ? selectedOnPage : undefined}
        onSelect={canEdit ? (next) => setSelection({ all: false, ids: new Set([...next].map(Number)) }) : undefined}
        rowLabel={(d) => `Select ${d.hostname || d.primaryIp || `device ${d.id}`}`}
      />
    </>
  );
}
