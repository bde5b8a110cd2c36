// Picks a device by typing part of its name, address or serial (the devices list's `q`).
import { useState } from 'react';
import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';

export function DevicePicker({
  value, onChange, label = 'Device', error, description, required,
}: {
  value: number | undefined;
  onChange: (id: number | undefined) => void;
  label?: string;
  error?: string;
  description?: string;
  required?: boolean;
}) {
  const [search, setSearch] = useState('');
  const [picked, setPicked] = useState<string>();
  // once a device is picked the box shows its label: that is not a new search
  const [q] = useDebouncedValue(search === picked ? '' : search, 250);
  const list = useQuery({
    queryKey: ['devices', 'picker', q],
    queryFn: () => unwrap(api.GET('/api/devices', { params: { query: { q: q || undefined, limit: 25 } } })),
    placeholderData: keepPreviousData,
  });
  const data = (list.data?.items ?? []).map((d) => ({
    value: String(d.id),
    label: `${d.hostname || d.primaryIp || `device ${d.id}`}${d.primaryIp && d.hostname ? ` (${d.primaryIp})` : ''} · ${d.platform}`,
  }));
  if (value && !data.some((d) => d.value === String(value))) data.unshift({ value: String(value), label: picked ?? `device ${value}` });
  return (
    <Select
      label={label}
      description={description}
      placeholder="Type a host name, address or serial"
      searchable
      clearable
      required={required}
      data={data}
      value={value ? String(value) : null}
      onChange={(v, option) => {
        setPicked(option?.label);
        onChange(v ? Number(v) : undefined);
      }}
      onSearchChange={setSearch}
      nothingFoundMessage={list.isFetching ? 'Searching…' : 'No device matches'}
      error={error ?? (list.error instanceof Error ? list.error.message : undefined)}
    />
  );
}
