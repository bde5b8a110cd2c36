// Pinned SSH host keys: what each host offered first, and the different key it offered since
// (refused until a technician, having compared it with the key the machine's console shows,
// accepts exactly that key, or forgets the pinned one). Filters (?q=, ?rejected=true), sort and
// page are in the URL.
import { Badge, Code, Group, Stack, Switch, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, paths, Schemas, unwrap } from '../../api/client';
import { ConfirmButton } from '../../components/ConfirmButton';
import { Column, DataTable } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useCan } from '../../lib/auth';
import { formatAgo } from '../../lib/format';
import { pageOf, useUrlParams } from '../../lib/url-state';
import { When } from '../../components/When';

type HostKey = Schemas['HostKeyView'];
type Sort = NonNullable<NonNullable<paths['/api/discovery/host-keys']['get']['parameters']['query']>['sort']>;
const SORTS = ['host', 'port', 'firstSeen', 'lastSeen', 'rejectedAt'].flatMap((k) => [k, `-${k}`]);

export function HostKeysTab() {
  const [params, setParams] = useUrlParams();
  const canForget = useCan('technician');
  const qc = useQueryClient();
  const { page, limit } = pageOf(params, 50);
  const rejected = params.rejected === 'true';
  const q = params.q ?? '';
  const sort = (SORTS.includes(params.sort) ? params.sort : rejected ? '-rejectedAt' : 'host') as Sort;
  const keys = useQuery({
    queryKey: ['host-keys', { page, limit, rejected, q, sort }],
    queryFn: () => unwrap(api.GET('/api/discovery/host-keys', { params: { query: { page, limit, q: q || undefined, rejected: rejected ? true : undefined, sort } } })),
  });
  // the key shown in the dialog, not whatever the list says by then: a key offered since is a 409
  const accept = async (k: HostKey, fingerprint: string) => {
    await unwrap(api.POST('/api/discovery/host-keys/{host}/{port}/accept', { params: { path: { host: k.host, port: k.port } }, body: { fingerprint } }));
    notifications.show({ title: 'New host key accepted', message: `${k.host}:${k.port} is trusted with ${fingerprint} from now on.` });
    await qc.invalidateQueries({ queryKey: ['host-keys'] });
  };
  const forget = async (k: HostKey) => {
    await unwrap(api.DELETE('/api/discovery/host-keys/{host}/{port}', { params: { path: { host: k.host, port: k.port } } }));
    notifications.show({ title: 'Host key forgotten', message: `The next scan pins the key ${k.host}:${k.port} offers then.` });
    await qc.invalidateQueries({ queryKey: ['host-keys'] });
  };
  const columns: Column<HostKey>[] = [
    { key: 'host', label: 'Host', sortKey: 'host', render: (k) => <Text size="sm" ff="monospace">{k.host}</Text> },
    { key: 'port', label: 'Port', sortKey: 'port', render: (k) => k.port, width: 70 },
    { key: 'type', label: 'Key type', render: (k) => <Text size="sm" style={{ whiteSpace: 'nowrap' }}>{k.keyType}</Text> },
    {
      key: 'fp', label: 'Fingerprint',
      render: (k) => (
        <Stack gap={2}>
          <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>{k.fingerprint}</Text>
          {k.rejectedFingerprint && (
            <Text size="xs" c="red" style={{ wordBreak: 'break-all' }}>
              <Badge color="red" variant="light" size="xs" mr={4} style={{ verticalAlign: 'middle' }}>changed</Badge>
              <Text span ff="monospace" size="xs">{k.rejectedFingerprint}</Text>
            </Text>
          )}
        </Stack>
      ),
    },
    { key: 'device', label: 'Device', render: (k) => (k.deviceId ? <Link to={`/devices/${k.deviceId}`} style={{ overflowWrap: 'anywhere' }}>{k.deviceName || `Device ${k.deviceId}`}</Link> : '—') },
    { key: 'firstSeen', label: 'First seen', sortKey: 'firstSeen', render: (k) => <When at={k.firstSeen} /> },
    { key: 'lastSeen', label: 'Last seen', sortKey: 'lastSeen', render: (k) => <When at={k.lastSeen} /> },
    { key: 'rejectedAt', label: 'Refused', sortKey: 'rejectedAt', render: (k) => <When at={k.rejectedAt} /> },
    ...(canForget
      ? [{
          key: 'forget', label: 'Actions',
          render: (k: HostKey) => (
            <Group gap={6} wrap="nowrap">
              {k.rejectedFingerprint && <AcceptButton hostKey={k} offered={k.rejectedFingerprint} onAccept={accept} />}
              <ConfirmButton
                size="compact-xs"
                variant={k.rejectedFingerprint ? 'filled' : 'light'}
                aria-label={`Forget the key of ${k.host}:${k.port}`}
                title={`Forget the host key of ${k.host}:${k.port}?`}
                message={
                  k.rejectedFingerprint
                    ? `This host now offers a different key (${k.rejectedFingerprint}). Forget the pinned one only if you know the machine was reinstalled: otherwise something may be impersonating it. Accepting the new key instead trusts that key alone.`
                    : 'The next scan pins whatever key this host offers then.'
                }
                confirmLabel="Forget the key"
                onConfirm={() => forget(k)}
              >
                Forget
              </ConfirmButton>
            </Group>
          ),
        } satisfies Column<HostKey>]
      : []),
  ];
  return (
    <>
      <Group mb="sm" align="flex-end">
        <TextInput
          key={q}
          label="Host starts with"
          size="xs"
          w={220}
          defaultValue={q}
          onKeyDown={(e) => e.key === 'Enter' && setParams({ q: e.currentTarget.value.trim(), page: undefined })}
          onBlur={(e) => e.currentTarget.value.trim() !== q && setParams({ q: e.currentTarget.value.trim(), page: undefined })}
        />
        <Switch label="Only changed keys" checked={rejected} onChange={(e) => setParams({ rejected: e.currentTarget.checked ? 'true' : undefined, page: undefined, sort: undefined })} mb={4} />
      </Group>
      <ErrorAlert error={keys.error} />
      <DataTable
        label="SSH host keys"
        columns={columns}
        rows={keys.data?.items}
        rowKey={(k) => `${k.host}:${k.port}`}
        total={keys.data?.total}
        page={page}
        limit={limit}
        sort={sort}
        onSort={(s) => setParams({ sort: s, page: undefined })}
        onPage={(p, o) => setParams({ page: p }, o)}
        onLimit={(l) => setParams({ limit: l, page: undefined })}
        loading={keys.isPending}
        empty={rejected ? 'No host has offered a changed key.' : 'No host keys pinned yet: a scan pins each SSH host’s key on first contact.'}
      />
    </>
  );
}

