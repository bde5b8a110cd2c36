// The devices grid's selection bar: how many devices are selected (on this page, on others, or
// every one the filter matches), the offer to widen "this page" to "all N matching", and Add /
// Remove tags, which PATCH /api/devices and say in a notification what changed.
import { useEffect, useState } from 'react';
import { Button, Group, Modal, Paper, TagsInput, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconTagMinus, IconTagPlus, IconX } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, ApiError, unwrap } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { errorFor, fieldErrorsOf } from '../../lib/form-errors';
import { formatCount, noun } from '../../lib/format';
import { BulkTagAction, bulkTagBody, bulkTagWords } from './device-bulk';
import type { DeviceFilter, Selection } from './device-filters';
import type { Device } from './device-labels';
import { devicesKey } from './device-queries';
import { suggestWhileTyping, tagsKey, useTagSuggestions } from './tag-suggestions';

const devices = (n: number | undefined) => `${formatCount(n)} ${noun(n ?? 0, 'device')}`;

export interface BulkTagBarProps {
  selection: Selection;
  /** every device the filter matches (the grid's total) */
  total: number | undefined;
  /** the rows on the current page */
  rows: Device[];
  filter: DeviceFilter;
  filtered: boolean;
  onSelection: (s: Selection | null) => void;
}

export function BulkTagBar({ selection, total, rows, filter, filtered, onSelection }: BulkTagBarProps) {
  const [action, setAction] = useState<BulkTagAction | null>(null);
  // what "Add tags" suggests: the tags in use, most used first
  const inUse = useTagSuggestions(action === 'add');
  const count = selection.all ? total : selection.ids.size;
  if (!selection.all && selection.ids.size === 0) return null;

  const matching = filtered ? 'matching this filter' : 'in the list';
  const onPage = selection.all ? rows.length : rows.filter((d) => selection.ids.has(d.id)).length;
  const wholePage = !selection.all && rows.length > 0 && onPage === rows.length;
  const elsewhere = selection.all ? 0 : selection.ids.size - onPage;
  // the tags of the selected rows in view: what "Remove tags" offers first
  const shownTags = [...new Set(rows.filter((d) => selection.all || selection.ids.has(d.id)).flatMap((d) => d.tags))].sort();
  const what = selection.all ? `all ${devices(total)} ${matching}` : `${devices(count)} selected`;

  return (
    <Paper withBorder p="xs" mb="xs" role="region" aria-label="Selected devices" bg="var(--mantine-primary-color-light)">
      <Group justify="space-between" gap="xs" wrap="wrap">
        <Group gap="xs" wrap="wrap">
          <Text size="sm" fw={500}>
            {selection.all ? `All ${devices(total)} ${matching} are selected.` : `${devices(count)} selected${elsewhere ? ` (${formatCount(elsewhere)} on other pages)` : ''}.`}
          </Text>
          {wholePage && total !== undefined && total > selection.ids.size && (
            <Button size="compact-sm" variant="subtle" onClick={() => onSelection({ all: true })}>
              Select all {formatCount(total)} {matching}
            </Button>
          )}
        </Group>
        <Group gap="xs">
          <Button size="xs" leftSection={<IconTagPlus size={14} />} onClick={() => setAction('add')}>
            Add tags…
          </Button>
          <Button size="xs" variant="default" leftSection={<IconTagMinus size={14} />} onClick={() => setAction('remove')}>
            Remove tags…
          </Button>
          <Button size="xs" variant="subtle" leftSection={<IconX size={14} />} onClick={() => onSelection(null)}>
            Clear selection
          </Button>
        </Group>
      </Group>
      <BulkTagModal
        action={action}
        what={what}
        suggestions={action === 'remove' ? shownTags : inUse}
        send={(a, tags) => unwrap(api.PATCH('/api/devices', { body: bulkTagBody(selection, filter, a, tags) }))}
        onClose={() => setAction(null)}
        onDone={() => {
          setAction(null);
          onSelection(null);
        }}
      />
    </Paper>
  );
}

/** A refusal (bad tags, not allowed) comes before any device is changed; any other failure may come part-way. */
const refusedBeforeAny = (err: unknown) => err instanceof ApiError && err.status >= 400 && err.status < 500;

interface BulkTagModalProps {
  action: BulkTagAction | null;
  /** the devices it applies to, in words ("2 devices selected") */
  what: string;
  suggestions: string[];
  send: (action: BulkTagAction, tags: string[]) => Promise<{ matched: number; updated: number }>;
  onClose: () => void;
  onDone: () => void;
}

function BulkTagModal({ action, what, suggestions, send, onClose, onDone }: BulkTagModalProps) {
  const qc = useQueryClient();
  const [tags, setTags] = useState<string[]>([]);
  const save = useMutation({
    mutationFn: ({ a, t }: { a: BulkTagAction; t: string[] }) => send(a, t),
    onSuccess: (result, { a, t }) => {
      notifications.show({ color: 'green', title: a === 'add' ? 'Tags added' : 'Tags removed', message: bulkTagWords(a, t, result) });
      void qc.invalidateQueries({ queryKey: devicesKey });
      void qc.invalidateQueries({ queryKey: tagsKey });
      onDone();
    },
    // the server works in batches, each kept once done: past a refusal (a 4xx, before any batch)
    // some devices may have changed, which the grid should show
    onError: (err) => {
      if (!refusedBeforeAny(err)) void qc.invalidateQueries({ queryKey: devicesKey });
    },
  });
  const { reset } = save;
  useEffect(() => {
    if (action) {
      setTags([]);
      reset();
    }
  }, [action, reset]);
  const errors = fieldErrorsOf(save.error);
  const adding = action === 'add';
  const label = adding ? 'Add tags' : 'Remove tags';

  return (
    <Modal opened={action !== null} onClose={onClose} title={`${label}: ${what}`}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (action && tags.length) save.mutate({ a: action, t: tags });
        }}
      >
        <TagsInput
          label={adding ? 'Tags to add' : 'Tags to remove'}
          description={adding ? 'Enter or comma adds a tag; devices that have it already are left as they are' : 'Enter or comma adds a tag; devices without it are left as they are'}
          data={suggestions}
          filter={suggestWhileTyping}
          value={tags}
          onChange={setTags}
          splitChars={[',']}
          clearable
          data-autofocus
          error={errorFor(errors, adding ? 'addTags' : 'removeTags')}
        />
        <ErrorAlert error={save.error} title={refusedBeforeAny(save.error) ? 'No tags changed' : 'Not every device may have been changed: trying again is safe'} />
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending} disabled={!tags.length} color={adding ? undefined : 'red'}>
            {label}
          </Button>
        </Group>
      </form>
    </Modal>
  );
}
