// /admin/agents (admins): the endpoint agents' enrollment tokens. One token per deployment (a
// GPO, an MDM profile, a cron rollout), shown once when created, with the commands that install
// the agent on each platform against this server; listed afterwards by name and first
// characters, with when machines last reported with it; revoked after a confirmation. The
// scripts themselves download from the server (GET /api/agents/scripts/:platform).
import { useState } from 'react';
import { Badge, Button, Code, Group, Modal, NumberInput, Paper, Stack, Tabs, Text, TextInput, Title } from '@mantine/core';
import { IconDownload, IconPlus } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { api, Schemas, unwrap } from '../../api/client';
import { ConfirmButton } from '../../components/ConfirmButton';
import { DataTable } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { ShowOnce } from '../../components/ShowOnce';
import { useCan } from '../../lib/auth';
import { formatTime } from '../../lib/format';
import { errorFor, fieldErrorsOf } from '../../lib/form-errors';
import { useUrlParams } from '../../lib/url-state';
import { NotAllowed } from './NotAllowed';
import { ExpiresOnInput, expiresAtOf, tokenNameColumns, tokenTimeColumns } from './token-parts';

type AgentToken = Schemas['AgentTokenView'];
type Platform = 'linux' | 'macos' | 'windows';

const PLATFORMS: Array<{ value: Platform; label: string; file: string }> = [
  { value: 'linux', label: 'Linux', file: 'teknisi-agent.sh' },
  { value: 'macos', label: 'macOS', file: 'teknisi-agent.sh' },
  { value: 'windows', label: 'Windows', file: 'teknisi-agent.ps1' },
];

const scriptUrl = (p: Platform) => `/api/agents/scripts/${p}`;

function tokenState(t: AgentToken, now = Date.now()): { label: string; color: string } {
  if (t.revokedAt) return { label: 'Revoked', color: 'gray' };
  if (t.expiresAt && Date.parse(t.expiresAt) <= now) return { label: 'Expired', color: 'orange' };
  return { label: 'Active', color: 'green' };
}

export default function AgentsPage() {
  const isAdmin = useCan('admin');
  if (!isAdmin) return <NotAllowed title="Agents" why="Only admins hand out agent enrollment tokens. Ask an admin for one for your deployment." />;
  return <AgentTokens />;
}

function AgentTokens() {
  const qc = useQueryClient();
  const [params, setParams] = useUrlParams();
  // the new token lives in this state only: it is gone once the dialog closes
  const [created, setCreated] = useState<Schemas['CreatedAgentToken']>();
  const tokens = useQuery({ queryKey: ['agent-tokens'], queryFn: () => unwrap(api.GET('/api/agents/tokens')) });
  const revoke = async (t: AgentToken) => {
    await unwrap(api.DELETE('/api/agents/tokens/{id}', { params: { path: { id: t.id } } }));
    await qc.invalidateQueries({ queryKey: ['agent-tokens'] });
    notifications.show({ color: 'green', title: 'Enrollment token revoked', message: `Agents using "${t.name}" are refused from now on.` });
  };
  return (
    <>
      <PageHeader
        title="Agents"
        subtitle="Scripts that machines run to report their own inventory, for those discovery cannot log in to"
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setParams({ new: '1' })}>
            New enrollment token
          </Button>
        }
      />
      <Paper withBorder p="md" mb="md" component="section" aria-labelledby="agents-download">
        <Title order={2} size="h4" id="agents-download" mb={4}>
          Download an agent
        </Title>
        <Text size="sm" c="dimmed" mb="sm">
          Each runs on its own with what the system has, collects the machine once and sends one report. Create an enrollment token for the
          deployment, then schedule the agent with cron or a systemd timer, launchd, or Task Scheduler and a GPO (agents/README.md in
          Teknisi's source has each).
        </Text>
        <Group gap="sm">
          {PLATFORMS.map((p) => (
            <Button key={p.value} component="a" href={scriptUrl(p.value)} download={p.file} variant="default" leftSection={<IconDownload size={16} />}>
              {p.label} agent ({p.file})
            </Button>
          ))}
        </Group>
      </Paper>
      <ErrorAlert error={tokens.error} title="The enrollment tokens could not be loaded" />
      <DataTable<AgentToken>
        label="Enrollment tokens"
        rows={tokens.data?.items}
        rowKey={(t) => t.id}
        loading={tokens.isPending}
        empty="No enrollment tokens yet: create one for the machines of a deployment."
        columns={[
          ...tokenNameColumns<AgentToken>(),
          {
            key: 'state', label: 'State',
            render: (t) => {
              const s = tokenState(t);
              return <Badge variant="light" color={s.color} title={t.revokedAt ? `revoked ${formatTime(t.revokedAt)}` : undefined}>{s.label}</Badge>;
            },
          },
          { key: 'rate', label: 'Reports / min', render: (t) => t.reportsPerMinute },
          ...tokenTimeColumns<AgentToken>('Last report'),
          {
            key: 'actions', label: 'Actions',
            render: (t) =>
              t.revokedAt ? null : (
                <ConfirmButton
                  size="compact-sm"
                  aria-label={`Revoke ${t.name}`}
                  title={`Revoke "${t.name}"?`}
                  message="Every machine reporting with it is refused from now on, until it gets a new token. This cannot be undone."
                  confirmLabel="Revoke the token"
                  onConfirm={() => revoke(t)}
                >
                  Revoke
                </ConfirmButton>
              ),
          },
        ]}
      />
      <Modal opened={params.new === '1' && !created} onClose={() => setParams({ new: undefined })} title="New enrollment token">
        <NewAgentTokenForm
          onCreated={(t) => {
            setCreated(t);
            setParams({ new: undefined });
            void qc.invalidateQueries({ queryKey: ['agent-tokens'] });
          }}
          onCancel={() => setParams({ new: undefined })}
        />
      </Modal>
      <Modal opened={!!created} onClose={() => setCreated(undefined)} title="Your new enrollment token" size="xl" closeOnClickOutside={false}>
        {created && (
          <ShowOnce value={created.token} label={`Enrollment token ${created.name}`} onDone={() => setCreated(undefined)}>
            <InstallSteps token={created.token} />
          </ShowOnce>
        )}
      </Modal>
    </>
  );
}

