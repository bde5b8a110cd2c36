// A dense, sortable, paged table for lists that come from the API a page at a time
// ({items, total, page, limit}); sort and page live in the URL (lib/url-state.ts).
import { ReactNode, useEffect } from 'react';
import { Center, Checkbox, Group, Pagination, Select, Table, Text, UnstyledButton } from '@mantine/core';
import { IconChevronDown, IconChevronUp, IconSelector } from '@tabler/icons-react';
import { formatCount } from '../lib/format';
import { Spinner } from './Spinner';

export interface Column<T> {
  key: string;
  label: string;
  /** The API's sort field; the column header sorts when set. */
  sortKey?: string;
  render: (row: T) => ReactNode;
  width?: number | string;
}

export interface DataTableProps<T> {
  columns: Column<T>[];
  rows: T[] | undefined;
  rowKey: (row: T) => string | number;
  total?: number;
  page?: number;
  limit?: number;
  sort?: string;
  onSort?: (sort: string) => void;
  /** `replace`: the table corrects the page (past the last), so Back skips the page that was not there. */
  onPage?: (page: number, opts?: { replace?: boolean }) => void;
  onLimit?: (limit: number) => void;
  loading?: boolean;
  empty?: ReactNode;
  /** Row selection (bulk actions): the selected keys and a setter. */
  selected?: Set<string | number>;
  onSelect?: (next: Set<string | number>) => void;
  /** What a row's checkbox says to a screen reader ("Select ws-017"); default "Select row <key>". */
  rowLabel?: (row: T) => string;
  label: string;
}

export function DataTable<T>(p: DataTableProps<T>) {
  const rows = p.rows ?? [];
  const pages = p.total !== undefined && p.limit ? Math.max(1, Math.ceil(p.total / p.limit)) : 1;
  const page = p.page ?? 1;
  // a page past the last (its only row deleted, or a bookmark of a list that has shrunk) showed
  // "nothing yet" with no pager to leave it: go to the last page there is, in place of the one
  // asked for (pushed, it was where Back led, and that page sent the user forward again)
  const past = !p.loading && p.total !== undefined && page > pages;
  useEffect(() => {
    if (past) p.onPage?.(pages, { replace: true });
  }, [past, pages, p.onPage]); // eslint-disable-line react-hooks/exhaustive-deps
  const allSelected = p.selected !== undefined && rows.length > 0 && rows.every((r) => p.selected!.has(p.rowKey(r)));
  const toggleAll = () => {
    if (!p.onSelect || !p.selected) return;
    const next = new Set(p.selected);
    for (const r of rows) (allSelected ? next.delete(p.rowKey(r)) : next.add(p.rowKey(r)));
    p.onSelect(next);
  };
  return (
    <div>
      {/* a table wider than the screen shows its scrollbar, not only on hover: columns past the edge are not lost */}
      <Table.ScrollContainer minWidth={700} scrollAreaProps={{ type: 'auto', offsetScrollbars: 'x' }}>
        <Table striped highlightOnHover verticalSpacing={6} aria-label={p.label} aria-busy={p.loading || undefined}>
          <Table.Thead>
            <Table.Tr>
              {p.selected && (
                <Table.Th w={36}>
                  <Checkbox aria-label="Select all on this page" checked={allSelected} onChange={toggleAll} />
                </Table.Th>
              )}
              {p.columns.map((c) => (
                <Table.Th key={c.key} w={c.width} aria-sort={sortState(p.sort, c.sortKey)}>
                  {c.sortKey && p.onSort ? (
                    <UnstyledButton onClick={() => p.onSort!(p.sort === c.sortKey ? `-${c.sortKey}` : c.sortKey!)} aria-label={`Sort by ${c.label}`}>
                      <Group gap={4} wrap="nowrap">
                        <Text fw={600} size="sm">
                          {c.label}
                        </Text>
                        {p.sort === c.sortKey ? <IconChevronUp size={14} /> : p.sort === `-${c.sortKey}` ? <IconChevronDown size={14} /> : <IconSelector size={14} opacity={0.4} />}
                      </Group>
                    </UnstyledButton>
                  ) : (
                    c.label
                  )}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => {
              const key = p.rowKey(r);
              return (
                <Table.Tr key={key} bg={p.selected?.has(key) ? 'var(--teknisi-selected-row)' : undefined}>
                  {p.selected && (
                    <Table.Td>
                      <Checkbox
                        aria-label={p.rowLabel ? p.rowLabel(r) : `Select row ${key}`}
                        checked={p.selected.has(key)}
                        onChange={() => {
                          const next = new Set(p.selected);
                          next.has(key) ? next.delete(key) : next.add(key);
                          p.onSelect?.(next);
                        }}
                      />
                    </Table.Td>
                  )}
                  {p.columns.map((c) => (
                    <Table.Td key={c.key}>{c.render(r)}</Table.Td>
                  ))}
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {p.loading && rows.length === 0 && (
        <Center py="lg">
          <Spinner size="sm" label="Loading" />
        </Center>
      )}
      {!p.loading && !past && rows.length === 0 && (
        <Text c="dimmed" ta="center" py="lg">
          {p.empty ?? 'Nothing to show.'}
        </Text>
      )}
      {p.total !== undefined && (
        <Group justify="space-between" mt="sm">
          <Text size="sm" c="dimmed">
            {formatCount(p.total)} {p.total === 1 ? 'item' : 'items'}
          </Text>
          <Group gap="sm">
            {p.onLimit && (
              <Select
                aria-label="Rows per page"
                w={90}
                size="xs"
                data={['25', '50', '100', '200']}
                value={String(p.limit ?? 50)}
                onChange={(v) => v && p.onLimit!(Number(v))}
                allowDeselect={false}
              />
            )}
            {(pages > 1 || page > 1) && p.onPage && <Pagination size="sm" total={Math.max(pages, page)} value={page} onChange={(n) => p.onPage!(n)} siblings={1} boundaries={1} aria-label="Pages" />}
          </Group>
        </Group>
      )}
    </div>
  );
}

function sortState(sort: string | undefined, key: string | undefined): 'ascending' | 'descending' | undefined {
  if (!key || !sort) return undefined;
  if (sort === key) return 'ascending';
  if (sort === `-${key}`) return 'descending';
  return undefined;
}
