// /discovery: recent scans, saved ranges with their cron schedules, and pinned SSH host keys, one
// tab each (?tab=scans|ranges|host-keys); "Start a scan" and the range form open as dialogs whose
// state is in the URL too (?form=scan, ?form=range&edit=ID), so every view survives a reload.
import { Badge, Button, Group, Modal, Progress, Select, Stack, Tabs, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlayerPlay, IconPlus, IconRadar } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { api, Schemas, unwrap } from '../../api/client';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Column, DataTable } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { useCan } from '../../lib/auth';
import { formatCount, formatTime, skippedFiringsText } from '../../lib/format';
import { pageOf, useUrlParams } from '../../lib/url-state';
import { ScanForm, ScanFormValues, useCredentialLookup } from './ScanForm';
import { devicesFound, devicesSummary, isActiveScan, SCAN_STATUS_COLOR, ScanStatus, startedBy, targetsSummary } from './scan-labels';
import { HostKeysTab } from './HostKeysTab';
import { When } from '../../components/When';

type Scan = Schemas['ScanView'];
type Schedule = Schemas['ScheduleView'];
/** sent as the user filled it: the server applies a default to each option left out */
type ScanOptions = Schemas['ScanOptionsDto'];

const TABS = ['scans', 'ranges', 'host-keys'] as const;
const SCAN_STATUSES: ScanStatus[] = ['queued', 'running', 'completed', 'failed', 'cancelled'];

export default function DiscoveryPage() {
  const [params, setParams] = useUrlParams();
  const canScan = useCan('technician');
  const navigate = useNavigate();
  const qc = useQueryClient();
  const tab = (TABS as readonly string[]).includes(params.tab) ? params.tab : 'scans';
  const form = canScan ? params.form : undefined;
  const editId = params.edit ? Number(params.edit) : undefined;
  const closeForm = () => setParams({ form: undefined, edit: undefined });

  const startScan = async (v: ScanFormValues) => {
    const created = await unwrap(api.POST('/api/discovery/scans', { body: { targets: v.targets, ...(v.exclude.length ? { exclude: v.exclude } : {}), credentialIds: v.credentialIds, options: v.options as ScanOptions | undefined } }));
    notifications.show({ color: 'green', title: 'Scan started', message: `Scan ${created.id} of ${targetsSummary(v.targets, v.exclude)} is queued.` });
    void qc.invalidateQueries({ queryKey: ['scans'] });
    navigate(`/discovery/scans/${created.id}`);
  };

  return (
    <>
      <PageHeader
        title="Discovery"
        subtitle="Scan address ranges over SNMP and SSH; saved ranges rescan on their schedule."
        actions={
          canScan && (
            <>
              <Button variant="default" leftSection={<IconPlus size={16} />} onClick={() => setParams({ tab: 'ranges', form: 'range', edit: undefined })}>
                New saved range
              </Button>
              <Button leftSection={<IconRadar size={16} />} onClick={() => setParams({ form: 'scan', edit: undefined })}>
                Start a scan
              </Button>
            </>
          )
        }
      />
      <Tabs value={tab} onChange={(v) => setParams({ tab: v === 'scans' ? undefined : v, page: undefined })} keepMounted={false}>
        <Tabs.List mb="sm">
          <Tabs.Tab value="scans">Recent scans</Tabs.Tab>
          <Tabs.Tab value="ranges">Saved ranges</Tabs.Tab>
          <Tabs.Tab value="host-keys">SSH host keys</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="scans">
          <ScansTab />
        </Tabs.Panel>
        <Tabs.Panel value="ranges">
          <RangesTab />
        </Tabs.Panel>
        <Tabs.Panel value="host-keys">
          <HostKeysTab />
        </Tabs.Panel>
      </Tabs>
      <Modal opened={form === 'scan'} onClose={closeForm} title="Start a scan" size="lg">
        <ScanForm mode="scan" onSubmit={startScan} onCancel={closeForm} />
      </Modal>
      <Modal opened={form === 'range'} onClose={closeForm} title={editId ? 'Edit saved range' : 'New saved range'} size="lg">
        {form === 'range' && <RangeFormLoader id={editId} onDone={closeForm} />}
      </Modal>
    </>
  );
}