/** The first install on one machine of each platform, with this server and the new token filled in. */
function InstallSteps({ token }: { token: string }) {
  const server = window.location.origin;
  const steps: Record<Platform, string> = {
    linux: [
      `curl -fsSLo teknisi-agent.sh ${server}${scriptUrl('linux')}`,
      'sudo install -m 0755 teknisi-agent.sh /usr/local/sbin/teknisi-agent',
      `sudo install -d -m 0700 /etc/teknisi && printf '%s\\n' '${token}' | sudo tee /etc/teknisi/agent.token >/dev/null && sudo chmod 0600 /etc/teknisi/agent.token`,
      `sudo teknisi-agent --server ${server} --token-file /etc/teknisi/agent.token`,
      '# then every 4 hours, in /etc/cron.d/teknisi-agent:',
      `# 17 */4 * * * root sleep $(shuf -i 0-3600 -n 1 2>/dev/null || echo 0); /usr/local/sbin/teknisi-agent --server ${server} --token-file /etc/teknisi/agent.token 2>&1 | logger -t teknisi-agent`,
    ].join('\n'),
    macos: [
      `curl -fsSLo teknisi-agent.sh ${server}${scriptUrl('macos')}`,
      'sudo install -m 0755 teknisi-agent.sh /usr/local/bin/teknisi-agent',
      `sudo install -d -m 0700 /etc/teknisi && printf '%s\\n' '${token}' | sudo tee /etc/teknisi/agent.token >/dev/null && sudo chmod 0600 /etc/teknisi/agent.token`,
      `sudo teknisi-agent --server ${server} --token-file /etc/teknisi/agent.token`,
      '# then a LaunchDaemon every 4 hours (agents/README.md has the plist)',
    ].join('\n'),
    windows: [
      "New-Item -ItemType Directory -Force 'C:\\Program Files\\Teknisi', 'C:\\ProgramData\\Teknisi' | Out-Null",
      `Invoke-WebRequest -UseBasicParsing ${server}${scriptUrl('windows')} -OutFile 'C:\\Program Files\\Teknisi\\teknisi-agent.ps1'`,
      `Set-Content -Path 'C:\\ProgramData\\Teknisi\\agent.token' -Value '${token}' -Encoding ASCII`,
      "icacls 'C:\\ProgramData\\Teknisi' /inheritance:r /grant:r 'SYSTEM:(OI)(CI)F' 'Administrators:(OI)(CI)F'",
      `& 'C:\\Program Files\\Teknisi\\teknisi-agent.ps1' --server ${server} --token-file C:\\ProgramData\\Teknisi\\agent.token`,
      '# then a scheduled task as SYSTEM every 4 hours, by hand or through a GPO (agents/README.md)',
    ].join('\n'),
  };
  return (
    <Stack gap={4}>
      <Text size="sm">
        Install the agent on a first machine as an administrator (root), then schedule it. The agents send it as{' '}
        <Code>Authorization: Bearer &lt;token&gt;</Code>; it is good for inventory reports only.
      </Text>
      <Tabs defaultValue="linux" keepMounted={false}>
        <Tabs.List>
          {PLATFORMS.map((p) => (
            <Tabs.Tab key={p.value} value={p.value}>
              {p.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {PLATFORMS.map((p) => (
          <Tabs.Panel key={p.value} value={p.value} pt="xs">
            <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }} aria-label={`Install on ${p.label}`}>
              {steps[p.value]}
            </Code>
          </Tabs.Panel>
        ))}
      </Tabs>
      <Text size="xs" c="dimmed">
        Keep the token file readable by root (SYSTEM) only: whoever holds the token can report inventory. Each script lists its options with
        --help.
      </Text>
    </Stack>
  );
}

function NewAgentTokenForm({ onCreated, onCancel }: { onCreated: (t: Schemas['CreatedAgentToken']) => void; onCancel: () => void }) {
  const [name, setName] = useState('');
  const [expires, setExpires] = useState('');
  const [rate, setRate] = useState<number | string>(120);
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/agents/tokens', {
          body: {
            name: name.trim(),
            ...expiresAtOf(expires),
            reportsPerMinute: rate === '' ? 120 : Number(rate),
          },
        }),
      ),
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
        <TextInput
          label="Name"
          description="The deployment it is for, e.g. Office PCs (GPO)"
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={errorFor(errors, 'name')}
          maxLength={128}
        />
        <ExpiresOnInput value={expires} onChange={setExpires} error={errorFor(errors, 'expiresAt')} />
        <NumberInput
          label="Reports per minute"
          description="Over every machine sharing the token; more are answered 'try again later'. Spread the schedules rather than raising it far."
          value={rate}
          onChange={setRate}
          allowDecimal={false}
          error={errorFor(errors, 'reportsPerMinute')}
        />
        <ErrorAlert error={create.error} title="The token was not created" beside={{ name: 'Name', expiresAt: 'Expires on', reportsPerMinute: 'Reports per minute' }} />
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
