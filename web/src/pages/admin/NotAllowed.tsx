// What a page says to a role that may not use it: in words, before any request is refused.
import { Alert } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { PageHeader } from '../../components/PageHeader';

export function NotAllowed({ title, why }: { title: string; why: string }) {
  return (
    <>
      <PageHeader title={title} />
      <Alert role="alert" color="red" icon={<IconLock size={18} />} title="Not allowed">
        {why}
      </Alert>
    </>
  );
}
