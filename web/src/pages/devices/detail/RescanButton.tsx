// "Rescan": scans this device again as the last scan found it (its addresses there, that scan's
// credentials and options: POST /api/devices/:id/rescan, 202 {id}), and opens that scan's page.
import { Button } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconRadar } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api, unwrap } from '../../../api/client';

export function RescanButton({ deviceId }: { deviceId: number }) {
  const navigate = useNavigate();
  const rescan = useMutation({
    mutationFn: () => unwrap(api.POST('/api/devices/{id}/rescan', { params: { path: { id: deviceId } } })),
    onSuccess: (scan) => navigate(`/discovery/scans/${scan.id}`),
    onError: (err) => notifications.show({ color: 'red', title: 'Rescan not started', message: err instanceof Error ? err.message : String(err) }),
  });
  return (
    <Button variant="default" leftSection={<IconRadar size={16} />} loading={rescan.isPending} onClick={() => rescan.mutate()}>
      Rescan
    </Button>
  );
}
