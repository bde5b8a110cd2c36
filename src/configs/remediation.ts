// configs/: remediation — the configuration lines that bring a device back to its baseline
// (a golden template's rendering or an earlier version).
import type { ConfigPlatform } from './types';

export interface Remediation {
  /** lines to push, in order, with the parent lines (and `exit`/`next`/`end`) that give them their place */
  add: string[];
  /** lines the device has and the baseline lacks, under their parents: for the technician to review, never pushed */
  extra: string[];
  /** baseline lines that pushing would put in the wrong place (an access list's), under their parents: to apply by hand */
  withheld: string[];
  /** why lines were withheld, one per list */
  notes: string[];
}

interface Entry {
  /** the line as written (indentation kept: the CLIs accept it) */
  text: string;
  /** the trimmed parent lines, outermost first */
  parents: string[];
  /** the parent lines as written */
  parentTexts: string[];
}

/** Lines that are the CLI's punctuation rather than configuration. */
function isComment(trimmed: string, platform: ConfigPlatform): boolean {
  if (platform === 'cisco-ios' || platform === 'cisco-nxos' || platform === 'eos' || platform === 'procurve') return trimmed.startsWith('!') || trimmed.startsWith(';');
  return trimmed.startsWith('#') && !(platform === 'linux' && trimmed.startsWith('### '));
}

function isStructure(trimmed: string, platform: ConfigPlatform): boolean {
  if (platform === 'fortios') return trimmed === 'next' || trimmed === 'end';
  if (platform === 'linux' || platform === 'junos' || platform === 'routeros') return false;
  return trimmed === 'end' || trimmed === 'exit' || /^exit-[a-z-]+$/.test(trimmed);
}

/** How a CLI leaves the block a header opened. */
function closer(header: string, platform: ConfigPlatform): string | null {
  if (platform === 'fortios') return header.trimStart().startsWith('edit ') ? 'next' : 'end';
  if (platform === 'linux') return null;
  return 'exit';
}

/** A Linux file header without its "(missing)"/"(unreadable)" note, so a missing file's lines are all missing. */
function fileOf(trimmed: string): string {
  return trimmed.replace(/ \((?:missing|unreadable)\)$/, '');
}

function parse(text: string, platform: ConfigPlatform): Entry[] {
  const entries: Entry[] = [];
  const stack: { indent: number; trimmed: string; text: string }[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    const trimmed = line.trim();
    if (trimmed === '' || isComment(trimmed, platform) || isStructure(trimmed, platform)) continue;
    if (platform === 'linux' && trimmed.startsWith('### ')) {
      stack.length = 0;
      stack.push({ indent: -1, trimmed: fileOf(trimmed), text: fileOf(trimmed) });
      continue;
    }
    const indent = line.length - line.trimStart().length;
    while (stack.length > 0 && stack[stack.length - 1].indent >= indent) stack.pop();
    entries.push({ text: line, parents: stack.map((s) => s.trimmed), parentTexts: stack.map((s) => s.text) });
    stack.push({ indent, trimmed, text: line });
  }
  return entries;
}

function key(parents: string[], trimmed: string): string {
  return [...parents, trimmed].join('\u0000');
}

/**
 * Entries written out with their parents, each parent once. With `closers`, moving out of a
 * block writes the CLI's way out of it (`exit`, FortiOS `next`/`end`), so the lines can be
 * pushed; without, the listing is for reading.
 */
function emit(entries: Entry[], platform: ConfigPlatform, closers: boolean): string[] {
  const out: string[] = [];
  const open: { trimmed: string; text: string }[] = [];
  const leave = (depth: number) => {
    while (open.length > depth) {
      const close = closer(open.pop()!.text, platform);
      if (closers && close) out.push(close);
    }
  };
  entries.forEach((e, k) => {
    let same = 0;
    while (same < open.length && same < e.parents.length && open[same].trimmed === e.parents[same]) same++;
    leave(same);
    for (let i = same; i < e.parents.length; i++) {
      out.push(e.parentTexts[i]);
      open.push({ trimmed: e.parents[i], text: e.parentTexts[i] });
    }
    out.push(e.text);
    // a whole missing block: the line is the parent of the next ones, and is entered once
    const next = entries[k + 1];
    if (next && next.parents.length > e.parents.length && next.parents[e.parents.length] === e.text.trim()) {
      open.push({ trimmed: e.text.trim(), text: e.text });
    }
  });
  // FortiOS applies a level when it is closed; the Cisco-style CLIs leave with the push's `end`
  if (platform === 'fortios') leave(0);
  return out;
}

