// "Rescan": scans this device again as the last scan found it (its addresses there, that scan's
// credentials and options: POST /api/devices/:id/rescan, 202 {id}), and opens that scan's page,
// saying which of those credentials were deleted since and left out.
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
    onSuccess: (scan) => {
      // the scan that found the device may have found it with a credential deleted since: say so,
      // or a rescan that no longer identifies it reads as the device being gone
      const gone = scan.deletedCredentialIds;
      if (gone.length) {
        notifications.show({
          color: 'orange', title: 'Rescan started without a deleted credential', autoClose: false,
          message: `${gone.map((c) => `Credential ${c}`).join(', ')} of the scan that identified this device ${gone.length === 1 ? 'was' : 'were'} deleted since; the rescan tries the others, and may not identify it without ${gone.length === 1 ? 'it' : 'them'}.`,
        });
      }
      navigate(`/discovery/scans/${scan.id}`);
    },
    onError: (err) => notifications.show({ color: 'red', title: 'Rescan not started', message: err instanceof Error ? err.message : String(err) }),
  });
  return (
    <Button variant="default" leftSection={<IconRadar size={16} />} loading={rescan.isPending} onClick={() => rescan.mutate()}>
      Rescan
    </Button>
  );
}
