// discovery/: what a scan does at one address. Cheap first: a credential-free SNMP probe and a
// TCP probe of the SSH port run alongside the SNMP credentials (all at once: a wrong community
// only ever times out, so trying them one after another would multiply the wait); a closed
// port ends the SNMP side at once. SSH is tried only where its port is open, credentials in
// turn (a wrong one fails fast). Whatever answered is collected and ingested, and the address
// gets one result saying what was found, or why nothing was. A host name's addresses are tried
// in the resolver's order until one answers.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { onAbort } from '../common/abort';
import type { RevealedCredential } from '../credentials/credentials.service';
import { IngestResult, InventoryReport } from '../inventory/inventory-report';
import { readSystem, SnmpClient, SnmpError, UndecodableAnswer } from '../protocols/snmp/snmp.client';
import { HostKeyVerifier, PasswordExpired, SshClient, SshError } from '../protocols/ssh/ssh.client';
import { probeTcp, probeUdp, ProbeResult } from './probes';
import type { ResultRow } from './scans.repository';
import { DeviceChange, ScanOptions } from './scan.entity';
import { collectSnmp } from './snmp.collector';
import { collectSsh, sshSudo } from './ssh.collector';

type SnmpCred = Extract<RevealedCredential, { kind: 'snmp-v1' | 'snmp-v2c' | 'snmp-v3' }>;
type SshCred = Extract<RevealedCredential, { kind: 'ssh' }>;

export interface AddressScanDeps {
  ingest(report: InventoryReport): Promise<IngestResult>;
  hostKeys: HostKeyVerifier;
  /** TEKNISI_SSH_LEGACY_ALGORITHMS */
  sshLegacyAlgorithms?: boolean;
  /** TEKNISI_SNMP_MAX_DEVICE_MB in bytes; SNMP_MAX_ANSWER_BYTES when not given */
  snmpMaxAnswerBytes?: number;
  /**
   * After ingest: which credential worked and which device a pinned host key belongs to. Returns
   * the device as it lives now (a merge may have taken the matched one away meanwhile).
   */
  identified(deviceId: number, worked: { snmp?: number; ssh?: number }, sshPort: number, address: string): Promise<number | null>;
  /** the scan's exclusion an address falls in, or null: a host name that resolves into one is not contacted */
  excluded?(ip: string): string | null;
}

interface Side {
  report?: InventoryReport;
  credentialId?: number;
  /** what to tell the technician about this protocol */
  note: string;
  /** parts of an identified device that could not be read (its report leaves them out) */
  problems?: string[];
  outcome: 'identified' | 'refused' | 'silent' | 'auth' | 'error' | 'skipped';
}

const quote = (c: { name: string }) => `"${c.name}"`;

/** A host name's addresses tried in turn, in the resolver's order, while none identifies a device or refuses the credentials. */
export const MAX_ADDRESSES_PER_NAME = 3;

type Found = Pick<ResultRow, 'status' | 'reason' | 'deviceId' | 'via' | 'deviceChange'>;

/** Credentials in the order to try them: the one that last worked for this device first. */
export function ordered<T extends { id: number }>(creds: T[], rememberedId: number | undefined): T[] {
  const first = creds.filter((c) => c.id === rememberedId);
  return [...first, ...creds.filter((c) => c.id !== rememberedId)];
}

/**
 * `signal` abandons the address: its sessions are closed, so that whatever is in flight ends
 * at once, and nothing is stored (a collection cut short is not the machine). The result then
 * says the abort's reason.
 */
