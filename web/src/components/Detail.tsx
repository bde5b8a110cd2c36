// One labelled figure in a page's summary grid (a scan's or a job's targets, credentials, times).
import type { ReactNode } from 'react';
import { Card, Text } from '@mantine/core';

export function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Card withBorder padding="xs">
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {label}
      </Text>
      {children}
    </Card>
  );
}
