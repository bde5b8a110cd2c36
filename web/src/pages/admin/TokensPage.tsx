// /admin/tokens: my personal API tokens, for scripts (`Authorization: Bearer …`). A token carries
// my role. It is shown once, when created — the server keeps only its hash — with a copy
// button; afterwards only its first characters identify it. Revoking stops it at once.
import { useState } from 'react';
import { Button, Code, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { api, Schemas, unwrap } from '../../api/client';
import { ConfirmButton } from '../../components/ConfirmButton';
import { DataTable } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { ShowOnce } from '../../components/ShowOnce';
import { useMe } from '../../lib/auth';
import { errorFor, fieldErrorsOf } from '../../lib/form-errors';
import { useUrlParams } from '../../lib/url-state';
import { ExpiresOnInput, expiresAtOf, tokenNameColumns, tokenTimeColumns } from './token-parts';

type Token = Schemas['TokenView'];

export default function TokensPage() {
  const me = useMe();
  const qc = useQueryClient();
  const [params, setParams] = useUrlParams();
  // the new token lives in this state only: it is gone once the dialog closes
  const [created, setCreated] = useState<Schemas['CreatedToken']>();
  const tokens = useQuery({ queryKey: ['tokens'], queryFn: () => unwrap(api.GET('/api/tokens')) });
  const revoke = async (t: Token) => {
    await unwrap(api.DELETE('/api/tokens/{id}', { params: { path: { id: t.id } } }));
    await qc.invalidateQueries({ queryKey: ['tokens'] });
    notifications.show({ color: 'green', title: 'Token revoked', message: `"${t.name}" no longer works.` });
  };
  return (
    <>
      <PageHeader
        title="API tokens"
        subtitle={`Personal tokens for scripts; each acts as you (${me.username}, ${me.role})`}
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setParams({ new: '1' })}>
            New token
          </Button>
        }
      />
      <ErrorAlert error={tokens.error} title="Your tokens could not be loaded" />
      <DataTable<Token>
        label="My API tokens"
        rows={tokens.data?.items}
        rowKey={(t) => t.id}
        loading={tokens.isPending}
        empty="You have no API tokens."
        columns={[
          ...tokenNameColumns<Token>(),
          ...tokenTimeColumns<Token>('Last used'),
          {
            key: 'actions', label: 'Actions',
            render: (t) => (
              <ConfirmButton
                size="compact-sm"
                aria-label={`Revoke ${t.name}`}
                title={`Revoke "${t.name}"?`}
                message="Scripts using it are refused from now on. This cannot be undone: create a new token instead."
                confirmLabel="Revoke the token"
                onConfirm={() => revoke(t)}
              >
                Revoke
              </ConfirmButton>
            ),
          },
        ]}
      />
      <Modal opened={params.new === '1' && !created} onClose={() => setParams({ new: undefined })} title="New API token">
        <NewTokenForm
          onCreated={(t) => {
            setCreated(t);
            setParams({ new: undefined });
            void qc.invalidateQueries({ queryKey: ['tokens'] });
          }}
          onCancel={() => setParams({ new: undefined })}
        />
      </Modal>
      <Modal opened={!!created} onClose={() => setCreated(undefined)} title="Your new API token" size="lg" closeOnClickOutside={false}>
        {created && (
          <ShowOnce value={created.token} label={`Token ${created.name}`} onDone={() => setCreated(undefined)}>
            <Text size="sm">
              Send it as <Code>Authorization: Bearer &lt;token&gt;</Code>.
            </Text>
          </ShowOnce>
        )}
      </Modal>
    </>
  );
}

function NewTokenForm({ onCreated, onCancel }: { onCreated: (t: Schemas['CreatedToken']) => void; onCancel: () => void }) {
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const create = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/tokens', { body: { name: name.trim(), ...expiresAtOf(expires) } })),
    onSuccess: onCreated,
  });
  const errors = fieldErrorsOf(create.error);
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate();
      }}
    >
      <Stack gap="sm">
        <TextInput label="Name" description="What uses it, e.g. nightly export script" required value={name} onChange={(e) => setName(e.currentTarget.value)} error={errorFor(errors, 'name')} maxLength={128} />
        <ExpiresOnInput value={expires} onChange={setExpires} error={errorFor(errors, 'expiresAt')} />
        <ErrorAlert error={create.error} title="The token was not created" beside={{ name: 'Name', expiresAt: 'Expires on' }} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Create token
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
