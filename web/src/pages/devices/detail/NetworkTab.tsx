// A device's interfaces, its addresses (IP and MAC, on which interface), and what LLDP/CDP says is
// on the other end of each port, linked to the known device there.
import { Anchor, Badge, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { formatAgo } from '../../../lib/format';
import { DeviceDetail } from '../device-labels';

const speed = (mbps: number | null | undefined) => (mbps ? (mbps >= 1000 ? `${mbps / 1000} Gb/s` : `${mbps} Mb/s`) : '—');
const statusColor = (s: string | null | undefined) => (s === 'up' ? 'green' : s === 'down' ? 'red' : 'gray');

export function NetworkTab({ device: d }: { device: DeviceDetail }) {
  return (
    <Stack>
      <section aria-label="Interfaces">
        <Title order={2} size="h5" mb="xs">Interfaces</Title>
        {d.interfaces.length ? (
          <Table.ScrollContainer minWidth={700}>
            <Table striped verticalSpacing={6} aria-label="Interfaces">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Description</Table.Th>
                  <Table.Th>MAC</Table.Th>
                  <Table.Th>Speed</Table.Th>
                  <Table.Th>MTU</Table.Th>
                  <Table.Th>Admin / oper</Table.Th>
                  <Table.Th>Addresses</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {d.interfaces.map((i) => (
                  <Table.Tr key={i.name}>
                    <Table.Td>{i.name}</Table.Td>
                    <Table.Td>{i.description ?? '—'}</Table.Td>
                    <Table.Td ff="monospace">{i.mac ?? '—'}</Table.Td>
                    <Table.Td>{speed(i.speedMbps)}</Table.Td>
                    <Table.Td>{i.mtu ?? '—'}</Table.Td>
                    <Table.Td>
                      <Badge size="sm" variant="light" color={statusColor(i.adminStatus)}>{i.adminStatus ?? '?'}</Badge>{' '}
                      <Badge size="sm" variant="light" color={statusColor(i.operStatus)}>{i.operStatus ?? '?'}</Badge>
                    </Table.Td>
                    <Table.Td ff="monospace">
                      {d.addresses.filter((a) => a.interfaceName === i.name && a.ip).map((a) => a.ip).join(', ') || '—'}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        ) : (
          <Text c="dimmed" size="sm">No interfaces recorded.</Text>
        )}
      </section>
      <section aria-label="Addresses">
        <Title order={2} size="h5" mb="xs">Addresses</Title>
        {d.addresses.length ? (
          <Table striped verticalSpacing={4} aria-label="Addresses">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>IP</Table.Th>
                <Table.Th>MAC</Table.Th>
                <Table.Th>Interface</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {d.addresses.map((a, n) => (
                <Table.Tr key={n}>
                  <Table.Td ff="monospace">
                    {a.ip ?? '—'} {a.ip && a.ip === d.primaryIp && <Badge size="xs" variant="light">primary</Badge>}
                  </Table.Td>
                  <Table.Td ff="monospace">{a.mac ?? '—'}</Table.Td>
                  <Table.Td>{a.interfaceName ?? '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : (
          <Text c="dimmed" size="sm">No addresses recorded.</Text>
        )}
      </section>
      {d.neighbours.length > 0 && (
        <section aria-label="Neighbours">
          <Title order={2} size="h5" mb="xs">Neighbours (LLDP/CDP)</Title>
          <Table.ScrollContainer minWidth={700}>
            <Table striped verticalSpacing={4} aria-label="Neighbours">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Local port</Table.Th>
                  <Table.Th>Neighbour</Table.Th>
                  <Table.Th>Its port</Table.Th>
                  <Table.Th>Address</Table.Th>
                  <Table.Th>Platform</Table.Th>
                  <Table.Th>Protocol</Table.Th>
                  <Table.Th>Seen</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {d.neighbours.map((n, i) => (
                  <Table.Tr key={i}>
                    <Table.Td>{n.localPort ?? '—'}</Table.Td>
                    <Table.Td>
                      {n.remoteDeviceId ? (
                        <Anchor component={Link} to={`/devices/${n.remoteDeviceId}`}>{n.remoteName || `device ${n.remoteDeviceId}`}</Anchor>
                      ) : (
                        n.remoteName ?? n.remoteChassisId ?? '—'
                      )}
                    </Table.Td>
                    <Table.Td>{n.remotePort ?? '—'}</Table.Td>
                    <Table.Td ff="monospace">{n.remoteAddress ?? '—'}</Table.Td>
                    <Table.Td>{n.remotePlatform ?? '—'}</Table.Td>
                    <Table.Td>{n.protocol.toUpperCase()}</Table.Td>
                    <Table.Td>{formatAgo(n.lastSeen)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </section>
      )}
    </Stack>
  );
}
