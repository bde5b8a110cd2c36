// Remediation (technicians): a preview of what would bring the device back to its baseline — the
// missing lines under their parent lines, the device's extra lines (never removed
// automatically) and withheld lines to set by hand (masked secrets, access lists whose order
// adding entries would not restore, each with a note) — then a
// confirmed push, a config.push job followed live.
import { useState } from 'react';
import { Alert, Button, Code, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconEye, IconTool } from '@tabler/icons-react';
import { Link } from 'react-router';
import { notifications } from '@mantine/notifications';
import { api, Schemas, unwrap } from '../../api/client';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FollowedJob } from './useJobFollow';

type Preview = Schemas['RemediationView'];

function Lines({ title, lines, empty, id }: { title: string; lines: string[]; empty: string; id: string }) {
  return (
    <div>
      <Text fw={600} size="sm" id={id}>
        {title} ({lines.length})
      </Text>
      {lines.length ? (
        <Code block aria-labelledby={id} style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', maxHeight: 320, overflow: 'auto' }}>
          {lines.join('\n')}
        </Code>
      ) : (
        <Text size="sm" c="dimmed">
          {empty}
        </Text>
      )}
    </div>
  );
}

export function RemediationPanel({ deviceId, name, busy, onStarted }: { deviceId: number; name: string; busy: boolean; onStarted: (j: FollowedJob) => void }) {
  const [preview, setPreview] = useState<Preview>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(false);

  const load = async () => {
    setLoading(true);
    setError(undefined);
    try {
      setPreview(await unwrap(api.POST('/api/configs/drift/{deviceId}/remediate', { params: { path: { deviceId } }, body: { dryRun: true } })));
    } catch (err) {
      setError(err);
      setPreview(undefined);
    } finally {
      setLoading(false);
    }
  };

  const push = async () => {
    const res = await unwrap(api.POST('/api/configs/drift/{deviceId}/remediate', { params: { path: { deviceId } }, body: { dryRun: false } }));
    setPreview(res);
    if (res.job) {
      notifications.show({ color: 'blue', title: 'Remediation started', message: `Job ${res.job.id} pushes ${res.lines.length} lines to ${name}, then backs it up again.` });
      onStarted({ id: res.job.id, what: 'Remediation' });
    } else {
      notifications.show({ color: 'gray', title: 'Nothing to push', message: res.message ?? 'The device has every line of its baseline.' });
    }
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="remediation-title">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={2} size="h4" id="remediation-title">
            Remediation
          </Title>
          <Group gap="xs">
            <Button variant="default" leftSection={<IconEye size={16} />} onClick={load} loading={loading}>
              Preview remediation
            </Button>
            {preview && preview.lines.length > 0 && (
              <ConfirmButton
                color="orange"
                variant="filled"
                leftSection={<IconTool size={16} />}
                disabled={busy}
                title={`Remediate ${name}?`}
                message={`${preview.lines.length} lines are pushed in configuration mode, saved with write memory, and the device is backed up again. Extra lines stay; withheld lines must be set by hand.`}
                confirmLabel="Push the lines"
                onConfirm={push}
              >
                Remediate
              </ConfirmButton>
            )}
          </Group>
        </Group>
        {!preview && !error && (
          <Text size="sm" c="dimmed">
            Preview what would bring this device back to its baseline. Nothing is pushed until you confirm.
          </Text>
        )}
        <ErrorAlert error={error} title="No remediation preview" />
        {preview && (
          <>
            <Text size="sm">
              Against {preview.baseline}.{' '}
              {preview.job && (
                <>
                  Pushed by <Link to={`/jobs/${preview.job.id}`}>job {preview.job.id}</Link>.
                </>
              )}
            </Text>
            {preview.message && <Alert color="gray">{preview.message}</Alert>}
            {preview.notes.length > 0 && (
              <Alert color="yellow" title="Withheld: apply by hand">
                <Stack gap={2}>
                  {preview.notes.map((n) => (
                    <Text key={n} size="sm">{n}</Text>
                  ))}
                </Stack>
              </Alert>
            )}
            <SimpleGrid cols={{ base: 1, md: 3 }}>
              <Lines id="remediation-lines" title="Lines to push" lines={preview.lines} empty={preview.withheld.length ? 'None that Teknisi can push.' : 'None: the device has every line of its baseline.'} />
              <Lines id="remediation-extra" title="Extra lines on the device (left alone)" lines={preview.extra} empty="None." />
              <Lines id="remediation-withheld" title="Withheld: to set by hand" lines={preview.withheld} empty="None." />
            </SimpleGrid>
          </>
        )}
      </Stack>
    </Paper>
  );
}
