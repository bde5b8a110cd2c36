// /jobs/:id — one job, live: status and per-status counts from the server's event stream, every
// target of a run with its status, reason, exit code and attempts (refreshed as the stream
// reports changes), its runs, and each target's log. Technicians pause, resume and cancel (after
// a confirmation). ?tab=targets|runs, ?run=, ?status=, ?page= and ?log=<deviceId> are in the URL.
import { useEffect, useState } from 'react';
import { Anchor, Badge, Breadcrumbs, Button, Card, Checkbox, Chip, Code, Group, Progress, SimpleGrid, Stack, Tabs, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconFileText, IconPencil, IconPlayerPause, IconPlayerPlay, IconRefresh } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, Schemas, unwrap } from '../../api/client';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Column, DataTable } from '../../components/DataTable';
import { Detail } from '../../components/Detail';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { useCan } from '../../lib/auth';
import { formatCount, formatTime, skippedFiringsText } from '../../lib/format';
import { useSse } from '../../lib/sse';
import { pageOf, useUrlParams } from '../../lib/url-state';
import {
  COUNT_KEY, Counts, finishedOf, Job, JOB_STATUS_COLOR, KINDS, kindLabel, scheduleSummary, TARGET_COLOR, TARGET_LABEL, TARGET_STATUSES, TargetStatus, targetSummary, totalOf,
} from './job-labels';
import { LogViewer } from './LogViewer';
import { editHref } from './wizard-state';

type Target = Schemas['TargetView'];
type Run = Schemas['RunView'];

