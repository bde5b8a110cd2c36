// A secret the server shows once (an API token, an agent enrollment token): a warning that this
// is the only time, the value with a copy button, what to do with it (children), and a button
// that closes it. The caller keeps the secret in state only, gone once this closes.
import { ReactNode } from 'react';
import { ActionIcon, Alert, Button, Code, CopyButton, Group, Stack, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';

export function ShowOnce({ value, label, onDone, children }: { value: string; label: string; onDone: () => void; children?: ReactNode }) {
  return (
    <Stack gap="sm">
      <Alert color="yellow" title="Copy it now">
        This is the only time the token is shown. Teknisi keeps only a hash of it.
      </Alert>
      <Group gap="xs" wrap="nowrap" align="center">
        <Code block style={{ flex: 1, wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} aria-label={label}>
          {value}
        </Code>
        <CopyButton value={value}>
          {({ copied, copy }) => (
            <Tooltip label={copied ? 'Copied' : 'Copy'}>
              <ActionIcon variant="light" color={copied ? 'green' : 'indigo'} size="lg" onClick={copy} aria-label={copied ? 'Copied' : 'Copy the token'}>
                {copied ? <IconCheck size={18} /> : <IconCopy size={18} />}
              </ActionIcon>
            </Tooltip>
          )}
        </CopyButton>
      </Group>
      {children}
      <Group justify="flex-end">
        <Button onClick={onDone}>I have copied it</Button>
      </Group>
    </Stack>
  );
}
