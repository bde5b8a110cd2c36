// /software/:id: who has this title at which version. The version spread (devices per version)
// doubles as the version filter; version, search, sort and page are URL parameters ("(none)",
// installed without a version, is noVersion=1: the URL drops an empty version).
import { Anchor, Badge, Button, Center, Group, Paper, Progress, Select, Stack, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, ApiError, paths, Schemas, unwrap } from '../../api/client';
import { Column, DataTable } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { Spinner } from '../../components/Spinner';
import { formatCount, noun, plural } from '../../lib/format';
import { pageOf, useUrlParams } from '../../lib/url-state';
import { softwareParams } from '../devices/device-filters';
import { deviceName, STATUS_COLORS, STATUS_LABELS, DeviceStatus } from '../devices/device-labels';
import { SearchBox } from '../devices/SearchBox';

type Holder = Schemas['SoftwareDeviceView'];
type Sort = NonNullable<NonNullable<paths['/api/software/{id}/devices']['get']['parameters']['query']>['sort']>;

const SPREAD_SHOWN = 12;
/** A version as the version Select's value: prefixed, as a Select takes '' ("(none)") for no choice. */
const optionOf = (version: string) => `v:${version}`;

export default function SoftwareDevicesPage() {
  const raw = useParams().id;
  const id = Number(raw);
  const valid = Number.isInteger(id) && id > 0;
  const [v, update] = useUrlParams();
  const { page, limit } = pageOf(v, 50);
  const sort = (v.sort || 'hostname') as Sort;
  const version = v.noVersion ? '' : v.version || undefined;
  const query = { version, q: v.q || undefined, sort, page, limit };
  const title = useQuery({
    queryKey: ['software', 'one', id],
    queryFn: () => unwrap(api.GET('/api/software/{id}', { params: { path: { id } } })),
    enabled: valid,
  });
  const list = useQuery({
    queryKey: ['software', 'devices', id, query],
    queryFn: () => unwrap(api.GET('/api/software/{id}/devices', { params: { path: { id }, query } })),
    placeholderData: keepPreviousData,
    enabled: valid,
  });
  if (!valid) return <ErrorAlert error={new ApiError(404, `There is no software title ${raw}.`)} />;
  if (title.isPending) {
    return (
      <Center py="xl">
        <Spinner label="Loading" />
      </Center>
    );
  }
  if (title.error) return <ErrorAlert error={title.error} />;
  const t = title.data;
  const spreadTotal = t.spread.reduce((n, s) => n + s.devices, 0);
  const setVersion = (next: string | undefined) => update({ version: next || undefined, noVersion: next === '' ? 1 : undefined, page: undefined });

  const columns: Column<Holder>[] = [
    {
      key: 'hostname', label: 'Device', sortKey: 'hostname',
      render: (d) => (
        <Anchor component={Link} to={`/devices/${d.deviceId}?tab=software&swq=${encodeURIComponent(t.name)}`} fw={500} style={{ overflowWrap: 'anywhere' }}>
          {deviceName(d)}
        </Anchor>
      ),
    },
    { key: 'primaryIp', label: 'Primary IP', render: (d) => <Text size="sm" ff="monospace">{d.primaryIp ?? '—'}</Text> },
    {
      key: 'status', label: 'Status',
      render: (d) => <Badge variant="light" color={STATUS_COLORS[d.status as DeviceStatus] ?? 'gray'}>{STATUS_LABELS[d.status as DeviceStatus] ?? d.status}</Badge>,
    },
    { key: 'version', label: 'Version', render: (d) => <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>{d.version || '(none)'}</Text> },
    {
      key: 'versions', label: 'Also installed',
      render: (d) => (d.versions.length > 1 ? <Text size="xs" c="dimmed" ff="monospace">{d.versions.slice(1).join(', ')}</Text> : '—'),
    },
    { key: 'architecture', label: 'Arch', render: (d) => d.architecture || '—' },
  ];

  return (
    <>
      <PageHeader
        title={<span style={{ overflowWrap: 'anywhere' }}>{t.name}</span>}
        subtitle={[t.publisher, plural(t.deviceCount, 'device'), plural(t.spread.length, 'version')].filter(Boolean).join(' · ')}
        actions={
          <Button component={Link} to={`/devices?${softwareParams(t.id, version)}`} variant="default">
            Show in device list
          </Button>
        }
      />
      {t.spread.length > 0 && (
        <Paper withBorder p="sm" mb="md" component="section" aria-label="Version spread">
          <Text fw={600} size="sm" mb="xs">
            Version spread
          </Text>
          <Stack gap={6}>
            {t.spread.slice(0, SPREAD_SHOWN).map((s) => (
              <UnstyledButton
                key={s.version}
                onClick={() => setVersion(version === s.version ? undefined : s.version)}
                aria-pressed={version === s.version}
              >
                {/* named by what it shows, "Version 1.0 on 12 devices" (the hidden words are for screen readers) */}
                <Group gap="sm" wrap="nowrap">
                  <Text size="sm" ff="monospace" w={220} truncate="end" fw={version === s.version ? 700 : 400} title={s.version}>
                    <VisuallyHidden>Version </VisuallyHidden>
                    {s.version || '(none)'}
                  </Text>
                  <Progress value={spreadTotal ? (100 * s.devices) / spreadTotal : 0} style={{ flex: 1 }} size="lg" aria-hidden />
                  <Text size="sm" w={70} ta="right">
                    <VisuallyHidden>on </VisuallyHidden>
                    {formatCount(s.devices)}
                    <VisuallyHidden> {noun(s.devices, 'device')}</VisuallyHidden>
                  </Text>
                </Group>
              </UnstyledButton>
            ))}
            {t.spread.length > SPREAD_SHOWN && (
              <Text size="xs" c="dimmed">
                and {t.spread.length - SPREAD_SHOWN} more versions: pick any of them in the version filter below
              </Text>
            )}
          </Stack>
        </Paper>
      )}
      <Group align="flex-end" gap="sm" mb="xs">
        <SearchBox label="Search devices with this title" value={v.q} onSearch={(q) => update({ q: q || undefined, page: undefined }, { replace: true })} placeholder="Hostname or IP begins with…" />
        <Select
          label="Version"
          size="sm"
          w={240}
          mb="xs"
          placeholder="Any version"
          clearable
          searchable
          data={t.spread.map((s) => ({ value: optionOf(s.version), label: `${s.version || '(none)'} (${s.devices})` }))}
          value={version === undefined ? null : optionOf(version)}
          onChange={(next) => setVersion(next === null ? undefined : next.slice(optionOf('').length))}
        />
      </Group>
      <ErrorAlert error={list.error} />
      <DataTable<Holder>
        label="Devices with this title"
        columns={columns}
        rows={list.data?.items}
        rowKey={(d) => d.deviceId}
        total={list.data?.total}
        page={page}
        limit={limit}
        sort={sort}
        onSort={(s) => update({ sort: s === 'hostname' ? undefined : s, page: undefined })}
        onPage={(p, o) => update({ page: p === 1 ? undefined : p }, o)}
        onLimit={(l) => update({ limit: l === 50 ? undefined : l, page: undefined })}
        loading={list.isFetching}
        empty={version !== undefined ? `No device has version ${version || '(none)'}.` : 'No device has this title now.'}
      />
    </>
  );
}