/** "Accept new key": both fingerprints side by side, and what to compare the new one with before confirming. */
function AcceptButton({ hostKey: k, offered, onAccept }: { hostKey: HostKey; offered: string; onAccept: (k: HostKey, fingerprint: string) => Promise<void> }) {
  return (
    <ConfirmButton
      size="compact-xs"
      variant="light"
      color="blue"
      aria-label={`Accept new key of ${k.host}:${k.port}`}
      title={`Accept the new host key of ${k.host}:${k.port}?`}
      message={
        <Stack gap="xs">
          <Text size="sm">
            Accept it only if it is the key the machine itself shows, read on its console (for example{' '}
            <Code>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</Code>): otherwise something may be impersonating it.
          </Text>
          <div>
            <Text size="xs" c="dimmed">Pinned now</Text>
            <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }} data-testid="pinned-fingerprint">{k.fingerprint}</Text>
          </div>
          <div>
            <Text size="xs" c="dimmed">Offered instead{k.rejectedAt ? ` (refused ${formatAgo(k.rejectedAt)})` : ''}</Text>
            <Text size="sm" ff="monospace" fw={700} style={{ wordBreak: 'break-all' }} data-testid="offered-fingerprint">{offered}</Text>
          </div>
          <Text size="sm">From then on this key alone is trusted for {k.host}:{k.port}, and the pinned one is refused.</Text>
        </Stack>
      }
      confirmLabel="Accept the new key"
      onConfirm={() => onAccept(k, offered)}
    >
      Accept new key
    </ConfirmButton>
  );
}
