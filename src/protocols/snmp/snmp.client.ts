// protocols/snmp: a thin client over net-snmp for v1, v2c and v3. Every call has a timeout,
// walks are capped in rows, values come back decoded as untrusted text, and failures are
// classified (timeout, authentication, no such object) so that a scan can say why.
import type { Socket } from 'node:dgram';
import * as net from 'node:net';
import * as snmp from 'net-snmp';
import { patchScopedPdu, patchUndecodable, patchV3Message, PatchedAnswer } from './undecodable';

export type SnmpVersion = 'v1' | 'v2c' | 'v3';
export type SnmpAuthProtocol = 'MD5' | 'SHA' | 'SHA-224' | 'SHA-256' | 'SHA-384' | 'SHA-512';
export type SnmpPrivProtocol = 'DES' | 'AES-128' | 'AES-256-B' | 'AES-256-R';

export type SnmpCredential =
  | { kind: 'snmp-v1' | 'snmp-v2c'; community: string }
  | {
      kind: 'snmp-v3';
      username: string;
      securityLevel: 'noAuthNoPriv' | 'authNoPriv' | 'authPriv';
      authProtocol?: SnmpAuthProtocol;
      authKey?: string;
      privProtocol?: SnmpPrivProtocol;
      privKey?: string;
    };

export interface SnmpTarget {
  host: string;
  port?: number;
  timeoutMs?: number;
  retries?: number;
  /** each retry waits this many times longer than the one before (1 = fixed interval) */
  backoff?: number;
  /** most bytes of values (and their OIDs) the client's walks may bring in all (SNMP_MAX_ANSWER_BYTES) */
  maxAnswerBytes?: number;
}

/**
 * What one device's walks may bring by default: a 4,096-port switch or a PC with 20,000
 * programs sends 2-3 MB. An agent that pads every value to 60 kB (firmware bugs do) would
 * otherwise fill this process: 20,000 such rows held 1.3 GB.
 */
export const SNMP_MAX_ANSWER_BYTES = 16 * 1024 * 1024;

/** Octet strings stay bytes (MACs, dates); text() decodes the ones that are text. */
export type SnmpValue = Buffer | string | number | bigint | null;

export class SnmpError extends Error {
  constructor(
    readonly reason: 'timeout' | 'auth' | 'protocol',
    message: string,
    /** the error-status the agent answered (tooBig, noSuchName, genErr...), when it answered one */
    readonly status?: number,
    /** a walk that failed part-way: how many values it had read before (a partial table is not the table) */
    readonly afterValues = 0,
  ) {
    super(message);
  }
}

/**
 * The agent answered, but net-snmp could not decode the answer: a value of an ASN.1 type it
 * does not know (the SNMPv2 draft's UInteger32), an IpAddress not of 4 bytes, an INTEGER past
 * 2^53. net-snmp drops such an answer whole: over v1/v2c the request then timed out (it said
 * "no answer (wrong community…)"), over v3 it fails to "decrypt" (it said "refused the SNMPv3
 * user or keys"). One such value is no reason to lose the rest: the answer is read with that
 * value empty (undecodable.ts). An answer that still cannot be read is this error; the system
 * group is then asked for object by object (readSystem).
 */
export class UndecodableAnswer extends SnmpError {
  constructor(message: string, afterValues = 0) {
    super('protocol', message, undefined, afterValues);
  }

  static because(why: string): UndecodableAnswer {
    return new UndecodableAnswer(`the agent answered with a value that cannot be decoded (${why})`);
  }
}

/**
 * The client's walks brought more than it may hold (SnmpTarget.maxAnswerBytes): the walk that
 * passed it stops, as does every later one of the client, and what it read is dropped. A part
 * cut at some byte count is not the part: the caller leaves it out and says so.
 */
export class AnswersTooLarge extends SnmpError {
  constructor(message: string) {
    super('protocol', message);
  }
}

/**
 * a.b.c… sub-identifiers compared as numbers, as agents order them: negative, zero or positive.
 * Read in place, digit by digit: a walk compares every value it gets.
 */
