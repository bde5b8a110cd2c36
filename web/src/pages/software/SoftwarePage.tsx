// /software: the catalogue of every title seen on any device, with how many devices have it and
// which versions are out there. Search, sort and page are URL parameters.
import { Anchor, Badge, Group, Text, Tooltip } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, paths, Schemas, unwrap } from '../../api/client';
import { Column, DataTable } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { formatAgo, formatCount } from '../../lib/format';
import { pageOf, useUrlParams } from '../../lib/url-state';
import { SearchBox } from '../devices/SearchBox';

type Title = Schemas['SoftwareView'];
type Sort = NonNullable<NonNullable<paths['/api/software']['get']['parameters']['query']>['sort']>;

const SHOWN_VERSIONS = 4;

/** The versions in use, newest first, as badges: a wide spread is what a technician looks for. */
export function VersionSpread({ versions }: { versions: string[] }) {
  if (!versions.length) return <Text size="sm" c="dimmed">—</Text>;
  const rest = versions.length - SHOWN_VERSIONS;
  return (
    <Group gap={4}>
      <Text size="xs" c="dimmed" mr={4}>
        {versions.length >= 50 ? '50+' : versions.length} {versions.length === 1 ? 'version' : 'versions'}
      </Text>
      {versions.slice(0, SHOWN_VERSIONS).map((v) => (
        <Badge key={v} size="sm" variant="light" color="gray" style={{ textTransform: 'none', maxWidth: 180 }} title={v}>
          {v || '(none)'}
        </Badge>
      ))}
      {rest > 0 && (
        <Tooltip label={versions.slice(SHOWN_VERSIONS, 30).join(', ') + (versions.length > 30 ? ', …' : '')} multiline maw={400}>
          <Text size="xs" c="dimmed" component="span">
            +{rest} more
          </Text>
        </Tooltip>
      )}
    </Group>
  );
}

export default function SoftwarePage() {
  const [v, update] = useUrlParams();
  const { page, limit } = pageOf(v, 50);
  const sort = (v.sort || 'name') as Sort;
  const query = { q: v.q || undefined, sort, page, limit };
  const list = useQuery({
    queryKey: ['software', 'list', query],
    queryFn: () => unwrap(api.GET('/api/software', { params: { query } })),
    placeholderData: keepPreviousData,
  });
  const countedAt = list.data?.items.find((t) => t.countedAt)?.countedAt;
  const columns: Column<Title>[] = [
    {
      key: 'name', label: 'Name', sortKey: 'name',
      render: (t) => (
        <Anchor component={Link} to={`/software/${t.id}`} fw={500} style={{ overflowWrap: 'anywhere' }}>
          {t.name}
        </Anchor>
      ),
    },
    { key: 'publisher', label: 'Publisher', sortKey: 'publisher', render: (t) => t.publisher || '—' },
    { key: 'deviceCount', label: 'Devices', sortKey: 'deviceCount', width: 100, render: (t) => formatCount(t.deviceCount) },
    { key: 'versions', label: 'Versions in use', render: (t) => <VersionSpread versions={t.versions} /> },
  ];
  return (
    <>
      <PageHeader
        title="Software"
        subtitle={
          list.data
            ? `${formatCount(list.data.total)} ${list.data.total === 1 ? 'title' : 'titles'}${countedAt ? ` · device counts as of ${formatAgo(countedAt)}` : ''}`
            : undefined
        }
      />
      <SearchBox
        label="Search software"
        value={v.q}
        onSearch={(q) => update({ q: q || undefined, page: undefined }, { replace: true })}
        placeholder="Name or publisher contains…"
        w={380}
      />
      <ErrorAlert error={list.error} />
      <DataTable<Title>
        label="Software titles"
        columns={columns}
        rows={list.data?.items}
        rowKey={(t) => t.id}
        total={list.data?.total}
        page={page}
        limit={limit}
        sort={sort}
        onSort={(s) => update({ sort: s === 'name' ? undefined : s, page: undefined })}
        onPage={(p) => update({ page: p === 1 ? undefined : p })}
        onLimit={(l) => update({ limit: l === 50 ? undefined : l, page: undefined })}
        loading={list.isFetching}
        empty={v.q ? `No software title matches “${v.q}”.` : 'No software recorded yet: SSH collections and agent reports list installed software.'}
      />
    </>
  );
}
