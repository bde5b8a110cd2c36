// A titled box of label/value pairs (a device's identity, OS, …), values rendered as text.
import { ReactNode } from 'react';
import { Paper, Table, Title } from '@mantine/core';

export function Fields({ title, rows, actions }: { title: string; rows: Array<[string, ReactNode]>; actions?: ReactNode }) {
  return (
    <Paper withBorder p="sm" component="section" aria-label={title}>
      <Title order={2} size="h5" mb="xs" style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
        {title}
        {actions}
      </Title>
      <Table verticalSpacing={4} layout="fixed">
        <Table.Tbody>
          {rows.map(([label, value]) => (
            <Table.Tr key={label}>
              <Table.Th w="38%" fw={500} c="dimmed" style={{ verticalAlign: 'top' }}>
                {label}
              </Table.Th>
              <Table.Td style={{ overflowWrap: 'anywhere' }}>{value === null || value === undefined || value === '' ? '—' : value}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}
