// /configs: the drift report — devices whose configuration differs from their baseline, breaks
// a compliance rule or fails to back up: since when, against which baseline, what fails (a
// failing backup's results are those of its last good configuration). Filters, sort and page are in
// the URL; the CSV link downloads the whole report. The second tab searches every device's
// current configuration for a line (?tab=search&text=… or &regex=…).
import { useMemo } from 'react';
import { Alert, Anchor, Badge, Button, Group, Loader, Select, Spoiler, Stack, Tabs, Text, TextInput } from '@mantine/core';
import { IconDownload, IconSearch } from '@tabler/icons-react';
import { Link } from 'react-router';
import { downloadUrl } from '../../api/client';
import { DataTable } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { When } from '../../components/When';
import { formatCount } from '../../lib/format';
import { pageOf, useUrlParams } from '../../lib/url-state';
import { baselineLabel, diffHref, DriftItem, PLATFORM_LABEL, platformOptions, SEVERITIES, SEVERITY_COLOR, useBaselines, useDriftReport } from './configs-api';
import { ConfigSearch } from './ConfigSearch';

const PROBLEMS = [
  { value: 'drift', label: 'Differs from its baseline' },
  { value: 'rules', label: 'Breaks a compliance rule' },
  { value: 'error', label: 'Baseline cannot be compared' },
  { value: 'backup', label: 'Backup fails' },
];

const SORTS: Record<string, (a: DriftItem, b: DriftItem) => number> = {
  hostname: (a, b) => (a.hostname ?? '').localeCompare(b.hostname ?? '') || a.deviceId - b.deviceId,
  platform: (a, b) => a.platform.localeCompare(b.platform) || a.deviceId - b.deviceId,
  since: (a, b) => (a.since ?? '').localeCompare(b.since ?? '') || a.deviceId - b.deviceId,
  violations: (a, b) => a.violations.length - b.violations.length || a.deviceId - b.deviceId,
};

/** Two lines of xs text (line height 1.4): a longer detail is clamped to them until "More". */
const DETAIL_HEIGHT = 34;

export function worstSeverity(item: DriftItem): string | undefined {
  return [...SEVERITIES].reverse().find((s) => item.violations.some((v) => v.severity === s));
}

export default function DriftPage() {
  const [params, setParams] = useUrlParams();
  const tab = params.tab === 'search' ? 'search' : 'drift';
  return (
    <>
      <PageHeader
        title="Configuration drift"
        subtitle="Devices whose configuration differs from their baseline, breaks a compliance rule or fails to back up"
        actions={
          <Button component="a" href={downloadUrl('/api/configs/drift', { format: 'csv' })} variant="default" leftSection={<IconDownload size={16} />}>
            Export CSV
          </Button>
        }
      />
      {/* switching tabs starts the other tab's filters afresh: each tab's parameters are its own */}
      <Tabs value={tab} onChange={(v) => setParams(Object.fromEntries([...Object.keys(params).map((k) => [k, undefined]), ['tab', v === 'search' ? 'search' : undefined]]))}>
        <Tabs.List mb="md">
          <Tabs.Tab value="drift">Drifting devices</Tabs.Tab>
          <Tabs.Tab value="search" leftSection={<IconSearch size={14} />}>
            Search configurations
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="drift">{tab === 'drift' && <DriftReportTab params={params} setParams={setParams} />}</Tabs.Panel>
        <Tabs.Panel value="search">{tab === 'search' && <ConfigSearch params={params} setParams={setParams} />}</Tabs.Panel>
      </Tabs>
    </>
  );
}

