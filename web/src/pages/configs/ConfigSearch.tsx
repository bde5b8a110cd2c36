// Which devices' current configuration has a line containing some text (or matching a regex):
// GET /api/configs/search, with the query, the platform and the page in the URL.
import { useEffect, useState } from 'react';
import { Anchor, Button, Checkbox, Code, Group, Select, Stack, Text, TextInput } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, unwrap } from '../../api/client';
import { DataTable } from '../../components/DataTable';
import { ErrorAlert } from '../../components/ErrorAlert';
import { pageOf, useUrlParams } from '../../lib/url-state';
import { diffHref, PLATFORM_LABEL, platformOptions } from './configs-api';
import type { Schemas } from '../../api/client';

type Hit = Schemas['ConfigSearchItem'];
type Platform = (typeof platformOptions)[number]['value'];

export function ConfigSearch({ params, setParams }: { params: Record<string, string>; setParams: ReturnType<typeof useUrlParams>[1] }) {
  const isRegex = params.regex !== undefined;
  const term = params.regex ?? params.text ?? '';
  const [input, setInput] = useState(term);
  const [regex, setRegex] = useState(isRegex);
  useEffect(() => {
    setInput(term);
    setRegex(isRegex);
  }, [term, isRegex]);
  const { page, limit } = pageOf(params, 25);
  const platform = (params.platform || undefined) as Platform | undefined;

  const search = useQuery({
    queryKey: ['configs', 'search', term, isRegex, platform, page, limit],
    queryFn: () => unwrap(api.GET('/api/configs/search', { params: { query: { ...(isRegex ? { regex: term } : { text: term }), platform, page, limit } } })),
    enabled: term !== '',
    placeholderData: keepPreviousData,
  });

  return (
    <Stack gap="sm">
      <form
        role="search"
        aria-label="Search configurations"
        onSubmit={(e) => {
          e.preventDefault();
          setParams({ text: regex ? undefined : input, regex: regex ? input : undefined, page: undefined });
        }}
      >
        <Group gap="sm" align="flex-end" wrap="wrap">
          <TextInput
            label="Configuration line"
            description={regex ? 'A regular expression matched against each line (RE2: no backreferences or lookaround; (?i) ignores case)' : 'Text that a line contains, e.g. ip http server'}
            value={input}
            onChange={(e) => setInput(e.currentTarget.value)}
            w={360}
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
          />
          <Checkbox label="Regular expression" checked={regex} onChange={(e) => setRegex(e.currentTarget.checked)} mb={8} />
          <Select label="Platform" placeholder="Any platform" data={platformOptions} value={platform ?? null} onChange={(v) => setParams({ platform: v ?? undefined, page: undefined })} clearable w={200} />
          <Button type="submit" disabled={!input}>
            Search
          </Button>
        </Group>
      </form>
      <ErrorAlert error={search.error} title="The search failed" />
      {search.data?.truncated && (
        <Text size="sm" c="orange" role="status">
          The search stopped before the last configuration (too much text to scan): the results cover only part of them. Narrow it with more text or a platform.
        </Text>
      )}
      {term === '' ? (
        <Text c="dimmed" size="sm">
          Find the devices whose current configuration still has a line — a forgotten SNMP community, an open HTTP server, an old NTP server.
        </Text>
      ) : (
        <DataTable<Hit>
          label="Configurations with matching lines"
          rows={search.data?.items}
          rowKey={(h) => h.deviceId}
          loading={search.isFetching && !search.data}
          empty="No current configuration has such a line."
          total={search.data?.total}
          page={page}
          limit={limit}
          onPage={(p, o) => setParams({ page: p }, o)}
          onLimit={(l) => setParams({ limit: l, page: undefined })}
          columns={[
            {
              key: 'device', label: 'Device', width: 200,
              render: (h) => (
                <Anchor component={Link} to={diffHref(h.deviceId)} size="sm" fw={500}>
                  {h.hostname || `device ${h.deviceId}`}
                </Anchor>
              ),
            },
            { key: 'platform', label: 'Platform', width: 140, render: (h) => PLATFORM_LABEL[h.platform] ?? h.platform },
            {
              key: 'lines', label: 'Matching lines',
              render: (h) => (
                <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                  {h.lines.map((l) => `${String(l.line).padStart(5)}  ${l.text}`).join('\n')}
                </Code>
              ),
            },
          ]}
        />
      )}
    </Stack>
  );
}