export function compareOids(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    let x = 0;
    let y = 0;
    for (let c = a.charCodeAt(i); i < a.length && c !== 46; c = a.charCodeAt(++i)) x = x * 10 + c - 48;
    for (let c = b.charCodeAt(j); j < b.length && c !== 46; c = b.charCodeAt(++j)) y = y * 10 + c - 48;
    if (x !== y) return x - y;
    i++; // past the dots
    j++;
  }
  return (i < a.length ? 1 : 0) - (j < b.length ? 1 : 0);
}

const AUTH: Record<SnmpAuthProtocol, number> = {
  MD5: snmp.AuthProtocols.md5, SHA: snmp.AuthProtocols.sha, 'SHA-224': snmp.AuthProtocols.sha224,
  'SHA-256': snmp.AuthProtocols.sha256, 'SHA-384': snmp.AuthProtocols.sha384, 'SHA-512': snmp.AuthProtocols.sha512,
};
const PRIV: Record<SnmpPrivProtocol, number> = {
  DES: snmp.PrivProtocols.des, 'AES-128': snmp.PrivProtocols.aes, 'AES-256-B': snmp.PrivProtocols.aes256b, 'AES-256-R': snmp.PrivProtocols.aes256r,
};
const LEVEL = { noAuthNoPriv: snmp.SecurityLevel.noAuthNoPriv, authNoPriv: snmp.SecurityLevel.authNoPriv, authPriv: snmp.SecurityLevel.authPriv };

/** net-snmp's USM internals that a v3 answer is mended with (exported, not in its types) */
interface Usm {
  Encryption?: { decryptPdu?: (...args: unknown[]) => unknown };
  Authentication?: {
    isAuthentic(message: Buffer, authProtocol: number, authKey: string, engineId: Buffer, digestInMessage: Buffer): boolean;
    writeParameters(message: Buffer, authProtocol: number, authKey: string, engineId: Buffer, digestInMessage: Buffer): void;
  };
}
const usm = snmp as unknown as Usm;

/** the client whose socket is handing net-snmp an answer now: net-snmp reads an answer synchronously */
let receiving: SnmpClient | null = null;

/**
 * An encrypted v3 answer can only be mended once decrypted, inside net-snmp, which reads it at
 * once and fails the request if it cannot: its decryption is wrapped (once per process) so
 * that what an SnmpClient receives is mended on the way (patchScopedPdu). False when this
 * net-snmp has no such function.
 */
function mendDecryptedAnswers(): boolean {
  const encryption = usm.Encryption;
  const decrypt = encryption?.decryptPdu;
  if (!encryption || typeof decrypt !== 'function') return false;
  if ((decrypt as { mends?: boolean }).mends) return true;
  const mending = function (this: unknown, ...args: unknown[]): unknown {
    const plain = decrypt.apply(this, args);
    const client = receiving;
    if (!client || !Buffer.isBuffer(plain)) return plain;
    const patched = patchScopedPdu(plain);
    if (!patched) return plain;
    for (const [oid, why] of patched.values) client.noteUndecodable(oid, why);
    return patched.buffer;
  };
  encryption.decryptPdu = Object.assign(mending, { mends: true });
  return true;
}

/** Windows-1252's 0x80–0x9F (the rest is Latin-1); the five unassigned bytes stay C1 controls, as WHATWG maps them. */
const CP1252_HIGH = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/**
 * Strings from devices: UTF-8 when valid, else Windows-1252 (what Windows agents send), never
 * raw bytes. Decoded by hand: Node 20's TextDecoder('windows-1252') is Latin-1 (™ → U+0099).
 */
export function decodeOctets(buf: Buffer, max = 64 * 1024): string {
  const b = buf.length > max ? buf.subarray(0, max) : buf;
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  // a capped value may end inside a UTF-8 sequence: up to 3 bytes of it go, not the whole decoding
  for (let cut = 0; cut <= (b.length < buf.length ? 3 : 0); cut++) {
    try {
      return utf8.decode(b.subarray(0, b.length - cut));
    } catch {
      // not (this much) UTF-8
    }
  }
  return b.toString('latin1').replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]);
}

