// inventory/: choosing the device a report belongs to when an identifier points at several
// devices that a technician has marked as distinct machines (a cloned MAC, a reused serial),
// and which devices an agent's report may land on at all. Pure, so that the rules can be read
// and tested as a table; ingest feeds it from the database.

import { DeviceType, Platform } from '../devices/device.entity';
import { deviceClass } from './source-precedence';

export type MatchedBy = 'serial' | 'mac' | 'hostname' | 'machine-id';

/** What a report says about itself, cleaned: only useful identifiers. */
export interface ReportIdentity {
  serial?: string;
  macs: string[];
  hostname?: string;
  addresses: string[];
}

/** What one candidate device carries of the report's identifiers. */
export interface CandidateFacts {
  id: number;
  serial: string | null;
  hostname: string | null;
  /** the report's MACs that this device carries */
  macs: string[];
  /** the report's addresses that this device has (primary or any other) */
  addresses: string[];
}

export type Choice = { id: number; by: MatchedBy } | { id: null; by: null };

const same = (a: string | null | undefined, b: string | null | undefined) => !!a && !!b && a.toLowerCase() === b.toLowerCase();

/**
 * Evidence in the order ingest trusts it. Each test scores a candidate; the candidates with
 * the best non-zero score stay. The first identifier already chose the pool, so a test that
 * every candidate passes equally narrows nothing and the next one decides.
 */
const TESTS: Array<{ by: MatchedBy; score: (f: CandidateFacts, r: ReportIdentity) => number }> = [
  { by: 'serial', score: (f, r) => (same(f.serial, r.serial) ? 1 : 0) },
  { by: 'mac', score: (f) => f.macs.length },
  { by: 'hostname', score: (f, r) => (same(f.hostname, r.hostname) && f.addresses.length ? 1 : 0) },
  { by: 'hostname', score: (f, r) => (same(f.hostname, r.hostname) ? 1 : 0) },
];

/** Whether two of `ids` are a pair marked distinct. */
export function hasDistinctPair(ids: number[], pairs: Array<[number, number]>): boolean {
  const set = new Set(ids);
  return pairs.some(([a, b]) => set.has(a) && set.has(b));
}

/**
 * One identifier found `pool` (several devices), and some of them are marked distinct from
 * each other. Narrow with the rest of the evidence until no distinct pair is left, then take
 * the oldest device, as matching always does. When the evidence cannot tell the distinct
 * devices apart, a candidate outside every such pair may take the report; failing that the
 * answer is "none", and ingest creates a device rather than give one machine's report to
 * another.
 */
export function disambiguate(pool: number[], pairs: Array<[number, number]>, facts: CandidateFacts[], report: ReportIdentity, firstBy: MatchedBy): Choice {
  const byId = new Map(facts.map((f) => [f.id, f]));
  let left = [...new Set(pool)].sort((a, b) => a - b);
  let by = firstBy;
  for (const test of TESTS) {
    if (!hasDistinctPair(left, pairs)) break;
    const scores = left.map((id) => (byId.has(id) ? test.score(byId.get(id)!, report) : 0));
    const best = Math.max(...scores);
    if (best === 0) continue;
    const narrowed = left.filter((_, i) => scores[i] === best);
    if (narrowed.length < left.length) (left = narrowed), (by = test.by);
  }
  if (!hasDistinctPair(left, pairs)) return { id: left[0], by };
  const free = left.filter((id) => !pairs.some(([a, b]) => (a === id && left.includes(b)) || (b === id && left.includes(a))));
  return free.length ? { id: free[0], by } : { id: null, by: null };
}

/** What decides whether an agent's report may land on a candidate device. */
export interface AgentCandidate {
  id: number;
  platform: Platform;
  type: DeviceType;
  /** the OS installation ids its hardware lists (rows {kind: other, name: machine-id}), lower case */
  machineIds: string[];
  /** an SSH scan has reached it (its id then came from the machine itself, over a pinned host key) */
  reachedBySsh: boolean;
}

/**
 * Whether an agent's report (`machineId`: its OS installation id, lower case, if it sent one)
 * may be matched to the candidate. An enrolment token is shared by a whole fleet, so a report
 * proves only that it came from some enrolled machine, and its serial, MACs and name can be
 * copied from anywhere. No agent runs on network gear (a switch, a router, a printer …), so no
 * agent's report is ever one of those. A computer whose OS installation id is known (an SSH scan
 * read /etc/machine-id or the MachineGuid, or its agent sent it) takes an agent's report only
 * with that same id: the same machine's agent reads the same file. Otherwise the report is
 * another machine's, and becomes a device of its own instead of rewriting this one.
 *
 * Only where SSH has reached the computer, though: a PC known through its agent alone that
 * reports another id with its own serial is most often that PC reimaged, which a helpdesk does
 * every week, and a duplicate at every reimage is what technicians fight in other tools.
 */
export function agentMayLand(c: AgentCandidate, machineId: string | undefined): boolean {
  if (deviceClass(c.platform, c.type) === 'network') return false;
  if (!c.reachedBySsh) return true;
  return !c.machineIds.length || (!!machineId && c.machineIds.includes(machineId));
}