export async function scanAddress(
  target: string,
  creds: RevealedCredential[],
  remembered: Map<string, number> | undefined,
  o: ScanOptions,
  deps: AddressScanDeps,
  signal?: AbortSignal,
): Promise<ResultRow> {
  const started = Date.now();
  const result = (status: ResultRow['status'], reason: string | null, extra: Partial<ResultRow> = {}): ResultRow => ({
    address: target, status, reason, deviceId: null, via: null, durationMs: Date.now() - started, at: new Date(), ...extra,
  });
  const found = (f: Found) => result(f.status, f.reason, { deviceId: f.deviceId, via: f.via, deviceChange: f.deviceChange });
  if (isIP(target)) return found(await scanAt(target, creds, remembered, o, deps, signal));
  let all: string[];
  try {
    all = [...new Set((await lookup(target, { all: true })).map((a) => a.address))];
  } catch (err) {
    return result('error', `host name ${target} did not resolve (${(err as NodeJS.ErrnoException).code ?? 'lookup failed'})`);
  }
  if (!all.length) return result('error', `host name ${target} did not resolve (no address)`);
  // every address of the name, not only those probed: a machine excluded by its IPv4 address
  // whose name also has an AAAA record (often returned first) was contacted over IPv6
  for (const address of all) {
    const rule = deps.excluded?.(address);
    if (rule) return result('excluded', `not contacted: ${target} resolves to ${address}, which this scan excludes (${rule})`);
  }
  // The next address when one gives nothing: a dual-stack name often resolves to IPv6 first,
  // where the device may not answer SNMP or SSH at all. Each reason says which address it is.
  const tried: string[] = [];
  const statuses: Array<ResultRow['status']> = [];
  const at = (ip: string, f: Found) => `at ${ip}: ${f.reason ?? f.status}`;
  const addresses = all.slice(0, MAX_ADDRESSES_PER_NAME);
  for (const ip of addresses) {
    const f = await scanAt(ip, creds, remembered, o, deps, signal);
    if (f.status === 'identified') return found({ ...f, reason: tried.length ? [...tried, f.reason ? at(ip, f) : `identified at ${ip}`].join('; then ') : f.reason });
    if (f.status === 'auth-failed' || signal?.aborted) return found({ ...f, reason: [...tried, at(ip, f)].join('; then ') });
    tried.push(at(ip, f));
    statuses.push(f.status);
  }
  const left = all.length - addresses.length;
  const status = statuses.includes('error') ? 'error' : statuses.every((x) => x === 'refused') ? 'refused' : 'no-response';
  return result(status, tried.join('; then ') + (left ? `; ${left} more address${left > 1 ? 'es' : ''} of ${target} not tried` : ''));
}