function ScansTab() {
  const [params, setParams] = useUrlParams();
  const { page, limit } = pageOf(params, 25);
  const status = SCAN_STATUSES.includes(params.status as ScanStatus) ? (params.status as ScanStatus) : undefined;
  const scans = useQuery({
    queryKey: ['scans', { page, limit, status }],
    queryFn: () => unwrap(api.GET('/api/discovery/scans', { params: { query: { page, limit, status } } })),
    // a running scan's progress moves: keep the list fresh while one is in it
    refetchInterval: (q) => (q.state.data?.items.some((s) => isActiveScan(s.status)) ? 2000 : false),
  });
  const columns: Column<Scan>[] = [
    { key: 'id', label: 'Scan', render: (s) => <Link to={`/discovery/scans/${s.id}`}>Scan {s.id}</Link>, width: 90 },
    { key: 'status', label: 'Status', render: (s) => <Badge color={SCAN_STATUS_COLOR[s.status]} variant="light">{s.status}</Badge> },
    { key: 'targets', label: 'Targets', render: (s) => <Text size="sm" ff="monospace">{targetsSummary(s.targets, s.exclude)}</Text> },
    {
      key: 'progress', label: 'Progress', width: 180,
      render: (s) => (
        <Group gap="xs" wrap="nowrap">
          <Progress value={s.progress.total ? (100 * s.progress.done) / s.progress.total : 0} w={80} aria-label={`Scan ${s.id} progress`} />
          <Text size="xs">
            {formatCount(s.progress.done)}/{formatCount(s.progress.total)}
          </Text>
        </Group>
      ),
    },
    {
      key: 'found', label: 'Found', width: 150,
      render: (s) => (
        <Text size="sm">
          {devicesFound(s.devices, s.progress.found)}
          {devicesSummary(s.devices) && <Text span size="xs" c="dimmed"> ({devicesSummary(s.devices)})</Text>}
        </Text>
      ),
    },
    { key: 'by', label: 'Started by', render: (s) => startedBy(s) },
    { key: 'created', label: 'Created', render: (s) => <When at={s.createdAt} /> },
    { key: 'finished', label: 'Finished', render: (s) => formatTime(s.finishedAt) },
  ];
  return (
    <>
      <Group mb="sm">
        <Select
          label="Status"
          placeholder="Any status"
          data={SCAN_STATUSES}
          value={status ?? null}
          onChange={(v) => setParams({ status: v ?? undefined, page: undefined })}
          clearable
          w={180}
          size="xs"
        />
      </Group>
      <ErrorAlert error={scans.error} />
      <DataTable
        label="Recent scans"
        columns={columns}
        rows={scans.data?.items}
        rowKey={(s) => s.id}
        total={scans.data?.total}
        page={page}
        limit={limit}
        onPage={(p, o) => setParams({ page: p }, o)}
        onLimit={(l) => setParams({ limit: l, page: undefined })}
        loading={scans.isPending}
        empty={status ? `No ${status} scans.` : 'No scans yet. Start one to discover devices.'}
      />
    </>
  );
}

/**
 * A saved range's last scan in a line: its link, then what it found, changed and no longer found
 * (or its status while it has not completed), and the firings it outlasted.
 */
function LastScan({ range }: { range: Schedule }) {
  const last = range.lastScan;
  if (!range.lastScanId) return <>—</>;
  const link = <Link to={`/discovery/scans/${range.lastScanId}`}>Scan {range.lastScanId}</Link>;
  if (!last) return link;
  const figures = [`${devicesFound(last.devices, last.found)} found`, devicesSummary(last.devices), last.gone ? `${formatCount(last.gone)} gone` : ''].filter(Boolean).join(' · ');
  return (
    <Stack gap={0}>
      {link}
      {last.status === 'completed' ? (
        <Text size="xs" c={last.gone ? 'orange' : 'dimmed'}>{figures}</Text>
      ) : (
        <Badge size="xs" variant="light" color={SCAN_STATUS_COLOR[last.status]}>{last.status}</Badge>
      )}
      {/* the schedule fired while this scan was still under way: those firings did not scan */}
      {last.skippedFirings > 0 && (
        <Text size="xs" c="orange">{skippedFiringsText(last.skippedFirings, 'scan')}</Text>
      )}
    </Stack>
  );
}

