// Admins' forms for compliance rules and normalization rules. The server validates the patterns
// (a regex that does not compile, or that RE2 cannot run in linear time) and names each bad field;
// each message is shown under its field.
import { useState } from 'react';
import { Button, Group, Select, SimpleGrid, Stack, Switch, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { api, Schemas, unwrap } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { errorFor, fieldErrorsOf } from '../../lib/form-errors';
import { ComplianceRule, ConfigPlatform, NormalizationRule, platformOptions, RULE_KIND_LABEL, SEVERITIES } from './configs-api';

const mono = { input: { fontFamily: 'var(--mantine-font-family-monospace)' } };
type RuleInput = Schemas['ComplianceRuleInput'];
type Kind = NonNullable<RuleInput['kind']>;
type Severity = NonNullable<RuleInput['severity']>;

const KINDS = Object.entries(RULE_KIND_LABEL).map(([value, label]) => ({ value, label }));

export function ComplianceRuleForm({ initial, onSaved, onCancel }: { initial?: ComplianceRule; onSaved: (r: ComplianceRule) => void; onCancel: () => void }) {
  const [name, setName] = useState(initial?.name ?? '');
  const [kind, setKind] = useState<Kind>((initial?.kind as Kind) ?? 'must-contain');
  const [pattern, setPattern] = useState(initial?.pattern ?? '');
  const [blockStart, setBlockStart] = useState(initial?.blockStart ?? '');
  const [blockWhere, setBlockWhere] = useState(initial?.blockWhere ?? '');
  const [platform, setPlatform] = useState<ConfigPlatform | null>((initial?.platform as ConfigPlatform | null) ?? null);
  const [tag, setTag] = useState(initial?.tag ?? '');
  const [severity, setSeverity] = useState<Severity>((initial?.severity as Severity) ?? 'medium');
  const [enabled, setEnabled] = useState(initial?.enabled ?? true);
  const save = useMutation({
    mutationFn: (body: RuleInput) =>
      initial
        ? unwrap(api.PATCH('/api/configs/rules/{id}', { params: { path: { id: initial.id } }, body }))
        : unwrap(api.POST('/api/configs/rules', { body })),
    onSuccess: onSaved,
  });
  const errors = fieldErrorsOf(save.error);
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    save.mutate({
      name, kind, pattern, severity, enabled,
      block: kind === 'block' ? { start: blockStart, ...(blockWhere.trim() ? { where: blockWhere } : {}) } : null,
      scope: { ...(platform ? { platform } : {}), ...(tag.trim() ? { tag: tag.trim() } : {}) },
    });
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} error={errorFor(errors, 'name')} maxLength={200} placeholder="No HTTP server" />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Select label="Check" required data={KINDS} value={kind} onChange={(v) => v && setKind(v as Kind)} allowDeselect={false} error={errorFor(errors, 'kind')} />
          <Select label="Severity" required data={SEVERITIES} value={severity} onChange={(v) => v && setSeverity(v as Severity)} allowDeselect={false} error={errorFor(errors, 'severity')} />
        </SimpleGrid>
        <TextInput
          label="Pattern"
          description={kind === 'block' ? 'A regular expression each matching block must have a line for' : 'A regular expression tested against each line, e.g. ^ip http server'}
          required
          value={pattern}
          onChange={(e) => setPattern(e.currentTarget.value)}
          error={errorFor(errors, 'pattern')}
          styles={mono}
        />
        {kind === 'block' && (
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <TextInput label="Block starts with" description="Regex of a block's first line, e.g. ^interface Loopback" required value={blockStart} onChange={(e) => setBlockStart(e.currentTarget.value)} error={errorFor(errors, 'block.start') ?? errors.block} styles={mono} />
            <TextInput label="Only blocks containing" description="Optional regex: only blocks with such a line are checked" value={blockWhere} onChange={(e) => setBlockWhere(e.currentTarget.value)} error={errorFor(errors, 'block.where')} styles={mono} />
          </SimpleGrid>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Select label="Only on platform" placeholder="Every platform" data={platformOptions} value={platform} onChange={(v) => setPlatform(v as ConfigPlatform | null)} clearable error={errorFor(errors, 'scope.platform')} />
          <TextInput label="Only on devices tagged" placeholder="Any tag" value={tag} onChange={(e) => setTag(e.currentTarget.value)} error={errorFor(errors, 'scope.tag', 'scope')} maxLength={64} />
        </SimpleGrid>
        <Switch label="Enabled" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
        <ErrorAlert
          error={save.error}
          title="The rule was not saved"
          beside={{
            name: 'Name', kind: 'Check', severity: 'Severity', pattern: 'Pattern',
            // the more specific first: the alert names the first field a message falls under
            ...(kind === 'block' ? { 'block.start': 'Block starts with', 'block.where': 'Only blocks containing', block: 'Block starts with' } : {}),
            'scope.platform': 'Only on platform', scope: 'Only on devices tagged',
          }}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            {initial ? 'Save rule' : 'Create rule'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function NormalizationRuleForm({ initial, onSaved, onCancel }: { initial?: NormalizationRule; onSaved: (r: NormalizationRule) => void; onCancel: () => void }) {
  const [platform, setPlatform] = useState<string | null>(initial?.platform ?? null);
  const [action, setAction] = useState<'drop' | 'mask'>(initial?.action ?? 'drop');
  const [pattern, setPattern] = useState(initial?.pattern ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [enabled, setEnabled] = useState(initial?.enabled ?? true);
  const save = useMutation({
    mutationFn: (body: Schemas['NormalizationRuleDto']) =>
      initial
        ? unwrap(api.PATCH('/api/configs/normalization-rules/{id}', { params: { path: { id: initial.id } }, body }))
        : unwrap(api.POST('/api/configs/normalization-rules', { body })),
    onSuccess: onSaved,
  });
  const errors = fieldErrorsOf(save.error);
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ platform: (platform as Schemas['NormalizationRuleDto']['platform']) ?? null, action, pattern, description, enabled });
      }}
    >
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Select
            label="Action"
            required
            data={[
              { value: 'drop', label: 'Drop matching lines (volatile)' },
              { value: 'mask', label: 'Mask each captured group (secret)' },
            ]}
            value={action}
            onChange={(v) => setAction(v === 'mask' ? 'mask' : 'drop')}
            allowDeselect={false}
            error={errorFor(errors, 'action')}
          />
          <Select label="Platform" placeholder="Every platform" data={platformOptions} value={platform} onChange={setPlatform} clearable error={errorFor(errors, 'platform')} />
        </SimpleGrid>
        <TextInput
          label="Pattern"
          description={action === 'mask' ? 'A regex; each capture group is replaced with <masked>, e.g. ^snmp-server community (\\S+)' : 'A regex of the lines to drop, e.g. ^! Last configuration change'}
          required
          value={pattern}
          onChange={(e) => setPattern(e.currentTarget.value)}
          error={errorFor(errors, 'pattern')}
          styles={mono}
        />
        <TextInput label="Description" value={description} onChange={(e) => setDescription(e.currentTarget.value)} error={errorFor(errors, 'description')} maxLength={255} />
        <Switch label="Enabled" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
        <ErrorAlert error={save.error} title="The normalization rule was not saved" beside={{ action: 'Action', platform: 'Platform', pattern: 'Pattern', description: 'Description' }} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            {initial ? 'Save rule' : 'Create rule'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