/** What a scan finds at one IP address (a target's, or one its host name resolved to). */
async function scanAt(
  ip: string,
  creds: RevealedCredential[],
  remembered: Map<string, number> | undefined,
  o: ScanOptions,
  deps: AddressScanDeps,
  signal?: AbortSignal,
): Promise<Found> {
  const result = (status: ResultRow['status'], reason: string | null, extra: Partial<Found> = {}): Found => ({ status, reason, deviceId: null, via: null, ...extra });
  const snmpCreds = ordered(creds.filter((c): c is SnmpCred => c.kind !== 'ssh'), remembered?.get('snmp'));
  const sshCreds = ordered(creds.filter((c): c is SshCred => c.kind === 'ssh'), remembered?.get('ssh'));
  const [snmp, ssh] = await Promise.all([
    snmpCreds.length ? snmpSide(ip, snmpCreds, o, deps.snmpMaxAnswerBytes, signal) : Promise.resolve<Side>({ note: '', outcome: 'skipped' }),
    sshCreds.length ? sshSide(ip, sshCreds, o, deps, signal) : Promise.resolve<Side>({ note: '', outcome: 'skipped' }),
  ]);
  if (signal?.aborted) return result('error', (signal.reason as Error | undefined)?.message ?? 'abandoned');
  const notes = [snmp.note, ssh.note].filter(Boolean);
  /** problems worth showing even when the address was identified */
  const problems = [snmp, ssh].filter((x) => x.outcome === 'auth' || x.outcome === 'error').map((x) => x.note);
  for (const [via, side] of [['SNMP', snmp], ['SSH', ssh]] as const) for (const p of side.problems ?? []) problems.push(`${via}: ${p}`);

  const ingested: Array<{ via: 'snmp' | 'ssh'; r: IngestResult }> = [];
  // SSH first: its report is the fuller one (serial, packages); SNMP then joins it by MAC or serial
  for (const [via, side] of [['ssh', ssh], ['snmp', snmp]] as const) {
    if (!side.report) continue;
    try {
      ingested.push({ via, r: await deps.ingest(side.report) });
    } catch (err) {
      const message = `${via.toUpperCase()} inventory could not be stored: ${(err as Error).message}`;
      notes.push(message);
      problems.push(message);
    }
  }
  if (ingested.length) {
    // the result names the first device ingested (SSH's, when both were)
    const named = ingested[0].r.deviceId;
    if (ingested.some((i) => i.r.deviceId !== named)) {
      problems.push(`SNMP and SSH identified different devices (${ingested.map((i) => `${i.via}: #${i.r.deviceId}`).join(', ')}); merge them if they are one machine`);
    }
    // each device remembers the credential that identified it, and only SSH's links the host
    // key: both went on the named device, and SNMP's device was left with none
    const live = new Map<number, number>();
    for (const deviceId of new Set(ingested.map((i) => i.r.deviceId))) {
      const worked: { snmp?: number; ssh?: number } = {};
      for (const i of ingested) if (i.r.deviceId === deviceId) worked[i.via] = (i.via === 'snmp' ? snmp : ssh).credentialId;
      live.set(deviceId, (await deps.identified(deviceId, worked, o.sshPort, ip).catch(() => deviceId)) ?? deviceId);
    }
    return result('identified', problems.join('; ') || null, {
      deviceId: live.get(named) ?? named, via: ingested.map((i) => i.via).sort().join('+'),
      deviceChange: deviceChange(ingested.filter((i) => i.r.deviceId === named).map((i) => i.r)),
    });
  }
  const outcomes = [snmp.outcome, ssh.outcome].filter((x) => x !== 'skipped');
  const status: ResultRow['status'] = outcomes.includes('error') || snmp.report || ssh.report ? 'error'
    : outcomes.includes('auth') ? 'auth-failed'
      : outcomes.every((x) => x === 'refused') ? 'refused'
        : 'no-response';
  return result(status, notes.join('; ') || null);
}

/** What the reports of one address did to the inventory: a device one of them created is new. */
export function deviceChange(results: IngestResult[]): DeviceChange {
  return results.some((r) => r.created) ? 'new' : results.some((r) => r.changes > 0) ? 'changed' : 'unchanged';
}

/**
 * How long the credentials wait for the probe's first answer. A closed port's ICMP
 * port-unreachable comes back within a round trip, and then no credential is sent there at
 * all (most addresses of a sweep: one packet each instead of one per credential); an agent's
 * reply lets them go at once; one that ignores SNMPv3 (v1/v2c-only agents drop the probe)
 * costs this much more.
 */
export const PROBE_HEAD_START_MS = 50;

async function snmpSide(ip: string, creds: SnmpCred[], o: ScanOptions, maxAnswerBytes: number | undefined, signal?: AbortSignal): Promise<Side> {
  const port = o.snmpPort;
  const probe = probeUdp(ip, port, o.timeoutMs, o.retries);
  const closed = (r: ProbeResult): Side | null =>
    r === 'refused' ? { note: `UDP ${port} closed (ICMP port unreachable)`, outcome: 'refused' } : r === 'unreachable' ? { note: `UDP ${port}: host unreachable`, outcome: 'refused' } : null;
  let wait: NodeJS.Timeout | undefined;
  // when the head start ends, the refusal may already be waiting unread (this process was busy
  // past it: libuv runs expired timers before it reads sockets), so the credentials wait for
  // one more read of the sockets (setImmediate runs after it) before they go
  const head = await Promise.race([probe, new Promise<null>((r) => (wait = setTimeout(() => setImmediate(r, null), Math.min(PROBE_HEAD_START_MS, o.timeoutMs))))]);
  clearTimeout(wait);
  const shut = head && closed(head);
  if (shut) return shut;
  const clients = creds.map((c) => new SnmpClient({ host: ip, port, timeoutMs: o.timeoutMs, retries: o.retries, backoff: 1, maxAnswerBytes }, c));
  const close = () => {
    probe.cancel();
    for (const c of clients) c.close();
  };
  // abandoned: closed sessions fail their requests at once, which unwinds whatever is in flight
  const forget = onAbort(signal, close);
  const failures: string[] = [];
  let authFailed = false;
  /** a credential's answer came but could not be decoded: the agent is there, and the community or user right */
  let undecodable = false;
  try {
    const attempts = clients.map((client, i) =>
      readSystem(client).then(
        (sys) => ({ i, sys }),
        (err: unknown) => {
          const reason = err instanceof SnmpError ? err.reason : 'protocol';
          if (reason === 'auth') authFailed = true;
          if (err instanceof UndecodableAnswer) undecodable = true;
          failures.push(`${quote(creds[i])} ${reason === 'timeout' ? (creds[i].kind === 'snmp-v3' ? 'got no answer' : 'got no answer to its community') : reason === 'auth' ? `was refused (${(err as Error).message})` : `failed: ${(err as Error).message}`}`);
          return null;
        },
      ),
    );
    const closedPort = probe.then((r) => closed(r) ?? new Promise<never>(() => undefined));
    const first = firstNonNull(attempts);
    const outcome = await Promise.race([first, closedPort]);
    if (outcome && 'outcome' in outcome) return outcome;
    if (outcome) {
      const cred = creds[outcome.i];
      try {
        const problems: string[] = [];
        const report = await collectSnmp(clients[outcome.i], ip, undefined, problems);
        return { report, credentialId: cred.id, note: `identified over SNMP with ${quote(cred)}`, outcome: 'identified', problems };
      } catch (err) {
        return { note: `SNMP with ${quote(cred)} answered the system group but collection failed: ${(err as Error).message}`, outcome: 'error' };
      }
    }
    // every credential failed: did an agent answer at all?
    if (undecodable) return { note: `SNMP agent on UDP ${port} answers, but its system group cannot be read: ${failures.join(', ')}`, outcome: 'error' };
    const seen: ProbeResult = await probe;
    if (seen === 'reply' || authFailed) {
      return { note: `SNMP agent on UDP ${port} answers but accepted no credential: ${failures.join(', ')}`, outcome: 'auth' };
    }
    return closed(seen) ?? { note: `no reply on UDP ${port} (SNMP) within ${o.timeoutMs} ms × ${o.retries + 1} ${o.retries ? 'tries' : 'try'}`, outcome: 'silent' };
  } finally {
    forget();
    close();
  }
}

/** The first attempt that resolves to a value, or null once all resolved to null. */
function firstNonNull<T>(attempts: Array<Promise<T | null>>): Promise<T | null> {
  return new Promise((resolve) => {
    let left = attempts.length;
    if (!left) resolve(null);
    for (const a of attempts) {
      void a.then((v) => {
        if (v !== null) resolve(v);
        else if (--left === 0) resolve(null);
      });
    }
  });
}

async function sshSide(ip: string, creds: SshCred[], o: ScanOptions, deps: Pick<AddressScanDeps, 'hostKeys' | 'sshLegacyAlgorithms'>, signal?: AbortSignal): Promise<Side> {
  const port = o.sshPort;
  const open = await probeTcp(ip, port, o.timeoutMs);
  if (open === 'refused' || open === 'unreachable') return { note: `TCP ${port} (SSH) ${open === 'refused' ? 'refused' : 'unreachable'}`, outcome: 'refused' };
  if (open === 'silent') return { note: `no answer on TCP ${port} (SSH) within ${o.timeoutMs} ms`, outcome: 'silent' };
  const refused: string[] = [];
  // abandoned (signal): connect gives up, and a closed connection ends the commands in flight;
  // what this side says then is not used (scanAddress answers with the abort's reason)
  for (const cred of creds) {
    let client: SshClient | undefined;
    try {
      client = await SshClient.connect({
        host: ip, port, username: cred.username, password: cred.password, privateKey: cred.privateKey, passphrase: cred.passphrase,
        // a handshake takes a few round trips and some key maths: more than one SNMP request
        timeoutMs: Math.max(o.timeoutMs * 4, 10_000), hostKeys: deps.hostKeys, legacyAlgorithms: deps.sshLegacyAlgorithms, signal,
      });
    } catch (err) {
      const reason = err instanceof SshError ? err.reason : 'protocol';
      if (reason === 'auth') {
        refused.push(err instanceof PasswordExpired ? `${quote(cred)} (its password has expired: the server wants a new one)` : quote(cred));
        continue;
      }
      const what = reason === 'host-key' ? (err as Error).message : `SSH with ${quote(cred)} failed (${reason}): ${(err as Error).message}`;
      return { note: what, outcome: reason === 'timeout' ? 'silent' : 'error' };
    }
    const conn = client;
    const forget = onAbort(signal, () => conn.close());
    try {
      const problems: string[] = [];
      const report = await collectSsh(client, ip, { sudo: sshSudo(cred) }, problems);
      return { report, credentialId: cred.id, note: `identified over SSH with ${quote(cred)}`, outcome: 'identified', problems };
    } catch (err) {
      return { note: `SSH login with ${quote(cred)} worked but collection failed: ${(err as Error).message}`, outcome: 'error' };
    } finally {
      forget();
      client.close();
    }
  }
  return { note: `SSH on TCP ${port} refused the login of ${refused.join(', ')}`, outcome: 'auth' };
}