/** Access lists: their entries are matched in order, and an entry added goes at the list's end. */
const ACL_HEADER = /^(?:ip|ipv6|mac) access-list /;
const NUMBERED_ACL = /^access-list (\S+) /;
const ACL_PLATFORMS: ConfigPlatform[] = ['cisco-ios', 'cisco-nxos', 'eos', 'procurve'];

/** The access list an entry is part of (its header, or `access-list <n>` for a numbered list's lines), or null. */
function listOf(e: Entry, platform: ConfigPlatform): string | null {
  if (!ACL_PLATFORMS.includes(platform)) return null;
  if (e.parents.length > 0 && ACL_HEADER.test(e.parents[e.parents.length - 1])) return e.parents.join('\u0000');
  const numbered = e.parents.length === 0 ? NUMBERED_ACL.exec(e.text.trim()) : null;
  return numbered ? `access-list ${numbered[1]}` : null;
}

function byList(entries: Entry[], platform: ConfigPlatform): Map<string, Entry[]> {
  const lists = new Map<string, Entry[]>();
  for (const e of entries) {
    const list = listOf(e, platform);
    if (list !== null) lists.set(list, [...(lists.get(list) ?? []), e]);
  }
  return lists;
}

/**
 * The baseline's access lists that cannot be brought back by adding entries: the device has its
 * entries in another order, or lacks one before others (added, it would come after them — after
 * a `permit ip any any`, where it never matches), or has entries of its own before a missing one.
 * Only a list whose device entries are the beginning of the baseline's can be completed by
 * pushing the rest.
 */
function listsOutOfOrder(base: Entry[], cur: Entry[], platform: ConfigPlatform): Map<string, string> {
  const held = new Map<string, string>();
  const current = byList(cur, platform);
  for (const [list, entries] of byList(base, platform)) {
    const want = entries.map((e) => e.text.trim());
    const have = (current.get(list) ?? []).map((e) => e.text.trim());
    const missing = want.some((w) => !have.includes(w));
    const name = list.split('\u0000').pop()!;
    if (missing) {
      if (have.length > want.length || have.some((h, i) => h !== want[i])) {
        held.set(list, `${name}: the device lacks entries before others it has (an entry added goes at the list's end, where it may never match): apply the whole list by hand`);
      }
    } else {
      const common = have.filter((h) => want.includes(h));
      if (common.length !== want.length || common.some((h, i) => h !== want[i])) held.set(list, `${name}: the device has the entries in another order: apply the whole list by hand`);
    }
  }
  return held;
}

function difference(from: Entry[], to: Entry[]): Entry[] {
  const present = new Set(to.map((e) => key(e.parents, e.text.trim())));
  return from.filter((e) => !present.has(key(e.parents, e.text.trim())));
}

/**
 * What to push so that `current` contains what `baseline` has, and what `current` has beyond it.
 *
 * Block-structured platforms (IOS, EOS, NX-OS, ProCurve, FortiOS, and indented Linux files such
 * as sshd_config's `Match` blocks): a line is identified by its parent lines, so a missing
 * child comes after its parent (`interface Gi0/1` then ` spanning-tree portfast`), each parent
 * written once; moving from one block to another goes through `exit` (FortiOS: `next`/`end`,
 * and every level is closed at the end). `!` comments, `exit`/`end` lines of the baseline and
 * blank lines are never pushed. Junos `set` lines and RouterOS export lines: just the missing
 * lines. Linux: the missing lines under their `### <path>` header.
 *
 * Lines the device has beyond the baseline are listed in `extra` (with their parents, same
 * form) but no command to remove them is made: the `no` form differs from command to command
 * (and a default may print nothing), so removal is left to the technician.
 *
 * Access lists (IOS-style `ip|ipv6|mac access-list` blocks, numbered `access-list <n>` lines)
 * are matched in order: one the device has out of order, or lacks an entry of before others,
 * is withheld whole (`withheld`, with a note): only missing entries at its end are pushed.
 */
export function missingLines(baseline: string, current: string, platform: ConfigPlatform): Remediation {
  const base = parse(baseline, platform);
  const cur = parse(current, platform);
  const held = listsOutOfOrder(base, cur, platform);
  const isHeld = (e: Entry) => {
    const list = listOf(e, platform);
    return list !== null && held.has(list);
  };
  return {
    add: emit(difference(base, cur).filter((e) => !isHeld(e)), platform, true),
    extra: emit(difference(cur, base), platform, false),
    withheld: emit(base.filter(isHeld), platform, false),
    notes: [...held.values()],
  };
}
