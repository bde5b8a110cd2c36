// /jobs: every job with its latest run's progress. Filters (?kind=, ?state=active|cancelled,
// ?status=running|paused, ?q=, ?scheduled=true|false) and the page live in the URL; the list refreshes while a job runs.
import { Badge, Button, Group, Progress, Select, Text, TextInput } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { Column, DataTable } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { When } from '../../components/When';
import { useCan } from '../../lib/auth';
import { formatCount, formatTime } from '../../lib/format';
import { pageOf, useUrlParams } from '../../lib/url-state';
import { finishedOf, Job, JOB_STATUS_COLOR, KINDS, kindLabel, paramsSummary, scheduleSummary, totalOf } from './job-labels';

const KIND_FILTER = [...KINDS.map((k) => ({ value: k.value, label: k.label })), { value: 'config.push', label: kindLabel('config.push') }];

export default function JobsPage() {
  const [params, setParams] = useUrlParams();
  const canRun = useCan('technician');
  const { page, limit } = pageOf(params, 50);
  const kind = params.kind || undefined;
  const state = params.state === 'active' || params.state === 'cancelled' ? params.state : undefined;
  const scheduled = params.scheduled === 'true' || params.scheduled === 'false' ? params.scheduled : undefined;
  const status = params.status === 'running' || params.status === 'paused' ? params.status : undefined;
  const q = params.q ?? '';
  const jobs = useQuery({
    queryKey: ['jobs', { page, limit, kind, state, status, scheduled, q }],
    queryFn: () => unwrap(api.GET('/api/jobs', { params: { query: { page, limit, kind, state, status, scheduled, q: q || undefined } } })),
    refetchInterval: (qq) => (qq.state.data?.items.some((j) => j.status === 'running') ? 3000 : false),
    placeholderData: (prev) => prev,
  });
  const filtered = Boolean(kind || state || status || scheduled || q);
  /** A list filter kept in the URL parameter of that name; a new value starts again at page 1. */
  const pick = (param: string, label: string, w: number, placeholder: string, data: Array<{ value: string; label: string }>, value: string | undefined) => (
    <Select label={label} size="xs" w={w} placeholder={placeholder} data={data} value={value ?? null} onChange={(v) => setParams({ [param]: v ?? undefined, page: undefined })} clearable />
  );

  const columns: Column<Job>[] = [
    {
      key: 'name', label: 'Job',
      render: (j) => (
        <div>
          <Link to={`/jobs/${j.id}`}>{j.name || `Job ${j.id}`}</Link>
          <Text size="xs" c="dimmed" lineClamp={1}>
            {paramsSummary(j.kind, j.params)}
          </Text>
        </div>
      ),
    },
    { key: 'kind', label: 'Kind', render: (j) => <Text size="sm">{kindLabel(j.kind)}</Text> },
    { key: 'status', label: 'Status', render: (j) => <Badge color={JOB_STATUS_COLOR[j.status]} variant="light">{j.status}</Badge> },
    {
      key: 'progress', label: 'Targets', width: 200,
      render: (j) => {
        const total = totalOf(j.counts);
        const done = finishedOf(j.counts);
        return total ? (
          <Group gap="xs" wrap="nowrap">
            <Progress.Root w={80} role="group" aria-label={`Job ${j.id}: ${done} of ${total} targets finished`}>
              <Progress.Section value={(100 * (j.counts.succeeded + j.counts.skipped)) / total} color="green" aria-label="Succeeded or skipped" />
              <Progress.Section value={(100 * (j.counts.failed + j.counts.missed)) / total} color="red" aria-label="Failed or missed" />
              <Progress.Section value={(100 * j.counts.cancelled) / total} color="orange" aria-label="Cancelled" />
            </Progress.Root>
            <Text size="xs">
              {formatCount(done)}/{formatCount(total)}
              {j.counts.failed ? <Text span c="red" size="xs">{` · ${j.counts.failed} failed`}</Text> : null}
            </Text>
          </Group>
        ) : (
          <Text size="xs" c="dimmed">not run yet</Text>
        );
      },
    },
    { key: 'when', label: 'When', render: (j) => <Text size="sm">{scheduleSummary(j)}</Text> },
    { key: 'next', label: 'Next run', render: (j) => formatTime(j.nextRunAt, { zone: true }) },
    { key: 'by', label: 'Created by', render: (j) => j.createdBy ?? '—' },
    { key: 'created', label: 'Created', render: (j) => <When at={j.createdAt} /> },
  ];

  return (
    <>
      <PageHeader
        title="Jobs"
        subtitle="Installs, patches, commands and backups across devices, with per-target results."
        actions={
          canRun && (
            <Button component={Link} to="/jobs/new" leftSection={<IconPlus size={16} />}>
              New job
            </Button>
          )
        }
      />
      <Group mb="sm" align="flex-end" gap="sm">
        <TextInput
          key={q}
          label="Name contains"
          size="xs"
          w={200}
          defaultValue={q}
          onKeyDown={(e) => e.key === 'Enter' && setParams({ q: e.currentTarget.value.trim(), page: undefined })}
          onBlur={(e) => e.currentTarget.value.trim() !== q && setParams({ q: e.currentTarget.value.trim(), page: undefined })}
        />
        {pick('kind', 'Kind', 200, 'Any kind', KIND_FILTER, kind)}
        {pick('state', 'State', 140, 'Any state', [{ value: 'active', label: 'Active' }, { value: 'cancelled', label: 'Cancelled' }], state)}
        {pick('status', 'Run', 150, 'Any', [{ value: 'running', label: 'Running now' }, { value: 'paused', label: 'Paused' }], status)}
        {pick('scheduled', 'Schedule', 160, 'Any', [{ value: 'true', label: 'Recurring (cron)' }, { value: 'false', label: 'One-off' }], scheduled)}
        {filtered && (
          <Button size="xs" variant="subtle" onClick={() => setParams({ q: undefined, kind: undefined, state: undefined, status: undefined, scheduled: undefined, page: undefined })}>
            Clear filters
          </Button>
        )}
      </Group>
      <ErrorAlert error={jobs.error} />
      <DataTable
        label="Jobs"
        columns={columns}
        rows={jobs.data?.items}
        rowKey={(j) => j.id}
        total={jobs.data?.total}
        page={page}
        limit={limit}
        onPage={(p, o) => setParams({ page: p }, o)}
        onLimit={(l) => setParams({ limit: l, page: undefined })}
        loading={jobs.isPending}
        empty={filtered ? 'No job matches these filters.' : canRun ? 'No jobs yet. Create one with "New job".' : 'No jobs yet.'}
      />
    </>
  );
}
