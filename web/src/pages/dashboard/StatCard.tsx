// A headline figure of the dashboard: one link to the list it counts.
import { Card, Group, Text, ThemeIcon } from '@mantine/core';
import type { Icon } from '@tabler/icons-react';
import { Link } from 'react-router';
import { formatCount } from '../../lib/format';

interface Props {
  label: string;
  value: number;
  hint?: string;
  to: string;
  icon: Icon;
  /** the figure's colour when it is not zero (e.g. red for drift: something needs a look) */
  alertColor?: string;
}

export function StatCard({ label, value, hint, to, icon: I, alertColor }: Props) {
  const alert = alertColor && value > 0;
  return (
    <Card
      withBorder
      padding="sm"
      component={Link}
      to={to}
      style={{ textDecoration: 'none', color: 'inherit' }}
    >
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <div>
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            {label}
          </Text>
          <Text size="xl" fw={700} fz={28} lh={1.2} c={alert ? alertColor : undefined}>
            {formatCount(value)}
          </Text>
          <Text size="xs" c="dimmed" mih={18}>
            {hint ?? ''}
          </Text>
        </div>
        <ThemeIcon variant="light" color={alert ? alertColor : 'indigo'} size="lg" radius="md" aria-hidden>
          <I size={20} />
        </ThemeIcon>
      </Group>
    </Card>
  );
}