export default function JobPage() {
  const rawId = useParams().id;
  const id = Number(rawId);
  const valid = Number.isInteger(id) && id > 0;
  const [params, setParams] = useUrlParams();
  const canRun = useCan('technician');
  const qc = useQueryClient();
  const tab = params.tab === 'runs' ? 'runs' : 'targets';

  const detail = useQuery({
    queryKey: ['jobs', id, 'detail'],
    queryFn: () => unwrap(api.GET('/api/jobs/{id}', { params: { path: { id } } })),
    enabled: valid,
    // the stream ends when the job does, but a cancelled job's running targets still stop after it
    refetchInterval: (q) => {
      const d = q.state.data;
      return d && (d.status === 'completed' || d.status === 'cancelled') && d.counts.running + d.counts.queued > 0 ? 2000 : false;
    },
  });
  const [liveAt, setLiveAt] = useState(0);
  // a run started from this page opens the stream again: it ended with the job's last run
  const [startedRun, setStartedRun] = useState<number>();
  const live = useSse<Job>(valid && detail.data ? `/api/jobs/${id}/events` : undefined, () => setLiveAt(Date.now()), startedRun);
  // whichever is newer: the last event, or the last fetch of the job
  const job: Job | undefined = live.data && liveAt >= detail.dataUpdatedAt ? live.data : detail.data ?? live.data;
  // each change the stream reports: fetch the targets, runs and details again
  const liveKey = live.data ? JSON.stringify([live.data.status, live.data.runId, live.data.counts]) : '';
  useEffect(() => {
    if (liveKey) void qc.invalidateQueries({ queryKey: ['jobs', id] });
  }, [liveKey, id, qc]);

  const act = useMutation({
    mutationFn: async (what: 'pause' | 'resume' | 'run' | 'retry') => {
      if (what === 'run' || what === 'retry') {
        const body = what === 'retry' ? { only: 'failed' as const } : {};
        setStartedRun((await unwrap(api.POST('/api/jobs/{id}/run', { params: { path: { id } }, body }))).runId ?? undefined);
      } else if (what === 'pause') await unwrap(api.POST('/api/jobs/{id}/pause', { params: { path: { id } } }));
      else await unwrap(api.POST('/api/jobs/{id}/resume', { params: { path: { id } } }));
    },
    onSuccess: (_v, what) => {
      const said = {
        pause: ['Job paused', 'Running targets finish; no new one starts.'],
        resume: ['Job resumed', 'Queued targets start again.'],
        run: ['Run started', 'Its targets were resolved again and start now.'],
        retry: ['Retry started', 'The failed and missed targets start again.'],
      }[what];
      notifications.show({ title: said[0], message: said[1] });
      void qc.invalidateQueries({ queryKey: ['jobs'] });
    },
  });
  const [force, setForce] = useState(false);
  const kindInfo = KINDS.find((k) => k.value === job?.kind);
  const cancelRun = async () => {
    await unwrap(api.POST('/api/jobs/{id}/runs/{runId}/cancel', { params: { path: { id, runId: job!.runId! } } }));
    notifications.show({ color: 'orange', title: 'Run cancelled', message: `Run ${job!.runId} of ${job!.name || `job ${id}`}: queued targets cancelled; the schedule goes on.` });
    await qc.invalidateQueries({ queryKey: ['jobs'] });
  };
  /** a cancelled run's targets that its cancel let finish (package managers), stopped after all */
  const stopRunning = async () => {
    await unwrap(api.POST('/api/jobs/{id}/runs/{runId}/cancel', { params: { path: { id, runId: job!.runId! }, query: { force: 'true' } } }));
    notifications.show({ color: 'orange', title: 'Stopping running targets', message: `Run ${job!.runId} of ${job!.name || `job ${id}`}: its running targets are being stopped.` });
    await qc.invalidateQueries({ queryKey: ['jobs'] });
  };
  const cancel = async () => {
    const v = await unwrap(api.POST('/api/jobs/{id}/cancel', { params: { path: { id }, query: force ? { force: 'true' } : {} } }));
    notifications.show({ color: 'orange', title: 'Job cancelled', message: `${v.name || `Job ${id}`}: no further runs; queued targets cancelled.` });
    await qc.invalidateQueries({ queryKey: ['jobs'] });
  };

  if (!valid) return <ErrorAlert error={new Error(`"${rawId}" is not a job number.`)} title="Not found" />;
  if (detail.error && !job) return (<><PageHeader title={`Job ${id}`} /><ErrorAlert error={detail.error} /></>);
  if (!job) return <PageHeader title={`Job ${id}`} subtitle="Loading…" />;

  const total = totalOf(job.counts);
  const done = finishedOf(job.counts);
  const active = job.status === 'running' || job.status === 'paused' || job.status === 'scheduled';
  const skipped = skippedFiringsText(job.skippedFirings, 'run', 'this run');
  /** the latest run's targets that a retry runs again */
  const unfinished = job.counts.failed + job.counts.missed;
  /** no run under way and not cancelled: it may run now, be retried or be edited */
  const idle = job.status === 'scheduled' || job.status === 'completed';

  return (
    <>
      <Breadcrumbs mb="xs">
        <Anchor component={Link} to="/jobs" size="sm">
          Jobs
        </Anchor>
        <Text size="sm">Job {id}</Text>
      </Breadcrumbs>
      <PageHeader
        title={
          <Group gap="sm">
            <span>{job.name || `Job ${id}`}</span>
            <Badge color={JOB_STATUS_COLOR[job.status]} size="lg" variant="light" role="status" aria-label={`Status: ${job.status}`}>
              {job.status}
            </Badge>
          </Group>
        }
        subtitle={`${kindLabel(job.kind)} · created by ${job.createdBy ?? 'unknown'} ${formatTime(job.createdAt)}`}
        actions={
          canRun && (
            <>
              {/* outside the schedule: a recurring job now, a one-off job again */}
              {idle && (
                <Button variant="default" leftSection={<IconPlayerPlay size={16} />} loading={act.isPending && act.variables === 'run'} onClick={() => act.mutate('run')}>
                  {job.runId && !job.schedule.cron ? 'Run again' : 'Run now'}
                </Button>
              )}
              {/* for its next runs: a run under way reads the job's settings */}
              {idle && (
                <Button variant="default" leftSection={<IconPencil size={16} />} component={Link} to={editHref(job)}>
                  Edit
                </Button>
              )}
              {idle && unfinished > 0 && (
                <Button variant="default" leftSection={<IconRefresh size={16} />} loading={act.isPending && act.variables === 'retry'} onClick={() => act.mutate('retry')}>
                  Retry failed ({formatCount(unfinished)})
                </Button>
              )}
              {job.status === 'running' && (
                <Button variant="default" leftSection={<IconPlayerPause size={16} />} loading={act.isPending} onClick={() => act.mutate('pause')}>
                  Pause
                </Button>
              )}
              {job.status === 'paused' && (
                <Button variant="default" leftSection={<IconPlayerPlay size={16} />} loading={act.isPending} onClick={() => act.mutate('resume')}>
                  Resume
                </Button>
              )}
              {/* a recurring job's run alone: the schedule goes on */}
              {job.schedule.cron && job.runId && (job.status === 'running' || job.status === 'paused') && (
                <ConfirmButton
                  title={`Cancel run ${job.runId} only?`}
                  message={
                    <Text size="sm">
                      Its queued targets are cancelled and running ones finish; the schedule goes on{job.nextRunAt ? ` (next run ${formatTime(job.nextRunAt, { zone: true })})` : ''}.
                    </Text>
                  }
                  confirmLabel="Cancel this run"
                  onConfirm={cancelRun}
                >
                  Cancel this run
                </ConfirmButton>
              )}
              {/* a cancel lets running package managers finish: stopping them is asked for apart */}
              {job.status === 'cancelled' && job.runId && job.counts.running > 0 && (
                <ConfirmButton
                  title={`Stop the running targets of run ${job.runId}?`}
                  message={
                    <Text size="sm">
                      The cancel let {formatCount(job.counts.running)} running {job.counts.running === 1 ? 'target' : 'targets'} finish what {job.counts.running === 1 ? 'it' : 'they'} started. Stopping now may leave a half-done install.
                    </Text>
                  }
                  confirmLabel="Stop them"
                  onConfirm={stopRunning}
                >
                  Stop running targets
                </ConfirmButton>
              )}
              {active && (
                <ConfirmButton
                  title={`Cancel ${job.name ? `"${job.name}"` : `job ${id}`}?`}
                  message={
                    <Stack gap="xs">
                      <Text size="sm">
                        No further runs start{job.schedule.cron ? ' (its schedule ends)' : ''}; queued targets are cancelled.{' '}
                        {kindInfo?.stopsOnCancel === false ? 'Running package managers finish what they started.' : 'Running commands are stopped.'}
                      </Text>
                      {kindInfo?.stopsOnCancel === false && (
                        <Checkbox label="Also stop running package managers (may leave a half-done install)" checked={force} onChange={(e) => setForce(e.currentTarget.checked)} />
                      )}
                    </Stack>
                  }
                  confirmLabel="Cancel the job"
                  onConfirm={cancel}
                >
                  Cancel job
                </ConfirmButton>
              )}
            </>
          )
        }
      />
      <ErrorAlert error={act.error} title="The job did not change" />
      {live.interrupted && !live.done && job.status === 'running' && (
        <Text c="orange" size="sm" mb="xs" role="status">
          Live updates interrupted; reconnecting…
        </Text>
      )}
      <Card withBorder padding="sm" mb="md">
        <Stack gap={6}>
          <Group justify="space-between">
            <Text size="sm" role="status" aria-live="polite" data-testid="job-progress">
              {job.runId ? `${formatCount(done)} of ${formatCount(total)} targets finished · ${job.counts.succeeded} succeeded · ${job.counts.skipped} skipped · ${job.counts.failed} failed` : job.nextRunAt ? `Not run yet: first run ${formatTime(job.nextRunAt, { zone: true })}` : 'Not run yet'}
            </Text>
            {job.nextRunAt && job.runId && (
              <Text size="sm" c="dimmed">
                next run {formatTime(job.nextRunAt, { zone: true })}
                {(job.status === 'running' || job.status === 'paused') && ' (skipped if this run is still under way)'}
              </Text>
            )}
          </Group>
          {/* the schedule fired while this run was still under way: those firings started no run */}
          {skipped && <Text size="sm" c="orange">{skipped}</Text>}
          <Progress.Root size="lg" role="group" aria-label="Job progress">
            {TARGET_STATUSES.filter((s) => s !== 'queued').map((s) => {
              const n = job.counts[COUNT_KEY[s]];
              return n ? <Progress.Section key={s} value={(100 * n) / Math.max(1, total)} color={TARGET_COLOR[s]} animated={s === 'running'} title={`${TARGET_LABEL[s]}: ${n}`} aria-label={`${TARGET_LABEL[s]}: ${n}`} /> : null;
            })}
          </Progress.Root>
        </Stack>
      </Card>
      <JobDetails job={job} />
      <Tabs value={tab} onChange={(v) => setParams({ tab: v === 'targets' ? undefined : v })} mt="md">
        <Tabs.List mb="sm">
          <Tabs.Tab value="targets">Targets</Tabs.Tab>
          <Tabs.Tab value="runs">Runs</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="targets">
          <TargetsTab job={job} />
        </Tabs.Panel>
        <Tabs.Panel value="runs">{tab === 'runs' && <RunsTab job={job} />}</Tabs.Panel>
      </Tabs>
    </>
  );
}

