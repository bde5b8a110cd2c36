// /configs/diff?deviceId=…&from=…&to=… (two versions) or ?deviceId=…&baseline=1 (the drift
// against its baseline), &view=unified for the unified layout (side by side by default). Every
// choice lives in the URL. Technicians back up now, pin a version and remediate from here.
import { useMemo } from 'react';
import { Alert, Anchor, Badge, Button, Group, Loader, SegmentedControl, Select, Stack, Text, Title } from '@mantine/core';
import { IconDeviceFloppy, IconPin } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { Spinner } from '../../components/Spinner';
import { useCan } from '../../lib/auth';
import { formatAgo, formatTime } from '../../lib/format';
import { useUrlParams } from '../../lib/url-state';
import { baselineFor, baselineLabel, useBaselines, useDeviceName, useVersions } from './configs-api';
import { DevicePicker } from './DevicePicker';
import { parseUnifiedDiff } from './diff-parse';
import { DiffViewer } from './DiffViewer';
import { RemediationPanel } from './RemediationPanel';
import { useJobFollow } from './useJobFollow';
import { VersionsTable } from './VersionsTable';

const num = (v: string | undefined) => (v && /^\d+$/.test(v) ? Number(v) : undefined);

export default function DiffPage() {
  const [params, setParams] = useUrlParams();
  const deviceId = num(params.deviceId);
  if (!deviceId) {
    return (
      <>
        <PageHeader title="Config diff" subtitle="Pick a device to compare its configuration versions, or open one from the drift report." />
        <Stack maw={480}>
          <DevicePicker value={undefined} onChange={(id) => id && setParams({ deviceId: id })} />
          <Text size="sm">
            Or see <Anchor component={Link} to="/configs">which devices drift</Anchor>.
          </Text>
        </Stack>
      </>
    );
  }
  return <DeviceDiff deviceId={deviceId} params={params} setParams={setParams} />;
}

