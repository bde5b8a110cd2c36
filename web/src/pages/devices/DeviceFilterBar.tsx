// The devices grid's column filters, each a URL parameter: lists for the server's enums, text for
// vendor, tag and location (exact values, as the server matches them; tags suggested from those in
// use), presets for last seen, and the software title a title's page narrowed the list to.
import { KeyboardEvent, useEffect, useRef, useState } from 'react';
import { Autocomplete, Badge, Button, CloseButton, Group, Select, TextInput } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { IconFilterOff } from '@tabler/icons-react';
import { SEEN_PRESETS, softwareVersionOf } from './device-filters';
import { OS_FAMILIES, options, PLATFORM_LABELS, STATUS_LABELS, TYPE_LABELS } from './device-labels';
import { suggestWhileTyping, useTagSuggestions } from './tag-suggestions';

type Patch = Record<string, string | undefined>;

/**
 * The software title the list is narrowed to (a title's "Show in device list"), by name and the
 * version picked on its page ("Has Mozilla Firefox 99.0"), with a way out: a bulk edit of "all
 * matching" reaches exactly the devices this says.
 */
function SoftwareFilter({ id, version, onClear }: { id: string; version: string | undefined; onClear: () => void }) {
  const title = useQuery({
    queryKey: ['software', 'title', id],
    queryFn: () => unwrap(api.GET('/api/software/{id}', { params: { path: { id: Number(id) } } })),
    enabled: /^\d{1,10}$/.test(id),
  });
  const name = `${title.data?.name ?? `title ${id}`}${version === undefined ? '' : version === '' ? ' (no version)' : ` ${version}`}`;
  return (
    <Badge size="lg" variant="light" rightSection={<CloseButton size="xs" aria-label={`Stop filtering by ${name}`} onClick={onClear} />} role="status">
      Has {name}
    </Badge>
  );
}

const STATUS_OPTIONS = [...options(STATUS_LABELS), { value: 'all', label: 'Any, retired too' }];

export function DeviceFilterBar({ values, onChange, onClear, filtered }: { values: Record<string, string>; onChange: (p: Patch) => void; onClear: () => void; filtered: boolean }) {
  // the tags in use are asked for once the Tag filter is first focused, not on every page load
  const [wantTags, setWantTags] = useState(false);
  const tagSuggestions = useTagSuggestions(wantTags);
  const pick = (key: string, label: string, data: Array<{ value: string; label: string }>, placeholder = 'Any') => (
    <Select
      key={key}
      label={label}
      size="xs"
      w={150}
      data={data}
      value={values[key] ?? null}
      placeholder={placeholder}
      clearable
      onChange={(v) => onChange({ [key]: v ?? undefined })}
      comboboxProps={{ withinPortal: true }}
    />
  );
  return (
    <Group gap="xs" align="flex-end" mb="sm" wrap="wrap" role="group" aria-label="Filters">
      {pick('type', 'Type', options(TYPE_LABELS))}
      {pick('platform', 'Platform', options(PLATFORM_LABELS))}
      {pick('osFamily', 'OS family', [...OS_FAMILIES.map((f) => ({ value: f, label: f })), { value: 'unknown', label: 'unknown (not reported)' }])}
      <TextFilter label="Vendor" value={values.vendor} onChange={(v) => onChange({ vendor: v })} />
      <TextFilter label="Tag" value={values.tag} onChange={(v) => onChange({ tag: v })} suggestions={tagSuggestions} onFocus={() => setWantTags(true)} />
      <TextFilter label="Location" value={values.location} onChange={(v) => onChange({ location: v })} />
      {pick('status', 'Status', STATUS_OPTIONS, 'Not retired')}
      {pick('seen', 'Last seen', SEEN_PRESETS, 'Any time')}
      {values.softwareId && (
        <SoftwareFilter
          id={values.softwareId}
          version={softwareVersionOf(values)}
          onClear={() => onChange({ softwareId: undefined, softwareVersion: undefined, softwareNoVersion: undefined })}
        />
      )}
      {filtered && (
        <Button size="xs" variant="subtle" leftSection={<IconFilterOff size={14} />} onClick={onClear}>
          Clear filters
        </Button>
      )}
    </Group>
  );
}

/**
 * A text filter that applies on Enter, when the field is left or when a suggestion is picked,
 * not on every keystroke. With suggestions it is an autocomplete; Enter on a highlighted
 * suggestion applies that suggestion only (the deferred Enter finds it applied already).
 */
function TextFilter({ label, value, onChange, suggestions, onFocus }: {
  label: string;
  value: string | undefined;
  onChange: (v: string | undefined) => void;
  suggestions?: string[];
  onFocus?: () => void;
}) {
  const [text, setText] = useState(value ?? '');
  const latest = useRef(text);
  const applied = useRef(value);
  useEffect(() => {
    setText(value ?? '');
    latest.current = value ?? '';
    applied.current = value;
  }, [value]);
  const edit = (v: string) => {
    latest.current = v;
    setText(v);
  };
  const commit = () => {
    const next = latest.current.trim() || undefined;
    if (next === (applied.current || undefined)) return;
    applied.current = next;
    onChange(next);
  };
  const common = {
    label,
    size: 'xs' as const,
    w: 130,
    value: text,
    placeholder: 'Exact value',
    onBlur: commit,
    onFocus,
    onKeyDown: (e: KeyboardEvent<HTMLInputElement>) => e.key === 'Enter' && setTimeout(commit, 0),
  };
  if (!suggestions) return <TextInput {...common} onChange={(e) => edit(e.currentTarget.value)} />;
  return (
    <Autocomplete
      {...common}
      data={suggestions}
      filter={suggestWhileTyping}
      limit={20}
      onChange={edit}
      onOptionSubmit={(v) => {
        edit(v);
        commit();
      }}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