function JobDetails({ job }: { job: Job }) {
  const windows = useQuery({
    queryKey: ['windows', 'picker'],
    queryFn: () => unwrap(api.GET('/api/windows', { params: { query: { limit: 500, sort: 'name' } } })),
    staleTime: 60_000,
    enabled: job.windowIds.length > 0,
  });
  const p = job.params;
  let what: React.ReactNode = <Text size="sm">{kindLabel(job.kind)}</Text>;
  if (job.kind.startsWith('software.')) {
    const pk = Array.isArray(p.packages) ? (p.packages as string[]) : [];
    what = (
      <Text size="sm">
        {pk.length ? pk.join(', ') : 'every pending update'}
        {p.manager ? ` with ${String(p.manager)}` : ''}
        {p.reboot && p.reboot !== 'never' ? `; reboot ${String(p.reboot)}` : ''}
      </Text>
    );
  } else if (job.kind === 'command') {
    const env = p.parameters && typeof p.parameters === 'object' ? Object.entries(p.parameters as Record<string, unknown>) : [];
    what = (
      <>
        <Code block>{String(p.script ?? '')}</Code>
        <Text size="xs" c="dimmed">
          {String(p.shell ?? 'sh')}
          {p.sudo ? ', as root' : ''}
          {p.timeoutSec ? `, time limit ${String(p.timeoutSec)} s` : ''}
          {env.length ? `; parameters ${env.map(([k]) => k).join(', ')}` : ''}
        </Text>
      </>
    );
  } else if (job.kind === 'config.push' && Array.isArray(p.lines)) {
    // the lines as they are typed on the device, one a line (as JSON they were escaped and quoted)
    what = (
      <>
        <Code block>{(p.lines as unknown[]).map(String).join('\n')}</Code>
        {p.baselineId ? <Text size="xs" c="dimmed">from baseline {String(p.baselineId)}</Text> : null}
      </>
    );
  } else if (Object.keys(p).length) {
    what = <Code block>{JSON.stringify(p, null, 2)}</Code>;
  }
  const windowNames = job.windowIds.map((w) => windows.data?.items.find((x) => x.id === w)?.name ?? `window ${w}`);
  return (
    <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm">
      <Detail label={kindLabel(job.kind)}>{what}</Detail>
      <Detail label="Targets">
        <Text size="sm">{targetSummary(job.target)}</Text>
      </Detail>
      <Detail label="When">
        <Text size="sm">{scheduleSummary(job)}</Text>
        <Text size="xs" c="dimmed">
          {windowNames.length ? `inside ${windowNames.join(', ')}` : 'any time'}
          {job.deadlineMinutes ? `; missed after ${job.deadlineMinutes} min` : ''}
          {job.deadline ? `; deadline ${formatTime(job.deadline, { zone: true })}` : ''}
        </Text>
      </Detail>
      <Detail label="How">
        <Text size="sm">
          {job.concurrency} at once · {job.retries} retries ({job.retryDelaySec} s, doubling)
        </Text>
        <Text size="xs" c="dimmed">
          {job.credentialId ? `SSH credential ${job.credentialId}` : 'each device’s own SSH credential'}
        </Text>
      </Detail>
    </SimpleGrid>
  );
}