function RangesTab() {
  const [params, setParams] = useUrlParams();
  const canScan = useCan('technician');
  const navigate = useNavigate();
  const qc = useQueryClient();
  const page = Math.max(1, Number(params.page) || 1);
  const ranges = useQuery({
    queryKey: ['scan-schedules', page],
    queryFn: () => unwrap(api.GET('/api/discovery/schedules', { params: { query: { page, limit: 50 } } })),
    // a range's last scan running: keep its row fresh until it ends, as the list of scans does
    refetchInterval: (q) => (q.state.data?.items.some((r) => r.lastScan && isActiveScan(r.lastScan.status)) ? 2000 : false),
  });
  const { isDeleted } = useCredentialLookup(canScan);
  const run = useMutation({
    mutationFn: (r: Schedule) => unwrap(api.POST('/api/discovery/schedules/{id}/run', { params: { path: { id: r.id } } })),
    onSuccess: (created, r) => {
      notifications.show({ color: 'green', title: 'Scan started', message: `Saved range "${r.name}" is being scanned now (scan ${created.id}).` });
      void qc.invalidateQueries({ queryKey: ['scan-schedules'] });
      navigate(`/discovery/scans/${created.id}`);
    },
  });
  const remove = async (r: Schedule) => {
    await unwrap(api.DELETE('/api/discovery/schedules/{id}', { params: { path: { id: r.id } } }));
    notifications.show({ title: 'Saved range deleted', message: `"${r.name}" will not be scanned again.` });
    await qc.invalidateQueries({ queryKey: ['scan-schedules'] });
  };
  const columns: Column<Schedule>[] = [
    {
      key: 'name', label: 'Name',
      render: (r) => {
        // its next scan fails on a deleted credential: say so before it does
        const gone = r.credentialIds.filter(isDeleted);
        return (
          <Stack gap={0}>
            <Text size="sm" fw={500}>{r.name}</Text>
            {gone.length > 0 && (
              <Text size="xs" c="orange">
                {gone.map((c) => `Credential ${c}`).join(', ')} {gone.length === 1 ? 'was' : 'were'} deleted: its scans fail until the range is edited.
              </Text>
            )}
          </Stack>
        );
      },
    },
    { key: 'targets', label: 'Targets', render: (r) => <Text size="sm" ff="monospace">{targetsSummary(r.targets, r.exclude)}</Text> },
    { key: 'cron', label: 'Schedule', render: (r) => <Text size="sm"><code>{r.cron}</code> {r.timezone}</Text> },
    { key: 'enabled', label: 'Enabled', render: (r) => <Badge variant="light" color={r.enabled ? 'green' : 'gray'}>{r.enabled ? 'on' : 'off'}</Badge>, width: 80 },
    // beside a cron read in the range's own zone: this time says which zone it is in
    { key: 'next', label: 'Next scan', render: (r) => (r.enabled ? formatTime(r.nextRunAt, { zone: true }) : '—') },
    { key: 'last', label: 'Last scan', render: (r) => <LastScan range={r} /> },
    ...(canScan
      ? [{
          key: 'actions', label: 'Actions',
          render: (r: Schedule) => (
            <Group gap={4} wrap="nowrap">
              <Button size="compact-xs" variant="light" leftSection={<IconPlayerPlay size={12} />} loading={run.isPending && run.variables?.id === r.id} onClick={() => run.mutate(r)} aria-label={`Run now: ${r.name}`}>
                Run now
              </Button>
              <Button size="compact-xs" variant="default" onClick={() => setParams({ form: 'range', edit: r.id })} aria-label={`Edit ${r.name}`}>
                Edit
              </Button>
              <ConfirmButton size="compact-xs" aria-label={`Delete ${r.name}`} title={`Delete the saved range "${r.name}"?`} message="Its schedule stops; scans it already ran are kept." confirmLabel="Delete range" onConfirm={() => remove(r)}>
                Delete
              </ConfirmButton>
            </Group>
          ),
        } satisfies Column<Schedule>]
      : []),
  ];
  return (
    <>
      <ErrorAlert error={run.error} title="The scan was not started" />
      <ErrorAlert error={ranges.error} />
      <DataTable
        label="Saved ranges"
        columns={columns}
        rows={ranges.data?.items}
        rowKey={(r) => r.id}
        total={ranges.data?.total}
        page={page}
        limit={50}
        onPage={(p, o) => setParams({ page: p }, o)}
        loading={ranges.isPending}
        empty="No saved ranges. Save one to rescan it on a schedule."
      />
    </>
  );
}

/** The range form, filled from the server when editing (?edit=ID) so a reload keeps the dialog. */
function RangeFormLoader({ id, onDone }: { id?: number; onDone: () => void }) {
  const qc = useQueryClient();
  const existing = useQuery({
    queryKey: ['scan-schedules', 'one', id],
    queryFn: () => unwrap(api.GET('/api/discovery/schedules/{id}', { params: { path: { id: id! } } })),
    enabled: id !== undefined,
  });
  if (id !== undefined && existing.error) return <ErrorAlert error={existing.error} />;
  if (id !== undefined && !existing.data) return <Text c="dimmed">Loading…</Text>;
  const save = async (v: ScanFormValues) => {
    const body = { name: v.name!, targets: v.targets, exclude: v.exclude, credentialIds: v.credentialIds, options: (v.options ?? {}) as ScanOptions, cron: v.cron!, timezone: v.timezone ?? 'UTC', enabled: v.enabled ?? true };
    const saved = id
      ? await unwrap(api.PATCH('/api/discovery/schedules/{id}', { params: { path: { id } }, body }))
      : await unwrap(api.POST('/api/discovery/schedules', { body }));
    notifications.show({ color: 'green', title: id ? 'Saved range updated' : 'Saved range created', message: `"${saved.name}" next scans ${saved.enabled ? formatTime(saved.nextRunAt, { zone: true }) : 'never (disabled)'}.` });
    await qc.invalidateQueries({ queryKey: ['scan-schedules'] });
    onDone();
  };
  return <ScanForm key={id ?? 'new'} mode="range" initial={existing.data} onSubmit={save} onCancel={onDone} />;
}
