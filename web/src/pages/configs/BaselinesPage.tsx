// /configs/baselines: what each device is compared with — a pinned version of the device, else a
// golden template for one of its tags, else its platform's. Technicians pin versions and write
// templates; ?scope=device|tag|platform filters, ?new=pin|template opens a form (deep-linkable).
import { useMemo } from 'react';
import { Anchor, Badge, Button, Group, Modal, SegmentedControl, Stack, Text } from '@mantine/core';
import { IconPin, IconPlus } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { notifications } from '@mantine/notifications';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { ConfirmButton } from '../../components/ConfirmButton';
import { DataTable } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { useCan } from '../../lib/auth';
import { formatTime } from '../../lib/format';
import { useUrlParams } from '../../lib/url-state';
import { PinForm, TemplateForm } from './BaselineForms';
import { Baseline, diffHref, PLATFORM_LABEL, useBaselines, useDeviceName } from './configs-api';

const SCOPE_LABEL: Record<string, string> = { device: 'Pinned version', tag: 'Tag template', platform: 'Platform template' };

function DeviceLink({ id }: { id: number }) {
  const { name } = useDeviceName(id);
  return (
    <Anchor component={Link} to={diffHref(id, { baseline: true })} size="sm" fw={500}>
      {name}
    </Anchor>
  );
}

export default function BaselinesPage() {
  const [params, setParams] = useUrlParams();
  const canWrite = useCan('technician');
  const qc = useQueryClient();
  const baselines = useBaselines();
  const scope = ['device', 'tag', 'platform'].includes(params.scope) ? params.scope : 'all';
  const rows = useMemo(() => (baselines.data ?? []).filter((b) => scope === 'all' || b.scope === scope), [baselines.data, scope]);
  const editing = params.edit ? baselines.data?.find((b) => b.id === Number(params.edit)) : undefined;
  const close = () => setParams({ new: undefined, edit: undefined, device: undefined });
  const saved = async (message: string) => {
    close();
    await qc.invalidateQueries({ queryKey: ['configs'] });
    notifications.show({ color: 'green', title: 'Baseline saved', message });
  };
  const remove = async (b: Baseline) => {
    await unwrap(api.DELETE('/api/configs/baselines/{id}', { params: { path: { id: b.id } } }));
    await qc.invalidateQueries({ queryKey: ['configs'] });
    notifications.show({ color: 'green', title: 'Baseline deleted', message: `${SCOPE_LABEL[b.scope]} #${b.id} is gone; its devices are compared with what applies next.` });
  };

  return (
    <>
      <PageHeader
        title="Baselines"
        subtitle="A device is compared with its pinned version, else its tag's template, else its platform's"
        actions={
          canWrite && (
            <>
              <Button leftSection={<IconPin size={16} />} onClick={() => setParams({ new: 'pin', edit: undefined })}>
                Pin a version
              </Button>
              <Button variant="light" leftSection={<IconPlus size={16} />} onClick={() => setParams({ new: 'template', edit: undefined })}>
                New template
              </Button>
            </>
          )
        }
      />
      <Group mb="sm">
        <SegmentedControl
          aria-label="Show"
          value={scope}
          onChange={(v) => setParams({ scope: v === 'all' ? undefined : v }, { replace: true })}
          data={[
            { value: 'all', label: 'All' },
            { value: 'device', label: 'Pinned versions' },
            { value: 'tag', label: 'Tag templates' },
            { value: 'platform', label: 'Platform templates' },
          ]}
        />
      </Group>
      <ErrorAlert error={baselines.error} title="The baselines could not be loaded" />
      <DataTable<Baseline>
        label="Baselines"
        rows={baselines.data ? rows : undefined}
        rowKey={(b) => b.id}
        loading={baselines.isPending}
        empty="No baselines yet: pin a good version of a device, or write a template for a tag or a platform."
        columns={[
          { key: 'scope', label: 'Kind', render: (b) => <Badge variant="light" size="sm" color={b.scope === 'device' ? 'indigo' : 'teal'}>{SCOPE_LABEL[b.scope]}</Badge> },
          {
            key: 'for', label: 'Applies to',
            render: (b) => (b.scope === 'device' && b.deviceId ? <DeviceLink id={b.deviceId} /> : b.scope === 'tag' ? `devices tagged ${b.tag}` : `every ${PLATFORM_LABEL[b.platform ?? ''] ?? b.platform} device`),
          },
          {
            key: 'what', label: 'Baseline',
            render: (b) =>
              b.scope === 'device' ? (
                <Anchor component={Link} to={diffHref(b.deviceId!, { from: b.versionId! })} size="sm">
                  version {b.versionId}
                </Anchor>
              ) : (
                <Text size="sm">template, {(b.template ?? '').split('\n').length} lines</Text>
              ),
          },
          {
            key: 'ignore', label: 'Ignored lines',
            render: (b) => (b.ignore.length ? <Text size="xs" ff="monospace" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>{b.ignore.join('\n')}</Text> : <Text size="sm" c="dimmed">none</Text>),
          },
          { key: 'by', label: 'Set', render: (b) => <Text size="sm">{formatTime(b.updatedAt)}{b.createdBy ? ` by ${b.createdBy}` : ''}</Text> },
          ...(canWrite
            ? [{
              key: 'actions', label: 'Actions',
              render: (b: Baseline) => (
                <Group gap="xs" wrap="nowrap">
                  <Button size="compact-sm" variant="default" onClick={() => setParams({ edit: b.id, new: undefined })} aria-label={`Edit baseline ${b.id}`}>
                    Edit
                  </Button>
                  <ConfirmButton
                    size="compact-sm"
                    aria-label={`Delete baseline ${b.id}`}
                    title={`Delete this ${SCOPE_LABEL[b.scope].toLowerCase()}?`}
                    message="Its devices are compared with the baseline that applies next (a tag's or the platform's template), or with none."
                    confirmLabel="Delete the baseline"
                    onConfirm={() => remove(b)}
                  >
                    Delete
                  </ConfirmButton>
                </Group>
              ),
            }]
            : []),
        ]}
      />
      <Modal opened={canWrite && (params.new === 'pin' || editing?.scope === 'device')} onClose={close} title="Pin a version as a device's baseline" size="lg">
        <PinForm initial={editing?.scope === 'device' ? editing : undefined} deviceId={params.device ? Number(params.device) : undefined} onSaved={saved} onCancel={close} />
      </Modal>
      <Modal opened={canWrite && (params.new === 'template' || (!!editing && editing.scope !== 'device'))} onClose={close} title={editing ? 'Edit template' : 'New golden template'} size="xl">
        <TemplateForm initial={editing && editing.scope !== 'device' ? editing : undefined} onSaved={saved} onCancel={close} />
      </Modal>
      <Stack mt="md" gap={2}>
        <Text size="xs" c="dimmed">
          Templates are Handlebars text with the device&apos;s hostname, primaryIp, serial, model, vendor, location, tags, tag.&lt;name&gt;, addresses and addressOn.[&lt;interface&gt;]; they are
          normalized like a backup before the comparison.
        </Text>
      </Stack>
    </>
  );
}
