// A device's hardware as its last inventory found it: processors, memory, disks and the rest.
import { Group, Table, Text } from '@mantine/core';
import { formatBytes } from '../../../lib/format';
import { DeviceDetail } from '../device-labels';

const KIND_LABELS: Record<string, string> = { cpu: 'Processor', memory: 'Memory', disk: 'Disk', other: 'Other' };

export function HardwareTab({ device: d }: { device: DeviceDetail }) {
  const sum = (kind: string) => d.hardware.filter((h) => h.kind === kind).reduce((n, h) => n + (h.capacityBytes ?? 0), 0);
  const cores = d.hardware.filter((h) => h.kind === 'cpu').reduce((n, h) => n + (h.cores ?? 0), 0);
  if (!d.hardware.length) return <Text c="dimmed">No hardware inventory for this device yet (SNMP sees little; an SSH collection or an agent report fills this in).</Text>;
  return (
    <>
      <Group gap="xl" mb="sm">
        <Text size="sm"><b>Memory</b> {formatBytes(sum('memory') || null)}</Text>
        <Text size="sm"><b>Disks</b> {formatBytes(sum('disk') || null)}</Text>
        <Text size="sm"><b>Cores</b> {cores || '—'}</Text>
      </Group>
      <Table.ScrollContainer minWidth={700}>
        <Table striped verticalSpacing={6} aria-label="Hardware">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Manufacturer / model</Table.Th>
              <Table.Th>Serial</Table.Th>
              <Table.Th>Capacity</Table.Th>
              <Table.Th>Speed</Table.Th>
              <Table.Th>Cores</Table.Th>
              <Table.Th>Slot</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {d.hardware.map((h, i) => (
              <Table.Tr key={i}>
                <Table.Td>{KIND_LABELS[h.kind] ?? h.kind}</Table.Td>
                <Table.Td>{h.name ?? '—'}</Table.Td>
                <Table.Td>{[h.manufacturer, h.model].filter(Boolean).join(' ') || '—'}</Table.Td>
                <Table.Td ff="monospace">{h.serial ?? '—'}</Table.Td>
                <Table.Td>{formatBytes(h.capacityBytes)}</Table.Td>
                <Table.Td>{h.speedMhz ? `${h.speedMhz} MHz` : '—'}</Table.Td>
                <Table.Td>{h.cores ?? '—'}</Table.Td>
                <Table.Td>{h.slot ?? '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </>
  );
}