function toValue(vb: snmp.Varbind): SnmpValue {
  const v = vb.value as unknown;
  if (v === null || v === undefined) return null;
  // net-snmp hands a Counter64 over as its bytes, which read as a number nowhere and as junk text
  if (vb.type === snmp.ObjectType.Counter64 && Buffer.isBuffer(v)) return v.length ? BigInt(`0x${v.toString('hex')}`) : null;
  if (Buffer.isBuffer(v) || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string') return v;
  return String(v);
}

/** A value as text: octet strings decoded as untrusted device text, numbers as digits. */
export function text(v: SnmpValue | undefined): string | null {
  if (v === null || v === undefined) return null;
  return Buffer.isBuffer(v) ? decodeOctets(v) : String(v);
}

/** net-snmp's names of the usmStats counters an agent's Report PDU carries (RFC 3414), in a technician's words. */
const USM_REASONS: Record<string, string> = {
  'Unknown User Name': 'the agent has no such SNMPv3 user',
  'Wrong Digest (incorrect password, community or key)': 'wrong authentication key or protocol',
  'Unsupported Security Level': 'the user is not set up for this security level',
  'Decryption Error': 'wrong privacy key or protocol',
  'Not In Time Window': "outside the agent's time window",
  'Unknown Engine ID': 'unknown engine ID',
};

/**
 * What went wrong, for a scan to say. `undecodable`: why the last answer net-snmp dropped since
 * the request went out could not be decoded (a timeout is then that, not silence).
 */
function classify(err: Error & { code?: number }, undecodable?: string): SnmpError {
  // v3: a response whose PDU does not parse once decrypted (a wrong key gets a usmStats Report or silence, never a response)
  const undecrypted = /^Failed to decrypt PDU: (?:\w*Error: )?(.*)$/s.exec(err.message);
  if (undecrypted) return UndecodableAnswer.because(undecrypted[1].slice(0, 200));
  if (err.name === 'RequestTimedOutError' || /timed out/i.test(err.message)) {
    if (undecodable !== undefined) return UndecodableAnswer.because(undecodable);
    return new SnmpError('timeout', 'no answer (wrong community, filtered, or no SNMP agent)');
  }
  if (err.code === snmp.ResponseInvalidCode.EAuthFailure || /authenticat|digest|decrypt|unknown user|usmStats/i.test(err.message)) {
    // which of the user, its keys or its level the agent's usmStats report named
    return new SnmpError('auth', USM_REASONS[err.message] ?? 'wrong user or key');
  }
  return new SnmpError('protocol', err.message.slice(0, 200), err instanceof snmp.RequestFailedError ? err.status : undefined);
}

/** GetBulk rows a walk asks for first (see SnmpClient.walk) */
export const WALK_FIRST_ROWS = 25;
/** …and at most: Net-SNMP's snmpd answers no more than 100 values to a GetBulk (maxGetbulkResponses) */
export const WALK_MAX_ROWS = 100;
/** a walk asks for more rows only while the answer it expects stays within about this many bytes */
const WALK_ANSWER_BYTES = 8192;

export class SnmpClient {
  private readonly session: snmp.Session;
  /** GetBulk (v2c, v3), or GetNext over v1; walkColumns walks columns together only with GetBulk */
  readonly bulk: boolean;
  /** rows a GetBulk may ask for: lowered for good once the agent says an answer was too big */
  private bulkCap = Infinity;
  /** bytes of values and OIDs the walks have brought, and the most they may */
  private received = 0;
  private readonly maxAnswerBytes: number;

  /** the v3 user, whose keys check and sign a mended answer */
  private readonly user?: snmp.User;

  constructor(target: SnmpTarget, cred: SnmpCredential) {
    this.bulk = cred.kind !== 'snmp-v1';
    this.maxAnswerBytes = target.maxAnswerBytes ?? SNMP_MAX_ANSWER_BYTES;
    const options = {
      // net-snmp's socket is udp4 unless told otherwise, and a udp4 socket cannot send to an IPv6 address
      transport: net.isIPv6(target.host) ? ('udp6' as const) : ('udp4' as const),
      port: target.port ?? 161, retries: target.retries ?? 1, timeout: target.timeoutMs ?? 2000, backoff: target.backoff ?? 1.5,
      // with backwardsGetNexts false, net-snmp drops a whole GetNext/GetBulk answer over any
      // value not after the one before it, even one past the end of the column walked: agents
      // with subagents answer such values after a column's last row, and the column's last
      // rows were lost with them at every scan. walkColumns checks the order, where it matters
      backwardsGetNexts: true, idBitsSize: 32 as const,
    };
    if (cred.kind === 'snmp-v3') {
      const user: snmp.User = { name: cred.username, level: LEVEL[cred.securityLevel] };
      if (cred.securityLevel !== 'noAuthNoPriv') Object.assign(user, { authProtocol: AUTH[cred.authProtocol ?? 'SHA'], authKey: cred.authKey });
      if (cred.securityLevel === 'authPriv') Object.assign(user, { privProtocol: PRIV[cred.privProtocol ?? 'AES-128'], privKey: cred.privKey });
      this.session = snmp.createV3Session(target.host, user, { ...options, version: snmp.Version3 });
      this.user = user;
    } else {
      this.session = snmp.createSession(target.host, cred.community, { ...options, version: cred.kind === 'snmp-v1' ? snmp.Version1 : snmp.Version2c });
    }
    // net-snmp says so when an answer cannot be decoded, and drops it (its request then times out)
    this.session.on('error', (err: Error) => {
      this.undecodable.count++;
      this.undecodable.why = err.message.slice(0, 200);
    });
    this.decodeLeniently();
  }

  /** answers net-snmp dropped as undecodable, and why the last one was */
  private readonly undecodable = { count: 0, why: '' };
  /** values answered in a form net-snmp cannot decode, by OID, with why: read as empty */
  private readonly oddValues = new Map<string, string>();

  /**
   * An answer net-snmp drops as undecodable is given to it again with its undecodable values
   * re-tagged (see undecodable.ts), so that the rest of it is read; those values come back
   * empty. Answers it decodes pass as they are. An encrypted v3 answer is mended as it is
   * decrypted (mendDecryptedAnswers), one in the clear as v1/v2c's are (mendV3).
   */
  private decodeLeniently(): void {
    const session = this.session as unknown as { dgram?: Socket; onMsg?: (buffer: Buffer) => void };
    const socket = session.dgram;
    const onMsg = session.onMsg?.bind(session);
    if (!socket || !onMsg || socket.listenerCount('message') !== 1) return; // not the net-snmp this was written for
    if (this.user?.level === snmp.SecurityLevel.authPriv && !mendDecryptedAnswers()) return;
    socket.removeAllListeners('message');
    const read = (buffer: Buffer) => {
      receiving = this;
      try {
        onMsg(buffer);
      } finally {
        receiving = null;
      }
    };
    socket.on('message', (buffer: Buffer) => {
      const before = this.undecodable.count;
      read(buffer);
      if (this.undecodable.count === before) return;
      const patched = this.user ? this.mendV3(buffer) : patchUndecodable(buffer);
      if (!patched) return;
      for (const [oid, why] of patched.values) this.noteUndecodable(oid, why);
      const why = this.undecodable.why;
      this.undecodable.count = before;
      read(patched.buffer);
      if (this.undecodable.count > before) this.undecodable.why = why; // still undecodable: say the first reason
    });
  }

  /**
   * A v3 answer in the clear, mended (patchV3Message). With authentication its digest no longer
   * fits: the answer as it came must carry the right one, and the mended one is signed again
   * with the same key, so that net-snmp's own check of it passes; a forged answer stays dropped.
   */
  private mendV3(buffer: Buffer): PatchedAnswer | null {
    const patched = patchV3Message(buffer);
    const user = this.user!;
    if (!patched || user.level === snmp.SecurityLevel.noAuthNoPriv) return patched;
    const auth = usm.Authentication;
    const { authProtocol, authKey } = user as snmp.User & { authProtocol: number; authKey: string };
    if (typeof auth?.isAuthentic !== 'function' || typeof auth.writeParameters !== 'function') return null;
    const digestIn = (b: Buffer) => b.subarray(patched.digest.start, patched.digest.start + patched.digest.len);
    const original = Buffer.from(buffer);
    if (!auth.isAuthentic(original, authProtocol, authKey, patched.engineId, digestIn(original))) return null;
    digestIn(patched.buffer).fill(0);
    auth.writeParameters(patched.buffer, authProtocol, authKey, patched.engineId, digestIn(patched.buffer));
    return patched;
  }

  /** Values the agent answered in a form that cannot be decoded (each read as empty), with why. */
  get undecodableValues(): ReadonlyMap<string, string> {
    return this.oddValues;
  }

  /** Says that the agent's value of `oid` cannot be decoded (asked for alone, over v3). */
  noteUndecodable(oid: string, why: string): void {
    if (this.oddValues.size < 10_000) this.oddValues.set(oid, why);
  }

  /** a request's failure, knowing how many undecodable answers there had been when it went out */
  private failure(err: Error, undecodableBefore: number): SnmpError {
    return classify(err, this.undecodable.count > undecodableBefore ? this.undecodable.why : undefined);
  }

  /** Values of scalar OIDs; an OID the agent does not have comes back null. */
  get(oids: string[]): Promise<Map<string, SnmpValue>> {
    const undecodableBefore = this.undecodable.count;
    return new Promise((resolve, reject) => {
      this.session.get(oids, (err, varbinds) => {
        if (err) return reject(this.failure(err, undecodableBefore));
        const out = new Map<string, SnmpValue>();
        for (const vb of varbinds ?? []) out.set(vb.oid, snmp.isVarbindError(vb) || this.oddValues.has(vb.oid) ? null : toValue(vb));
        // nothing asked for could be read: that is an undecodable answer, not an empty one
        const odd = (varbinds ?? []).filter((vb) => this.oddValues.has(vb.oid));
        if (odd.length && odd.length === varbinds?.length) return reject(UndecodableAnswer.because(this.oddValues.get(odd[0].oid)!));
        resolve(out);
      });
    });
  }

  /**
   * Every value under a subtree, at most maxRows of them, by GetBulk (GetNext over v1).
   * A walk starts at 25 rows a request, which keeps an answer of long strings (software
   * names) near one Ethernet frame and a 48-port column at two round trips. Each answer that
   * comes back full and small doubles the next request, up to 100 rows (what Net-SNMP's
   * snmpd sends at most) and about 8 KB, so that a 900-program software list takes 12 round
   * trips instead of 37: each round trip costs the agent, the network and this process
   * (wakeups, a datagram each way) more than the rows in it. An agent that sends fewer rows
   * than asked is simply asked from where it stopped.
   *
   * An answer lost on the way after the walk grew (a firewall that drops fragmented
   * datagrams, an agent that drops what it cannot send) times out; the walk then goes back
   * to the rows it started with, for good on this client, and asks again once.
   *
   * Each answer must come after the one before: some agents repeat an OID or go back
   * (snmpwalk's "OID not increasing"), and a walk that followed them would ask forever. Such
   * a walk stops with an error, as does one whose agent fails part-way: a partial table
   * is not the table. Past the subtree, endOfMibView, or v1's noSuchName end it: what comes
   * past the subtree is never asked from, so it may go backwards (agents with subagents or
   * extension agents answer so after a subtree's last value) without losing the subtree.
   *
   * An agent whose answer would not fit its buffer should send fewer rows (RFC 3416 4.2.3);
   * some say tooBig instead. The walk then asks for half as many, down to one, and the
   * client remembers the smaller number for its later walks. An answer with no row at all
   * is not the end of the table (that is a row past it, or endOfMibView): the next value did
   * not fit even alone. One GetNext then asks for just that value; an agent that cannot send
   * it either answers tooBig, and the walk stops with an error rather than a short table.
   */
  walk(oid: string, maxRows = 10_000, maxRepetitions = WALK_FIRST_ROWS): Promise<Map<string, SnmpValue>> {
    return this.walkColumns([oid], maxRows, maxRepetitions).then(([values]) => values);
  }

  /**
   * Several columns of one table (or any subtrees) in one walk, each at most maxRows values:
   * every GetBulk carries the last OID of each column not yet past its end, and the agent
   * answers row by row (RFC 3416 4.2.3). A 7-column interface table takes one or two round
   * trips instead of one walk per column, and the agent handles one request instead of seven
   * (Net-SNMP's snmpd spends more on a request than on the rows in it). Sizes count values, as
   * agents do (maxGetbulkResponses): a request asks for `values` divided among the columns.
   * Everything walk() says holds, column by column; an agent that sends a column's next row
   * but not another's is asked again from where each stopped.
   *
   * Over v1 (GetNext, whose noSuchName at the end of the MIB ends every column of the
   * request at once) the columns are walked one after another.
   */
  async walkColumns(oids: string[], maxRows = 10_000, maxValues = WALK_FIRST_ROWS): Promise<Array<Map<string, SnmpValue>>> {
    if (!this.bulk && oids.length > 1) {
      const each: Array<Map<string, SnmpValue>> = [];
      for (const oid of oids) each.push(await this.walk(oid, maxRows, maxValues));
      return each;
    }
    const columns = oids.map((oid) => ({ prefix: `${oid}.`, last: oid, out: new Map<string, SnmpValue>(), done: false }));
    const what = oids.join(', ');
    const together = oids.length > 1;
    const read = () => columns.reduce((n, c) => n + c.out.size, 0);
    /** rows left to read in the column that has the most left */
    const rowsLeft = (cols: typeof columns) => Math.max(1, maxRows - Math.min(...cols.map((c) => c.out.size)));
    const first = Math.max(1, Math.min(maxValues, maxRows * columns.length, this.bulkCap));
    /** values a GetBulk asks for, divided among the columns it carries */
    let values = first;
    const rowsFor = (cols: number) => Math.max(1, Math.floor(values / cols));
    return new Promise((resolve, reject) => {
      /** after a full GetBulk answer of about this many bytes, asks for more values next time */
      const more = (bytes: number, cols: typeof columns) => {
        const next = Math.min(values * 2, WALK_MAX_ROWS, this.bulkCap, rowsLeft(cols) * cols.length);
        if (next > values && bytes * (next / values) <= WALK_ANSWER_BYTES) values = next;
      };
      /** asks again for fewer rows, when there are fewer to ask for */
      const fewer = (cols: number): boolean => {
        if (!this.bulk || rowsFor(cols) <= 1) return false;
        values = Math.floor(values / 2);
        this.bulkCap = Math.min(this.bulkCap, values);
        ask();
        return true;
      };
      /** undecodable answers before the request in flight went out (a walk has one at a time) */
      let undecodableBefore = this.undecodable.count;
      const failed = (err: Error) => {
        const e = this.failure(err, undecodableBefore);
        const n = read();
        if (!n) return reject(e);
        const message = `${e.message}; stopped after ${n} values of ${what}`;
        reject(e instanceof UndecodableAnswer ? new UndecodableAnswer(message, n) : new SnmpError(e.reason, message, e.status, n));
      };
      const tooLarge = () => {
        for (const c of columns) c.out.clear(); // not held while the caller unwinds
        const mib = (this.maxAnswerBytes / 1048576).toFixed(this.maxAnswerBytes % 1048576 ? 1 : 0);
        reject(new AnswersTooLarge(`the agent's answers passed ${mib} MiB, the most one device's collection may bring (TEKNISI_SNMP_MAX_DEVICE_MB); stopped reading ${what}`));
      };
      const answered = (asked: typeof columns, err: Error | null, answers: snmp.Varbind[][], bulk = this.bulk) => {
        const last = asked[0].last;
        if (err) {
          const status = (err as snmp.RequestFailedError).status;
          // v1 says "past the last object" as an error
          if (!this.bulk && status === snmp.ErrorStatus.NoSuchName) return resolve(columns.map((c) => c.out));
          if (status === snmp.ErrorStatus.TooBig && bulk && fewer(asked.length)) return;
          if (status === snmp.ErrorStatus.TooBig) return failed(new snmp.RequestFailedError(`the agent cannot fit the value after ${last} in any answer (tooBig)`, status));
          if (err.name === 'RequestTimedOutError' && bulk && values > first) {
            // a bigger answer than the walk started with was lost: back to that size, for good
            values = first;
            this.bulkCap = Math.min(this.bulkCap, first);
            return ask();
          }
          return failed(err);
        }
        if (!answers.some((a) => a.length)) {
          if (!bulk) return failed(new Error(`the agent answered no value after ${last}`));
          return ask(true);
        }
        let bytes = 0;
        let got = 0;
        for (let i = 0; i < asked.length; i++) {
          const c = asked[i];
          for (const vb of answers[i] ?? []) {
            got++;
            if (c.done) continue;
            // a value that is not past the one asked from is an agent bug; one outside the
            // column is its end, whatever its order (it is not asked from: no loop) — unless
            // columns walk together, where going back says the agent cannot walk them so
            // (snmpsimd's error variation echoes every OID asked for): table() then walks
            // them one by one
            const inside = !snmp.isVarbindError(vb) && vb.oid.startsWith(c.prefix);
            if ((inside || (together && !snmp.isVarbindError(vb))) && compareOids(vb.oid, c.last) <= 0) {
              return failed(new Error(`the agent answered ${vb.oid} after ${c.last} (OIDs not increasing, an agent bug)`));
            }
            if (!inside) {
              c.done = true; // past its end
              continue;
            }
            c.last = vb.oid;
            const value = this.oddValues.has(vb.oid) ? null : toValue(vb);
            c.out.set(vb.oid, value);
            if (c.out.size >= maxRows) c.done = true; // capped: stop asking
            bytes += vb.oid.length + (Buffer.isBuffer(value) || typeof value === 'string' ? value.length : 8);
          }
        }
        this.received += bytes;
        if (this.received > this.maxAnswerBytes) return tooLarge();
        if (columns.every((c) => c.done)) return resolve(columns.map((c) => c.out));
        if (bulk && got >= asked.length * rowsFor(asked.length)) more(bytes, asked);
        ask();
      };
      const ask = (one = false) => {
        if (this.received > this.maxAnswerBytes) return tooLarge();
        const asked = columns.filter((c) => !c.done);
        const from = asked.map((c) => c.last);
        undecodableBefore = this.undecodable.count;
        try {
          if (one || !this.bulk) this.session.getNext(from, (err, varbinds) => answered(asked, err, (varbinds ?? []).map((vb) => [vb]), this.bulk && !one));
          else this.session.getBulk(from, 0, rowsFor(asked.length), (err, varbinds) => answered(asked, err, (varbinds ?? []) as unknown as snmp.Varbind[][]));
        } catch (err) {
          failed(err as Error); // the session was closed under the walk (a scan abandoning the address)
        }
      };
      ask();
    });
  }

  close(): void {
    try {
      this.session.close();
    } catch {
      // already closed
    }
  }
}

/** SNMPv1's error-status for an object the agent does not have */
const NO_SUCH_NAME = 2;

export const SYSTEM_OIDS = {
  sysDescr: '1.3.6.1.2.1.1.1.0',
  sysObjectID: '1.3.6.1.2.1.1.2.0',
  sysUpTime: '1.3.6.1.2.1.1.3.0',
  sysContact: '1.3.6.1.2.1.1.4.0',
  sysName: '1.3.6.1.2.1.1.5.0',
  sysLocation: '1.3.6.1.2.1.1.6.0',
} as const;

export type SystemInfo = Record<keyof typeof SYSTEM_OIDS, string | null>;

/**
 * The system group: what every agent answers, and what classification starts from. An answer
 * with a value that cannot be decoded is asked for again object by object, that one left out:
 * a device is not lost over its sysUpTime's type.
 */
export async function readSystem(client: SnmpClient): Promise<SystemInfo> {
  const oids = Object.values(SYSTEM_OIDS);
  // an SNMPv1 agent answers noSuchName for the whole request when it lacks one object (many
  // leave sysContact or sysLocation out): then each is asked alone, and a missing one is empty
  const lacks = (e: unknown) => e instanceof SnmpError && e.reason === 'protocol' && e.status === NO_SUCH_NAME;
  const values = await client.get(oids).catch(async (err: unknown) => {
    if (!(err instanceof UndecodableAnswer) && !lacks(err)) throw err;
    const each = await Promise.all(oids.map((oid) => client.get([oid]).catch((e: unknown) => {
      if (lacks(e)) return null;
      if (!(e instanceof UndecodableAnswer)) return Promise.reject(e);
      client.noteUndecodable(oid, e.message.replace(/^the agent answered with a value that cannot be decoded \((.*)\)$/s, '$1'));
      return null;
    })));
    if (each.every((m) => m === null)) throw err;
    return new Map(each.flatMap((m) => [...(m ?? [])]));
  });
  const out = {} as SystemInfo;
  for (const [k, oid] of Object.entries(SYSTEM_OIDS) as Array<[keyof SystemInfo, string]>) {
    out[k] = text(values.get(oid));
  }
  return out;
}
