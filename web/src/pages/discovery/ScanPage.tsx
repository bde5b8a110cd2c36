// /discovery/scans/:id — one scan, live: progress from the server's event stream (done, total,
// found, a bar and about how long it has left), what each address answered (identified, no response, auth failed, refused,
// error, excluded, with the reason and the device it became, new or changed), cancel, and once it
// ended a new scan of the same targets (a saved range's firing that was refused points at the
// range instead). A completed scan lists the devices the previous scan of its
// range found and it did not. ?status= or ?change= filters the results, ?page= and ?gonePage= page.
import { useEffect, useId } from 'react';
import { Anchor, Badge, Breadcrumbs, Button, Card, Chip, Group, Progress, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDownload, IconPencil, IconRefresh } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { api, downloadUrl, Schemas, unwrap } from '../../api/client';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Column, DataTable } from '../../components/DataTable';
import { Detail } from '../../components/Detail';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { useCan } from '../../lib/auth';
import { formatCount, formatDuration, formatTime, plural } from '../../lib/format';
import { useNow } from '../../lib/use-now';
import { useSse } from '../../lib/sse';
import { useUrlParams } from '../../lib/url-state';
import {
  CHANGE_COLOR, CHANGE_LABEL, DEVICE_CHANGES, DeviceChange, isActiveScan, RESULT_COLOR, RESULT_LABEL, RESULT_STATUSES, ResultStatus, SCAN_STATUS_COLOR, startedBy,
} from './scan-labels';

type Scan = Schemas['ScanView'];
type Result = Schemas['ScanResultView'];
type Gone = Schemas['GoneDeviceView'];

const PAGE_SIZE = 100;
const GONE_PAGE_SIZE = 20;

/**
 * " · about 9 min left" for a running scan, at the pace it has kept so far; nothing until it has
 * run 5 s and scanned an address, when a guess would be noise, nor in its last seconds.
 */
function timeLeft(startedAt: string, progress: { done: number; total: number } | undefined, now: number): string | null {
  const elapsed = now - Date.parse(startedAt);
  if (!progress || !progress.done || progress.done >= progress.total || !(elapsed >= 5000)) return null;
  const left = (elapsed * (progress.total - progress.done)) / progress.done;
  return left >= 5000 ? ` · about ${formatDuration(left)} left` : null;
}

