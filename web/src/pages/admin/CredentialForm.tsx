// The credential form (admins). Secrets are write-only: the server never sends one back, so an
// edit starts with every secret field empty — left empty, the stored secret is kept; typed, it
// replaces it; "Remove" clears an optional one. Only "set" markers say what is stored. The
// secret values live in this form's state alone and go with it when the dialog closes.
import { useState } from 'react';
import { Badge, Button, Checkbox, Group, NumberInput, PasswordInput, Select, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { api, Schemas, unwrap } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { errorFor, fieldErrorsOf } from '../../lib/form-errors';

export type Credential = Schemas['CredentialView'];
type Kind = Credential['kind'];
type Create = Schemas['CreateCredentialDto'];
type Update = Schemas['UpdateCredentialDto'];
type SecretField = 'community' | 'authKey' | 'privKey' | 'password' | 'privateKey' | 'passphrase' | 'sudoPassword';
type Setting = 'username' | 'port' | 'securityLevel' | 'authProtocol' | 'privProtocol';
type Level = NonNullable<Create['securityLevel']>;
type AuthProtocol = NonNullable<Create['authProtocol']>;
type PrivProtocol = NonNullable<Create['privProtocol']>;

export const KIND_LABEL: Record<Kind, string> = { 'snmp-v1': 'SNMP v1', 'snmp-v2c': 'SNMP v2c', 'snmp-v3': 'SNMP v3', ssh: 'SSH' };
export const SECRET_LABEL: Record<SecretField, string> = {
  community: 'Community', authKey: 'Auth key', privKey: 'Privacy key', password: 'Password', privateKey: 'Private key', passphrase: 'Key passphrase', sudoPassword: 'Sudo password',
};
const FIELD_LABEL: Record<'name' | 'kind' | Setting, string> = {
  name: 'Name', kind: 'Kind', username: 'User name', port: 'Port', securityLevel: 'Security level', authProtocol: 'Auth protocol', privProtocol: 'Privacy protocol',
};
/** the view's has* flag of each secret */
export const HAS: Record<SecretField, keyof Credential> = {
  community: 'hasCommunity', authKey: 'hasAuthKey', privKey: 'hasPrivKey', password: 'hasPassword', privateKey: 'hasPrivateKey', passphrase: 'hasPassphrase', sudoPassword: 'hasSudoPassword',
};
const LEVELS: Level[] = ['noAuthNoPriv', 'authNoPriv', 'authPriv'];
const AUTH: AuthProtocol[] = ['MD5', 'SHA', 'SHA-224', 'SHA-256', 'SHA-384', 'SHA-512'];
const PRIV: PrivProtocol[] = ['DES', 'AES-128', 'AES-256-B', 'AES-256-R'];
/** secrets an edit may remove (the others are required by their kind) */
const CLEARABLE: SecretField[] = ['authKey', 'privKey', 'password', 'privateKey', 'passphrase', 'sudoPassword'];

// What a kind (and an SNMPv3 level) has, in one place: the form shows these fields, sends these,
// and the error alert points under them (`beside`) rather than repeating their messages.
function settingsOf(kind: Kind, level: Level): Setting[] {
  if (kind === 'ssh') return ['username', 'port'];
  if (kind !== 'snmp-v3') return [];
  return ['username', 'securityLevel', ...(level === 'noAuthNoPriv' ? [] : ['authProtocol' as const]), ...(level === 'authPriv' ? ['privProtocol' as const] : [])];
}

function secretsOf(kind: Kind, level: Level): SecretField[] {
  if (kind === 'snmp-v1' || kind === 'snmp-v2c') return ['community'];
  if (kind === 'snmp-v3') return level === 'authPriv' ? ['authKey', 'privKey'] : level === 'authNoPriv' ? ['authKey'] : [];
  return ['password', 'privateKey', 'passphrase', 'sudoPassword'];
}

/** The fields the form shows for a kind (and v3 level), by label: ErrorAlert's `beside`. */
function shownFields(kind: Kind, level: Level): Record<string, string> {
  return {
    name: FIELD_LABEL.name, kind: FIELD_LABEL.kind,
    ...Object.fromEntries(settingsOf(kind, level).map((f) => [f, FIELD_LABEL[f]])),
    ...Object.fromEntries(secretsOf(kind, level).map((f) => [f, SECRET_LABEL[f]])),
  };
}

export function CredentialForm({ initial, onSaved, onCancel }: { initial?: Credential; onSaved: (c: Credential) => void; onCancel: () => void }) {
  const [name, setName] = useState(initial?.name ?? '');
  const [kind, setKind] = useState<Kind>(initial?.kind ?? 'ssh');
  const [username, setUsername] = useState(initial?.username ?? '');
  const [port, setPort] = useState<number | ''>(initial?.port ?? '');
  const [level, setLevel] = useState<Level>(initial?.securityLevel ?? 'authPriv');
  const [authProtocol, setAuthProtocol] = useState<AuthProtocol>(initial?.authProtocol ?? 'SHA-256');
  const [privProtocol, setPrivProtocol] = useState<PrivProtocol>(initial?.privProtocol ?? 'AES-128');
  const [secrets, setSecrets] = useState<Partial<Record<SecretField, string>>>({});
  const [remove, setRemove] = useState<Partial<Record<SecretField, boolean>>>({});
  const shows = (f: Setting) => settingsOf(kind, level).includes(f);

  const save = useMutation({
    mutationFn: async (): Promise<Credential> => {
      const typed = Object.fromEntries(secretsOf(kind, level).filter((f) => secrets[f]).map((f) => [f, secrets[f]]));
      const values: Record<Setting, unknown> = { username: username.trim() || undefined, port: port === '' ? undefined : port, securityLevel: level, authProtocol, privProtocol };
      const settings = Object.fromEntries(settingsOf(kind, level).map((f) => [f, values[f]]));
      if (!initial) return unwrap(api.POST('/api/credentials', { body: { name: name.trim(), kind, ...settings, ...typed } as Create }));
      const cleared = Object.fromEntries(CLEARABLE.filter((f) => remove[f] && !secrets[f]).map((f) => [f, null]));
      // a lower SNMPv3 level drops what it no longer uses: what the highest level has and this one lacks
      const used: string[] = [...settingsOf(kind, level), ...secretsOf(kind, level)];
      const dropped = Object.fromEntries([...settingsOf(kind, 'authPriv'), ...secretsOf(kind, 'authPriv')].filter((f) => !used.includes(f)).map((f) => [f, null]));
      return unwrap(api.PATCH('/api/credentials/{id}', { params: { path: { id: initial.id } }, body: { name: name.trim(), ...settings, ...dropped, ...typed, ...cleared } as Update }));
    },
    onSuccess: (c) => {
      setSecrets({});
      onSaved(c);
    },
  });
  const errors = fieldErrorsOf(save.error);
  const setSecret = (f: SecretField, v: string) => setSecrets((s) => ({ ...s, [f]: v }));

  const secretInput = (f: SecretField) => {
    const stored = !!initial?.[HAS[f]];
    const description = stored ? (remove[f] ? 'Will be removed' : 'Set — leave empty to keep the stored value')
      : f === 'privateKey' ? 'A PEM or OpenSSH private key block; a password, a private key or both'
        : f === 'password' ? 'A password, a private key or both' : undefined;
    const common = {
      label: (
        <>
          {SECRET_LABEL[f]} {stored && <Badge size="xs" variant="light" color="green" ml={4}>set</Badge>}
        </>
      ),
      description,
      value: secrets[f] ?? '',
      error: errorFor(errors, f),
      // the one secret a kind cannot do without, until it is stored
      withAsterisk: !stored && (f === 'community' || f === 'authKey' || f === 'privKey'),
      disabled: !!remove[f],
      autoComplete: 'new-password',
    };
    return (
      <Stack key={f} gap={4}>
        {f === 'privateKey' ? (
          <Textarea
            {...common}
            aria-label={SECRET_LABEL[f]}
            onChange={(e) => setSecret(f, e.currentTarget.value)}
            autosize
            minRows={2}
            maxRows={8}
            spellCheck={false}
            placeholder={stored ? '••••••••' : '-----BEGIN OPENSSH PRIVATE KEY-----'}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12 } }}
          />
        ) : (
          <PasswordInput {...common} aria-label={SECRET_LABEL[f]} onChange={(e) => setSecret(f, e.currentTarget.value)} placeholder={stored ? '••••••••' : undefined} />
        )}
        {initial && stored && CLEARABLE.includes(f) && (
          <Checkbox size="xs" label={`Remove the stored ${SECRET_LABEL[f].toLowerCase()}`} checked={!!remove[f]} onChange={(e) => setRemove((r) => ({ ...r, [f]: e.currentTarget.checked }))} />
        )}
      </Stack>
    );
  };

  return (
    <form
      noValidate
      autoComplete="off"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput label={FIELD_LABEL.name} required value={name} onChange={(e) => setName(e.currentTarget.value)} error={errorFor(errors, 'name')} maxLength={128} placeholder="core switches v3" />
          <Select
            label={FIELD_LABEL.kind}
            required
            data={Object.entries(KIND_LABEL).map(([value, label]) => ({ value, label }))}
            value={kind}
            onChange={(v) => {
              if (!v) return;
              setKind(v as Kind);
              save.reset(); // the last refusal was about the other kind's fields
            }}
            allowDeselect={false}
            disabled={!!initial}
            description={initial ? 'A credential keeps its kind: create a new one for another' : undefined}
            error={errorFor(errors, 'kind')}
          />
        </SimpleGrid>
        {shows('username') && (
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <TextInput label={FIELD_LABEL.username} required value={username} onChange={(e) => setUsername(e.currentTarget.value)} error={errorFor(errors, 'username')} autoComplete="off" maxLength={255} />
            {shows('port') && (
              <NumberInput label={FIELD_LABEL.port} placeholder="22" min={1} max={65535} allowDecimal={false} value={port} onChange={(v) => setPort(typeof v === 'number' ? v : '')} error={errorFor(errors, 'port')} />
            )}
          </SimpleGrid>
        )}
        {shows('securityLevel') && (
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <Select label={FIELD_LABEL.securityLevel} data={LEVELS} value={level} onChange={(v) => v && setLevel(v as Level)} allowDeselect={false} error={errorFor(errors, 'securityLevel')} />
            {shows('authProtocol') && <Select label={FIELD_LABEL.authProtocol} data={AUTH} value={authProtocol} onChange={(v) => v && setAuthProtocol(v as AuthProtocol)} allowDeselect={false} error={errorFor(errors, 'authProtocol')} />}
            {shows('privProtocol') && <Select label={FIELD_LABEL.privProtocol} data={PRIV} value={privProtocol} onChange={(v) => v && setPrivProtocol(v as PrivProtocol)} allowDeselect={false} error={errorFor(errors, 'privProtocol')} />}
          </SimpleGrid>
        )}
        <Text size="xs" c="dimmed">
          Secrets are stored encrypted and never shown again{initial ? '; leave a field empty to keep what is stored' : ''}.
          {kind === 'ssh' ? ' SSH needs a password or a private key (or both).' : ''}
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          {secretsOf(kind, level).map(secretInput)}
        </SimpleGrid>
        <ErrorAlert error={save.error} title="The credential was not saved" beside={shownFields(kind, level)} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            {initial ? 'Save credential' : 'Create credential'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
