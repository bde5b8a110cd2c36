// / — the dashboard: headline figures, devices by type, OS family and status as charts, the
// devices discovered lately, the latest jobs and the configuration drift and compliance summary,
// all from GET /api/stats and refreshed every 20 s. Each figure links to the list it counts,
// filtered where that list can filter. A fresh install (no device yet) says how devices arrive.
import { Button, Card, Center, Grid, Group, SimpleGrid, Stack, Text, ThemeIcon, Title } from '@mantine/core';
import { IconAlertTriangle, IconDeviceDesktop, IconGitCompare, IconListCheck, IconRadar, IconTerminal2 } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { Spinner } from '../../components/Spinner';
import { useCan } from '../../lib/auth';
import { formatCount, plural } from '../../lib/format';
import { isFreshInstall, osFamilySlices, Stats, statusSlices, typeSlices } from './dashboard-data';
import { ConfigSummary, RecentDevices, RecentJobs } from './RecentPanels';
import { SliceChart } from './SliceChart';
import { StatCard } from './StatCard';

const REFRESH_MS = 20_000;

export default function DashboardPage() {
  const stats = useQuery({
    queryKey: ['stats'],
    queryFn: () => unwrap(api.GET('/api/stats')),
    refetchInterval: REFRESH_MS,
  });
  const s = stats.data;
  return (
    <>
      <PageHeader
        title="Dashboard"
        subtitle={s ? `Updated ${new Date(stats.dataUpdatedAt).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })}; refreshes every ${REFRESH_MS / 1000} s` : undefined}
      />
      <ErrorAlert error={stats.error} title={s ? 'The figures could not be refreshed' : undefined} />
      {!s ? (
        stats.isPending && (
          <Center py="xl">
            <Spinner label="Loading the dashboard" />
          </Center>
        )
      ) : (
        <Dashboard s={s} />
      )}
    </>
  );
}

function Dashboard({ s }: { s: Stats }) {
  const stale = s.devices.byStatus.find((r) => r.key === 'stale')?.count ?? 0;
  const fresh = isFreshInstall(s);
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }} spacing="sm">
        <StatCard label="Devices" value={s.devices.total} hint={stale ? `${formatCount(stale)} stale` : 'none stale'} to="/devices" icon={IconDeviceDesktop} />
        <StatCard label="Running jobs" value={s.jobs.running} hint={`${formatCount(s.jobs.queued)} waiting to start`} to="/jobs?status=running" icon={IconListCheck} />
        <StatCard label="Scans running" value={s.scans.running} to="/discovery" icon={IconRadar} />
        <StatCard
          label="Drifted"
          value={s.configs.drifted}
          hint={`of ${formatCount(s.configs.devicesWithConfig)} backed-up devices`}
          to="/configs?problem=drift"
          icon={IconGitCompare}
          alertColor="red"
        />
        <StatCard
          label="Non-compliant"
          value={s.configs.devicesFailingRules}
          hint={`devices failing ${plural(s.configs.rulesFailing, 'rule')}`}
          to="/configs?problem=rules"
          icon={IconAlertTriangle}
          alertColor="orange"
        />
      </SimpleGrid>
      {fresh ? (
        <EmptyState />
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
          <SliceChart title="Devices by type" kind="donut" slices={typeSlices(s.devices.byType)} centre={s.devices.total} />
          <SliceChart title="Devices by OS family" kind="bars" slices={osFamilySlices(s.devices.byOsFamily)} />
          <SliceChart title="Devices by status" kind="donut" slices={statusSlices(s.devices.byStatus)} />
        </SimpleGrid>
      )}
      <Grid gap="md">
        {!fresh && (
          <Grid.Col span={{ base: 12, lg: 7 }}>
            <RecentDevices devices={s.recentlyDiscovered} />
          </Grid.Col>
        )}
        <Grid.Col span={{ base: 12, lg: fresh ? 12 : 5 }}>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: fresh ? 2 : 1 }} spacing="md">
            <RecentJobs jobs={s.jobs} />
            <ConfigSummary configs={s.configs} />
          </SimpleGrid>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

/** A fresh install: no device at all yet, so no chart would say anything. */
function EmptyState() {
  const canScan = useCan('technician');
  return (
    <Card withBorder padding="xl" component="section" aria-labelledby="dash-empty">
      <Stack align="center" gap="sm" maw={620} mx="auto" ta="center">
        <ThemeIcon size={48} radius="xl" variant="light" aria-hidden>
          <IconRadar size={28} />
        </ThemeIcon>
        <Title order={2} size="h4" id="dash-empty">
          No devices yet
        </Title>
        <Text c="dimmed" size="sm">
          Devices arrive in two ways: a <b>discovery scan</b> sweeps address ranges and identifies what answers over SNMP and SSH with
          the credentials you give it, and the <b>endpoint agents</b> (Linux, macOS and Windows scripts in the <code>agents/</code> folder
          of the Teknisi distribution) report machines that discovery cannot reach, with an enrollment token an admin creates.
        </Text>
        <Group justify="center" gap="sm">
          {canScan ? (
            <Button component={Link} to="/discovery?form=scan" leftSection={<IconRadar size={16} />}>
              Start a scan
            </Button>
          ) : (
            <Button component={Link} to="/discovery" variant="default" leftSection={<IconRadar size={16} />}>
              Discovery
            </Button>
          )}
          <Button component={Link} to="/discovery?tab=ranges" variant="default" leftSection={<IconTerminal2 size={16} />}>
            Saved ranges
          </Button>
        </Group>
        {!canScan && (
          <Text size="xs" c="dimmed">
            Starting a scan needs a technician or an admin.
          </Text>
        )}
      </Stack>
    </Card>
  );
}
