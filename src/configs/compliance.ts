// configs/: compliance — checking a normalized configuration against an admin's rules, and
// validating those rules when they are written.
import { compilePattern, LinePattern, PatternError, patternProblem } from './patterns';
import type { ComplianceRule, RuleResult, RuleSeverity } from './types';

export const RULE_KINDS: ComplianceRule['kind'][] = ['must-contain', 'must-not-contain', 'block'];
export const RULE_SEVERITIES: RuleSeverity[] = ['info', 'low', 'medium', 'high', 'critical'];
const MAX_DETAIL_ITEMS = 20;
const MAX_NAME = 200;

/** A line matches with or without its indentation, so that `^interface` finds nested blocks too. */
function matches(re: LinePattern, line: string): boolean {
  return re.test(line) || re.test(line.trimStart());
}

function quote(line: string): string {
  return JSON.stringify(line.trim());
}

function listed(items: string[]): string {
  const shown = items.slice(0, MAX_DETAIL_ITEMS);
  if (items.length > MAX_DETAIL_ITEMS) shown.push(`… and ${items.length - MAX_DETAIL_ITEMS} more`);
  return shown.join('\n');
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

interface Block {
  /** 0-based index of the block's first line */
  start: number;
  lines: string[];
}

/**
 * The blocks whose first line matches `start`: that line and the lines after it indented more
 * deeply. A blank line or a line indented no deeper ends the block — so IOS's `!` separators
 * and NX-OS's blank lines end blocks too. Junos `set` lines are not indented: each is a block
 * of one line.
 */
function findBlocks(lines: string[], start: LinePattern): Block[] {
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === '' || !matches(start, lines[i])) continue;
    const depth = indentOf(lines[i]);
    let j = i + 1;
    while (j < lines.length && lines[j].trim() !== '' && indentOf(lines[j]) > depth) j++;
    blocks.push({ start: i, lines: lines.slice(i, j) });
  }
  return blocks;
}

/**
 * Evaluates one rule against a (normalized) configuration. `detail` is written for a
 * technician, with 1-based line numbers: `line 42: "ip http server"`, or
 * `interface GigabitEthernet0/0/3 (line 57) has no line matching "spanning-tree portfast"`.
 * A block rule that finds no block passes (there is nothing to check) and says so. A rule
 * whose pattern RE2 cannot run (written before patterns ran in linear time, e.g. with a
 * lookahead) fails, saying why, until an admin edits it. A must-not-contain or block rule
 * fails on a Linux backup with an unreadable file (`cannot evaluate: <path> was unreadable`).
 */
export function evaluateRule(text: string, rule: ComplianceRule): RuleResult {
  try {
    const result = checkRule(text, rule);
    return result.passed && rule.kind !== 'must-contain' ? (unreadableFiles(text) ?? result) : result;
  } catch (err) {
    if (!(err instanceof PatternError)) throw err;
    return { passed: false, detail: `the rule cannot be evaluated: ${err.message}; edit its patterns`, lines: [] };
  }
}

/** A Linux backup's header for a file it could not read (sources/linux.ts). */
const UNREADABLE_HEADER = /^### (\/.*) \(unreadable\)$/;

/**
 * A must-not-contain or block rule cannot pass on a configuration with a file Teknisi could
 * not read: "no line matches" would be said of lines never seen. Rules are not per file, so
 * any unreadable file fails them, naming it; a must-contain rule fails by itself there.
 */
function unreadableFiles(text: string): RuleResult | null {
  const paths: string[] = [];
  for (const line of text.split('\n')) {
    const m = UNREADABLE_HEADER.exec(line);
    if (m) paths.push(m[1]);
  }
  if (paths.length === 0) return null;
  return { passed: false, detail: listed(paths.map((p) => `cannot evaluate: ${p} was unreadable`)), lines: [] };
}

