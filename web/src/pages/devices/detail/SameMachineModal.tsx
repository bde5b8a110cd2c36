// "Is this the same machine as that one?": a technician picks the other record, compares the two
// side by side, then either merges it into this device (POST /api/devices/:id/merge: the other is
// deleted, its addresses, tags, software, history and job runs move here) or marks the two as
// different machines (POST /api/devices/:id/distinct), so that ingest never gives one the other's
// reports. The server refuses a merge of devices marked distinct (409); the dialog shows why.
import { ReactNode, useEffect, useId, useState } from 'react';
import { Alert, Button, Group, Modal, Select, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../../api/client';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { formatAgo } from '../../../lib/format';
import { deviceQueryKey, devicesKey } from '../device-queries';
import { DeviceDetail, deviceName, PLATFORM_LABELS, STATUS_LABELS, TYPE_LABELS } from '../device-labels';

export function SameMachineModal({ device, opened, onClose }: { device: DeviceDetail; opened: boolean; onClose: () => void }) {
  const qc = useQueryClient();
  const [otherId, setOtherId] = useState<number>();
  const [search, setSearch] = useState('');
  const [picked, setPicked] = useState<string>();
  useEffect(() => {
    if (!opened) return;
    setOtherId(undefined);
    setSearch('');
    setPicked(undefined);
  }, [opened]);
  // once a device is picked the box shows its label: that is not a new search
  const [q] = useDebouncedValue(search === picked ? '' : search, 250);
  const candidates = useQuery({
    queryKey: ['devices', 'same-machine', q],
    // retired records too: an old record of a machine is what a merge most often folds in
    queryFn: () => unwrap(api.GET('/api/devices', { params: { query: { q: q || undefined, status: 'all', limit: 25 } } })),
    placeholderData: keepPreviousData,
    enabled: opened,
  });
  const other = useQuery({
    queryKey: deviceQueryKey(otherId ?? 0),
    queryFn: () => unwrap(api.GET('/api/devices/{id}', { params: { path: { id: otherId! } } })),
    enabled: opened && !!otherId,
  });
  const data = (candidates.data?.items ?? [])
    .filter((d) => d.id !== device.id)
    .map((d) => ({ value: String(d.id), label: `${deviceName(d)} · #${d.id}${d.primaryIp && d.hostname ? ` · ${d.primaryIp}` : ''}${d.serial ? ` · ${d.serial}` : ''}` }));
  if (otherId && !data.some((d) => d.value === String(otherId))) data.unshift({ value: String(otherId), label: picked ?? `device ${otherId}` });

  const done = (message: string) => {
    void qc.invalidateQueries({ queryKey: devicesKey });
    notifications.show({ color: 'green', message });
    onClose();
  };
  const merge = useMutation({
    mutationFn: (id: number) => unwrap(api.POST('/api/devices/{id}/merge', { params: { path: { id: device.id } }, body: { otherId: id } })),
    onSuccess: (updated) => {
      qc.setQueryData(deviceQueryKey(device.id), updated);
      qc.removeQueries({ queryKey: deviceQueryKey(otherId ?? 0) });
      done(`${other.data ? deviceName(other.data) : `Device ${otherId}`} was merged into this device.`);
    },
  });
  const distinct = useMutation({
    mutationFn: (id: number) => unwrap(api.POST('/api/devices/{id}/distinct', { params: { path: { id: device.id } }, body: { otherId: id } })),
    onSuccess: (updated) => {
      qc.setQueryData(deviceQueryKey(device.id), updated);
      done(`Marked as a different machine from ${other.data ? deviceName(other.data) : `device ${otherId}`}.`);
    },
  });
  const busy = merge.isPending || distinct.isPending;
  const o = other.data;
  const alreadyDistinct = !!otherId && device.distinctFrom.includes(otherId);
  // why neither action can be taken yet, said beside the disabled buttons
  const whyId = useId();
  const why = !otherId
    ? 'Pick the other device first.'
    : !o
      ? other.isError ? 'The other device could not be loaded.' : 'Loading the other device…'
      : alreadyDistinct ? 'Marked as different machines: see above.' : undefined;

  return (
    <Modal opened={opened} onClose={() => !busy && onClose()} title="Same machine as another device?" size="xl">
      <Stack>
        <Select
          label="Other device"
          description="Type a host name, address, MAC or serial; retired devices are listed too"
          placeholder="Search devices"
          searchable
          clearable
          data={data}
          value={otherId ? String(otherId) : null}
          onChange={(v, option) => {
            setPicked(option?.label);
            setOtherId(v ? Number(v) : undefined);
            merge.reset();
            distinct.reset();
          }}
          onSearchChange={setSearch}
          nothingFoundMessage={candidates.isFetching ? 'Searching…' : 'No other device matches'}
          comboboxProps={{ withinPortal: false }}
        />
        <ErrorAlert error={other.error ?? candidates.error} />
        {o && (
          <>
            <Table aria-label="The two devices side by side" withTableBorder verticalSpacing={4}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th><VisuallyHidden>Field</VisuallyHidden></Table.Th>
                  <Table.Th>This device (#{device.id}, kept)</Table.Th>
                  <Table.Th>Other device (#{o.id})</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {compared(device, o).map(([label, mine, theirs]) => (
                  <Table.Tr key={label}>
                    <Table.Th scope="row">{label}</Table.Th>
                    <Table.Td style={{ wordBreak: 'break-word' }}>{mine ?? '—'}</Table.Td>
                    <Table.Td style={{ wordBreak: 'break-word' }}>{theirs ?? '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {alreadyDistinct ? (
              <Alert color="yellow" title="Marked as different machines">
                These two are marked as different machines. If they are one machine after all, undo that mark under Summary → Marked
                distinct from, then merge.
              </Alert>
            ) : (
              <Text size="sm">
                <b>Merge</b> folds {deviceName(o)} into this device and deletes its record: its addresses, tags, software, history,
                job runs and what discovery recorded move here, and fields empty here are filled from it. Later reports of either
                machine land on this device. A merge cannot be undone.
                <br />
                <b>Different machines</b> keeps both and tells discovery and agents never to give one the other's reports, even
                when they share a cloned MAC address or a reused serial.
              </Text>
            )}
          </>
        )}
        <ErrorAlert error={merge.error ?? distinct.error} title={merge.error ? 'Not merged' : 'Not marked'} />
        <Group justify="flex-end">
          {why && (
            <Text size="sm" c="dimmed" id={whyId} mr="auto">
              {why}
            </Text>
          )}
          <Button variant="default" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button
            variant="light"
            disabled={!!why || merge.isPending}
            aria-describedby={why ? whyId : undefined}
            loading={distinct.isPending}
            onClick={() => o && distinct.mutate(o.id)}
          >
            Mark as different machines
          </Button>
          <Button color="red" disabled={!!why || distinct.isPending} aria-describedby={why ? whyId : undefined} loading={merge.isPending} onClick={() => o && merge.mutate(o.id)}>
            Merge into this device
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function compared(a: DeviceDetail, b: DeviceDetail): Array<[string, ReactNode, ReactNode]> {
  const macs = (d: DeviceDetail) => [...new Set(d.addresses.map((x) => x.mac).filter(Boolean))].join(', ') || null;
  const sources = (d: DeviceDetail) => d.sources.map((s) => s.kind).join(', ') || null;
  return [
    ['Hostname', a.hostname, b.hostname],
    ['Serial', a.serial, b.serial],
    ['Primary IP', a.primaryIp, b.primaryIp],
    ['MAC addresses', macs(a), macs(b)],
    ['Type', TYPE_LABELS[a.type] ?? a.type, TYPE_LABELS[b.type] ?? b.type],
    ['Platform', PLATFORM_LABELS[a.platform] ?? a.platform, PLATFORM_LABELS[b.platform] ?? b.platform],
    ['OS', [a.osName, a.osVersion].filter(Boolean).join(' ') || null, [b.osName, b.osVersion].filter(Boolean).join(' ') || null],
    ['Status', STATUS_LABELS[a.status] ?? a.status, STATUS_LABELS[b.status] ?? b.status],
    ['Seen by', sources(a), sources(b)],
    ['Last seen', formatAgo(a.lastSeen), formatAgo(b.lastSeen)],
  ];
}
