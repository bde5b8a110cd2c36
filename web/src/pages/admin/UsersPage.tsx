// /admin/users (admins): who may sign in and with which role. Create, change a role (confirmed:
// it signs the user out; not your own), set a password, disable or enable, delete. A role change, a new password or disabling ends that
// user's sessions (the server does it). ?page, ?new=1 and ?password=<id> are in the URL.
import { useState } from 'react';
import { Badge, Button, Group, Modal, PasswordInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconUserPlus } from '@tabler/icons-react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { api, Schemas, unwrap } from '../../api/client';
import { ConfirmButton } from '../../components/ConfirmButton';
import { DataTable } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { When } from '../../components/When';
import { Role, useCan, useMe } from '../../lib/auth';
import { formatTime } from '../../lib/format';
import { errorFor, fieldErrorsOf } from '../../lib/form-errors';
import { pageOf, useUrlParams } from '../../lib/url-state';
import { NotAllowed } from './NotAllowed';

type User = Schemas['UserView'];

export const ROLE_OPTIONS: Array<{ value: Role; label: string }> = [
  { value: 'viewer', label: 'Viewer — reads everything' },
  { value: 'technician', label: 'Technician — scans, jobs, backups, remediation' },
  { value: 'admin', label: 'Admin — also users, credentials, rules, audit log' },
];
const ROLE_SHORT = ROLE_OPTIONS.map((o) => ({ value: o.value, label: o.value[0].toUpperCase() + o.value.slice(1) }));

export default function UsersPage() {
  const isAdmin = useCan('admin');
  if (!isAdmin) return <NotAllowed title="Users" why="Only admins manage users. Ask an admin to change your role if you need to." />;
  return <Users />;
}

