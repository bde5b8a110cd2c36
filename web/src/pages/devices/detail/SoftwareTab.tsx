// A device's installed software with its own search box; search, sort and page are URL
// parameters of their own (sw*), so the grid's `q` and this list's never mix.
import { Anchor, Text } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, paths, Schemas, unwrap } from '../../../api/client';
import { Column, DataTable } from '../../../components/DataTable';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { formatTime } from '../../../lib/format';
import { pageOf, useUrlParams } from '../../../lib/url-state';
import { SearchBox } from '../SearchBox';

type Installed = Schemas['InstalledView'];
type Sort = NonNullable<NonNullable<paths['/api/devices/{id}/software']['get']['parameters']['query']>['sort']>;

export function SoftwareTab({ deviceId }: { deviceId: number }) {
  const [v, update] = useUrlParams();
  const { page, limit } = pageOf({ page: v.swpage, limit: v.swlimit } as Record<string, string>, 50);
  const sort = (v.swsort || 'name') as Sort;
  const query = { q: v.swq || undefined, sort, page, limit };
  const list = useQuery({
    queryKey: ['devices', 'software', deviceId, query],
    queryFn: () => unwrap(api.GET('/api/devices/{id}/software', { params: { path: { id: deviceId }, query } })),
    placeholderData: keepPreviousData,
  });
  const columns: Column<Installed>[] = [
    {
      key: 'name', label: 'Name', sortKey: 'name',
      render: (s) => (
        <Anchor component={Link} to={`/software/${s.softwareId}`} style={{ overflowWrap: 'anywhere' }}>
          {s.name}
        </Anchor>
      ),
    },
    { key: 'publisher', label: 'Publisher', render: (s) => s.publisher || '—' },
    { key: 'version', label: 'Version', sortKey: 'version', render: (s) => <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>{s.version || '—'}</Text> },
    { key: 'architecture', label: 'Arch', render: (s) => s.architecture || '—' },
    { key: 'installDate', label: 'Installed', sortKey: 'installDate', render: (s) => s.installDate ?? '—' },
    { key: 'firstSeen', label: 'First seen', render: (s) => formatTime(s.firstSeen) },
  ];
  return (
    <>
      <SearchBox
        label="Search this device's software"
        value={v.swq}
        onSearch={(q) => update({ swq: q || undefined, swpage: undefined }, { replace: true })}
        placeholder="Name contains…"
      />
      <ErrorAlert error={list.error} />
      <DataTable<Installed>
        label="Installed software"
        columns={columns}
        rows={list.data?.items}
        rowKey={(s) => `${s.softwareId}:${s.version}:${s.architecture}`}
        total={list.data?.total}
        page={page}
        limit={limit}
        sort={sort}
        onSort={(s) => update({ swsort: s === 'name' ? undefined : s, swpage: undefined })}
        onPage={(p, o) => update({ swpage: p === 1 ? undefined : p }, o)}
        onLimit={(l) => update({ swlimit: l === 50 ? undefined : l, swpage: undefined })}
        loading={list.isFetching}
        empty={v.swq ? `No software on this device matches “${v.swq}”.` : 'No installed software recorded for this device.'}
      />
    </>
  );
}