function DeviceDiff({ deviceId, params, setParams }: { deviceId: number; params: Record<string, string>; setParams: ReturnType<typeof useUrlParams>[1] }) {
  const canWrite = useCan('technician');
  const qc = useQueryClient();
  const { name, device } = useDeviceName(deviceId);
  const baselineMode = params.baseline === '1';
  const view = params.view === 'unified' ? 'unified' : 'split';
  const from = num(params.from);
  const to = num(params.to);
  const versions = useVersions(deviceId);
  const baselines = useBaselines();
  const pinned = baselines.data?.find((b) => b.scope === 'device' && b.deviceId === deviceId);
  const follow = useJobFollow();

  const diff = useQuery({
    queryKey: ['configs', 'diff', deviceId, from, to],
    queryFn: () => unwrap(api.GET('/api/devices/{id}/configs/diff', { params: { path: { id: deviceId }, query: { from, to } } })),
    enabled: !baselineMode,
  });
  const drift = useQuery({
    queryKey: ['configs', 'drift', deviceId],
    queryFn: () => unwrap(api.GET('/api/configs/drift/{deviceId}', { params: { path: { deviceId } } })),
    enabled: baselineMode,
  });

  const backup = useMutation({
    mutationFn: () => unwrap(api.POST('/api/devices/{id}/configs/backup', { params: { path: { id: deviceId } } })),
    onSuccess: (job) => {
      notifications.show({ color: 'blue', title: 'Backup started', message: `Job ${job.id} backs up ${name}.` });
      follow.follow({ id: job.id, what: 'Backup' });
    },
  });
  const pin = useMutation({
    mutationFn: (versionId: number) => unwrap(api.POST('/api/configs/baselines', { body: { deviceId, versionId } })),
    onSuccess: async (b) => {
      await qc.invalidateQueries({ queryKey: ['configs'] });
      notifications.show({ color: 'green', title: 'Baseline pinned', message: `Version ${b.versionId} is now the baseline of ${name}.` });
    },
  });

  const baseline = drift.data?.baselineId ? baselines.data?.find((b) => b.id === drift.data.baselineId) : baselineFor(baselines.data, device);
  const text = baselineMode ? (drift.data?.drift?.diff ?? '') : (diff.data?.diff ?? '');
  const parsed = useMemo(() => parseUnifiedDiff(text), [text]);
  const added = baselineMode ? drift.data?.drift?.added : diff.data?.added;
  const removed = baselineMode ? drift.data?.drift?.removed : diff.data?.removed;
  const loading = baselineMode ? drift.isPending : diff.isPending;
  const error = baselineMode ? drift.error : diff.error;

  const versionOptions = (versions.data?.items ?? []).map((v) => ({ value: String(v.id), label: `Version ${v.id} · ${formatTime(v.collectedAt)}` }));
  const effectiveFrom = from ?? diff.data?.from?.id;
  const effectiveTo = to ?? diff.data?.to?.id;

  return (
    <>
      <PageHeader
        title={`Config diff: ${name}`}
        subtitle={baselineMode ? 'Its current configuration against its baseline' : 'Two versions of its configuration'}
        actions={
          <>
            <Button component={Link} to={`/devices/${deviceId}`} variant="default">
              Device
            </Button>
            {canWrite && (
              <Button leftSection={<IconDeviceFloppy size={16} />} onClick={() => backup.mutate()} loading={backup.isPending || !!follow.job}>
                Back up now
              </Button>
            )}
          </>
        }
      />
      <ErrorAlert error={backup.error} title="The backup was not started" />
      <ErrorAlert error={pin.error} title="The baseline was not pinned" />
      {follow.job && (
        <Alert color="blue" icon={<Loader size={16} />} mb="sm" aria-live="polite">
          {follow.job.what} running (<Anchor component={Link} to={`/jobs/${follow.job.id}`}>job {follow.job.id}</Anchor>)
          {follow.progress ? `: ${follow.progress.counts.running} running, ${follow.progress.counts.succeeded} succeeded, ${follow.progress.counts.failed} failed` : '…'}
          {follow.interrupted ? ' (reconnecting)' : ''}
        </Alert>
      )}

      <Group align="flex-end" gap="md" mb="sm" wrap="wrap">
        <Stack gap={4}>
          <Text size="sm" fw={500} id="compare-label">
            Compare
          </Text>
          <SegmentedControl
            aria-labelledby="compare-label"
            value={baselineMode ? 'baseline' : 'versions'}
            onChange={(v) => setParams({ baseline: v === 'baseline' ? '1' : undefined, from: undefined, to: undefined })}
            data={[
              { value: 'versions', label: 'Two versions' },
              { value: 'baseline', label: 'Against baseline' },
            ]}
          />
        </Stack>
        {!baselineMode && (
          <>
            <Select
              label="From version"
              w={260}
              data={versionOptions}
              value={effectiveFrom ? String(effectiveFrom) : null}
              onChange={(v) => setParams({ from: v ?? undefined })}
              placeholder={versions.isPending ? 'Loading…' : 'Nothing before'}
              allowDeselect={false}
            />
            <Select
              label="To version"
              w={260}
              data={versionOptions}
              value={effectiveTo ? String(effectiveTo) : null}
              onChange={(v) => setParams({ to: v ?? undefined })}
              placeholder={versions.isPending ? 'Loading…' : 'No version yet'}
              allowDeselect={false}
            />
          </>
        )}
        <Stack gap={4}>
          <Text size="sm" fw={500} id="layout-label">
            Layout
          </Text>
          <SegmentedControl
            aria-labelledby="layout-label"
            value={view}
            onChange={(v) => setParams({ view: v === 'unified' ? 'unified' : undefined }, { replace: true })}
            data={[
              { value: 'split', label: 'Side by side' },
              { value: 'unified', label: 'Unified' },
            ]}
          />
        </Stack>
      </Group>

      <ErrorAlert error={error} title="The diff could not be loaded" />
      {baselineMode && drift.data && (
        <Text size="sm" mb="xs">
          Baseline: {baselineLabel(baseline)}
          {drift.data.drift && ` · drifting since ${formatTime(drift.data.drift.since)} (${formatAgo(drift.data.drift.since)})`}
        </Text>
      )}
      {baselineMode && drift.data?.baselineError && (
        <Alert color="red" title="The baseline could not be compared" mb="sm">
          {drift.data.baselineError}
        </Alert>
      )}
      {loading && !error ? (
        <Group py="lg" justify="center">
          <Spinner size="sm" label="Loading" />
        </Group>
      ) : !error && (
        <>
          {text ? (
            <>
              <Group gap="xs" mb="xs">
                <Badge color="green" variant="light">+{added ?? 0} added</Badge>
                <Badge color="red" variant="light">−{removed ?? 0} removed</Badge>
              </Group>
              <DiffViewer diff={parsed} view={view} />
            </>
          ) : (
            <Text c="dimmed" py="md">
              {baselineMode
                ? baseline || drift.data?.baselineId
                  ? 'No drift: the current configuration matches its baseline.'
                  : 'This device has no baseline: pin one of its versions below, or set a template for one of its tags or its platform.'
                : versions.data?.total === 0
                  ? 'No backup of this device yet.'
                  : versions.data?.total === 1 && !diff.data?.from
                    ? 'Only one version so far: nothing to compare it with.'
                    : 'No differences between these versions.'}
            </Text>
          )}
        </>
      )}

      {baselineMode && canWrite && drift.data && (drift.data.drift || baseline) && (
        <Stack mt="lg">
          <RemediationPanel deviceId={deviceId} name={name} busy={!!follow.job} onStarted={follow.follow} />
        </Stack>
      )}

      <Title order={2} size="h4" mt="xl" mb="xs">
        Versions
      </Title>
      <ErrorAlert error={versions.error} title="The versions could not be loaded" />
      <VersionsTable
        deviceId={deviceId}
        versions={versions.data?.items}
        total={versions.data?.total}
        loading={versions.isPending}
        pinnedVersionId={pinned?.versionId ?? undefined}
        onPin={canWrite ? (id) => pin.mutate(id) : undefined}
        pinning={pin.isPending ? pin.variables : undefined}
      />
      {pinned && (
        <Text size="sm" c="dimmed" mt="xs">
          <IconPin size={14} /> Version {pinned.versionId} is pinned as this device&apos;s baseline ({formatTime(pinned.updatedAt)}{pinned.createdBy ? `, by ${pinned.createdBy}` : ''}).
        </Text>
      )}
    </>
  );
}