export default function ScanPage() {
  const rawId = useParams().id;
  const id = Number(rawId);
  const [params, setParams] = useUrlParams();
  const canScan = useCan('technician');
  const qc = useQueryClient();
  const navigate = useNavigate();
  const status = RESULT_STATUSES.includes(params.status as ResultStatus) ? (params.status as ResultStatus) : undefined;
  const change = !status && DEVICE_CHANGES.includes(params.change as DeviceChange) ? (params.change as DeviceChange) : undefined;
  const page = Math.max(1, Number(params.page) || 1);
  const gonePage = Math.max(1, Number(params.gonePage) || 1);
  const valid = Number.isInteger(id) && id > 0;

  const detail = useQuery({
    queryKey: ['scans', id, { status, change, page }],
    queryFn: () =>
      unwrap(api.GET('/api/discovery/scans/{id}', { params: { path: { id }, query: { resultStatus: status, change, resultsOffset: (page - 1) * PAGE_SIZE, resultsLimit: PAGE_SIZE } } })),
    enabled: valid,
    placeholderData: (prev) => prev,
  });
  const live = useSse<Scan>(valid && detail.data ? `/api/discovery/scans/${id}/events` : undefined);
  const scan: Scan | undefined = live.data ?? detail.data;
  // every change the stream reports brings new per-address results: fetch the table again
  const liveKey = live.data ? JSON.stringify([live.data.status, live.data.progress]) : '';
  useEffect(() => {
    if (liveKey) void qc.invalidateQueries({ queryKey: ['scans', id] });
  }, [liveKey, id, qc]);

  const comparison = detail.data?.comparison;
  const gone = useQuery({
    queryKey: ['scans', id, 'gone', gonePage],
    queryFn: () => unwrap(api.GET('/api/discovery/scans/{id}/gone', { params: { path: { id }, query: { page: gonePage, limit: GONE_PAGE_SIZE } } })),
    enabled: valid && !!comparison?.gone,
    placeholderData: (prev) => prev,
  });

  // the server names a scan's credentials for every role (a viewer cannot list them) and says
  // which were deleted since
  const deletedOf = (s: Scan) => s.credentials.filter((c) => c.name === null).map((c) => c.id);
  const credName = (c: Scan['credentials'][number]) => (c.name === null ? `credential ${c.id} (deleted)` : `${c.name} (${c.kind})`);

  const cancel = async () => {
    const v = await unwrap(api.POST('/api/discovery/scans/{id}/cancel', { params: { path: { id } } }));
    notifications.show({ color: 'orange', title: 'Scan cancelled', message: `Scan ${id}: the addresses not finished are not scanned (${v.progress.done} of ${v.progress.total} done).` });
    await qc.invalidateQueries({ queryKey: ['scans'] });
  };

  // the same targets, exclusions, credentials and options, as a new scan; credentials deleted since
  // are left out (the server refuses a scan naming one), as a device's Rescan does, and it says so
  const again = useMutation({
    mutationFn: (s: Scan) => unwrap(api.POST('/api/discovery/scans', { body: { targets: s.targets, ...(s.exclude.length ? { exclude: s.exclude } : {}), credentialIds: s.credentialIds.filter((c) => !deletedOf(s).includes(c)), options: s.options } })),
    onSuccess: (created, s) => {
      const left = deletedOf(s);
      const without = left.length ? `, without ${left.map((c) => `credential ${c}`).join(', ')}, which ${left.length === 1 ? 'was' : 'were'} deleted` : '';
      notifications.show({ color: 'green', title: 'Scan started', message: `Scan ${created.id} repeats scan ${id}${without}.` });
      void qc.invalidateQueries({ queryKey: ['scans'] });
      navigate(`/discovery/scans/${created.id}`);
    },
  });

  const noCredsLeft = !!scan && deletedOf(scan).length === scan.credentialIds.length;
  const noCredsId = useId();
  // a saved range's firing that was refused (a name in its exclusions no longer resolves, a
  // credential deleted): the fault is in the range, and the same settings again are no remedy
  const neverStarted = !!scan && scan.status === 'failed' && scan.scheduleId !== null && scan.progress.total === 0;
  const neverStartedId = useId();
  const chipsId = useId();
  // a running scan's time left moves on between its progress events
  const now = useNow(isActiveScan(scan?.status) ? 1000 : null);

  if (!valid) return <ErrorAlert error={new Error(`"${rawId}" is not a scan number.`)} title="Not found" />;
  if (detail.error && !scan) return (<><PageHeader title={`Scan ${id}`} /><ErrorAlert error={detail.error} /></>);

  const progress = scan?.progress;
  const pct = progress && progress.total ? (100 * progress.done) / progress.total : 0;
  const active = isActiveScan(scan?.status);
  // a change filter lists every address of its devices: the server counts them
  const resultTotal = scan ? (status ? scan.counts[status] ?? 0 : change ? detail.data?.resultsTotal : scan.progress.done) : undefined;
  const filter = (next: { status?: ResultStatus; change?: DeviceChange }) => setParams({ status: next.status, change: next.change, page: undefined });

  const columns: Column<Result>[] = [
    { key: 'address', label: 'Address', render: (r) => <Text size="sm" ff="monospace">{r.address}</Text>, width: 150 },
    { key: 'status', label: 'Status', render: (r) => <Badge color={RESULT_COLOR[r.status]} variant="light">{RESULT_LABEL[r.status]}</Badge>, width: 120 },
    { key: 'reason', label: 'Reason', render: (r) => <Text size="sm">{r.reason ?? '—'}</Text> },
    { key: 'via', label: 'Via', render: (r) => r.via ?? '—', width: 90 },
    {
      key: 'device', label: 'Device', width: 200,
      render: (r) =>
        r.deviceId ? (
          <Group gap={6} wrap="nowrap">
            <Link to={`/devices/${r.deviceId}`}>{r.deviceName || `Device ${r.deviceId}`}</Link>
            {(r.change === 'new' || r.change === 'changed') && (
              <Badge size="xs" variant="light" color={CHANGE_COLOR[r.change]}>
                {r.change}
              </Badge>
            )}
          </Group>
        ) : '—',
    },
    { key: 'ms', label: 'Time', render: (r) => `${formatCount(r.durationMs)} ms`, width: 90 },
  ];

  const goneColumns: Column<Gone>[] = [
    { key: 'device', label: 'Device', render: (g) => <Link to={`/devices/${g.deviceId}`}>{g.deviceName || `Device ${g.deviceId}`}</Link>, width: 180 },
    {
      key: 'addresses', label: 'Address then → answer now',
      render: (g) => (
        <Stack gap={2}>
          {g.addresses.map((a) => (
            <Group key={a.address} gap={6} wrap="nowrap" align="baseline">
              <Text size="sm" ff="monospace">{a.address}</Text>
              {a.now ? (
                <>
                  <Badge size="xs" color={RESULT_COLOR[a.now.status]} variant="light">{RESULT_LABEL[a.now.status]}</Badge>
                  <Text size="xs" c="dimmed">{a.now.reason ?? ''}</Text>
                </>
              ) : <Text size="xs" c="dimmed">not scanned this time</Text>}
            </Group>
          ))}
        </Stack>
      ),
    },
    { key: 'status', label: 'Device status', render: (g) => g.deviceStatus, width: 110 },
    { key: 'seen', label: 'Last seen', render: (g) => formatTime(g.lastSeen), width: 170 },
  ];

  return (
    <>
      <Breadcrumbs mb="xs">
        <Anchor component={Link} to="/discovery" size="sm">
          Discovery
        </Anchor>
        <Text size="sm">Scan {id}</Text>
      </Breadcrumbs>
      <PageHeader
        title={
          <Group gap="sm">
            <span>Scan {id}</span>
            {scan && (
              <Badge color={SCAN_STATUS_COLOR[scan.status]} size="lg" variant="light" role="status" aria-label={`Status: ${scan.status}`}>
                {scan.status}
              </Badge>
            )}
          </Group>
        }
        subtitle={scan ? `Started by ${startedBy(scan)} ${formatTime(scan.createdAt)}` : undefined}
        actions={
          <Group gap="xs">
            <Button
              component="a"
              href={downloadUrl(`/api/discovery/scans/${id}/results.csv`, { resultStatus: status, change })}
              download
              variant="default"
              leftSection={<IconDownload size={16} />}
            >
              Export CSV
            </Button>
            {canScan && scan && (active ? (
              <ConfirmButton title={`Cancel scan ${id}?`} message="Addresses being probed now are abandoned with nothing stored, and the rest are not scanned. Devices already found are kept." confirmLabel="Cancel the scan" onConfirm={cancel}>
                Cancel scan
              </ConfirmButton>
            ) : (
              <>
                {neverStarted && scan.scheduleName && (
                  <Button component={Link} to={`/discovery?tab=ranges&form=range&edit=${scan.scheduleId}`} leftSection={<IconPencil size={16} />}>
                    Edit saved range
                  </Button>
                )}
                <Button
                  variant="default"
                  leftSection={<IconRefresh size={16} />}
                  loading={again.isPending}
                  onClick={() => again.mutate(scan)}
                  disabled={noCredsLeft || neverStarted}
                  aria-describedby={neverStarted ? neverStartedId : noCredsLeft ? noCredsId : undefined}
                >
                  Scan again
                </Button>
              </>
            ))}
          </Group>
        }
      />
      {live.interrupted && !live.done && active && (
        <Text c="orange" size="sm" mb="xs" role="status">
          Live updates interrupted; reconnecting…
        </Text>
      )}
      {scan?.error && <ErrorAlert error={new Error(scan.error)} title={neverStarted ? 'The scan never started' : 'The scan failed'} />}
      {neverStarted && (
        <Text size="sm" c="dimmed" mb="sm" id={neverStartedId}>
          {scan.scheduleName
            ? `Saved range "${scan.scheduleName}" was refused as it is saved, so this scan never started, and its next scans fail the same way until the range is edited. Scanning these settings again is no remedy: edit the range, then run it.`
            : 'Its saved range was refused as it was saved, so this scan never started; the range has been deleted since. Start a new scan with the targets and credentials to use.'}
        </Text>
      )}
      <ErrorAlert error={again.error} title="The scan was not started again" />
      <Card withBorder mb="md" padding="sm">
        <Stack gap={6}>
          <Group justify="space-between">
            <Text size="sm" role="status" aria-live="polite" data-testid="scan-progress">
              {progress ? `${formatCount(progress.done)} of ${formatCount(progress.total)} addresses scanned · ${formatCount(progress.found)} identified` : 'Loading…'}
            </Text>
            <Text size="sm" c="dimmed" data-testid="scan-timing">
              {scan?.finishedAt
                ? `finished ${formatTime(scan.finishedAt)}${scan.startedAt ? ` · took ${formatDuration(Date.parse(scan.finishedAt) - Date.parse(scan.startedAt))}` : ''}`
                : scan?.startedAt
                  ? `running since ${formatTime(scan.startedAt)}${timeLeft(scan.startedAt, progress, now) ?? ''}`
                  : active
                    ? 'waiting for a worker'
                    : ''}
            </Text>
          </Group>
          <Progress value={pct} size="lg" animated={active} color={scan?.status === 'completed' ? 'green' : scan?.status === 'cancelled' ? 'orange' : undefined} aria-label="Scan progress" />
          {/* each row of chips is one radio group: one tab stop, arrow keys pick (a ticked chip clicked again clears it) */}
          <Chip.Group multiple={false} value={status ?? (change ? null : 'all')} onChange={(v) => filter(v === 'all' ? {} : { status: v as ResultStatus })}>
            <Group gap="xs" mt={4} role="radiogroup" aria-label="Filter results by status">
              <Chip size="xs" value="all" name={`${chipsId}-status`}>
                All {progress ? formatCount(progress.done) : ''}
              </Chip>
              {/* "Excluded" only comes up where a host name resolved into the exclusions */}
              {RESULT_STATUSES.filter((s) => s !== 'excluded' || scan?.counts[s] || status === s).map((s) => (
                <Chip key={s} size="xs" color={RESULT_COLOR[s]} value={s} name={`${chipsId}-status`} onClick={() => status === s && filter({})}>
                  {RESULT_LABEL[s]} {formatCount(scan?.counts[s] ?? 0)}
                </Chip>
              ))}
            </Group>
          </Chip.Group>
          {(progress?.found ?? 0) > 0 && (
            <Chip.Group multiple={false} value={change ?? null} onChange={(v) => filter({ change: v as DeviceChange })}>
              <Group gap="xs">
                <Text size="xs" c="dimmed">Devices:</Text>
                <Group gap="xs" role="radiogroup" aria-label="Filter identified devices by what the scan changed">
                  {DEVICE_CHANGES.map((c) => (
                    <Chip key={c} size="xs" color={CHANGE_COLOR[c]} value={c} name={`${chipsId}-change`} onClick={() => change === c && filter({})}>
                      {CHANGE_LABEL[c]} {formatCount(scan?.devices[c] ?? 0)}
                    </Chip>
                  ))}
                </Group>
                {/* what a row's "new" or "changed" means, said once here: a hover title reached a mouse only */}
                <Text size="xs" c="dimmed">
                  new: first seen by this scan · changed: its record changed (see its history)
                </Text>
              </Group>
            </Chip.Group>
          )}
        </Stack>
      </Card>
      {scan && (
        <SimpleGrid cols={{ base: 1, sm: 3 }} mb="md" spacing="sm">
          <Detail label="Targets">
            <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
              {scan.targets.join(', ')}
            </Text>
            {scan.exclude.length > 0 && (
              <Text size="sm" c="dimmed" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                excluding {scan.exclude.join(', ')}
              </Text>
            )}
          </Detail>
          <Detail label="Credentials">
            <Text size="sm">{scan.credentials.map(credName).join(', ')}</Text>
            {noCredsLeft && (
              <Text size="sm" c="dimmed" id={noCredsId}>
                Every credential of this scan has been deleted: start a new scan with others.
              </Text>
            )}
          </Detail>
          <Detail label="Options">
            <Text size="sm">
              SNMP port {scan.options.snmpPort ?? 161} · SSH port {scan.options.sshPort ?? 22} · timeout {scan.options.timeoutMs ?? 1500} ms · {plural(scan.options.retries ?? 1, 'retry', 'retries')} · {scan.options.concurrency ?? 256} at once per worker
            </Text>
          </Detail>
        </SimpleGrid>
      )}
      {/* before the per-address table: a rescan's first question, not to be found under a /24's 100 rows a page */}
      {comparison && (
        <Stack gap="xs" mb="lg">
          <Title order={2} size="h4">
            No longer answering
          </Title>
          <Text size="sm" c="dimmed" data-testid="scan-comparison">
            {comparison.gone
              ? `${plural(comparison.gone, 'device')} that `
              : 'Every device that '}
            <Link to={`/discovery/scans/${comparison.previousScanId}`}>scan {comparison.previousScanId}</Link>
            {' (the previous completed scan of these targets with these credentials) identified, '}
            {comparison.gone ? 'this scan did not. Their addresses now answer as shown; a device an agent still reports is not gone.' : 'this scan identified again.'}
          </Text>
          {comparison.gone > 0 && (
            <DataTable
              label="Devices no longer answering"
              columns={goneColumns}
              rows={gone.data?.items}
              rowKey={(g) => g.deviceId}
              total={gone.data?.total}
              page={gonePage}
              limit={GONE_PAGE_SIZE}
              onPage={(p, o) => setParams({ gonePage: p }, o)}
              loading={gone.isPending}
              empty="None."
            />
          )}
          <ErrorAlert error={gone.error} />
        </Stack>
      )}
      {/* a rescan without a comparison says why, rather than leaving the section out unexplained */}
      {detail.data?.status === 'completed' && !comparison && (
        <Text size="sm" c="dimmed" mb="lg" data-testid="scan-comparison">
          Not compared with an earlier scan: no scan of these targets and exclusions, with these credentials and ports, completed before this one. A scan
          with other credentials or ports could identify other devices, so what it found is not compared with.
        </Text>
      )}
      <ErrorAlert error={detail.error} />
      <DataTable
        label="Results per address"
        columns={columns}
        rows={detail.data?.results}
        rowKey={(r) => r.address}
        total={resultTotal}
        page={page}
        limit={PAGE_SIZE}
        onPage={(p, o) => setParams({ page: p }, o)}
        loading={detail.isPending}
        empty={active ? 'No address has finished yet.' : status ? `No address is ${RESULT_LABEL[status].toLowerCase()}.` : change ? `No device is ${CHANGE_LABEL[change].toLowerCase()}.` : 'No results.'}
      />
    </>
  );
}
