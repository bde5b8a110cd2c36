// Wizard step 1: what the job does — its kind and that kind's parameters (package names, a
// script with its parameters, files to back up, …), and an optional name.
import { Radio, Select, SimpleGrid, Stack, Switch, Text, Textarea, TextInput, NumberInput } from '@mantine/core';
import { KINDS, kindLabel, PACKAGE_MANAGERS, wizardHasParams } from './job-labels';
import { isSoftware, splitPackages, WizardState } from './wizard-state';
import { plural } from '../../lib/format';

export interface StepProps {
  state: WizardState;
  set: (patch: Partial<WizardState>) => void;
  /** a saved job is being changed: its kind stays, and a job without a schedule runs when asked */
  editing?: boolean;
}

const mono = { input: { fontFamily: 'var(--mantine-font-family-monospace)' } };

export function WhatStep({ state, set, editing }: StepProps) {
  const pk = splitPackages(state.packages);
  return (
    <Stack gap="md">
      {/* a kind the wizard has no fields for (a remediation's config.push): its params stay as saved */}
      {editing && !wizardHasParams(state.kind) ? (
        <div>
          <Text size="sm" fw={500}>
            What the job does: {kindLabel(state.kind)}
          </Text>
          <Text size="xs" c="dimmed">
            Kept as saved (the job page shows it): here you change its targets, schedule and settings
          </Text>
        </div>
      ) : (
        <Radio.Group
          label="What the job does"
          description={editing ? 'A saved job keeps what it does: for something else, create a new job' : undefined}
          value={state.kind}
          onChange={(kind) => set({ kind })}
          required
        >
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="xs" mt="xs">
            {KINDS.filter((k) => !editing || k.value === state.kind).map((k) => (
              <Radio.Card key={k.value} value={k.value} p="xs" radius="sm" aria-label={k.label}>
                <Radio.Indicator size="xs" style={{ float: 'left', marginRight: 8, marginTop: 3 }} />
                <Text size="sm" fw={600}>
                  {k.label}
                </Text>
                <Text size="xs" c="dimmed">
                  {k.description}
                </Text>
              </Radio.Card>
            ))}
          </SimpleGrid>
        </Radio.Group>
      )}

      {isSoftware(state.kind) && (
        <>
          <TextInput
            label="Packages"
            description={state.kind === 'software.upgrade' ? 'Package names, separated by spaces or commas; leave empty to apply every pending update' : 'Package names, separated by spaces or commas'}
            placeholder="htop 7zip"
            value={state.packages}
            onChange={(e) => set({ packages: e.currentTarget.value })}
            required={state.kind !== 'software.upgrade'}
            styles={mono}
            autoComplete="off"
          />
          {pk.length > 0 && (
            <Text size="xs" c="dimmed">
              {plural(pk.length, 'package')}: {pk.join(', ')}
            </Text>
          )}
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <Select
              label="Package manager"
              description="Picked from each device’s OS unless you name one"
              data={[{ value: 'auto', label: 'Automatic (from the OS)' }, ...PACKAGE_MANAGERS.map((m) => ({ value: m, label: m }))]}
              value={state.manager || 'auto'}
              onChange={(v) => set({ manager: !v || v === 'auto' ? '' : v })}
              allowDeselect={false}
            />
            <Select
              label="Reboot"
              data={[
                { value: 'never', label: 'Never' },
                { value: 'if-required', label: 'If the update requires it' },
                { value: 'always', label: 'Always, afterwards' },
              ]}
              value={state.reboot}
              onChange={(v) => set({ reboot: v ?? 'never' })}
              allowDeselect={false}
            />
          </SimpleGrid>
        </>
      )}

      {state.kind === 'command' && (
        <>
          <Textarea label="Script" required autosize minRows={4} maxRows={16} value={state.script} onChange={(e) => set({ script: e.currentTarget.value })} styles={mono} placeholder={'df -h /\nuptime'} />
          <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
            <Select label="Shell" data={['sh', 'bash', 'powershell']} value={state.shell} onChange={(v) => set({ shell: v ?? 'sh' })} allowDeselect={false} />
            <NumberInput label="Time limit (s)" placeholder="default" min={1} max={86400} allowDecimal={false} value={state.timeoutSec} onChange={(v) => set({ timeoutSec: String(v) })} />
            <Switch label="Run as root (sudo)" checked={state.sudo} onChange={(e) => set({ sudo: e.currentTarget.checked })} disabled={state.shell === 'powershell'} mt={{ sm: 30 }} />
          </SimpleGrid>
          <Textarea
            label="Parameters"
            description="One NAME=value per line; each reaches the script as an environment variable, never pasted into it"
            autosize
            minRows={2}
            value={state.parameters}
            onChange={(e) => set({ parameters: e.currentTarget.value })}
            styles={mono}
            placeholder="SERVICE=nginx"
          />
        </>
      )}

      {state.kind === 'config.backup' && (
        <Textarea
          label="Files (Linux hosts)"
          description="One path per line; network devices back up their running configuration. Empty: /etc/ssh/sshd_config"
          autosize
          minRows={2}
          value={state.files}
          onChange={(e) => set({ files: e.currentTarget.value })}
          styles={mono}
        />
      )}

      {state.kind === 'noop' && (
        <NumberInput label="Wait (ms)" description="How long each target pretends to work" min={0} max={600000} allowDecimal={false} value={state.sleepMs} onChange={(v) => set({ sleepMs: String(v) })} w={240} />
      )}

      <TextInput label="Job name" description="Optional: how the job appears in the list" placeholder="Install 7-Zip in the lab" value={state.name} onChange={(e) => set({ name: e.currentTarget.value })} maxLength={128} />
    </Stack>
  );
}
