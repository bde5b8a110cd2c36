// A target's output (commands run and their stdout/stderr) as plain text in a <pre>: device output
// is untrusted, so it is only ever text, never HTML. Long logs scroll inside the dialog; a log of a
// target still running is fetched again every few seconds.
import { Badge, Button, Group, Modal, ScrollArea, Text } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { api, ApiError, errorMessage } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Spinner } from '../../components/Spinner';
import { TARGET_COLOR, TARGET_LABEL, TargetStatus } from './job-labels';

interface Log {
  text: string;
  status?: string;
  truncated: boolean;
}

async function fetchLog(jobId: number, runId: number, deviceId: number): Promise<Log> {
  let res;
  try {
    res = await api.GET('/api/jobs/{id}/runs/{runId}/targets/{deviceId}/log', { params: { path: { id: jobId, runId, deviceId } }, parseAs: 'text' });
  } catch (err) {
    throw new ApiError(0, errorMessage(0, undefined) + (err instanceof Error ? ` (${err.message})` : ''));
  }
  if (!res.response.ok) {
    // errors come back as JSON text: read its message
    const raw: unknown = (res as { error?: unknown }).error;
    let body: unknown = raw;
    try {
      body = typeof raw === 'string' ? JSON.parse(raw) : raw;
    } catch {
      /* not JSON: the text itself */
    }
    throw new ApiError(res.response.status, errorMessage(res.response.status, body));
  }
  return { text: String(res.data ?? ''), status: res.response.headers.get('x-target-status') ?? undefined, truncated: res.response.headers.get('x-log-truncated') === 'true' };
}

export function LogViewer({ jobId, runId, deviceId, name, onClose }: { jobId: number; runId: number | undefined; deviceId: number | undefined; name: string; onClose: () => void }) {
  const open = runId !== undefined && deviceId !== undefined;
  const log = useQuery({
    queryKey: ['jobs', jobId, 'log', runId, deviceId],
    queryFn: () => fetchLog(jobId, runId!, deviceId!),
    enabled: open,
    refetchInterval: (q) => (q.state.data?.status === 'running' || q.state.data?.status === 'queued' ? 3000 : false),
  });
  const status = log.data?.status as TargetStatus | undefined;
  return (
    <Modal opened={open} onClose={onClose} title={`Log of ${name}`} size="80rem">
      <Group justify="space-between" mb="xs">
        <Group gap="xs">
          {status && TARGET_LABEL[status] && (
            <Badge color={TARGET_COLOR[status]} variant="light">
              {TARGET_LABEL[status]}
            </Badge>
          )}
          {log.isFetching && <Spinner size="xs" label="Loading the log" />}
          {log.data?.truncated && (
            <Text size="xs" c="orange">
              Output was capped at 1 MiB: the end is missing.
            </Text>
          )}
        </Group>
        {open && (
          <Button
            size="xs"
            variant="default"
            leftSection={<IconDownload size={14} />}
            component="a"
            href={`/api/jobs/${jobId}/runs/${runId}/targets/${deviceId}/log`}
            download={`job-${jobId}-run-${runId}-device-${deviceId}.log`}
          >
            Download
          </Button>
        )}
      </Group>
      <ErrorAlert error={log.error} title="Could not load the log" />
      {log.data && (
        <ScrollArea.Autosize mah="65vh" type="auto" offsetScrollbars>
          <pre
            aria-label="Log output"
            style={{ margin: 0, padding: 'var(--mantine-spacing-xs)', fontSize: 12, lineHeight: 1.45, whiteSpace: 'pre-wrap', wordBreak: 'break-all', background: 'var(--mantine-color-default-hover)', borderRadius: 4 }}
          >
            {log.data.text || '(no output)'}
          </pre>
        </ScrollArea.Autosize>
      )}
    </Modal>
  );
}
