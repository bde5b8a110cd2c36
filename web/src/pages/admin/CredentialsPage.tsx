// /admin/credentials: the SNMP and SSH credentials discovery, jobs and backups use. Technicians
// read the list (to pick one); admins create, edit and delete. No secret is ever shown: the
// API returns "set" flags only. Search, kind, sort and page are in the URL (?new=1, ?edit=<id>).
import { Badge, Button, Group, Modal, Select, Text, TextInput } from '@mantine/core';
import { IconKey } from '@tabler/icons-react';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { api, paths, unwrap } from '../../api/client';
import { ConfirmButton } from '../../components/ConfirmButton';
import { DataTable } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { useCan } from '../../lib/auth';
import { formatTime } from '../../lib/format';
import { pageOf, useUrlParams } from '../../lib/url-state';
import { Credential, CredentialForm, HAS, KIND_LABEL, SECRET_LABEL } from './CredentialForm';
import { NotAllowed } from './NotAllowed';

type Kind = Credential['kind'];
type Sort = NonNullable<NonNullable<paths['/api/credentials']['get']['parameters']['query']>['sort']>;
const SORTS = ['name', 'kind', 'createdAt', 'updatedAt'].flatMap((k) => [k, `-${k}`]);

export default function CredentialsPage() {
  if (!useCan('technician')) return <NotAllowed title="Credentials" why="Credentials are listed for technicians and admins only." />;
  return <Credentials />;
}

function settingsOf(c: Credential): string {
  if (c.kind === 'ssh') return `port ${c.port ?? 22}`;
  if (c.kind === 'snmp-v3') return [c.securityLevel, c.authProtocol, c.privProtocol].filter(Boolean).join(' · ');
  return '—';
}

function Credentials() {
  const isAdmin = useCan('admin');
  const qc = useQueryClient();
  const [params, setParams] = useUrlParams();
  const { page, limit } = pageOf(params);
  // an unknown sort in the address would be a 400 from the server: the default instead
  const sort = (SORTS.includes(params.sort) ? params.sort : 'name') as Sort;
  const kind = (params.kind || undefined) as Kind | undefined;
  const list = useQuery({
    queryKey: ['credentials', 'list', params.q, kind, sort, page, limit],
    queryFn: () => unwrap(api.GET('/api/credentials', { params: { query: { q: params.q || undefined, kind, sort, page, limit } } })),
    placeholderData: keepPreviousData,
  });
  // ?edit=<id> may name a credential on another page of the list
  const editId = params.edit && /^\d+$/.test(params.edit) ? Number(params.edit) : undefined;
  const one = useQuery({
    queryKey: ['credentials', 'one', editId],
    queryFn: () => unwrap(api.GET('/api/credentials/{id}', { params: { path: { id: editId! } } })),
    enabled: isAdmin && editId !== undefined,
  });
  const editing = editId !== undefined ? one.data : undefined;
  const close = () => setParams({ new: undefined, edit: undefined });
  const saved = async (c: Credential, created: boolean) => {
    close();
    await qc.invalidateQueries({ queryKey: ['credentials'] });
    notifications.show({ color: 'green', title: created ? 'Credential created' : 'Credential saved', message: `${c.name} (${KIND_LABEL[c.kind]}) is ${created ? 'ready to use' : 'updated'}.` });
  };
  const remove = async (c: Credential) => {
    await unwrap(api.DELETE('/api/credentials/{id}', { params: { path: { id: c.id } } }));
    await qc.invalidateQueries({ queryKey: ['credentials'] });
    notifications.show({ color: 'green', title: 'Credential deleted', message: `${c.name} is deleted.` });
  };

  return (
    <>
      <PageHeader
        title="Credentials"
        subtitle="SNMP and SSH credentials for discovery, jobs and backups; secrets are stored encrypted and never shown"
        actions={
          isAdmin && (
            <Button leftSection={<IconKey size={16} />} onClick={() => setParams({ new: '1', edit: undefined })}>
              New credential
            </Button>
          )
        }
      />
      <Group gap="sm" align="flex-end" mb="sm" wrap="wrap">
        <TextInput label="Search" placeholder="Name contains…" value={params.q ?? ''} onChange={(e) => setParams({ q: e.currentTarget.value, page: undefined }, { replace: true })} w={240} />
        <Select
          label="Kind"
          placeholder="Any kind"
          clearable
          w={160}
          data={Object.entries(KIND_LABEL).map(([value, label]) => ({ value, label }))}
          value={kind ?? null}
          onChange={(v) => setParams({ kind: v ?? undefined, page: undefined })}
        />
      </Group>
      <ErrorAlert error={list.error} title="The credentials could not be loaded" />
      <ErrorAlert error={one.error} title={`Credential ${params.edit} could not be loaded`} />
      <DataTable<Credential>
        label="Credentials"
        rows={list.data?.items}
        rowKey={(c) => c.id}
        loading={list.isPending}
        empty={params.q || kind ? 'No credential matches.' : 'No credentials yet.'}
        total={list.data?.total}
        page={page}
        limit={limit}
        sort={sort}
        onSort={(s) => setParams({ sort: s, page: undefined })}
        onPage={(p, o) => setParams({ page: p }, o)}
        onLimit={(l) => setParams({ limit: l, page: undefined })}
        columns={[
          { key: 'name', label: 'Name', sortKey: 'name', render: (c) => <Text size="sm" fw={500}>{c.name}</Text> },
          { key: 'kind', label: 'Kind', sortKey: 'kind', render: (c) => KIND_LABEL[c.kind] },
          { key: 'username', label: 'User name', render: (c) => c.username ?? '—' },
          { key: 'settings', label: 'Settings', render: (c) => <Text size="sm">{settingsOf(c)}</Text> },
          {
            key: 'secrets', label: 'Secrets',
            render: (c) => {
              const set = (Object.keys(HAS) as Array<keyof typeof HAS>).filter((f) => c[HAS[f]] === true);
              return set.length ? (
                <Group gap={4}>
                  {set.map((f) => (
                    <Badge key={f} size="sm" variant="light" color="green" style={{ textTransform: 'none' }}>
                      {SECRET_LABEL[f]} set
                    </Badge>
                  ))}
                </Group>
              ) : (
                <Text size="sm" c="dimmed">none</Text>
              );
            },
          },
          { key: 'updatedAt', label: 'Updated', sortKey: 'updatedAt', render: (c) => formatTime(c.updatedAt) },
          ...(isAdmin
            ? [{
              key: 'actions', label: 'Actions',
              render: (c: Credential) => (
                <Group gap="xs" wrap="nowrap">
                  <Button size="compact-sm" variant="default" onClick={() => setParams({ edit: c.id, new: undefined })} aria-label={`Edit ${c.name}`}>
                    Edit
                  </Button>
                  <ConfirmButton
                    size="compact-sm"
                    aria-label={`Delete ${c.name}`}
                    title={`Delete the credential ${c.name}?`}
                    message="Scans, schedules and jobs that name it will no longer be able to use it."
                    confirmLabel="Delete the credential"
                    onConfirm={() => remove(c)}
                  >
                    Delete
                  </ConfirmButton>
                </Group>
              ),
            }]
            : []),
        ]}
      />
      <Modal opened={isAdmin && (params.new === '1' || !!editing)} onClose={close} title={editing ? `Edit ${editing.name}` : 'New credential'} size="lg">
        <CredentialForm key={editing?.id ?? 'new'} initial={editing} onSaved={(c) => saved(c, !editing)} onCancel={close} />
      </Modal>
    </>
  );
}
