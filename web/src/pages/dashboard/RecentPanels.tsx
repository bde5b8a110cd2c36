// The dashboard's lists: devices discovered lately, the latest jobs, and the configuration
// summary (backed up, drifting, failing rules) as a ring with its figures beside it.
import { Anchor, Badge, Card, Group, RingProgress, Stack, Table, Text, Title } from '@mantine/core';
import { ReactNode } from 'react';
import { Link } from 'react-router';
import { When } from '../../components/When';
import { formatAgo, formatCount, noun, plural } from '../../lib/format';
import { deviceName, PLATFORM_LABELS, TYPE_LABELS } from '../devices/device-labels';
import { JOB_STATUS_COLOR, kindLabel } from '../jobs/job-labels';
import type { Stats } from './dashboard-data';

const NOWRAP = { whiteSpace: 'nowrap' } as const;

function Panel({ id, title, more, children }: { id: string; title: string; more?: ReactNode; children: ReactNode }) {
  return (
    <Card withBorder padding="md" component="section" aria-labelledby={id}>
      <Group justify="space-between" mb="sm" wrap="nowrap">
        <Title order={2} size="h5" id={id}>
          {title}
        </Title>
        {more}
      </Group>
      {children}
    </Card>
  );
}

export function RecentDevices({ devices }: { devices: Stats['recentlyDiscovered'] }) {
  return (
    <Panel
      id="dash-recent-devices"
      title="Recently discovered"
      more={
        <Anchor component={Link} to="/devices?sort=-firstSeen" size="sm">
          All devices
        </Anchor>
      }
    >
      {devices.length === 0 ? (
        <Text c="dimmed" size="sm">
          No devices yet.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={480}>
          <Table verticalSpacing={4} aria-label="Recently discovered devices" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Device</Table.Th>
                <Table.Th>IP</Table.Th>
                <Table.Th>Type</Table.Th>
                <Table.Th>Platform</Table.Th>
                <Table.Th style={NOWRAP}>First seen</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {devices.map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td maw={220}>
                    {/* a host name is whatever the device said: text, cut short where long */}
                    <Anchor component={Link} to={`/devices/${d.id}`} size="sm" lineClamp={1} style={{ wordBreak: 'break-all' }}>
                      {deviceName(d)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {d.primaryIp ?? '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td style={NOWRAP}>{TYPE_LABELS[d.type] ?? d.type}</Table.Td>
                  <Table.Td style={NOWRAP}>{PLATFORM_LABELS[d.platform] ?? d.platform}</Table.Td>
                  <Table.Td style={NOWRAP}>
                    <When at={d.firstSeen} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Panel>
  );
}

export function RecentJobs({ jobs }: { jobs: Stats['jobs'] }) {
  return (
    <Panel
      id="dash-jobs"
      title="Jobs"
      more={
        <Anchor component={Link} to="/jobs" size="sm">
          All jobs
        </Anchor>
      }
    >
      <Text size="sm" mb="xs">
        <b>{formatCount(jobs.running)}</b> running · <b>{formatCount(jobs.queued)}</b> waiting for their start time
      </Text>
      {jobs.recent.length === 0 ? (
        <Text c="dimmed" size="sm">
          No jobs yet.
        </Text>
      ) : (
        <Stack component="ul" aria-label="Latest jobs" gap={6} m={0} p={0} style={{ listStyle: 'none' }}>
          {jobs.recent.map((j) => (
            <Group component="li" key={j.id} justify="space-between" wrap="nowrap" gap="xs">
              <div style={{ minWidth: 0 }}>
                <Anchor component={Link} to={`/jobs/${j.id}`} size="sm" lineClamp={1}>
                  {j.name || `Job ${j.id}`}
                </Anchor>
                <Text size="xs" c="dimmed" lineClamp={1}>
                  {kindLabel(j.kind)} · {formatAgo(j.createdAt)}
                </Text>
              </div>
              <Badge color={JOB_STATUS_COLOR[j.state]} variant="light" style={{ flexShrink: 0, overflow: 'visible' }}>
                {j.state}
              </Badge>
            </Group>
          ))}
        </Stack>
      )}
    </Panel>
  );
}

export function ConfigSummary({ configs }: { configs: Stats['configs'] }) {
  const backedUp = configs.devicesWithConfig;
  const drifted = Math.min(configs.drifted, backedUp);
  const pct = backedUp ? (100 * drifted) / backedUp : 0;
  return (
    <Panel
      id="dash-configs"
      title="Drift and compliance"
      more={
        <Anchor component={Link} to="/configs" size="sm">
          Drift report
        </Anchor>
      }
    >
      {backedUp === 0 && configs.devicesFailingRules === 0 ? (
        <Text c="dimmed" size="sm">
          No configuration backed up yet. A “Back up configuration” job stores one per device.
        </Text>
      ) : (
        <Group wrap="nowrap" align="center">
          <RingProgress
            size={120}
            thickness={14}
            roundCaps={false}
            role="img"
            aria-label={`Configurations: ${formatCount(drifted)} of ${formatCount(backedUp)} backed-up devices drift from their baseline`}
            sections={[
              { value: pct, color: 'red.6', tooltip: `Drifting: ${formatCount(drifted)}` },
              { value: 100 - pct, color: 'teal.6', tooltip: `As the baseline: ${formatCount(backedUp - drifted)}` },
            ]}
            label={
              <Text ta="center" size="xs" c="dimmed" aria-hidden>
                {Math.round(pct)}%<br />
                drifting
              </Text>
            }
          />
          <Stack gap={4}>
            <Text size="sm">
              <b>{formatCount(backedUp)}</b> {noun(backedUp, 'device')} backed up
            </Text>
            <Anchor component={Link} to="/configs?problem=drift" size="sm" c={drifted ? 'red' : undefined}>
              {plural(drifted, 'device')} drifting from {drifted === 1 ? 'its' : 'their'} baseline
            </Anchor>
            <Anchor component={Link} to="/configs?problem=rules" size="sm" c={configs.devicesFailingRules ? 'red' : undefined}>
              {plural(configs.devicesFailingRules, 'device')} failing {plural(configs.rulesFailing, 'compliance rule')}
            </Anchor>
          </Stack>
        </Group>
      )}
    </Panel>
  );
}
