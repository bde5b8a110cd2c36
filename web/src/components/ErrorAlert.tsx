// An API error in words, with the fields the server named: never swallowed, never "[object Object]".
import { Alert, List } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { ApiError } from '../api/client';
import { fieldErrorsOf } from '../lib/form-errors';

export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  const status = error instanceof ApiError ? error.status : undefined;
  const fields = Object.entries(fieldErrorsOf(error));
  const heading = title ?? (status === 403 ? 'Not allowed' : status === 404 ? 'Not found' : 'Something went wrong');
  // a validation 400's message is its field list joined in one line: show the list once
  const restated = fields.length > 0 && message === joinedDetails(error);
  return (
    <Alert role="alert" color="red" icon={<IconAlertTriangle size={18} />} title={heading} my="sm">
      {!restated && message}
      {fields.length > 0 && (
        <List size="sm" mt={restated ? 0 : 4}>
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

/** The one-line message the server builds from a 400's details (common/validation.ts badRequest). */
function joinedDetails(error: unknown): string | undefined {
  if (!(error instanceof ApiError) || !Array.isArray(error.details)) return undefined;
  return (error.details as Array<{ field?: string; messages?: string[] }>).map((d) => `${d.field}: ${(d.messages ?? []).join(', ')}`).join('; ');
}
