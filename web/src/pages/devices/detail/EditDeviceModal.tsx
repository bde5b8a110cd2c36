// Editing a device by hand: only the fields that changed are sent (PATCH /api/devices/:id), an
// emptied field clears it, and the server records each change in the device's history.
import { useEffect, useState } from 'react';
import { Button, Group, Modal, Select, SimpleGrid, TagsInput, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, paths, unwrap } from '../../../api/client';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { errorFor, fieldErrorsOf } from '../../../lib/form-errors';
import { deviceQueryKey, devicesKey } from '../device-queries';
import { suggestWhileTyping, tagsKey, useTagSuggestions } from '../tag-suggestions';
import { DeviceDetail, options, OS_FAMILIES, PLATFORM_LABELS, STATUS_LABELS, TYPE_LABELS } from '../device-labels';

type Body = NonNullable<paths['/api/devices/{id}']['patch']['requestBody']>['content']['application/json'];

const TEXT_FIELDS = [
  ['hostname', 'Hostname'], ['fqdn', 'FQDN'], ['serial', 'Serial'], ['vendor', 'Vendor'], ['model', 'Model'], ['primaryIp', 'Primary IP'],
  ['osName', 'OS'], ['osVersion', 'OS version'], ['location', 'Location'], ['assignedTo', 'Assigned to'],
] as const;
type TextField = (typeof TEXT_FIELDS)[number][0];
/** Every field, by label: a refusal's messages show under them, and the alert points there. */
const SHOWN_FIELDS: Record<string, string> = {
  ...Object.fromEntries(TEXT_FIELDS), type: 'Type', platform: 'Platform', osFamily: 'OS family', status: 'Status', tags: 'Tags', notes: 'Notes',
};
type Form = Record<TextField | 'notes' | 'osFamily' | 'type' | 'platform' | 'status', string> & { tags: string[] };

function formOf(d: DeviceDetail): Form {
  const f = { type: d.type, platform: d.platform, status: d.status, notes: d.notes ?? '', osFamily: d.osFamily ?? '', tags: [...d.tags] } as Form;
  for (const [k] of TEXT_FIELDS) f[k] = d[k] ?? '';
  return f;
}

/** The fields that differ from the device, as the PATCH body. */
export function changesOf(d: DeviceDetail, f: Form): Body {
  const before = formOf(d);
  const body: Record<string, unknown> = {};
  for (const k of Object.keys(f) as Array<keyof Form>) {
    if (k === 'tags') {
      if ([...f.tags].sort().join('\n') !== [...before.tags].sort().join('\n')) body.tags = f.tags;
    // an emptied field is sent as null, which clears it: '' is no hostname or address, and was refused
    } else if (f[k].trim() !== before[k].trim()) body[k] = f[k].trim() === '' ? null : f[k].trim();
  }
  return body as Body;
}

export function EditDeviceModal({ device, opened, onClose }: { device: DeviceDetail; opened: boolean; onClose: () => void }) {
  const qc = useQueryClient();
  const tagSuggestions = useTagSuggestions(opened);
  const [form, setForm] = useState<Form>(() => formOf(device));
  useEffect(() => {
    if (opened) setForm(formOf(device));
  }, [opened, device]);
  const save = useMutation({
    mutationFn: (body: Body) => unwrap(api.PATCH('/api/devices/{id}', { params: { path: { id: device.id } }, body })),
    onSuccess: (updated) => {
      qc.setQueryData(deviceQueryKey(device.id), updated);
      void qc.invalidateQueries({ queryKey: devicesKey });
      void qc.invalidateQueries({ queryKey: tagsKey });
      notifications.show({ color: 'green', message: 'Device saved.' });
      onClose();
    },
  });
  const set = (k: keyof Form) => (value: string | null) => setForm((f) => ({ ...f, [k]: value ?? '' }));
  const changes = changesOf(device, form);
  const errors = fieldErrorsOf(save.error);

  return (
    <Modal opened={opened} onClose={onClose} title="Edit device" size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(changes);
        }}
      >
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          {TEXT_FIELDS.map(([k, label]) => (
            <TextInput key={k} label={label} value={form[k]} onChange={(e) => set(k)(e.currentTarget.value)} error={errorFor(errors, k)} />
          ))}
          <Select label="Type" data={options(TYPE_LABELS)} value={form.type} onChange={set('type')} allowDeselect={false} error={errorFor(errors, 'type')} />
          <Select label="Platform" data={options(PLATFORM_LABELS)} value={form.platform} onChange={set('platform')} allowDeselect={false} error={errorFor(errors, 'platform')} />
          <Select label="OS family" data={[...OS_FAMILIES]} value={form.osFamily || null} onChange={set('osFamily')} clearable error={errorFor(errors, 'osFamily')} />
          <Select label="Status" data={options(STATUS_LABELS)} value={form.status} onChange={set('status')} allowDeselect={false} error={errorFor(errors, 'status')} />
        </SimpleGrid>
        <TagsInput mt="sm" label="Tags" description="Enter or comma adds a tag" data={tagSuggestions} filter={suggestWhileTyping} value={form.tags} onChange={(tags) => setForm((f) => ({ ...f, tags }))} splitChars={[',']} clearable error={errorFor(errors, 'tags')} />
        <Textarea mt="sm" label="Notes" autosize minRows={3} maxRows={10} value={form.notes} onChange={(e) => set('notes')(e.currentTarget.value)} error={errorFor(errors, 'notes')} />
        <ErrorAlert error={save.error} title="Not saved" beside={SHOWN_FIELDS} />
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending} disabled={Object.keys(changes).length === 0}>
            Save
          </Button>
        </Group>
      </form>
    </Modal>
  );
}