function checkRule(text: string, rule: ComplianceRule): RuleResult {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const pattern = compilePattern(rule.pattern);
  switch (rule.kind) {
    case 'must-contain': {
      const i = lines.findIndex((l) => matches(pattern, l));
      return i >= 0
        ? { passed: true, detail: `line ${i + 1}: ${quote(lines[i])}`, lines: [] }
        : { passed: false, detail: `no line matches ${JSON.stringify(rule.pattern)}`, lines: [] };
    }
    case 'must-not-contain': {
      const hits: number[] = [];
      lines.forEach((l, i) => matches(pattern, l) && hits.push(i));
      if (hits.length === 0) return { passed: true, detail: `no line matches ${JSON.stringify(rule.pattern)}`, lines: [] };
      return { passed: false, detail: listed(hits.map((i) => `line ${i + 1}: ${quote(lines[i])}`)), lines: hits.map((i) => i + 1) };
    }
    case 'block': {
      if (!rule.block) throw new Error(`compliance rule "${rule.name}": a block rule needs block.start`);
      const where = rule.block.where === undefined || rule.block.where === '' ? null : compilePattern(rule.block.where);
      const blocks = findBlocks(lines, compilePattern(rule.block.start)).filter((b) => where === null || b.lines.some((l) => matches(where, l)));
      const scope = `${JSON.stringify(rule.block.start)}${where ? ` with a line matching ${JSON.stringify(rule.block.where)}` : ''}`;
      if (blocks.length === 0) return { passed: true, detail: `no block starts with a line matching ${scope}`, lines: [] };
      const failing = blocks.filter((b) => !b.lines.some((l) => matches(pattern, l)));
      if (failing.length === 0) {
        return { passed: true, detail: `all ${blocks.length} block(s) matching ${scope} have a line matching ${JSON.stringify(rule.pattern)}`, lines: [] };
      }
      return {
        passed: false,
        detail: listed(failing.map((b) => `${b.lines[0].trim()} (line ${b.start + 1}) has no line matching ${JSON.stringify(rule.pattern)}`)),
        lines: failing.map((b) => b.start + 1),
      };
    }
  }
}

export interface RuleProblem {
  field: string;
  message: string;
}

/**
 * Validates an admin's rule as it arrives (JSON): every problem listed at once, each with its
 * field. `severity` defaults to 'medium'; a name is trimmed. `block` is required for kind
 * 'block' and refused for the other kinds.
 */
export function validateComplianceRule(input: unknown): { rule?: ComplianceRule; problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { problems: [{ field: '', message: 'a rule is an object with name, kind, pattern and severity' }] };
  }
  const o = input as Record<string, unknown>;
  const name = typeof o.name === 'string' ? o.name.trim() : '';
  if (name.length < 1 || name.length > MAX_NAME) problems.push({ field: 'name', message: `a name of 1 to ${MAX_NAME} characters is required` });
  const kind = o.kind as ComplianceRule['kind'];
  if (!RULE_KINDS.includes(kind)) problems.push({ field: 'kind', message: `kind must be one of ${RULE_KINDS.join(', ')}` });
  const mainProblem = patternProblem(o.pattern);
  if (mainProblem) problems.push({ field: 'pattern', message: mainProblem });
  const severity = (o.severity ?? 'medium') as RuleSeverity;
  if (!RULE_SEVERITIES.includes(severity)) problems.push({ field: 'severity', message: `severity must be one of ${RULE_SEVERITIES.join(', ')}` });

  let block: ComplianceRule['block'];
  if (kind === 'block') {
    const b = o.block as Record<string, unknown> | undefined;
    if (typeof b !== 'object' || b === null) {
      problems.push({ field: 'block', message: 'a block rule needs block.start, the pattern of the block\'s first line' });
    } else {
      const startProblem = patternProblem(b.start);
      if (startProblem) problems.push({ field: 'block.start', message: startProblem });
      const hasWhere = b.where !== undefined && b.where !== null && b.where !== '';
      const whereProblem = hasWhere ? patternProblem(b.where) : null;
      if (whereProblem) problems.push({ field: 'block.where', message: whereProblem });
      block = hasWhere ? { start: b.start as string, where: b.where as string } : { start: b.start as string };
    }
  } else if (o.block !== undefined && o.block !== null) {
    problems.push({ field: 'block', message: 'block is only for rules of kind block' });
  }

  if (problems.length > 0) return { problems };
  const rule: ComplianceRule = { name, kind, pattern: o.pattern as string, severity };
  if (block) rule.block = block;
  if (typeof o.id === 'number' && Number.isInteger(o.id)) rule.id = o.id;
  return { rule, problems };
}
