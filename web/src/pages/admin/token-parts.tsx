// What the API-token and enrollment-token pages share: the optional "Expires on" date (a token
// works until the end of that day, local time) and the table columns that identify a token and
// say when it was made, expires and was last used.
import { Code, Text, TextInput } from '@mantine/core';
import { Column } from '../../components/DataTable';
import { When } from '../../components/When';
import { formatTime } from '../../lib/format';

export interface TokenRow {
  name: string;
  prefix: string;
  createdAt: string;
  expiresAt?: string | null;
  lastUsedAt?: string | null;
}

/** The request's expiresAt for a date input's value: the end of that day, or none. */
export function expiresAtOf(date: string): { expiresAt?: string } {
  return date ? { expiresAt: new Date(`${date}T23:59:59`).toISOString() } : {};
}

export function ExpiresOnInput({ value, onChange, error }: { value: string; onChange: (date: string) => void; error?: string }) {
  return (
    <TextInput label="Expires on" description="Optional; it works until the end of that day" type="date" value={value} onChange={(e) => onChange(e.currentTarget.value)} error={error} />
  );
}

export function tokenNameColumns<T extends TokenRow>(): Column<T>[] {
  return [
    { key: 'name', label: 'Name', render: (t) => <Text size="sm" fw={500}>{t.name}</Text> },
    { key: 'prefix', label: 'Starts with', render: (t) => <Code>{t.prefix}…</Code> },
  ];
}

/** Created, expires and last used ("Last used" for API tokens, "Last report" for agents). */
export function tokenTimeColumns<T extends TokenRow>(usedLabel: string): Column<T>[] {
  return [
    { key: 'created', label: 'Created', render: (t) => formatTime(t.createdAt) },
    { key: 'expires', label: 'Expires', render: (t) => (t.expiresAt ? formatTime(t.expiresAt) : 'never') },
    { key: 'used', label: usedLabel, render: (t) => <When at={t.lastUsedAt} none="never" /> },
  ];
}
