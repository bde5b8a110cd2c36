// /admin/audit (admins): every write through the API and every sign-in — who, what, to which
// object, when, from where, and how it ended — newest first, secrets redacted by the server.
// Filters (user, action, object, since/until) and the page are in the URL.
import { useEffect, useRef, useState } from 'react';
import { Anchor, Autocomplete, Badge, Button, Group, Spoiler, Text, TextInput } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api, Schemas, unwrap } from '../../api/client';
import { DataTable } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { useCan } from '../../lib/auth';
import { formatTime } from '../../lib/format';
import { pageOf, useUrlParams } from '../../lib/url-state';
import { NotAllowed } from './NotAllowed';

type Entry = Schemas['AuditEntryView'];

/** A datetime-local value ("2026-11-28T09:30", the browser's zone) as ISO 8601, or undefined. */
function isoOf(local: string | undefined): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function statusColor(code: number): string {
  return code < 300 ? 'green' : code < 400 ? 'blue' : code < 500 ? 'orange' : 'red';
}

export default function AuditPage() {
  if (!useCan('admin')) return <NotAllowed title="Audit log" why="Only admins read the audit log." />;
  return <Audit />;
}

/**
 * A text filter typed freely and applied to the URL when the user pauses, not on every key. The
 * URL's value replaces the text only when something else changed it (back, "Clear filters"): the
 * echo of what this field applied can land after the user typed on, and must not undo that.
 */
function useDraft(value: string | undefined, apply: (v: string) => void): [string, (v: string) => void] {
  const [draft, setDraft] = useState(value ?? '');
  const applied = useRef<string | null>(null);
  useEffect(() => {
    if ((value ?? '') !== applied.current) setDraft(value ?? '');
    applied.current = null;
  }, [value]);
  useEffect(() => {
    if (draft === (value ?? '')) return;
    const t = setTimeout(() => {
      applied.current = draft.trim();
      apply(draft.trim());
    }, 400);
    return () => clearTimeout(t);
    // apply writes the URL, which changes value: only a new draft should schedule it
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [draft]);
  return [draft, setDraft];
}

function Audit() {
  const [params, setParams] = useUrlParams();
  const { page, limit } = pageOf(params);
  const filter = (k: string) => (v: string) => setParams({ [k]: v || undefined, page: undefined }, { replace: true });
  const [username, setUsername] = useDraft(params.username, filter('username'));
  const [objectId, setObjectId] = useDraft(params.objectId, filter('objectId'));
  const [action, setAction] = useDraft(params.action, filter('action'));
  const [objectType, setObjectType] = useDraft(params.objectType, filter('objectType'));
  const query = {
    username: params.username || undefined,
    action: params.action || undefined,
    objectType: params.objectType || undefined,
    objectId: params.objectId || undefined,
    since: isoOf(params.since),
    until: isoOf(params.until),
    page,
    limit,
  };
  const log = useQuery({
    queryKey: ['audit', query],
    queryFn: () => unwrap(api.GET('/api/audit', { params: { query } })),
    placeholderData: keepPreviousData,
  });
  // the names the server records (GET /api/audit/actions), offered as suggestions; any text is accepted
  const vocabulary = useQuery({ queryKey: ['audit', 'actions'], queryFn: () => unwrap(api.GET('/api/audit/actions')), staleTime: Infinity });
  const filtered = ['username', 'action', 'objectType', 'objectId', 'since', 'until'].some((k) => params[k]);

  return (
    <>
      <PageHeader title="Audit log" subtitle="Every change through the API and every sign-in, newest first" />
      <Group gap="sm" align="flex-end" mb="sm" wrap="wrap">
        <TextInput label="User" placeholder="exact user name" value={username} onChange={(e) => setUsername(e.currentTarget.value)} w={140} />
        <Autocomplete label="Action" placeholder="e.g. user.create" data={vocabulary.data?.actions ?? []} value={action} onChange={setAction} w={180} />
        <Autocomplete label="Object type" placeholder="e.g. credential" data={vocabulary.data?.objectTypes ?? []} value={objectType} onChange={setObjectType} w={140} />
        <TextInput label="Object id" value={objectId} onChange={(e) => setObjectId(e.currentTarget.value)} w={90} />
        <TextInput label="Since" type="datetime-local" value={params.since ?? ''} onChange={(e) => filter('since')(e.currentTarget.value)} w={190} />
        <TextInput label="Until" type="datetime-local" value={params.until ?? ''} onChange={(e) => filter('until')(e.currentTarget.value)} w={190} />
        {filtered && (
          <Button variant="subtle" onClick={() => setParams({ username: undefined, action: undefined, objectType: undefined, objectId: undefined, since: undefined, until: undefined, page: undefined })}>
            Clear filters
          </Button>
        )}
      </Group>
      <ErrorAlert error={log.error} title="The audit log could not be loaded" />
      <DataTable<Entry>
        label="Audit log"
        rows={log.data?.items}
        rowKey={(e) => e.id}
        loading={log.isPending}
        empty={filtered ? 'Nothing matches these filters.' : 'Nothing audited yet.'}
        total={log.data?.total}
        page={page}
        limit={limit}
        onPage={(p, o) => setParams({ page: p }, o)}
        onLimit={(l) => setParams({ limit: l, page: undefined })}
        columns={[
          { key: 'at', label: 'When', width: 150, render: (e) => <Text size="sm" style={{ whiteSpace: 'nowrap' }}>{formatTime(e.at)}</Text> },
          {
            key: 'user', label: 'User',
            render: (e) =>
              e.username ? (
                <Anchor component="button" size="sm" onClick={() => setParams({ username: e.username, page: undefined })} aria-label={`Only ${e.username}'s actions`}>
                  {e.username}
                </Anchor>
              ) : (
                <Text size="sm" c="dimmed">—</Text>
              ),
          },
          { key: 'action', label: 'Action', render: (e) => <Text size="sm" ff="monospace">{e.action}</Text> },
          { key: 'object', label: 'Object', render: (e) => (e.objectType ? `${e.objectType}${e.objectId ? ` #${e.objectId}` : ''}` : '—') },
          { key: 'status', label: 'Result', render: (e) => <Badge size="sm" variant="light" color={statusColor(e.statusCode)}>{e.statusCode}</Badge> },
          { key: 'ip', label: 'From', render: (e) => <Text size="xs" ff="monospace">{e.ip ?? '—'}</Text> },
          {
            key: 'summary', label: 'Details', width: '32%',
            render: (e) =>
              e.summary ? (
                <Spoiler maxHeight={38} showLabel="More" hideLabel="Less" attributes={{ content: { 'aria-label': `Details of entry ${e.id} (${e.action})` } }}>
                  <Text size="xs" ff="monospace" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                    {e.summary}
                  </Text>
                </Spoiler>
              ) : (
                <Text size="xs" c="dimmed">—</Text>
              ),
          },
        ]}
      />
    </>
  );
}
