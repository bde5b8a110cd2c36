// A device's summary: identity, OS, where it is and who has it, notes, tags, and which sources saw
// it when, and at which address. Technicians edit the hand-kept fields (PATCH /api/devices/:id), merge another record of
// the same machine into this one or mark it a different machine, and undo such a mark.
import { Anchor, Badge, Button, Group, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconArrowMerge, IconPencil } from '@tabler/icons-react';
import { useQueries, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../../../api/client';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { useCan } from '../../../lib/auth';
import { formatAgo, formatTime } from '../../../lib/format';
import { deviceQueryKey } from '../device-queries';
import { DeviceDetail, deviceName, PLATFORM_LABELS, TYPE_LABELS } from '../device-labels';
import { EditDeviceModal } from './EditDeviceModal';
import { Fields } from './Fields';
import { SameMachineModal } from './SameMachineModal';

const SOURCE_LABELS: Record<DeviceDetail['sources'][number]['kind'], string> = { snmp: 'SNMP', ssh: 'SSH', agent: 'Agent', manual: 'By hand' };

export function SummaryTab({ device: d }: { device: DeviceDetail }) {
  const canEdit = useCan('technician');
  const [editing, edit] = useDisclosure(false);
  const [comparing, compare] = useDisclosure(false);
  return (
    <Stack>
      {canEdit && (
        <Group justify="flex-end">
          <Button variant="default" leftSection={<IconArrowMerge size={16} />} onClick={compare.open}>
            Merge or mark distinct…
          </Button>
          <Button variant="light" leftSection={<IconPencil size={16} />} onClick={edit.open}>
            Edit device
          </Button>
        </Group>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Fields
          title="Identity"
          rows={[
            ['Hostname', d.hostname],
            ['FQDN', d.fqdn],
            ['Serial', d.serial],
            ['Type', TYPE_LABELS[d.type] ?? d.type],
            ['Vendor', d.vendor],
            ['Model', d.model],
            ['Primary IP', d.primaryIp],
          ]}
        />
        <Fields
          title="Operating system"
          rows={[
            ['Platform', PLATFORM_LABELS[d.platform] ?? d.platform],
            ['OS family', d.osFamily],
            ['OS', d.osName],
            ['Version', d.osVersion],
          ]}
        />
        <Fields
          title="Where and who"
          rows={[
            ['Location', d.location],
            ['Assigned to', d.assignedTo],
            [
              'Tags',
              d.tags.length ? (
                <Group gap={4}>
                  {d.tags.map((t) => (
                    <Badge key={t} variant="outline" style={{ textTransform: 'none' }} component={Link} to={`/devices?tag=${encodeURIComponent(t)}`}>
                      {t}
                    </Badge>
                  ))}
                </Group>
              ) : null,
            ],
            ['Notes', d.notes ? <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>{d.notes}</Text> : null],
          ]}
        />
        <Fields
          title="Seen"
          rows={[
            ['First seen', formatTime(d.firstSeen)],
            ['Last seen', `${formatTime(d.lastSeen)} (${formatAgo(d.lastSeen)})`],
            ['Record changed', formatTime(d.updatedAt)],
            ...(d.retiredAt ? ([['Retired', formatTime(d.retiredAt)]] as Array<[string, string]>) : []),
            ['Marked distinct from', d.distinctFrom.length ? <DistinctFrom device={d} canEdit={canEdit} /> : null],
          ]}
        />
      </SimpleGrid>
      <section aria-label="Sources">
        <Text fw={600} mb={4}>
          Sources
        </Text>
        <Table verticalSpacing={4} striped aria-label="Sources">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Source</Table.Th>
              <Table.Th>First seen</Table.Th>
              <Table.Th>Last seen</Table.Th>
              <Table.Th>Reached at</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {d.sources.map((s) => (
              <Table.Tr key={s.kind}>
                <Table.Td>{SOURCE_LABELS[s.kind] ?? s.kind}</Table.Td>
                <Table.Td>{formatTime(s.firstSeen)}</Table.Td>
                <Table.Td>
                  {formatTime(s.lastSeen)} <Text span c="dimmed" size="xs">({formatAgo(s.lastSeen)})</Text>
                </Table.Td>
                <Table.Td>{s.address ?? <Text span c="dimmed" size="sm">—</Text>}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {!d.sources.length && <Text c="dimmed" size="sm">No source has reported this device.</Text>}
      </section>
      {canEdit && <EditDeviceModal device={d} opened={editing} onClose={edit.close} />}
      {canEdit && <SameMachineModal device={d} opened={comparing} onClose={compare.close} />}
    </Stack>
  );
}

/** The devices this one is marked distinct from, by name, each with an undo for technicians. */
function DistinctFrom({ device: d, canEdit }: { device: DeviceDetail; canEdit: boolean }) {
  const qc = useQueryClient();
  const others = useQueries({
    queries: d.distinctFrom.map((id) => ({
      queryKey: deviceQueryKey(id),
      queryFn: () => unwrap(api.GET('/api/devices/{id}', { params: { path: { id } } })),
    })),
  });
  return (
    <Stack gap={4}>
      {d.distinctFrom.map((id, i) => {
        const name = others[i]?.data ? deviceName(others[i].data) : `device ${id}`;
        return (
          <Group key={id} gap="xs" wrap="nowrap">
            <Anchor component={Link} to={`/devices/${id}`}>
              {name} <Text span c="dimmed" size="xs">#{id}</Text>
            </Anchor>
            {canEdit && (
              <ConfirmButton
                size="compact-xs"
                variant="subtle"
                aria-label={`Undo distinct from ${name}`}
                title={`Undo the mark on ${name}?`}
                message={`${deviceName(d)} and ${name} will no longer be marked as different machines: a later report may then match either, and they may be merged.`}
                confirmLabel="Undo the mark"
                onConfirm={async () => {
                  await unwrap(api.DELETE('/api/devices/{id}/distinct/{otherId}', { params: { path: { id: d.id, otherId: id } } }));
                  await Promise.all([qc.invalidateQueries({ queryKey: deviceQueryKey(d.id) }), qc.invalidateQueries({ queryKey: deviceQueryKey(id) })]);
                  notifications.show({ color: 'green', message: `No longer marked distinct from ${name}.` });
                }}
              >
                Undo
              </ConfirmButton>
            )}
          </Group>
        );
      })}
    </Stack>
  );
}
