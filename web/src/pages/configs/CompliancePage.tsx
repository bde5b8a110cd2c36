// /configs/compliance: compliance rule results — per device (each device's failing rules with
// what is missing or what matched, by line) and per rule (how many devices fail it). A device
// with a backup that is not listed passes every rule that applies to it. View, filters and page
// are in the URL (?view=rules, ?rule=3, ?severity=high, ?q=…).
import { useMemo } from 'react';
import { Alert, Anchor, Badge, Group, Loader, Select, Stack, Tabs, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { Link } from 'react-router';
import { DataTable } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { formatAgo, formatTime, noun } from '../../lib/format';
import { pageOf, useUrlParams } from '../../lib/url-state';
import { ComplianceRule, diffHref, DriftItem, PLATFORM_LABEL, RULE_KIND_LABEL, SEVERITIES, SEVERITY_COLOR, useComplianceRules, useDriftReport } from './configs-api';

export default function CompliancePage() {
  const [params, setParams] = useUrlParams();
  const view = params.view === 'rules' ? 'rules' : 'devices';
  const report = useDriftReport();
  const rules = useComplianceRules();
  const failing = useMemo(() => (report.data?.items ?? []).filter((d) => d.violations.length > 0), [report.data]);

  return (
    <>
      <PageHeader title="Compliance" subtitle="Compliance rule results on each device's current configuration" />
      {report.data && report.data.pendingEvaluations > 0 && (
        <Alert color="blue" icon={<Loader size={16} />} mb="sm" aria-live="polite">
          Re-evaluating configurations after a rule change; results refresh themselves.
        </Alert>
      )}
      <ErrorAlert error={report.error} title="The results could not be loaded" />
      <ErrorAlert error={rules.error} title="The rules could not be loaded" />
      <Tabs value={view} onChange={(v) => setParams({ view: v === 'rules' ? 'rules' : undefined, page: undefined })}>
        <Tabs.List mb="md">
          <Tabs.Tab value="devices">By device ({failing.length} failing)</Tabs.Tab>
          <Tabs.Tab value="rules">By rule ({rules.data?.length ?? 0})</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="devices">
          {view === 'devices' && <ByDevice failing={failing} rules={rules.data ?? []} loading={report.isPending} params={params} setParams={setParams} />}
        </Tabs.Panel>
        <Tabs.Panel value="rules">
          {view === 'rules' && <ByRule failing={failing} rules={rules.data} loading={rules.isPending || report.isPending} onPick={(id) => setParams({ view: undefined, rule: id, page: undefined })} />}
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

function ByDevice({
  failing, rules, loading, params, setParams,
}: { failing: DriftItem[]; rules: ComplianceRule[]; loading: boolean; params: Record<string, string>; setParams: ReturnType<typeof useUrlParams>[1] }) {
  const { page, limit } = pageOf(params);
  const q = (params.q ?? '').trim().toLowerCase();
  const ruleId = params.rule ? Number(params.rule) : undefined;
  const rows = useMemo(() => {
    let r = failing;
    if (q) r = r.filter((d) => (d.hostname ?? '').toLowerCase().includes(q));
    if (ruleId) r = r.filter((d) => d.violations.some((v) => v.ruleId === ruleId));
    if (params.severity) r = r.filter((d) => d.violations.some((v) => v.severity === params.severity));
    return r;
  }, [failing, q, ruleId, params.severity]);
  const filters = (patch: Record<string, string | undefined>) => setParams({ ...patch, page: undefined }, { replace: true });
  const shown = (d: DriftItem) => d.violations.filter((v) => (!ruleId || v.ruleId === ruleId) && (!params.severity || v.severity === params.severity));

  return (
    <Stack gap="sm">
      <Group gap="sm" align="flex-end" wrap="wrap">
        <TextInput label="Device" placeholder="Host name contains…" value={params.q ?? ''} onChange={(e) => filters({ q: e.currentTarget.value })} w={220} />
        <Select
          label="Rule"
          placeholder="Any rule"
          searchable
          clearable
          w={300}
          data={rules.map((r) => ({ value: String(r.id), label: r.name }))}
          value={params.rule ?? null}
          onChange={(v) => filters({ rule: v ?? undefined })}
        />
        <Select label="Severity" placeholder="Any severity" data={SEVERITIES} value={params.severity ?? null} onChange={(v) => filters({ severity: v ?? undefined })} clearable w={170} />
      </Group>
      <DataTable<DriftItem>
        label="Devices failing compliance rules"
        rows={loading ? undefined : rows.slice((page - 1) * limit, page * limit)}
        rowKey={(d) => d.deviceId}
        loading={loading}
        empty={failing.length ? 'No device matches these filters.' : 'Every backed-up device passes every rule that applies to it.'}
        total={loading ? undefined : rows.length}
        page={page}
        limit={limit}
        onPage={(p, o) => setParams({ page: p }, o)}
        onLimit={(l) => setParams({ limit: l, page: undefined })}
        columns={[
          {
            key: 'device', label: 'Device', width: 180,
            render: (d) => (
              <Stack gap={0}>
                <Anchor component={Link} to={diffHref(d.deviceId, { baseline: true })} size="sm" fw={500}>
                  {d.hostname || `device ${d.deviceId}`}
                </Anchor>
                <Text size="xs" c="dimmed">{PLATFORM_LABEL[d.platform] ?? d.platform}</Text>
              </Stack>
            ),
          },
          {
            key: 'failures', label: 'Failing rules',
            render: (d) => (
              <Stack gap={6}>
                {shown(d).map((v) => (
                  <div key={v.ruleId}>
                    <Group gap={6} wrap="nowrap">
                      <Badge color={SEVERITY_COLOR[v.severity]} variant="light" size="sm">{v.severity}</Badge>
                      <Text size="sm" fw={500}>{v.name}</Text>
                      {/* the exact time as text, not a hover title that a keyboard or a touch screen never shows */}
                      <Text size="xs" c="dimmed">
                        failing since <time dateTime={v.since}>{formatTime(v.since)}</time>
                        {formatAgo(v.since) !== formatTime(v.since) && ` (${formatAgo(v.since)})`}
                      </Text>
                    </Group>
                    <Text size="xs" ff="monospace" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }} c="dimmed" mt={2}>
                      {v.detail}
                    </Text>
                  </div>
                ))}
              </Stack>
            ),
          },
        ]}
      />
    </Stack>
  );
}

function ByRule({ failing, rules, loading, onPick }: { failing: DriftItem[]; rules: ComplianceRule[] | undefined; loading: boolean; onPick: (id: number) => void }) {
  const counts = useMemo(() => {
    const m = new Map<number, number>();
    for (const d of failing) for (const v of d.violations) m.set(v.ruleId, (m.get(v.ruleId) ?? 0) + 1);
    return m;
  }, [failing]);
  return (
    <DataTable<ComplianceRule>
      label="Compliance rules and their failures"
      rows={rules}
      rowKey={(r) => r.id}
      loading={loading}
      empty={<>No compliance rules yet: an admin adds them under <Anchor component={Link} to="/configs/rules">Rules</Anchor>.</>}
      columns={[
        { key: 'name', label: 'Rule', render: (r) => <Text size="sm" fw={500}>{r.name}</Text> },
        { key: 'kind', label: 'Check', render: (r) => <Text size="sm">{RULE_KIND_LABEL[r.kind] ?? r.kind} <Text span ff="monospace" size="xs">{r.pattern}</Text></Text> },
        { key: 'scope', label: 'Applies to', render: (r) => [r.platform ? PLATFORM_LABEL[r.platform] ?? r.platform : null, r.tag ? `tag ${r.tag}` : null].filter(Boolean).join(', ') || 'every device' },
        { key: 'severity', label: 'Severity', render: (r) => <Badge color={SEVERITY_COLOR[r.severity]} variant="light" size="sm">{r.severity}</Badge> },
        {
          key: 'failing', label: 'Failing devices',
          render: (r) => {
            if (!r.enabled) return <Text size="sm" c="dimmed">disabled</Text>;
            const n = counts.get(r.id) ?? 0;
            return n ? (
              <Anchor component="button" size="sm" c="red" fw={600} onClick={() => onPick(r.id)}>
                {n} failing
                <VisuallyHidden> {r.name}: show the {noun(n, 'device')}</VisuallyHidden>
              </Anchor>
            ) : (
              <Text size="sm" c="green">all pass</Text>
            );
          },
        },
      ]}
    />
  );
}
