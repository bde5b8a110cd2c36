// The baseline forms: pin one of a device's versions, or write a golden template for a tag or a
// platform; both with regexes of lines left out of the comparison. A 400 names the field: it
// is shown under that field.
import { useState } from 'react';
import { Button, Group, SegmentedControl, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { api, Schemas, unwrap } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatTime } from '../../lib/format';
import { errorFor, fieldErrorsOf } from '../../lib/form-errors';
import { Baseline, ConfigPlatform, linesOf, PLATFORM_LABEL, platformOptions, useVersions } from './configs-api';
import { DevicePicker } from './DevicePicker';

type Body = Schemas['BaselineDto'];

const mono = { input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12.5 } };

function useSave(onSaved: (message: string) => void) {
  return useMutation({
    mutationFn: (body: Body) => unwrap(api.POST('/api/configs/baselines', { body })),
    onSuccess: (b) =>
      onSaved(b.scope === 'device' ? `Version ${b.versionId} is pinned.` : `The template for ${b.scope === 'tag' ? `tag ${b.tag}` : PLATFORM_LABEL[b.platform ?? ''] ?? b.platform} is saved; its devices are re-evaluated.`),
  });
}

function IgnoreField({ value, onChange, error }: { value: string; onChange: (v: string) => void; error?: string }) {
  return (
    <Textarea
      label="Ignore lines matching"
      description="One regular expression per line; matching lines are left out of the comparison"
      autosize
      minRows={2}
      maxRows={6}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      error={error}
      styles={mono}
    />
  );
}

export function PinForm({ initial, deviceId: presetDevice, onSaved, onCancel }: { initial?: Baseline; deviceId?: number; onSaved: (m: string) => void; onCancel: () => void }) {
  const [deviceId, setDeviceId] = useState<number | undefined>(initial?.deviceId ?? presetDevice);
  const [versionId, setVersionId] = useState<string | null>(initial?.versionId != null ? String(initial.versionId) : null);
  const [ignore, setIgnore] = useState((initial?.ignore ?? []).join('\n'));
  const versions = useVersions(deviceId);
  const save = useSave(onSaved);
  const errors = fieldErrorsOf(save.error);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ deviceId, versionId: versionId ? Number(versionId) : undefined, ignore: linesOf(ignore) });
      }}
    >
      <Stack gap="sm">
        {initial ? (
          <Text size="sm">Device {initial.deviceId}: pick another version to pin, or change the ignored lines.</Text>
        ) : (
          <DevicePicker value={deviceId} onChange={(id) => (setDeviceId(id), setVersionId(null))} error={errorFor(errors, 'deviceId')} required />
        )}
        <Select
          label="Version"
          required
          placeholder={!deviceId ? 'Pick a device first' : versions.isPending ? 'Loading…' : versions.data?.total ? 'Pick a version' : 'No backup of this device yet'}
          data={(versions.data?.items ?? []).map((v) => ({ value: String(v.id), label: `Version ${v.id} · ${formatTime(v.collectedAt)} · ${v.lines} lines` }))}
          value={versionId}
          onChange={setVersionId}
          disabled={!deviceId}
          error={errorFor(errors, 'versionId') ?? (versions.error instanceof Error ? versions.error.message : undefined)}
        />
        <IgnoreField value={ignore} onChange={setIgnore} error={errorFor(errors, 'ignore')} />
        <ErrorAlert error={save.error} title="The version was not pinned" beside={{ ...(initial ? {} : { deviceId: 'Device' }), versionId: 'Version', ignore: 'Ignore lines matching' }} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            Pin as baseline
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function TemplateForm({ initial, onSaved, onCancel }: { initial?: Baseline; onSaved: (m: string) => void; onCancel: () => void }) {
  const [scope, setScope] = useState<'tag' | 'platform'>(initial?.scope === 'platform' ? 'platform' : 'tag');
  const [tag, setTag] = useState(initial?.tag ?? '');
  const [platform, setPlatform] = useState<ConfigPlatform | null>((initial?.platform as ConfigPlatform | null) ?? null);
  const [template, setTemplate] = useState(initial?.template ?? '');
  const [ignore, setIgnore] = useState((initial?.ignore ?? []).join('\n'));
  const save = useSave(onSaved);
  const errors = fieldErrorsOf(save.error);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ ...(scope === 'tag' ? { tag: tag.trim() } : { platform: platform ?? undefined }), template, ignore: linesOf(ignore) });
      }}
    >
      <Stack gap="sm">
        <Group align="flex-end" gap="sm">
          <Stack gap={4}>
            <Text size="sm" fw={500} id="template-for">
              Template for
            </Text>
            <SegmentedControl
              aria-labelledby="template-for"
              value={scope}
              onChange={(v) => setScope(v === 'platform' ? 'platform' : 'tag')}
              disabled={!!initial}
              data={[
                { value: 'tag', label: 'A tag' },
                { value: 'platform', label: 'A platform' },
              ]}
            />
          </Stack>
          {scope === 'tag' ? (
            <TextInput label="Tag" required value={tag} onChange={(e) => setTag(e.currentTarget.value)} disabled={!!initial} error={errorFor(errors, 'tag')} w={240} maxLength={64} />
          ) : (
            <Select label="Platform" required data={platformOptions} value={platform} onChange={(v) => setPlatform(v as ConfigPlatform | null)} disabled={!!initial} error={errorFor(errors, 'platform')} w={240} />
          )}
        </Group>
        <Textarea
          label="Template"
          description="The configuration every such device should have, as Handlebars text: {{hostname}}, {{primaryIp}}, {{#each tags}}…"
          required
          autosize
          minRows={10}
          maxRows={24}
          value={template}
          onChange={(e) => setTemplate(e.currentTarget.value)}
          error={errorFor(errors, 'template')}
          styles={mono}
          spellCheck={false}
        />
        <IgnoreField value={ignore} onChange={setIgnore} error={errorFor(errors, 'ignore')} />
        <ErrorAlert error={save.error} title="The template was not saved" beside={{ ...(scope === 'tag' ? { tag: 'Tag' } : { platform: 'Platform' }), template: 'Template', ignore: 'Ignore lines matching' }} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            Save template
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
