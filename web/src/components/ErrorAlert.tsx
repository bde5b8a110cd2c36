// An API error in words, with the fields the server named: never swallowed, never "[object Object]".
import { Alert, List } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { ApiError } from '../api/client';
import { fieldErrorsOf } from '../lib/form-errors';

/**
 * `beside` names the fields (and the fields under them: `targets` covers `targets.3`) whose
 * messages the form shows under their inputs, by their labels: the alert points at those rather
 * than saying each message a second time.
 */
export function ErrorAlert({ error, title, beside }: { error: unknown; title?: string; beside?: Record<string, string> }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const status = error instanceof ApiError ? error.status : undefined;
  const all = Object.entries(fieldErrorsOf(error));
  const besideOf = (k: string) => Object.keys(beside ?? {}).find((f) => k === f || k.startsWith(`${f}.`));
  const fields = all.filter(([k]) => !besideOf(k));
  const marked = [...new Set(all.flatMap(([k]) => (besideOf(k) ? [beside![besideOf(k)!]] : [])))];
  const heading = title ?? (status === 403 ? 'Not allowed' : status === 404 ? 'Not found' : 'Something went wrong');
  // a validation 400's message is its field list joined in one line: show the list once
  const restated = all.length > 0 && message === joinedDetails(error);
  return (
    <Alert role="alert" color="red" icon={<IconAlertTriangle size={18} />} title={heading} my="sm">
      {!restated && message}
      {restated && marked.length > 0 && `See ${marked.length === 1 ? 'the message' : 'the messages'} under ${listed(marked)}.`}
      {fields.length > 0 && (
        <List size="sm" mt={restated && !marked.length ? 0 : 4}>
          {fields.map(([k, v]) => (
            <List.Item key={k}>
              <b>{k}</b>: {v}
            </List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}

/** "Targets", "Targets and Exclude", "Name, Targets and Cron schedule". */
function listed(labels: string[]): string {
  return labels.length < 2 ? labels.join('') : `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
}

/** The one-line message the server builds from a 400's details (common/validation.ts badRequest). */
function joinedDetails(error: unknown): string | undefined {
  if (!(error instanceof ApiError) || !Array.isArray(error.details)) return undefined;
  return (error.details as Array<{ field?: string; messages?: string[] }>).map((d) => `${d.field}: ${(d.messages ?? []).join(', ')}`).join('; ');
}
