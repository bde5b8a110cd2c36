// A configuration diff, side by side or unified. Added and removed lines are coloured and carry
// a "+" or "−" marker (and the words "added"/"removed" for screen readers), so the change reads
// without colour too. Config text is untrusted: it is rendered as text, never as HTML.
import { Fragment } from 'react';
import { Table, Text, VisuallyHidden } from '@mantine/core';
import { DiffLine, LineKind, ParsedDiff, splitRows } from './diff-parse';

const BG: Record<LineKind, string | undefined> = {
  context: undefined,
  added: 'var(--mantine-color-green-light)',
  removed: 'var(--mantine-color-red-light)',
};
const MARK: Record<LineKind, string> = { context: '', added: '+', removed: '−' };

const mono = { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12.5, lineHeight: 1.45 } as const;
const code = { ...mono, whiteSpace: 'pre-wrap', wordBreak: 'break-all', padding: '1px 6px' } as const;
const num = { ...mono, color: 'var(--mantine-color-dimmed)', textAlign: 'right', padding: '1px 6px', width: 1, whiteSpace: 'nowrap', userSelect: 'none' } as const;
const marker = { ...mono, fontWeight: 700, width: 1, padding: '1px 4px', textAlign: 'center', userSelect: 'none' } as const;

function Marker({ kind }: { kind: LineKind }) {
  if (kind === 'context') return null;
  return (
    <>
      <span aria-hidden>{MARK[kind]}</span>
      <VisuallyHidden>{kind}</VisuallyHidden>
    </>
  );
}

/** One side of a side-by-side row: number, marker, text; an empty cell when the line has no counterpart. */
function Side({ line, side }: { line?: DiffLine; side: 'old' | 'new' }) {
  if (!line) {
    const edge = side === 'new' ? { borderLeft: '1px solid var(--mantine-color-default-border)' } : {};
    return <Table.Td colSpan={3} style={{ ...edge, background: 'var(--mantine-color-default-hover)' }} />;
  }
  const bg = BG[line.kind];
  const edge = side === 'new' ? { borderLeft: '1px solid var(--mantine-color-default-border)' } : {};
  return (
    <>
      <Table.Td style={{ ...num, ...edge, background: bg }}>{side === 'old' ? line.oldNo : line.newNo}</Table.Td>
      <Table.Td style={{ ...marker, background: bg }}>
        <Marker kind={line.kind} />
      </Table.Td>
      <Table.Td style={{ ...code, background: bg }} data-change={line.kind === 'context' ? undefined : line.kind}>
        {line.text}
      </Table.Td>
    </>
  );
}

function HunkHeader({ text, colSpan }: { text: string; colSpan: number }) {
  return (
    <Table.Tr>
      <Table.Td colSpan={colSpan} style={{ ...code, color: 'var(--mantine-color-blue-text)', background: 'var(--mantine-color-blue-light)' }}>
        {text}
      </Table.Td>
    </Table.Tr>
  );
}

export function DiffViewer({ diff, view }: { diff: ParsedDiff; view: 'split' | 'unified' }) {
  if (view === 'unified') {
    return (
      <Table.ScrollContainer minWidth={600}>
        <Table withTableBorder withColumnBorders={false} verticalSpacing={0} aria-label="Unified diff">
          <Table.Thead>
            <Table.Tr>
              <Table.Th style={num}>Old</Table.Th>
              <Table.Th style={num}>New</Table.Th>
              <Table.Th style={marker}>
                <VisuallyHidden>Change</VisuallyHidden>
              </Table.Th>
              <Table.Th>
                {diff.fromLabel} → {diff.toLabel}
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {diff.hunks.map((h, i) => (
              <Fragment key={i}>
                <HunkHeader text={h.header} colSpan={4} />
                {h.lines.map((l, j) => (
                  <Table.Tr key={j}>
                    <Table.Td style={{ ...num, background: BG[l.kind] }}>{l.oldNo}</Table.Td>
                    <Table.Td style={{ ...num, background: BG[l.kind] }}>{l.newNo}</Table.Td>
                    <Table.Td style={{ ...marker, background: BG[l.kind] }}>
                      <Marker kind={l.kind} />
                    </Table.Td>
                    <Table.Td style={{ ...code, background: BG[l.kind] }} data-change={l.kind === 'context' ? undefined : l.kind}>
                      {l.text}
                    </Table.Td>
                  </Table.Tr>
                ))}
                <HunkNotes notes={h.notes} columns={4} />
              </Fragment>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    );
  }
  return (
    <Table.ScrollContainer minWidth={700}>
      <Table withTableBorder verticalSpacing={0} aria-label="Side-by-side diff" style={{ tableLayout: 'fixed' }}>
        <colgroup>
          <col style={{ width: 48 }} />
          <col style={{ width: 22 }} />
          <col />
          <col style={{ width: 48 }} />
          <col style={{ width: 22 }} />
          <col />
        </colgroup>
        <Table.Thead>
          <Table.Tr>
            <Table.Th colSpan={3}>{diff.fromLabel || 'Before'}</Table.Th>
            <Table.Th colSpan={3} style={{ borderLeft: '1px solid var(--mantine-color-default-border)' }}>
              {diff.toLabel || 'After'}
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {diff.hunks.map((h, i) => (
            <Fragment key={i}>
              <HunkHeader text={h.header} colSpan={6} />
              {splitRows(h).map((r, j) => (
                <Table.Tr key={j}>
                  <Side line={r.left} side="old" />
                  <Side line={r.right} side="new" />
                </Table.Tr>
              ))}
              <HunkNotes notes={h.notes} columns={6} />
            </Fragment>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** A hunk's notes (e.g. "\ No newline at end of file"), each a row across the table's columns. */
function HunkNotes({ notes, columns }: { notes: string[]; columns: number }) {
  return notes.map((n, j) => (
    <Table.Tr key={`n${j}`}>
      <Table.Td colSpan={columns}>
        <Text size="xs" c="dimmed" fs="italic">
          {n}
        </Text>
      </Table.Td>
    </Table.Tr>
  ));
}