function DriftReportTab({ params, setParams }: { params: Record<string, string>; setParams: ReturnType<typeof useUrlParams>[1] }) {
  const report = useDriftReport();
  const baselines = useBaselines();
  const { page, limit } = pageOf(params);
  const sort = params.sort ?? 'hostname';
  const q = (params.q ?? '').trim().toLowerCase();

  const filtered = useMemo(() => {
    let rows = report.data?.items ?? [];
    if (q) rows = rows.filter((r) => (r.hostname ?? '').toLowerCase().includes(q) || String(r.deviceId) === q);
    if (params.platform) rows = rows.filter((r) => r.platform === params.platform);
    if (params.problem === 'drift') rows = rows.filter((r) => r.drift);
    if (params.problem === 'rules') rows = rows.filter((r) => r.violations.length > 0);
    if (params.problem === 'error') rows = rows.filter((r) => r.baselineError);
    if (params.problem === 'backup') rows = rows.filter((r) => r.lastStatus === 'failed');
    if (params.severity) rows = rows.filter((r) => r.violations.some((v) => v.severity === params.severity));
    const key = sort.replace(/^-/, '');
    const cmp = SORTS[key] ?? SORTS.hostname;
    rows = [...rows].sort(sort.startsWith('-') ? (a, b) => cmp(b, a) : cmp);
    return rows;
  }, [report.data, q, params.platform, params.problem, params.severity, sort]);

  const rows = filtered.slice((page - 1) * limit, page * limit);
  const baselineOf = (id: number | null) => baselines.data?.find((b) => b.id === id);
  const filters = (patch: Record<string, string | undefined>) => setParams({ ...patch, page: undefined }, { replace: true });

  return (
    <Stack gap="sm">
      <Group gap="sm" align="flex-end" wrap="wrap">
        <TextInput label="Device" placeholder="Host name contains…" value={params.q ?? ''} onChange={(e) => filters({ q: e.currentTarget.value })} w={220} />
        <Select label="Platform" placeholder="Any platform" data={platformOptions} value={params.platform ?? null} onChange={(v) => filters({ platform: v ?? undefined })} clearable w={200} />
        <Select label="Problem" placeholder="Any problem" data={PROBLEMS} value={params.problem ?? null} onChange={(v) => filters({ problem: v ?? undefined })} clearable w={240} />
        <Select label="Failing severity" placeholder="Any severity" data={SEVERITIES} value={params.severity ?? null} onChange={(v) => filters({ severity: v ?? undefined })} clearable w={170} />
      </Group>
      {report.data && report.data.pendingEvaluations > 0 && (
        <Alert color="blue" icon={<Loader size={16} />} aria-live="polite">
          Re-evaluating configurations after a rule or template change; the report refreshes itself.
        </Alert>
      )}
      {report.data?.truncated && (
        <Alert color="yellow">
          The report lists {formatCount(report.data.total)} devices; the first {formatCount(report.data.items.length)} are shown and filtered here. The CSV export has them all.
        </Alert>
      )}
      <ErrorAlert error={report.error} title="The drift report could not be loaded" />
      <DataTable<DriftItem>
        label="Drifting devices"
        rows={report.data ? rows : undefined}
        rowKey={(r) => r.deviceId}
        loading={report.isPending}
        empty={report.data?.items.length ? 'No device matches these filters.' : 'No drift: every backed-up device matches its baseline, passes its rules and backs up.'}
        total={report.data ? filtered.length : undefined}
        page={page}
        limit={limit}
        sort={sort}
        onSort={(s) => setParams({ sort: s, page: undefined })}
        onPage={(p, o) => setParams({ page: p }, o)}
        onLimit={(l) => setParams({ limit: l, page: undefined })}
        columns={[
          {
            key: 'hostname', label: 'Device', sortKey: 'hostname',
            render: (r) => (
              <Anchor component={Link} to={diffHref(r.deviceId, { baseline: true })} fw={500} size="sm">
                {r.hostname || `device ${r.deviceId}`}
              </Anchor>
            ),
          },
          { key: 'platform', label: 'Platform', sortKey: 'platform', render: (r) => PLATFORM_LABEL[r.platform] ?? r.platform },
          {
            key: 'since', label: 'Since', sortKey: 'since',
            render: (r) => <When at={r.since} />,
          },
          {
            key: 'baseline', label: 'Baseline',
            render: (r) => (r.baselineId ? baselineLabel(baselineOf(r.baselineId)) : <Text size="sm" c="dimmed">none</Text>),
          },
          {
            key: 'drift', label: 'Drift',
            render: (r) =>
              r.baselineError ? (
                <Text size="sm" c="red">{r.baselineError}</Text>
              ) : r.drift ? (
                <Group gap={4} wrap="nowrap">
                  <Badge color="green" variant="light" size="sm">+{r.drift.added}</Badge>
                  <Badge color="red" variant="light" size="sm">−{r.drift.removed}</Badge>
                  <Text size="xs" c="dimmed">lines</Text>
                </Group>
              ) : (
                <Text size="sm" c="dimmed">in line</Text>
              ),
          },
          {
            key: 'backup', label: 'Last backup',
            render: (r) => <BackupState item={r} />,
          },
          {
            key: 'violations', label: 'Rule failures', sortKey: 'violations',
            render: (r) =>
              r.violations.length ? (
                <Stack gap={6}>
                  {r.violations.map((v) => (
                    <RuleFailure key={v.ruleId} device={r.hostname || `device ${r.deviceId}`} violation={v} />
                  ))}
                </Stack>
              ) : (
                <Text size="sm" c="dimmed">none</Text>
              ),
          },
        ]}
      />
    </Stack>
  );
}

/** The last backup: when one last worked, and when the latest failed, why (its results are the last good configuration's). */
function BackupState({ item: r }: { item: DriftItem }) {
  if (r.lastStatus !== 'failed') return <When at={r.checkedAt} />;
  return (
    <Stack gap={2}>
      <Badge color="red" variant="light" size="sm" style={{ textTransform: 'none' }}>
        failed
      </Badge>
      {r.lastError && (
        <Text size="xs" c="red" style={{ wordBreak: 'break-word' }}>
          {r.lastError}
        </Text>
      )}
      <Text size="xs" c="dimmed">
        last good backup:
      </Text>
      <When at={r.checkedAt} none="never" />
    </Stack>
  );
}

/**
 * A failing rule and why it fails, as text under its badge: in a tooltip the why reached a mouse
 * only (a keyboard cannot hover, a touch screen does not). A detail listing many lines is clamped
 * to two, so that one device does not make a tall row; its "More" is a button, and a detail that
 * fits has none, which keeps a long report a short walk with Tab. The names say which device and
 * rule, as several rows' regions and buttons would otherwise share one.
 */
function RuleFailure({ device, violation: v }: { device: string; violation: DriftItem['violations'][number] }) {
  return (
    <div>
      <Badge color={SEVERITY_COLOR[v.severity]} variant="light" size="sm" style={{ textTransform: 'none' }}>
        {v.severity}: {v.name}
      </Badge>
      <Spoiler
        mt={2}
        maxHeight={DETAIL_HEIGHT}
        showLabel="More"
        hideLabel="Less"
        showAriaLabel={`More of why ${device} fails ${v.name}`}
        hideAriaLabel={`Less of why ${device} fails ${v.name}`}
        attributes={{ content: { 'aria-label': `Why ${device} fails ${v.name}` } }}
        styles={{ control: { fontSize: 'var(--mantine-font-size-sm)' } }}
      >
        <Text size="xs" ff="monospace" c="dimmed" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
          {v.detail}
        </Text>
      </Spoiler>
    </div>
  );
}
