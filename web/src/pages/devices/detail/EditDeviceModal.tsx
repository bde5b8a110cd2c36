// Editing a device by hand: only the fields that changed are sent (PATCH /api/devices/:id), an
// emptied field clears it, and the server records each change in the device's history. Changes
// are taken against the device as the dialog opened on it, and tags go as the ones added and
// removed: what another technician changed meanwhile (a bulk tag, say) stays.
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
  ...Object.fromEntries(TEXT_FIELDS), type: 'Type', platform: 'Platform', osFamily: 'OS family', status: 'Status', tags: 'Tags', addTags: 'Tags', removeTags: 'Tags', notes: 'Notes',
};
type Form = Record<TextField | 'notes' | 'osFamily' | 'type' | 'platform' | 'status', string> & { tags: string[] };

function formOf(d: DeviceDetail): Form {
  const f = { type: d.type, platform: d.platform, status: d.status, notes: d.notes ?? '', osFamily: d.osFamily ?? '', tags: [...d.tags] } as Form;
  for (const [k] of TEXT_FIELDS) f[k] = d[k] ?? '';
  return f;
}

/**
 * The fields that differ from the form as it opened, as the PATCH body; tags as those added and
 * removed (compared as the server compares tags, case aside), not the whole list.
 */
export function changesOf(before: Form, f: Form): Body {
  const body: Record<string, unknown> = {};
  const key = (t: string) => t.trim().toLowerCase();
  for (const k of Object.keys(f) as Array<keyof Form>) {
    if (k === 'tags') {
      const had = new Set(before.tags.map(key));
      const has = new Set(f.tags.map(key));
      const added = f.tags.filter((t) => !had.has(key(t)));
      const removed = before.tags.filter((t) => !has.has(key(t)));
      if (added.length) body.addTags = added;
      if (removed.length) body.removeTags = removed;
    // an emptied field is sent as null, which clears it: '' is no hostname or address, and was refused
    } else if (f[k].trim() !== before[k].trim()) body[k] = f[k].trim() === '' ? null : f[k].trim();
  }
  return body as Body;
}

export function EditDeviceModal({ device, opened, onClose }: { device: DeviceDetail; opened: boolean; onClose: () => void }) {
  const qc = useQueryClient();
  const tagSuggestions = useTagSuggestions(opened);
  const [opening, setOpening] = useState<Form>(() => formOf(device));
  const [form, setForm] = useState<Form>(opening);
  // the form starts from the device when the dialog opens, and only then: the device's query
  // refetching meanwhile (a window focused again) reset what was typed
  useEffect(() => {
    if (!opened) return;
    const f = formOf(device);
    setOpening(f);
    setForm(f);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened, device.id]);
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
  const changes = changesOf(opening, form);
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
        <TagsInput mt="sm" label="Tags" description="Enter or comma adds a tag" data={tagSuggestions} filter={suggestWhileTyping} value={form.tags} onChange={(tags) => setForm((f) => ({ ...f, tags }))} splitChars={[',']} clearable error={errorFor(errors, 'tags', 'addTags', 'removeTags')} />
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
