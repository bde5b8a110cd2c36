// /software: the catalogue of every title seen on any device, with how many devices have it and
// which versions are out there. Search, sort and page are URL parameters.
import { Anchor, Badge, Group, Popover, Text, VisuallyHidden } from '@mantine/core';
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

// a long version wraps inside its badge in the popover rather than ending in "…" (in the table a
// badge is as wide as its text, a11y.css)
const WRAPPING_BADGE = { root: { height: 'auto', minHeight: 'var(--badge-height)' }, label: { whiteSpace: 'normal', overflowWrap: 'anywhere' } } as const;

/**
 * The versions in use, newest first, as badges: a wide spread is what a technician looks for.
 * The rest open from "+N more", a button: in a tooltip they reached a mouse only (a keyboard
 * cannot hover, a touch screen does not).
 */
export function VersionSpread({ title }: { title: Pick<Title, 'id' | 'name' | 'versions' | 'versionCount'> }) {
  const { versions, versionCount } = title;
  if (!versions.length) return <Text size="sm" c="dimmed">—</Text>;
  return (
    <Group gap={4}>
      <Text size="xs" c="dimmed" mr={4}>
        {formatCount(versionCount)} {versionCount === 1 ? 'version' : 'versions'}
      </Text>
      {versions.slice(0, SHOWN_VERSIONS).map((v) => (
        <Badge key={v} size="sm" variant="light" color="gray" style={{ textTransform: 'none' }}>
          {v || '(none)'}
        </Badge>
      ))}
      {versionCount > SHOWN_VERSIONS && <MoreVersions title={title} />}
    </Group>
  );
}

/**
 * "+N more": a button that opens on a click, a tap, Enter or Space, and lists the versions past
 * the badges; Escape closes it. The list takes the focus (it scrolls with the arrow keys when long).
 * The catalogue lists a title's newest 50 versions; the title's page has the rest.
 */
function MoreVersions({ title }: { title: Pick<Title, 'id' | 'name' | 'versions' | 'versionCount'> }) {
  const rest = title.versions.slice(SHOWN_VERSIONS);
  const unlisted = title.versionCount - title.versions.length;
  return (
    <Popover position="bottom-start" width={360} shadow="md" trapFocus returnFocus>
      <Popover.Target>
        <Anchor component="button" type="button" size="xs">
          +{formatCount(title.versionCount - SHOWN_VERSIONS)} more
          <VisuallyHidden> versions of {title.name}</VisuallyHidden>
        </Anchor>
      </Popover.Target>
      <Popover.Dropdown>
        <Group component="ul" gap={4} m={0} p={0} mah={240} tabIndex={0} aria-label={`More versions of ${title.name}`} style={{ listStyle: 'none', overflowY: 'auto' }}>
          {rest.map((v) => (
            <li key={v}>
              <Badge size="sm" variant="light" color="gray" maw={320} style={{ textTransform: 'none' }} styles={WRAPPING_BADGE}>
                {v || '(none)'}
              </Badge>
            </li>
          ))}
        </Group>
        {unlisted > 0 && (
          <Text size="xs" mt="xs">
            and {formatCount(unlisted)} older:{' '}
            <Anchor component={Link} to={`/software/${title.id}`} size="xs">
              every version, with its devices
            </Anchor>
          </Text>
        )}
      </Popover.Dropdown>
    </Popover>
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
    { key: 'versions', label: 'Versions in use', render: (t) => <VersionSpread title={t} /> },
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
        onPage={(p, o) => update({ page: p === 1 ? undefined : p }, o)}
        onLimit={(l) => update({ limit: l === 50 ? undefined : l, page: undefined })}
        loading={list.isFetching}
        empty={v.q ? `No software title matches “${v.q}”.` : 'No software recorded yet: SSH collections and agent reports list installed software.'}
      />
    </>
  );
}
