// A device's configuration backups and drift: whether it differs from its baseline (and since
// when), which compliance rules it breaks, and every stored version with a link to its diff
// against the one before (/configs/diff). Page in the URL (cpage).
import { Alert, Anchor, Badge, Code, Group, Pagination, Paper, Spoiler, Stack, Table, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, Schemas, unwrap } from '../../../api/client';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { formatAgo, formatBytes, formatCount, formatTime } from '../../../lib/format';
import { pageOf, useUrlParams } from '../../../lib/url-state';
import { CONFIG_PLATFORMS, DeviceDetail, PLATFORM_LABELS } from '../device-labels';

type Version = Schemas['ConfigVersionView'];
type Drift = Schemas['DriftItemView'];

const SEVERITY_COLORS: Record<Schemas['RuleViolation']['severity'], string> = { info: 'gray', low: 'blue', medium: 'yellow', high: 'orange', critical: 'red' };
const PER_PAGE = 20;

const diffLink = (deviceId: number, from: number | undefined, to: number) =>
  `/configs/diff?${new URLSearchParams({ deviceId: String(deviceId), ...(from ? { from: String(from) } : {}), to: String(to) })}`;

export function ConfigsTab({ device: d }: { device: DeviceDetail }) {
  const [v, update] = useUrlParams();
  const { page } = pageOf({ page: v.cpage } as Record<string, string>, PER_PAGE);
  const versions = useQuery({
    queryKey: ['devices', 'configs', d.id, page],
    queryFn: () => unwrap(api.GET('/api/devices/{id}/configs', { params: { path: { id: d.id }, query: { page, limit: PER_PAGE } } })),
    placeholderData: keepPreviousData,
  });
  // the version before this page's last one (the next page's first), for that row's diff link
  const before = useQuery({
    queryKey: ['devices', 'configs', d.id, 'at', page * PER_PAGE + 1],
    queryFn: () => unwrap(api.GET('/api/devices/{id}/configs', { params: { path: { id: d.id }, query: { page: page * PER_PAGE + 1, limit: 1 } } })),
    enabled: !!versions.data && versions.data.total > page * PER_PAGE,
  });
  const drift = useQuery({
    queryKey: ['devices', 'drift', d.id],
    queryFn: () => unwrap(api.GET('/api/configs/drift/{deviceId}', { params: { path: { deviceId: d.id } } })),
  });
  const items = versions.data?.items ?? [];
  const previous = (i: number): number | undefined => items[i + 1]?.id ?? (i === items.length - 1 ? before.data?.items[0]?.id : undefined);
  const pages = versions.data ? Math.max(1, Math.ceil(versions.data.total / PER_PAGE)) : 1;

  if (versions.data?.total === 0 && !CONFIG_PLATFORMS.has(d.platform)) {
    return <Text c="dimmed">Teknisi does not back up configurations of {PLATFORM_LABELS[d.platform] ?? d.platform} devices.</Text>;
  }
  return (
    <Stack>
      <ErrorAlert error={drift.error} />
      {drift.data && <DriftSummary drift={drift.data} deviceId={d.id} />}
      <section aria-label="Configuration versions">
        <Group justify="space-between" mb="xs">
          <Title order={2} size="h5">
            Versions{versions.data ? ` (${formatCount(versions.data.total)})` : ''}
          </Title>
          <Anchor component={Link} to="/configs" size="sm">
            Fleet drift report
          </Anchor>
        </Group>
        <ErrorAlert error={versions.error} />
        {versions.data?.total === 0 ? (
          <Text c="dimmed" size="sm">No configuration backed up yet.</Text>
        ) : (
          <Table.ScrollContainer minWidth={700}>
            <Table striped verticalSpacing={6} aria-label="Configuration versions" aria-busy={versions.isFetching || undefined}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Version</Table.Th>
                  <Table.Th>Collected</Table.Th>
                  <Table.Th>Source</Table.Th>
                  <Table.Th>Trigger</Table.Th>
                  <Table.Th>Size</Table.Th>
                  <Table.Th>SHA-256</Table.Th>
                  <Table.Th>Changes</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((ver: Version, i) => (
                  <Table.Tr key={ver.id}>
                    <Table.Td>#{ver.id}</Table.Td>
                    <Table.Td title={formatTime(ver.collectedAt)}>{formatTime(ver.collectedAt)}</Table.Td>
                    <Table.Td>{ver.source}</Table.Td>
                    <Table.Td>{ver.trigger}</Table.Td>
                    <Table.Td>
                      {formatCount(ver.lines)} lines · {formatBytes(ver.bytes)}
                    </Table.Td>
                    <Table.Td ff="monospace" title={ver.sha256}>{ver.sha256.slice(0, 12)}</Table.Td>
                    <Table.Td>
                      {previous(i) ? (
                        <Anchor component={Link} to={diffLink(d.id, previous(i), ver.id)} size="sm">
                          Diff with #{previous(i)}
                        </Anchor>
                      ) : (
                        <Text size="sm" c="dimmed">first version</Text>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {pages > 1 && <Pagination mt="sm" size="sm" total={pages} value={page} onChange={(p) => update({ cpage: p === 1 ? undefined : p })} aria-label="Version pages" />}
      </section>
    </Stack>
  );
}

function DriftSummary({ drift, deviceId }: { drift: Drift; deviceId: number }) {
  // the drift report lists only devices that differ or break a rule: absent is in line
  const inLine = !drift.drift && !drift.violations.length && !drift.baselineError;
  return (
    <Paper withBorder p="sm" component="section" aria-label="Drift">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h5">Drift and compliance</Title>
        {drift.evaluatedAt && <Text size="xs" c="dimmed">evaluated {formatAgo(drift.evaluatedAt)}</Text>}
      </Group>
      {inLine && <Text size="sm">No drift from a baseline and no failing compliance rule.</Text>}
      {drift.baselineError && (
        <Alert color="yellow" title="The baseline could not be compared" mb="xs">
          {drift.baselineError}
        </Alert>
      )}
      {drift.drift && (
        <Stack gap={4} mb="xs">
          <Text size="sm">
            <Badge color="orange" variant="light" mr="xs">Drifted</Badge>
            since {formatTime(drift.drift.since)}: {drift.drift.added} lines the baseline lacks, {drift.drift.removed} baseline lines missing.
          </Text>
          {drift.drift.diff && (
            <Spoiler maxHeight={160} showLabel="Show the whole diff" hideLabel="Show less" attributes={{ content: { 'aria-label': 'Drift diff' } }}>
              <Code block aria-label="Drift from baseline">{drift.drift.diff}</Code>
            </Spoiler>
          )}
        </Stack>
      )}
      {drift.violations.length > 0 && (
        <Table verticalSpacing={4} aria-label="Compliance violations">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Rule</Table.Th>
              <Table.Th>Severity</Table.Th>
              <Table.Th>Detail</Table.Th>
              <Table.Th>Since</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {drift.violations.map((r) => (
              <Table.Tr key={r.ruleId}>
                <Table.Td>{r.name}</Table.Td>
                <Table.Td><Badge color={SEVERITY_COLORS[r.severity]} variant="light">{r.severity}</Badge></Table.Td>
                <Table.Td style={{ whiteSpace: 'pre-wrap' }}>{r.detail}</Table.Td>
                <Table.Td>{formatTime(r.since)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {drift.changedAt && drift.versionId && (
        <Text size="xs" c="dimmed" mt="xs">
          Configuration last changed {formatTime(drift.changedAt)} ·{' '}
          {/* underlined: inside grey text its colour alone does not set it apart */}
          <Anchor component={Link} to={diffLink(deviceId, undefined, drift.versionId)} size="xs" underline="always">
            latest change
          </Anchor>
        </Text>
      )}
    </Paper>
  );
}