function Users() {
  const me = useMe();
  const qc = useQueryClient();
  const [params, setParams] = useUrlParams();
  const { page, limit } = pageOf(params);
  const users = useQuery({
    queryKey: ['users', page, limit],
    queryFn: () => unwrap(api.GET('/api/users', { params: { query: { page, limit } } })),
    placeholderData: keepPreviousData,
  });
  const update = useMutation({
    mutationFn: ({ id, body }: { id: number; body: Schemas['UpdateUserDto'] }) => unwrap(api.PATCH('/api/users/{id}', { params: { path: { id } }, body })),
    onSuccess: async (u, { body }) => {
      const what = body.role ? `is now ${u.role}` : body.disabled !== undefined ? (u.disabled ? 'is disabled and signed out' : 'may sign in again') : 'is updated';
      await qc.invalidateQueries({ queryKey: ['users'] });
      notifications.show({ color: 'green', title: 'User updated', message: `${u.username} ${what}.` });
    },
    onError: (err) => notifications.show({ color: 'red', title: 'The user was not changed', message: err.message, autoClose: false }),
  });
  // a role change ends that user's sessions: it waits for a confirmation, as disabling does
  const [roleChange, setRoleChange] = useState<{ user: User; role: Role }>();
  const remove = async (u: User) => {
    await unwrap(api.DELETE('/api/users/{id}', { params: { path: { id: u.id } } }));
    await qc.invalidateQueries({ queryKey: ['users'] });
    notifications.show({ color: 'green', title: 'User deleted', message: `${u.username} is deleted.` });
  };
  const close = () => setParams({ new: undefined, password: undefined });
  const passwordOf = params.password ? users.data?.items.find((u) => u.id === Number(params.password)) : undefined;

  return (
    <>
      <PageHeader
        title="Users"
        subtitle="Who may sign in, and what their role lets them do"
        actions={
          <Button leftSection={<IconUserPlus size={16} />} onClick={() => setParams({ new: '1' })}>
            New user
          </Button>
        }
      />
      <ErrorAlert error={users.error} title="The users could not be loaded" />
      <DataTable<User>
        label="Users"
        rows={users.data?.items}
        rowKey={(u) => u.id}
        loading={users.isPending}
        total={users.data?.total}
        page={page}
        limit={limit}
        onPage={(p, o) => setParams({ page: p }, o)}
        onLimit={(l) => setParams({ limit: l, page: undefined })}
        columns={[
          {
            key: 'username', label: 'User',
            render: (u) => (
              <Stack gap={0}>
                <Text size="sm" fw={500}>
                  {u.username}
                  {u.id === me.id && <Text span c="dimmed" size="xs"> (you)</Text>}
                </Text>
                {u.displayName && <Text size="xs" c="dimmed">{u.displayName}</Text>}
              </Stack>
            ),
          },
          {
            key: 'role', label: 'Role', width: 170,
            render: (u) => (
              <Select
                aria-label={`Role of ${u.username}`}
                size="xs"
                data={ROLE_SHORT}
                value={u.role}
                allowDeselect={false}
                // your own role: another admin changes it (you would sign yourself out with no way back)
                disabled={u.id === me.id || (update.isPending && update.variables?.id === u.id)}
                title={u.id === me.id ? 'Another admin changes your role' : undefined}
                onChange={(v) => v && v !== u.role && setRoleChange({ user: u, role: v as Role })}
              />
            ),
          },
          { key: 'status', label: 'Status', render: (u) => (u.disabled ? <Badge color="gray" variant="light">disabled</Badge> : <Badge color="green" variant="light">active</Badge>) },
          { key: 'created', label: 'Created', render: (u) => formatTime(u.createdAt) },
          { key: 'login', label: 'Last sign-in', render: (u) => <When at={u.lastLoginAt} none="never" /> },
          {
            key: 'actions', label: 'Actions',
            render: (u) => (
              <Group gap="xs" wrap="nowrap">
                <Button size="compact-sm" variant="default" onClick={() => setParams({ password: u.id })} aria-label={`Set password for ${u.username}`}>
                  Set password
                </Button>
                {u.id !== me.id &&
                  (u.disabled ? (
                    <Button size="compact-sm" variant="light" onClick={() => update.mutate({ id: u.id, body: { disabled: false } })} aria-label={`Enable ${u.username}`}>
                      Enable
                    </Button>
                  ) : (
                    <ConfirmButton
                      size="compact-sm"
                      color="orange"
                      aria-label={`Disable ${u.username}`}
                      title={`Disable ${u.username}?`}
                      message="They are signed out at once and cannot sign in until enabled again. Their API tokens stop working too."
                      confirmLabel="Disable"
                      onConfirm={() => update.mutateAsync({ id: u.id, body: { disabled: true } })}
                    >
                      Disable
                    </ConfirmButton>
                  ))}
                {u.id !== me.id && (
                  <ConfirmButton
                    size="compact-sm"
                    aria-label={`Delete ${u.username}`}
                    title={`Delete ${u.username}?`}
                    message="The user and their API tokens are deleted. The audit log keeps their name on what they did."
                    confirmLabel="Delete the user"
                    onConfirm={() => remove(u)}
                  >
                    Delete
                  </ConfirmButton>
                )}
              </Group>
            ),
          },
        ]}
      />
      <Modal opened={params.new === '1'} onClose={close} title="New user">
        <NewUserForm onDone={close} />
      </Modal>
      <Modal opened={!!passwordOf} onClose={close} title={`Set a password for ${passwordOf?.username ?? ''}`}>
        {passwordOf && <PasswordForm user={passwordOf} onDone={close} />}
      </Modal>
      <Modal opened={!!roleChange} onClose={() => setRoleChange(undefined)} title={`Make ${roleChange?.user.username ?? ''} ${roleChange?.role ?? ''}?`}>
        {roleChange && (
          <Stack>
            <Text size="sm">
              {roleChange.user.username} goes from {roleChange.user.role} to {roleChange.role}. They are signed out everywhere and sign in
              again with the new role; their API tokens take it at once.
            </Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setRoleChange(undefined)}>Cancel</Button>
              <Button
                loading={update.isPending}
                onClick={() => update.mutate({ id: roleChange.user.id, body: { role: roleChange.role } }, { onSettled: () => setRoleChange(undefined) })}
              >
                Change role
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </>
  );
}

function NewUserForm({ onDone }: { onDone: () => void }) {
  const qc = useQueryClient();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const create = useMutation({
    mutationFn: (body: Schemas['CreateUserDto']) => unwrap(api.POST('/api/users', { body })),
    onSuccess: async (u) => {
      await qc.invalidateQueries({ queryKey: ['users'] });
      notifications.show({ color: 'green', title: 'User created', message: `${u.username} may sign in as ${u.role}.` });
      onDone();
    },
  });
  const errors = fieldErrorsOf(create.error);
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate({ username: username.trim(), password, role, ...(displayName.trim() ? { displayName: displayName.trim() } : {}) });
      }}
    >
      <Stack gap="sm">
        <TextInput label="User name" required autoComplete="off" value={username} onChange={(e) => setUsername(e.currentTarget.value)} error={errorFor(errors, 'username')} maxLength={64} />
        <TextInput label="Display name" value={displayName} onChange={(e) => setDisplayName(e.currentTarget.value)} error={errorFor(errors, 'displayName')} maxLength={255} />
        <PasswordInput label="Password" description="At least 12 characters" required autoComplete="new-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={errorFor(errors, 'password')} />
        <Select label="Role" required data={ROLE_OPTIONS} value={role} onChange={(v) => v && setRole(v as Role)} allowDeselect={false} error={errorFor(errors, 'role')} />
        <ErrorAlert error={create.error} title="The user was not created" beside={{ username: 'User name', displayName: 'Display name', password: 'Password', role: 'Role' }} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Create user
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function PasswordForm({ user, onDone }: { user: User; onDone: () => void }) {
  const [password, setPassword] = useState('');
  const save = useMutation({
    mutationFn: () => unwrap(api.PATCH('/api/users/{id}', { params: { path: { id: user.id } }, body: { password } })),
    onSuccess: () => {
      notifications.show({ color: 'green', title: 'Password set', message: `${user.username} signs in with the new password; their sessions have ended.` });
      onDone();
    },
  });
  const errors = fieldErrorsOf(save.error);
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <Stack gap="sm">
        <PasswordInput label="New password" description="At least 12 characters" required autoComplete="new-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} error={errorFor(errors, 'password')} />
        <ErrorAlert error={save.error} title="The password was not set" beside={{ password: 'New password' }} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            Set password
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
