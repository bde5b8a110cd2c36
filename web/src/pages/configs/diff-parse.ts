// Reads the server's unified diff (configs/diff.ts: `---`/`+++` headers, `@@ -a,n +b,m @@` hunks,
// 3 lines of context) into rows for the unified and the side-by-side views, with each line's
// number on either side. Removed and added lines of one change are paired row by row, so that
// a changed line sits beside what it replaced.

export type LineKind = 'context' | 'removed' | 'added';

export interface DiffLine {
  kind: LineKind;
  text: string;
  /** 1-based line number in the old (from) text, for context and removed lines */
  oldNo?: number;
  /** 1-based line number in the new (to) text, for context and added lines */
  newNo?: number;
}

export interface Hunk {
  header: string;
  lines: DiffLine[];
  /** "\ No newline at end of file" and the like */
  notes: string[];
}

export interface ParsedDiff {
  fromLabel: string;
  toLabel: string;
  hunks: Hunk[];
}

export interface SplitRow {
  left?: DiffLine;
  right?: DiffLine;
}

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

export function parseUnifiedDiff(diff: string): ParsedDiff {
  const out: ParsedDiff = { fromLabel: '', toLabel: '', hunks: [] };
  const lines = diff.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let hunk: Hunk | undefined;
  let oldNo = 0;
  let newNo = 0;
  for (const line of lines) {
    const h = HUNK.exec(line);
    if (h) {
      hunk = { header: line, lines: [], notes: [] };
      out.hunks.push(hunk);
      oldNo = Number(h[1]);
      newNo = Number(h[2]);
      // an empty range ("-0,0") names the line before it: the next line is its first
      if (/^@@ -\d+,0 /.test(line)) oldNo++;
      if (/ \+\d+,0 @@/.test(line)) newNo++;
      continue;
    }
    if (!hunk) {
      if (line.startsWith('--- ')) out.fromLabel = line.slice(4);
      else if (line.startsWith('+++ ')) out.toLabel = line.slice(4);
      continue;
    }
    const mark = line[0];
    const text = line.slice(1);
    if (mark === '-') hunk.lines.push({ kind: 'removed', text, oldNo: oldNo++ });
    else if (mark === '+') hunk.lines.push({ kind: 'added', text, newNo: newNo++ });
    else if (mark === ' ') hunk.lines.push({ kind: 'context', text, oldNo: oldNo++, newNo: newNo++ });
    else if (mark === '\\') hunk.notes.push(line.slice(2));
  }
  return out;
}

/** A hunk's rows for two columns: context on both sides, a change's removed lines beside its added ones. */
export function splitRows(hunk: Hunk): SplitRow[] {
  const rows: SplitRow[] = [];
  let removed: DiffLine[] = [];
  let added: DiffLine[] = [];
  const flush = () => {
    for (let i = 0; i < Math.max(removed.length, added.length); i++) rows.push({ left: removed[i], right: added[i] });
    removed = [];
    added = [];
  };
  for (const l of hunk.lines) {
    if (l.kind === 'removed') removed.push(l);
    else if (l.kind === 'added') added.push(l);
    else {
      flush();
      rows.push({ left: l, right: l });
    }
  }
  flush();
  return rows;
}
