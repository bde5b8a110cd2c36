// The devices grid's saved filters (/api/saved-filters?for=devices): one's own and everyone's
// shared ones, each a link that puts its query string back in the URL; "Save current filter…"
// keeps the filters, sort and page size of the URL under a name; one's own can be deleted.
import { useState } from 'react';
import { ActionIcon, Anchor, Badge, Button, Checkbox, Code, Divider, Group, Modal, Popover, ScrollArea, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconBookmark, IconCheck, IconDeviceFloppy, IconTrash } from '@tabler/icons-react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, Schemas, unwrap } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Spinner } from '../../components/Spinner';
import { errorFor, fieldErrorsOf } from '../../lib/form-errors';
import { savedQueryOf } from './device-filters';

type SavedFilter = Schemas['SavedFilterView'];

const savedFiltersKey = ['saved-filters', 'devices'] as const;
/** More than anyone keeps for one page; past it the menu says how many it leaves out. */
const LIMIT = 200;

/** A stored query string as the grid would write it, so that the current URL can be recognised. */
const normalised = (query: string) => savedQueryOf(Object.fromEntries(new URLSearchParams(query)));

export function SavedFiltersMenu({ values }: { values: Record<string, string> }) {
  const [opened, setOpened] = useState(false);
  const [saving, setSaving] = useState(false);
  const list = useQuery({
    queryKey: savedFiltersKey,
    queryFn: () => unwrap(api.GET('/api/saved-filters', { params: { query: { for: 'devices', limit: LIMIT } } })),
  });
  const current = savedQueryOf(values);
  const items = list.data?.items ?? [];
  const active = current ? items.find((f) => normalised(f.query) === current) : undefined;

  return (
    <>
      <Popover opened={opened} onChange={setOpened} position="bottom-end" width={360} shadow="md" trapFocus>
        <Popover.Target>
          <Button variant="default" leftSection={<IconBookmark size={16} />} onClick={() => setOpened((o) => !o)} maw={320}>
            <Text span truncate inherit>
              {active ? `Saved filters · ${active.name}` : 'Saved filters'}
            </Text>
          </Button>
        </Popover.Target>
        <Popover.Dropdown>
          <Stack gap="xs">
            <ErrorAlert error={list.error} />
            {list.isPending && <Spinner size="sm" label="Loading" />}
            {list.data && !items.length && (
              <Text size="sm" c="dimmed">
                No saved filters yet. Set the filters you use often, then save them here.
              </Text>
            )}
            {items.length > 0 && (
              <ScrollArea.Autosize mah={320}>
                <Stack gap={4} component="ul" p={0} m={0} style={{ listStyle: 'none' }} aria-label="Saved device filters">
                  {items.map((f) => (
                    <SavedFilterRow key={f.id} filter={f} active={f.id === active?.id} onApply={() => setOpened(false)} />
                  ))}
                </Stack>
              </ScrollArea.Autosize>
            )}
            {list.data && list.data.total > items.length && (
              <Text size="xs" c="dimmed">
                The first {items.length} of {list.data.total}, by name.
              </Text>
            )}
            <Divider />
            <Button
              variant="light"
              leftSection={<IconDeviceFloppy size={16} />}
              disabled={!current}
              onClick={() => {
                setOpened(false);
                setSaving(true);
              }}
            >
              Save current filter…
            </Button>
            {!current && (
              <Text size="xs" c="dimmed">
                Set a filter or a sort first: there is nothing to save yet.
              </Text>
            )}
          </Stack>
        </Popover.Dropdown>
      </Popover>
      <SaveFilterModal opened={saving} query={current} onClose={() => setSaving(false)} />
    </>
  );
}

/** One saved filter: its name links to its query; one's own has a delete that asks first, in place. */
function SavedFilterRow({ filter: f, active, onApply }: { filter: SavedFilter; active: boolean; onApply: () => void }) {
  const qc = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE('/api/saved-filters/{id}', { params: { path: { id: f.id } } })),
    onSuccess: () => {
      notifications.show({ color: 'green', title: 'Saved filter deleted', message: `“${f.name}” is deleted.` });
      void qc.invalidateQueries({ queryKey: savedFiltersKey });
    },
  });
  return (
    <li>
      <Group gap="xs" wrap="nowrap" justify="space-between">
        <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
          {active ? <IconCheck size={14} aria-hidden /> : <span style={{ width: 14 }} />}
          <Anchor
            component={Link}
            to={{ pathname: '/devices', search: `?${f.query}` }}
            onClick={onApply}
            size="sm"
            fw={active ? 600 : undefined}
            aria-current={active || undefined}
            style={{ overflowWrap: 'anywhere' }}
          >
            {f.name}
          </Anchor>
          {f.shared && <Badge size="xs" variant="light">shared</Badge>}
          {!f.mine && (
            <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
              by {f.owner}
            </Text>
          )}
        </Group>
        {f.mine && !confirming && (
          <ActionIcon variant="subtle" color="red" size="sm" aria-label={`Delete saved filter ${f.name}`} onClick={() => setConfirming(true)}>
            <IconTrash size={14} />
          </ActionIcon>
        )}
      </Group>
      {confirming && (
        <Group gap="xs" justify="flex-end" mt={4}>
          <Text size="xs">Delete “{f.name}”{f.shared ? ' for everyone' : ''}?</Text>
          <Button size="compact-xs" variant="default" onClick={() => setConfirming(false)} disabled={remove.isPending}>
            Keep it
          </Button>
          <Button size="compact-xs" color="red" loading={remove.isPending} onClick={() => remove.mutate()}>
            Delete
          </Button>
        </Group>
      )}
      <ErrorAlert error={remove.error} title="Not deleted" />
    </li>
  );
}

function SaveFilterModal({ opened, query, onClose }: { opened: boolean; query: string; onClose: () => void }) {
  const qc = useQueryClient();
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const save = useMutation({
    mutationFn: () => unwrap(api.POST('/api/saved-filters', { body: { name, page: 'devices', query, shared } })),
    onSuccess: (f) => {
      notifications.show({ color: 'green', title: 'Filter saved', message: `“${f.name}” is in Saved filters${f.shared ? ', for everyone' : ''}.` });
      void qc.invalidateQueries({ queryKey: savedFiltersKey });
      close();
    },
  });
  const close = () => {
    setName('');
    setShared(false);
    save.reset();
    onClose();
  };
  const errors = fieldErrorsOf(save.error);
  return (
    <Modal opened={opened} onClose={close} title="Save current filter">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <Stack gap="sm">
          <TextInput label="Name" description="Up to 100 characters" value={name} onChange={(e) => setName(e.currentTarget.value)} required data-autofocus error={errorFor(errors, 'name')} />
          <Checkbox label="Shared with everyone" description="Every user sees it in their menu; only you (or an admin) may change or delete it" checked={shared} onChange={(e) => setShared(e.currentTarget.checked)} error={errorFor(errors, 'shared')} />
          <div>
            <Text size="xs" c="dimmed">
              It keeps the filters, the sort and the page size:
            </Text>
            <Code block style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }}>
              {[...new URLSearchParams(query)].map(([k, v]) => `${k} = ${v}`).join('\n')}
            </Code>
            {errorFor(errors, 'query') && (
              <Text size="xs" c="red">
                {errorFor(errors, 'query')}
              </Text>
            )}
          </div>
          <ErrorAlert error={save.error} title="Not saved" beside={{ name: 'Name', shared: 'Shared with everyone', query: 'the filters it keeps' }} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending} disabled={!name.trim()}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
