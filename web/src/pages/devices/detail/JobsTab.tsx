// The jobs whose runs targeted this device (GET /api/jobs?deviceId=), newest first, each linking
// to its page; its page and page size are URL parameters of their own (jpage, jlimit).
import { Anchor, Badge, Text } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../../../api/client';
import { Column, DataTable } from '../../../components/DataTable';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { When } from '../../../components/When';
import { pageOf, useUrlParams } from '../../../lib/url-state';
import { Job, JOB_STATUS_COLOR, kindLabel, paramsSummary } from '../../jobs/job-labels';

export function JobsTab({ deviceId }: { deviceId: number }) {
  const [v, update] = useUrlParams();
  const { page, limit } = pageOf({ page: v.jpage, limit: v.jlimit } as Record<string, string>, 25);
  const query = { deviceId, page, limit };
  const list = useQuery({
    queryKey: ['jobs', 'device', query],
    queryFn: () => unwrap(api.GET('/api/jobs', { params: { query } })),
    placeholderData: keepPreviousData,
    // a job that is still going changes status while one looks at it
    refetchInterval: (q) => (q.state.data?.items.some((j) => j.status === 'running') ? 5000 : false),
  });
  const columns: Column<Job>[] = [
    {
      key: 'name', label: 'Job',
      render: (j) => (
        <div>
          <Anchor component={Link} to={`/jobs/${j.id}`} style={{ overflowWrap: 'anywhere' }}>
            {j.name || `Job ${j.id}`}
          </Anchor>
          <Text size="xs" c="dimmed" lineClamp={1}>
            {paramsSummary(j.kind, j.params)}
          </Text>
        </div>
      ),
    },
    { key: 'kind', label: 'Kind', render: (j) => <Text size="sm">{kindLabel(j.kind)}</Text> },
    { key: 'status', label: 'Status', render: (j) => <Badge color={JOB_STATUS_COLOR[j.status]} variant="light">{j.status}</Badge> },
    { key: 'by', label: 'Created by', render: (j) => j.createdBy ?? '—' },
    {
      key: 'created', label: 'Created',
      render: (j) => <When at={j.createdAt} />,
    },
  ];
  return (
    <>
      <ErrorAlert error={list.error} />
      <DataTable<Job>
        label="Jobs that targeted this device"
        columns={columns}
        rows={list.data?.items}
        rowKey={(j) => j.id}
        total={list.data?.total}
        page={page}
        limit={limit}
        onPage={(p, o) => update({ jpage: p === 1 ? undefined : p }, o)}
        onLimit={(l) => update({ jlimit: l === 25 ? undefined : l, jpage: undefined })}
        loading={list.isFetching}
        empty="No job has targeted this device yet."
      />
    </>
  );
}
