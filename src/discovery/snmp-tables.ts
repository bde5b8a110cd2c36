// discovery/: reading SNMP tables column by column (GetBulk walks, a few at a time so that a
// slow agent is not flooded) and turning their raw values — MACs, addresses in table
// indexes, DateAndTime — into what an InventoryReport holds. An agent that lacks a table
// gives an empty one; one that stops answering throws.
import { isCalendarDay } from '../common/calendar';
import { normalizeMac } from '../common/mac';
import { AnswersTooLarge, SnmpClient, SnmpError, SnmpValue } from '../protocols/snmp/snmp.client';

/** A table: row index (the OID suffix after the column) → column number → value. */
export type Table = Map<string, Map<number, SnmpValue>>;

export class TableReader {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly client: SnmpClient,
    private readonly concurrency = 6,
  ) {}

  /**
   * The given columns of a table entry (e.g. ifEntry 1.3.6.1.2.1.2.2.1), at most maxRows rows
   * each, walked together. An agent that refuses them together — an error-status for the
   * request (SNMPv2 agents that answer noSuchName for a column they lack), tooBig for even one
   * row of them, an answer out of order — is asked column by column, as it always was. So is
   * an SNMPv1 agent (no GetBulk): its columns are walked side by side, each in a slot. One that
   * sent more than the device may (AnswersTooLarge) is not asked again.
   */
  async table(entry: string, columns: number[], maxRows: number): Promise<Table> {
    const oids = columns.map((col) => `${entry}.${col}`);
    // a column refused alone is one the agent lacks (or breaks on: the others are read). Every
    // column refused with genErr or resourceUnavailable is an agent that could not answer now
    // (an AgentX subagent timing out, a loaded switch), not a table without rows: read as empty,
    // the device's stored interfaces or disks were deleted, and came back at the next scan
    const oneByOne = async () => {
      const walked = await Promise.all(oids.map((oid) => this.columnOrRefusal(oid, maxRows)));
      if (walked.every((w) => couldNotAnswer(w.refusal))) throw walked[0].refusal;
      return walked.map((w) => w.values);
    };
    const walks = !this.client.bulk
      ? await oneByOne()
      : await this.slot(() => this.client.walkColumns(oids, maxRows)).then(
          (values) => values.map((v, i) => indexed(oids[i], v)),
          (err: unknown) => {
            if (!(err instanceof SnmpError && err.reason === 'protocol') || err instanceof AnswersTooLarge) throw err;
            return oneByOne();
          },
        );
    const rows: Table = new Map();
    walks.forEach((values, i) => {
      for (const [index, v] of values) {
        if (!rows.has(index)) rows.set(index, new Map());
        rows.get(index)!.set(columns[i], v);
      }
    });
    return rows;
  }

  /**
   * One column: row index → value. A column the agent lacks is empty (some agents refuse it
   * with an error at its first row); a timeout, a walk that failed part-way or an agent
   * answering out of order is not absence and is thrown, so that no one takes it for "none".
   */
  async column(oid: string, maxRows: number): Promise<Map<string, SnmpValue>> {
    return (await this.columnOrRefusal(oid, maxRows)).values;
  }

  /** column(), and the refusal that made it empty, if one did */
  private async columnOrRefusal(oid: string, maxRows: number): Promise<{ values: Map<string, SnmpValue>; refusal?: unknown }> {
    try {
      return { values: indexed(oid, await this.slot(() => this.client.walk(oid, maxRows))) };
    } catch (err) {
      return { values: absentIfRefused(err), refusal: err };
    }
  }

  /**
   * Scalars in one request; if the agent refuses the request as a whole (SNMPv1 answers
   * noSuchName for the PDU when one OID is missing), one request each.
   */
  async scalars(oids: string[]): Promise<Map<string, SnmpValue>> {
    try {
      return await this.slot(() => this.client.get(oids));
    } catch (err) {
      absentUnlessSilent(err);
      const each = await Promise.all(oids.map((oid) => this.slot(() => this.client.get([oid])).catch(absentUnlessSilent)));
      return new Map(each.flatMap((m) => [...m]));
    }
  }

  private async slot<T>(work: () => Promise<T>): Promise<T> {
    // a finished walk hands its slot straight to the next waiting one
    if (this.running >= this.concurrency) await new Promise<void>((r) => this.waiting.push(r));
    else this.running++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/** A column's values by row index: the OID past the column's own. */
function indexed(oid: string, values: Map<string, SnmpValue>): Map<string, SnmpValue> {
  const out = new Map<string, SnmpValue>();
  const prefix = `${oid}.`;
  for (const [o, v] of values) if (o.startsWith(prefix)) out.set(o.slice(prefix.length), v);
  return out;
}

/** tooBig says the table is there, only the answer was too big (even for one row: the walk asked for fewer first) */
const TOO_BIG = 1;

/** genErr and resourceUnavailable: the agent failed, rather than lacking what was asked */
const AGENT_FAILED = new Set([5, 13]);
const couldNotAnswer = (err: unknown) => err instanceof SnmpError && err.status !== undefined && AGENT_FAILED.has(err.status);

/** A walk the agent refused at once, with an error-status, is a column it lacks; anything else is thrown. */
function absentIfRefused(err: unknown): Map<string, SnmpValue> {
  if (err instanceof SnmpError && err.reason === 'protocol' && err.status !== undefined && err.status !== TOO_BIG && !err.afterValues) return new Map();
  throw err;
}

/** A GET the agent refused (SNMPv1 answers noSuchName for a missing object) is absence; silence is not. */
function absentUnlessSilent(err: unknown): Map<string, SnmpValue> {
  if (err instanceof SnmpError && err.reason !== 'protocol') throw err;
  return new Map();
}

/** Rows of a whole-table walk: index → column number → value. */
export function tableRows(values: Map<string, SnmpValue>, base: string): Table {
  const rows: Table = new Map();
  for (const [oid, v] of values) {
    if (!oid.startsWith(`${base}.`)) continue;
    const [col, ...index] = oid.slice(base.length + 1).split('.');
    const key = index.join('.');
    if (!rows.has(key)) rows.set(key, new Map());
    rows.get(key)!.set(Number(col), v);
  }
  return rows;
}

/** A MAC some agents write as text into an octet string: 00:1A:2B:3C:4D:5E, 00-1a-…, 001a.2b3c.4d5e, 001a2b3c4d5e. */
const MAC_TEXT = /^(?:[0-9a-f]{2}([:-])(?:[0-9a-f]{2}\1){4}[0-9a-f]{2}|[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}|[0-9a-f]{12})$/i;

/** 6 raw bytes → aa:bb:cc:dd:ee:ff, as do those bytes written as text; anything else is not a MAC. */
export function macFromOctets(v: SnmpValue | undefined): string | undefined {
  if (!Buffer.isBuffer(v)) return undefined;
  if (v.length === 6) return [...v].map((b) => b.toString(16).padStart(2, '0')).join(':');
  if (v.length < 12 || v.length > 17 || !MAC_TEXT.test(v.toString('latin1'))) return undefined;
  return normalizeMac(v.toString('latin1')) ?? undefined;
}

/**
 * SNMP DateAndTime (8 or 11 octets) → YYYY-MM-DD; a day the calendar lacks (31 February) is no
 * date: the database kept it as 0000-00-00, which the API then showed.
 */
export function dateFromOctets(v: SnmpValue | undefined): string | undefined {
  if (!Buffer.isBuffer(v) || v.length < 8) return undefined;
  const [year, month, day] = [v.readUInt16BE(0), v[2], v[3]];
  if (year < 1980 || year > 2100 || !isCalendarDay(year, month, day)) return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * 4 or 16 address bytes → dotted IPv4 or compressed IPv6 text. Bytes read from a table index
 * are sub-identifiers (up to 2^32-1): one past 255 is no address at all — it made a wrong IPv6
 * group, or one that no URL parses (the whole table then failed).
 */
export function ipFromBytes(bytes: number[] | Buffer): string | undefined {
  const b = [...bytes];
  if (!b.every((x) => Number.isInteger(x) && x >= 0 && x <= 255)) return undefined;
  if (b.length === 4) return b.join('.');
  if (b.length !== 16) return undefined;
  const groups = Array.from({ length: 8 }, (_, i) => ((b[2 * i] << 8) | b[2 * i + 1]).toString(16));
  return new URL(`http://[${groups.join(':')}]`).hostname.slice(1, -1); // WHATWG URL compresses it
}

/**
 * An InetAddress written into a table index: "type.length.bytes…" (ipAddressTable,
 * lldpRemManAddrTable). Only plain IPv4 (1) and IPv6 (2); zoned ones are link-local.
 */
export function ipFromIndex(parts: string[]): { ip: string; rest: string[] } | undefined {
  const [type, len, ...tail] = parts.map(Number);
  if ((type !== 1 && type !== 2) || len !== (type === 1 ? 4 : 16) || tail.length < len) return undefined;
  const ip = ipFromBytes(tail.slice(0, len));
  return ip ? { ip, rest: parts.slice(2 + len) } : undefined;
}

/** Link-local IPv6 (fe80::/10) is derived from the MAC and names no reachable address. */
export function isLinkLocal(ip: string): boolean {
  return /^fe[89ab][0-9a-f]:/i.test(ip);
}

/** A number from an INTEGER/Gauge/Counter value; null for anything else, or a Counter64 past what a number holds exactly. */
export function num(v: SnmpValue | undefined): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : null;
  return null;
}