function TargetsTab({ job }: { job: Job }) {
  const [params, setParams] = useUrlParams();
  const { page, limit } = pageOf(params, 100);
  const runId = Number(params.run) || job.runId || undefined;
  const status = TARGET_STATUSES.includes(params.status as TargetStatus) ? (params.status as TargetStatus) : undefined;
  const isLatest = runId === job.runId;
  const targets = useQuery({
    queryKey: ['jobs', job.id, 'targets', { runId, status, page, limit }],
    queryFn: () => unwrap(api.GET('/api/jobs/{id}/runs/{runId}/targets', { params: { path: { id: job.id, runId: runId! }, query: { status, page, limit } } })),
    enabled: runId !== undefined,
    placeholderData: (prev) => prev,
    // targets still moving are fetched again even when no event says so (after the stream ended)
    refetchInterval: (q) => (q.state.data?.items.some((t) => ['queued', 'running', 'waiting-for-window'].includes(t.status)) ? 3000 : false),
  });
  const run = useQuery({
    queryKey: ['jobs', job.id, 'run', runId],
    queryFn: () => unwrap(api.GET('/api/jobs/{id}/runs/{runId}', { params: { path: { id: job.id, runId: runId! } } })),
    enabled: runId !== undefined && !isLatest,
  });
  const counts: Counts | undefined = isLatest ? job.counts : run.data?.counts;
  const logDevice = params.log ? Number(params.log) : undefined;
  const logTarget = targets.data?.items.find((t) => t.deviceId === logDevice);

  if (!runId) {
    return (
      <Text c="dimmed" size="sm" py="md">
        {job.nextRunAt ? `This job has not run yet. Its first run starts ${formatTime(job.nextRunAt, { zone: true })}.` : 'This job has not run yet.'}
      </Text>
    );
  }

  const columns: Column<Target>[] = [
    {
      key: 'device', label: 'Device',
      // a device merged away since: its link leads to the device it was merged into. A long
      // hostname (up to 255 characters) wraps: unbroken, it pushed Status, Reason and Log off screen
      render: (t) =>
        t.mergedInto ? (
          <span style={{ overflowWrap: 'anywhere' }}>
            {t.hostname || `device #${t.deviceId}`}{' '}
            <Text span size="xs" c="dimmed">
              (merged into <Link to={`/devices/${t.mergedInto}`}>device #{t.mergedInto}</Link>)
            </Text>
          </span>
        ) : (
          <Link to={`/devices/${t.deviceId}`} style={{ overflowWrap: 'anywhere' }}>{t.hostname || `device ${t.deviceId}`}</Link>
        ),
    },
    { key: 'status', label: 'Status', render: (t) => <Badge color={TARGET_COLOR[t.status]} variant="light">{TARGET_LABEL[t.status]}</Badge>, width: 150 },
    { key: 'reason', label: 'Reason', render: (t) => <Text size="sm" style={{ wordBreak: 'break-word' }}>{t.reason ?? '—'}</Text> },
    { key: 'exit', label: 'Exit code', render: (t) => (t.exitCode ?? '—'), width: 80 },
    { key: 'attempts', label: 'Attempts', render: (t) => t.attempts, width: 80 },
    { key: 'started', label: 'Started', render: (t) => formatTime(t.startedAt) },
    { key: 'finished', label: 'Finished', render: (t) => (t.finishedAt ? formatTime(t.finishedAt) : t.nextAttemptAt ? `next try ${formatTime(t.nextAttemptAt)}` : '—') },
    {
      key: 'log', label: 'Log', width: 80,
      render: (t) => (
        <Button size="compact-xs" variant="light" leftSection={<IconFileText size={12} />} onClick={() => setParams({ log: t.deviceId })} aria-label={`Log of ${t.hostname || `device ${t.deviceId}`}`}>
          Log
        </Button>
      ),
    },
  ];
  return (
    <>
      <Group justify="space-between" mb="xs">
        <Chip.Group>
          <Group gap="xs" role="group" aria-label="Filter targets by status">
            <Chip size="xs" checked={!status} onChange={() => setParams({ status: undefined, page: undefined })}>
              All {counts ? formatCount(totalOf(counts)) : ''}
            </Chip>
            {TARGET_STATUSES.filter((s) => !counts || counts[COUNT_KEY[s]] > 0 || s === status).map((s) => (
              <Chip key={s} size="xs" color={TARGET_COLOR[s]} checked={status === s} onChange={() => setParams({ status: status === s ? undefined : s, page: undefined })}>
                {TARGET_LABEL[s]} {counts ? formatCount(counts[COUNT_KEY[s]]) : ''}
              </Chip>
            ))}
          </Group>
        </Chip.Group>
        <Text size="sm" c="dimmed">
          {isLatest ? `Latest run (${runId})` : `Run ${runId}`}
          {!isLatest && (
            <>
              {' · '}
              <Anchor component="button" type="button" size="sm" onClick={() => setParams({ run: undefined, page: undefined })}>
                show the latest
              </Anchor>
            </>
          )}
        </Text>
      </Group>
      <ErrorAlert error={targets.error} />
      <DataTable
        label="Targets"
        columns={columns}
        rows={targets.data?.items}
        rowKey={(t) => t.deviceId}
        total={targets.data?.total}
        page={page}
        limit={limit}
        onPage={(p, o) => setParams({ page: p }, o)}
        onLimit={(l) => setParams({ limit: l, page: undefined })}
        loading={targets.isPending}
        empty={status ? `No target is ${TARGET_LABEL[status].toLowerCase()}.` : 'This run has no targets: nothing matched its selector when it started.'}
      />
      <LogViewer
        jobId={job.id}
        runId={logDevice !== undefined ? runId : undefined}
        deviceId={logDevice}
        name={logTarget?.hostname || `device ${logDevice}`}
        onClose={() => setParams({ log: undefined })}
      />
    </>
  );
}

function RunsTab({ job }: { job: Job }) {
  const [params, setParams] = useUrlParams();
  const rpage = Math.max(1, Number(params.rpage) || 1);
  const runs = useQuery({
    queryKey: ['jobs', job.id, 'runs', rpage],
    queryFn: () => unwrap(api.GET('/api/jobs/{id}/runs', { params: { path: { id: job.id }, query: { page: rpage, limit: 25 } } })),
  });
  const columns: Column<Run>[] = [
    {
      key: 'id', label: 'Run',
      render: (r) => (
        <Anchor component="button" type="button" size="sm" onClick={() => setParams({ tab: undefined, run: r.id === job.runId ? undefined : r.id, status: undefined, page: undefined })}>
          Run {r.id}
        </Anchor>
      ),
    },
    {
      key: 'trigger', label: 'Trigger',
      render: (r) => (
        <Stack gap={0}>
          <Text size="sm">{r.trigger}</Text>
          {r.skippedFirings > 0 && <Text size="xs" c="orange">{skippedFiringsText(r.skippedFirings, 'run')}</Text>}
        </Stack>
      ),
    },
    { key: 'status', label: 'Status', render: (r) => <Badge variant="light" color={r.status === 'completed' ? 'green' : r.status === 'cancelled' ? 'orange' : r.status === 'paused' ? 'yellow' : 'blue'}>{r.status}</Badge> },
    { key: 'targets', label: 'Targets', render: (r) => `${finishedOf(r.counts)}/${r.total} finished · ${r.counts.succeeded} ok · ${r.counts.failed} failed` },
    { key: 'fired', label: 'Fired', render: (r) => formatTime(r.firedAt) },
    { key: 'finished', label: 'Finished', render: (r) => formatTime(r.finishedAt) },
    { key: 'by', label: 'By', render: (r) => r.createdBy ?? '—' },
  ];
  return (
    <>
      <ErrorAlert error={runs.error} />
      <DataTable
        label="Runs"
        columns={columns}
        rows={runs.data?.items}
        rowKey={(r) => r.id}
        total={runs.data?.total}
        page={rpage}
        limit={25}
        onPage={(p, o) => setParams({ rpage: p }, o)}
        loading={runs.isPending}
        empty="No runs yet."
      />
    </>
  );
}
