// A button for a destructive action (cancel, delete, forget) that asks first: a dialog names what
// will happen, the action runs only on "confirm", and an API error is shown in the dialog in
// words (it stays open so the user can read it) rather than swallowed.
import { ReactNode, useState } from 'react';
import { Button, ButtonProps, Group, Modal, Stack, Text } from '@mantine/core';
import { ErrorAlert } from './ErrorAlert';

export interface ConfirmButtonProps extends Omit<ButtonProps, 'onClick' | 'children'> {
  /** the button's name (what a screen reader and a test find it by) */
  children: ReactNode;
  /** the dialog's title, e.g. "Cancel job 12?" */
  title: string;
  /** what will happen, in words */
  message: ReactNode;
  /** the confirming button's name, e.g. "Cancel the job" */
  confirmLabel: string;
  /** runs on confirm; a rejection is shown in the dialog */
  onConfirm: () => Promise<unknown>;
  /** the aria-label of the opening button when its text alone is ambiguous (a row's "Delete") */
  'aria-label'?: string;
}

export function ConfirmButton({ children, title, message, confirmLabel, onConfirm, ...button }: ConfirmButtonProps) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const close = () => {
    if (busy) return;
    setOpen(false);
    setError(undefined);
  };
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
      setOpen(false);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button color="red" variant="light" {...button} onClick={() => setOpen(true)}>
        {children}
      </Button>
      <Modal opened={open} onClose={close} title={title} centered>
        <Stack>
          {typeof message === 'string' ? <Text size="sm">{message}</Text> : message}
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close} disabled={busy}>
              Keep it
            </Button>
            <Button color="red" onClick={confirm} loading={busy}>
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
