// configs/: comparing two versions of a configuration as a unified diff, the form technicians
// know from git and from Oxidized.
import { structuredPatch } from 'diff';
import type { ConfigDiff } from './types';

const CONTEXT = 3;

/**
 * A unified diff of two normalized configurations: `---`/`+++` headers with the labels (the
 * versions' names, e.g. `v41 2024-11-12 09:41`), `@@` hunks with 3 lines of context, and the
 * counts of added and removed lines. Equal texts give { diff: '', added: 0, removed: 0 }.
 * A text that does not end with a newline gets the usual "\ No newline at end of file" marker.
 */
export function diffConfigs(a: string, b: string, labels: { from: string; to: string }): ConfigDiff {
  if (a === b) return { diff: '', added: 0, removed: 0 };
  const patch = structuredPatch(labels.from, labels.to, a, b, undefined, undefined, { context: CONTEXT });
  const out: string[] = [`--- ${labels.from}`, `+++ ${labels.to}`];
  let added = 0;
  let removed = 0;
  for (const h of patch.hunks) {
    out.push(`@@ -${range(h.oldStart, h.oldLines)} +${range(h.newStart, h.newLines)} @@`);
    for (const line of h.lines) {
      if (line[0] === '+') added++;
      else if (line[0] === '-') removed++;
      out.push(line);
    }
  }
  return { diff: out.join('\n') + '\n', added, removed };
}

/** GNU diff's range: "start,count", the count left out when it is 1, the line before an empty range */
function range(start: number, count: number): string {
  if (count === 0) return `${start - 1},0`;
  return count === 1 ? `${start}` : `${start},${count}`;
}
