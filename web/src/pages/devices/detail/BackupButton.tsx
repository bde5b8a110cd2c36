// "Back up config": starts a config.backup job for this device (202 {id}), follows it to its end
// (configs/useJobFollow) and then refreshes the device's tabs: its versions, drift and jobs.
import { Anchor, Button } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDatabaseExport } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../../../api/client';
import { useJobFollow } from '../../configs/useJobFollow';
import { devicesKey } from '../device-queries';

export function BackupButton({ deviceId }: { deviceId: number }) {
  const qc = useQueryClient();
  const followed = useJobFollow([devicesKey, ['jobs']]);
  const backup = useMutation({
    mutationFn: () => unwrap(api.POST('/api/devices/{id}/configs/backup', { params: { path: { id: deviceId } } })),
    onSuccess: (job) => {
      void qc.invalidateQueries({ queryKey: devicesKey });
      followed.follow({ id: job.id, what: 'Backup' });
      notifications.show({
        color: 'green',
        title: 'Backup started',
        message: <Anchor component={Link} to={`/jobs/${job.id}`}>Follow job {job.id}</Anchor>,
      });
    },
    onError: (err) => notifications.show({ color: 'red', title: 'Backup not started', message: err instanceof Error ? err.message : String(err) }),
  });
  return (
    <Button variant="default" leftSection={<IconDatabaseExport size={16} />} loading={backup.isPending || followed.job !== undefined} onClick={() => backup.mutate()}>
      Back up config
    </Button>
  );
}
