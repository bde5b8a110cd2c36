// /devices/:id: one device, its tab in the URL (?tab=software), each tab's own search and page as
// parameters beside it. Technicians see the actions; the server refuses them to viewers anyway.
import { Badge, Button, Center, Group, Tabs, Text } from '@mantine/core';
import { IconPackage } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, ApiError, unwrap } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { Spinner } from '../../components/Spinner';
import { useCan } from '../../lib/auth';
import { useUrlParams } from '../../lib/url-state';
import { BackupButton } from './detail/BackupButton';
import { RescanButton } from './detail/RescanButton';
import { ConfigsTab } from './detail/ConfigsTab';
import { HardwareTab } from './detail/HardwareTab';
import { HistoryTab } from './detail/HistoryTab';
import { JobsTab } from './detail/JobsTab';
import { NetworkTab } from './detail/NetworkTab';
import { SoftwareTab } from './detail/SoftwareTab';
import { SummaryTab } from './detail/SummaryTab';
import { deviceQueryKey } from './device-queries';
import { CONFIG_PLATFORMS, deviceName, PLATFORM_LABELS, STATUS_COLORS, STATUS_LABELS, TYPE_LABELS } from './device-labels';

export const TABS = [
  { value: 'summary', label: 'Summary' },
  { value: 'hardware', label: 'Hardware' },
  { value: 'network', label: 'Interfaces & addresses' },
  { value: 'software', label: 'Software' },
  { value: 'history', label: 'History' },
  { value: 'configs', label: 'Configs & drift' },
  { value: 'jobs', label: 'Jobs' },
] as const;
type Tab = (typeof TABS)[number]['value'];

export default function DevicePage() {
  const raw = useParams().id;
  const id = Number(raw);
  const [v, update] = useUrlParams();
  const canAct = useCan('technician');
  const tab: Tab = TABS.some((t) => t.value === v.tab) ? (v.tab as Tab) : 'summary';
  const valid = Number.isInteger(id) && id > 0;
  const device = useQuery({
    queryKey: deviceQueryKey(id),
    queryFn: () => unwrap(api.GET('/api/devices/{id}', { params: { path: { id } } })),
    enabled: valid,
  });

  if (!valid) return <ErrorAlert error={new ApiError(404, `There is no device ${raw}.`)} />;
  if (device.isPending) {
    return (
      <Center py="xl">
        <Spinner label="Loading" />
      </Center>
    );
  }
  if (device.error) return <ErrorAlert error={device.error} />;
  const d = device.data;

  return (
    <>
      <PageHeader
        title={
          <Group gap="sm" component="span">
            <span style={{ wordBreak: 'break-all' }}>{deviceName(d)}</span>
            <Badge variant="light" color={STATUS_COLORS[d.status]}>{STATUS_LABELS[d.status] ?? d.status}</Badge>
          </Group>
        }
        subtitle={[TYPE_LABELS[d.type] ?? d.type, PLATFORM_LABELS[d.platform] ?? d.platform, d.primaryIp].filter(Boolean).join(' · ')}
        actions={
          canAct && (
            <>
              <Button component={Link} to={`/jobs/new?deviceIds=${d.id}`} variant="default" leftSection={<IconPackage size={16} />}>
                Install software…
              </Button>
              {CONFIG_PLATFORMS.has(d.platform) && <BackupButton deviceId={d.id} />}
              {/* a device a scan found (SNMP or SSH saw it) can be scanned again as that scan found it */}
              {d.sources.some((s) => s.kind === 'snmp' || s.kind === 'ssh') && <RescanButton deviceId={d.id} />}
            </>
          )
        }
      />
      {/* keepMounted={false}: a tab's queries run when it is opened, not all at once */}
      <Tabs value={tab} onChange={(t) => update({ tab: t === 'summary' ? undefined : t ?? undefined })} keepMounted={false}>
        <Tabs.List mb="md">
          {TABS.map((t) => (
            <Tabs.Tab key={t.value} value={t.value}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="summary"><SummaryTab device={d} /></Tabs.Panel>
        <Tabs.Panel value="hardware"><HardwareTab device={d} /></Tabs.Panel>
        <Tabs.Panel value="network"><NetworkTab device={d} /></Tabs.Panel>
        <Tabs.Panel value="software"><SoftwareTab deviceId={d.id} /></Tabs.Panel>
        <Tabs.Panel value="history"><HistoryTab deviceId={d.id} /></Tabs.Panel>
        <Tabs.Panel value="configs"><ConfigsTab device={d} /></Tabs.Panel>
        <Tabs.Panel value="jobs"><JobsTab deviceId={d.id} /></Tabs.Panel>
      </Tabs>
      {d.status === 'retired' && (
        <Text c="dimmed" size="sm" mt="md">
          Retired devices stay out of the default device list; their history is kept.
        </Text>
      )}
    </>
  );
}
