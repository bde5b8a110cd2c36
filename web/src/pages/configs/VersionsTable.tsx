// A device's configuration versions, newest first: compare any with the one before it, and (for
// technicians) pin one as the device's baseline.
import { Anchor, Badge, Button, Group, Text } from '@mantine/core';
import { Link } from 'react-router';
import { DataTable } from '../../components/DataTable';
import { formatBytes, formatCount, formatTime } from '../../lib/format';
import { ConfigVersion, diffHref } from './configs-api';

const TRIGGER: Record<string, string> = { manual: 'manual backup', schedule: 'scheduled backup', push: 'after a push' };

export function VersionsTable({
  deviceId, versions, total, loading, pinnedVersionId, onPin, pinning,
}: {
  deviceId: number;
  versions: ConfigVersion[] | undefined;
  total?: number;
  loading: boolean;
  pinnedVersionId?: number;
  onPin?: (versionId: number) => void;
  pinning?: number;
}) {
  const list = versions ?? [];
  return (
    <DataTable<ConfigVersion>
      label="Configuration versions"
      rows={versions}
      rowKey={(v) => v.id}
      loading={loading}
      empty="No backup of this device yet."
      columns={[
        {
          key: 'id', label: 'Version',
          render: (v) => (
            <Group gap={6} wrap="nowrap">
              <Text size="sm" fw={500}>Version {v.id}</Text>
              {v.id === pinnedVersionId && <Badge size="sm" variant="light">baseline</Badge>}
            </Group>
          ),
        },
        { key: 'collectedAt', label: 'Collected', render: (v) => formatTime(v.collectedAt) },
        { key: 'trigger', label: 'How', render: (v) => TRIGGER[v.trigger] ?? v.trigger },
        { key: 'lines', label: 'Lines', render: (v) => formatCount(v.lines) },
        { key: 'bytes', label: 'Size', render: (v) => formatBytes(v.bytes) },
        {
          key: 'actions', label: 'Actions',
          render: (v) => {
            const i = list.findIndex((x) => x.id === v.id);
            const previous = list[i + 1];
            return (
              <Group gap="xs" wrap="nowrap">
                {previous && (
                  <Anchor component={Link} to={diffHref(deviceId, { from: previous.id, to: v.id })} size="sm">
                    Changes since version {previous.id}
                  </Anchor>
                )}
                {onPin && v.id !== pinnedVersionId && (
                  <Button size="compact-xs" variant="light" onClick={() => onPin(v.id)} loading={pinning === v.id} aria-label={`Pin as baseline: version ${v.id}`}>
                    Pin as baseline
                  </Button>
                )}
              </Group>
            );
          },
        },
      ]}
      total={total !== undefined && total > list.length ? total : undefined}
    />
  );
}
