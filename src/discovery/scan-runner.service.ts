// discovery/: the worker side of scans. A chunk is claimed under a lease in MySQL (renewed
// while it runs, and given up before it lapses when it cannot be), its addresses are probed
// with the scan's concurrency (shared by the scan's chunks on this worker) inside this worker's
// socket cap, results land in batches; a chunk whose work fails is given back at once and
// tried again, and the reconciler hands chunks whose worker died — or whose queue job Redis
// lost — to whoever is alive. Every step is idempotent.
import { Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { claimOwners, workerId } from '../common/worker-id';
import { Exclusions, expandTargets, parseTargets } from '../common/targets';
import { APP_CONFIG, AppConfig } from '../config/env';
import { CredentialsService, RevealedCredential } from '../credentials/credentials.service';
import { IngestService } from '../inventory/ingest.service';
import { JobName } from '../queue/queue.constants';
import { QueueService } from '../queue/queue.service';
import { scanAddress } from './address-scan';
import { HostKeysRepository } from './host-keys.repository';
import { Semaphore } from './probes';
import { Scan } from './scan.entity';
import { ChunkRow, ResultRow, ScansRepository, TERMINAL } from './scans.repository';
import { chunkJobId } from './scans.service';

const CANCEL_CHECK_MS = 1_000;
/** results stored in one statement (or after FLUSH_MS): a crash loses at most these, which are scanned again */
const FLUSH_EVERY = 100;
const FLUSH_MS = 500;
/** claims of one chunk before its remaining addresses are given up as errors */
const MAX_ATTEMPTS = 5;
/** a failed chunk's pause before it is tried again, doubling with each attempt up to RETRY_MAX_MS */
const RETRY_MS = 500;
const RETRY_MAX_MS = 30_000;

@Injectable()
export class ScanRunner {
  /** How long a claimed chunk stays this worker's without a renewal (renewed every quarter of it); specs shorten it. */
  static leaseMs = 60_000;

  private readonly logger = new Logger('ScanRunner');
  /** one worker's cap on addresses in flight over all its scans: each holds a few sockets */
  private readonly slots: Semaphore;
  /**
   * Each scan's own cap on this worker (its `concurrency`), shared by its chunks running here: a
   * worker runs several chunks at once, and a cap per chunk let a scan of concurrency 1 probe
   * four addresses at once. Dropped when the scan's last chunk here ends.
   */
  private readonly scanSlots = new Map<number, { slots: Semaphore; chunks: number }>();
  /** how long one address may take before it is abandoned */
  private readonly addressTimeoutMs: number;
  private readonly sshLegacyAlgorithms: boolean;
  private readonly snmpMaxAnswerBytes: number;
  private readonly expanded = new Map<number, { addresses: string[]; exclusions: Exclusions }>();
  readonly owner = workerId();
  /** each claim's lease owner, `<worker>#<n>` */
  private readonly nextClaim = claimOwners(this.owner);

  constructor(
    private readonly repo: ScansRepository,
    private readonly credentials: CredentialsService,
    private readonly ingest: IngestService,
    private readonly hostKeys: HostKeysRepository,
    private readonly queues: QueueService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.slots = new Semaphore(config.scanMaxInFlight);
    this.addressTimeoutMs = config.scanAddressTimeoutS * 1000;
    this.sshLegacyAlgorithms = config.sshLegacyAlgorithms;
    this.snmpMaxAnswerBytes = config.snmpMaxDeviceMb * 1024 * 1024;
  }

  async runChunk(scanId: number, chunkNo: number): Promise<{ scanned: number } | { skipped: string }> {
    const scan = await this.repo.findScan(scanId);
    if (!scan) return { skipped: 'scan deleted' };
    if (TERMINAL.includes(scan.status)) return { skipped: `scan ${scan.status}` };
    const claim = this.nextClaim();
    // the lease is timed by the database's clock (claimChunk): this worker's may be wrong, but
    // what it measures from before the claim is never more than the lease holds
    const claimedAt = Date.now();
    const chunk = await this.repo.claimChunk(scanId, chunkNo, claim, ScanRunner.leaseMs);
    if (!chunk) return { skipped: 'chunk held by another worker or finished' };
    try {
      return await this.scanChunk(scan, chunk, claim, claimedAt + ScanRunner.leaseMs);
    } catch (err) {
      await this.failed(scan, chunk, claim, err as Error);
      throw err;
    }
  }

  /** The addresses of a claimed chunk that have no result yet. */
  private async todo(scan: Scan, chunk: ChunkRow): Promise<string[]> {
    const addresses = this.addressesOf(scan).addresses.slice(chunk.firstIndex, chunk.firstIndex + chunk.size);
    const done = await this.repo.addressesDone(scan.id, addresses);
    return addresses.filter((a) => !done.has(a));
  }

  /** `claim`: the chunk's lease owner, the lease held until `heldUntil` (this worker's clock) unless renewed. */
  private async scanChunk(scan: Scan, chunk: ChunkRow, claim: string, heldUntil: number): Promise<{ scanned: number } | { skipped: string }> {
    const { id: scanId } = scan;
    const { chunkNo } = chunk;
    await this.repo.markRunning(scanId, new Date());

    const { exclusions } = this.addressesOf(scan);
    const todo = await this.todo(scan, chunk);
    const pending: ResultRow[] = [];
    // a scan's results are counted when it ends (completeIfDone, cancel, fail); while it runs,
    // its views count them. Counting after every flush cost more than the sweep: a /16 of
    // closed addresses kept MariaDB busy 41 s of its 41 s.
    const flush = async () => {
      await this.repo.saveResults(scanId, pending.splice(0));
    };

    // claims that ended without finishing: workers that died (their leases ran out), or failures
    // that could not even give the chunk up (failed())
    if (chunk.attempts > MAX_ATTEMPTS) {
      await this.giveUp(scanId, chunkNo, claim, todo, `given up: this address range was tried ${chunk.attempts - 1} times and never finished (its workers stopped or failed)`);
      return { scanned: todo.length };
    }

    const creds = await this.reveal(scan.credentialIds);
    if (!creds.length) {
      await this.repo.failScan(scanId, 'every credential of this scan has been deleted', new Date());
      await this.repo.finishChunk(scanId, chunkNo, claim, 'cancelled');
      return { skipped: 'no credentials' };
    }
    const remembered = await this.repo.rememberedCredentials(todo.filter((a) => !/[a-z]/i.test(a) || a.includes(':')));

    let stop: 'cancelled' | 'lost' | 'lapsed' | 'failed' | null = null;
    // addresses being scanned: a cancelled scan (or a chunk another worker took over) abandons
    // them at once, where it used to wait for each to finish and then store what it found
    const inFlight = new Set<AbortController>();
    const halt = (why: 'cancelled' | 'lost' | 'lapsed' | 'failed') => {
      stop ??= why;
      const reason = {
        cancelled: 'scan cancelled', lost: 'another worker took this address range over', failed: 'results of this address range could not be stored',
        lapsed: "this address range's lease could not be renewed (the database did not answer): another worker may take it over",
      }[why];
      for (const ac of inFlight) ac.abort(new Error(reason));
    };
    // A worker that cannot renew (MySQL unreachable, or not answering) stops before its lease
    // ends, when the reconciler hands the chunk to another claim, maybe this process's: it went on
    // probing, and once the database was back its renewals kept both claims going.
    const leaseMs = ScanRunner.leaseMs;
    const renewEveryMs = Math.floor(leaseMs / 4);
    const renew = setInterval(() => {
      if (Date.now() >= heldUntil - renewEveryMs) return halt('lapsed');
      const asked = Date.now();
      void this.repo.renewLease(scanId, chunkNo, claim, leaseMs).then((ok) => (ok ? (heldUntil = Math.max(heldUntil, asked + leaseMs)) : halt('lost')), () => undefined);
    }, renewEveryMs);
    const watch = setInterval(() => {
      void this.repo.scanStatus(scanId).then((s) => (s === 'cancelled' || s === 'failed' || s === null ? halt('cancelled') : undefined), () => undefined);
    }, CANCEL_CHECK_MS);
    let lastFlush = Date.now();
    const scanSlots = this.scanSlotsOf(scan);
    try {
      let next = 0;
      const deps = {
        ingest: (r: Parameters<IngestService['ingest']>[0]) => this.ingest.ingest(r),
        hostKeys: this.hostKeys.verifier(),
        sshLegacyAlgorithms: this.sshLegacyAlgorithms,
        snmpMaxAnswerBytes: this.snmpMaxAnswerBytes,
        identified: (deviceId: number, worked: { snmp?: number; ssh?: number }, sshPort: number, ip: string) => this.identified(deviceId, worked, sshPort, ip),
        excluded: (ip: string) => exclusions.matching(ip),
      };
      const probe = async () => {
        while (!stop && next < todo.length) {
          // the scan's slot, then the worker's: a scan waiting for its own never holds the worker's
          const leave = await scanSlots.acquire();
          const release = await this.slots.acquire();
          if (stop || next >= todo.length) {
            release();
            leave();
            return;
          }
          const address = todo[next++];
          const ac = new AbortController();
          const seconds = this.addressTimeoutMs / 1000;
          const deadline = setTimeout(() => ac.abort(new Error(`did not finish within ${seconds} s (TEKNISI_SCAN_ADDRESS_TIMEOUT): abandoned, nothing stored`)), this.addressTimeoutMs);
          inFlight.add(ac);
          try {
            const row = await scanAddress(address, creds, remembered.get(address), scan.options, deps, ac.signal).catch((err: Error) => ({
              address, status: 'error' as const, reason: `scan of this address failed: ${err.message}`, deviceId: null, via: null, durationMs: 0, at: new Date(),
            }));
            // abandoned by a cancel: like an address not reached yet, it gets no result
            if (!(stop && ac.signal.aborted)) pending.push(row);
          } finally {
            clearTimeout(deadline);
            inFlight.delete(ac);
            release();
            leave();
          }
          if (pending.length >= FLUSH_EVERY || Date.now() - lastFlush >= FLUSH_MS) {
            lastFlush = Date.now();
            await flush();
          }
        }
      };
      const lane = async () => {
        try {
          await probe();
        } catch (err) {
          // one lane failing stops the others: once runChunk has thrown, nobody renews the lease
          // or looks for a cancel, and what they found would never be stored. The chunk is given
          // back (failed()), and whoever claims it next scans every address without a stored result.
          halt('failed');
          throw err;
        }
      };
      const lanes = await Promise.allSettled(Array.from({ length: Math.min(scan.options.concurrency, todo.length) }, lane));
      const failed = lanes.find((l): l is PromiseRejectedResult => l.status === 'rejected');
      if (failed) throw failed.reason;
      await flush();
    } finally {
      clearInterval(renew);
      clearInterval(watch);
      this.leaveScanSlots(scanId);
    }
    if (stop === 'lost' || stop === 'lapsed') {
      this.logger.warn({ scanId, chunkNo }, stop === 'lost' ? 'lease lost (another worker took the chunk over); stopping' : 'lease could not be renewed before it ran out; stopped, for whoever claims the chunk next');
      return { scanned: 0 };
    }
    await this.finish(scanId, chunkNo, claim, stop === 'cancelled' ? 'cancelled' : 'done');
    return { scanned: todo.length };
  }

  /**
   * A chunk whose work threw (a write or a query that failed, mostly) gives its lease back at once
   * if it still holds it: it kept it until it ran out, and the scan stood still for a minute. It
   * is enqueued again after a pause that doubles with each attempt, for whichever worker takes
   * it; a retry that Redis loses is still a queued chunk in MySQL, which the reconciler enqueues.
   * The MAX_ATTEMPTS-th failure gives the chunk's addresses that have no result up as errors
   * saying why, so that the scan ends with every address answered.
   */
  private async failed(scan: Scan, chunk: ChunkRow, claim: string, err: Error): Promise<void> {
    const { id: scanId } = scan;
    const { chunkNo, attempts } = chunk;
    const log = { scanId, chunkNo, attempt: attempts, err: err.message };
    try {
      // the last attempt gives up, unless the scan was cancelled meanwhile (the addresses it did
      // not reach get no result) or the chunk is no longer this worker's
      const last = attempts >= MAX_ATTEMPTS && ['queued', 'running'].includes((await this.repo.scanStatus(scanId)) ?? '');
      if (last && (await this.repo.renewLease(scanId, chunkNo, claim, ScanRunner.leaseMs))) {
        try {
          await this.giveUp(scanId, chunkNo, claim, await this.todo(scan, chunk), `given up after ${attempts} failed attempts at this address range; the last: ${err.message}`);
          this.logger.warn(log, 'chunk failed too often: its addresses without a result are given up as errors');
          return;
        } catch (e) {
          this.logger.warn({ ...log, cause: (e as Error).message }, 'chunk failed too often and could not be given up either; handing it on');
        }
      }
      const now = await this.repo.releaseChunk(scanId, chunkNo, claim);
      // the scan ended meanwhile: what this chunk stored after its counts were taken is counted too
      if (now === 'cancelled') await this.repo.recount(scanId);
      if (now !== 'queued') return;
    } catch (e) {
      this.logger.warn({ ...log, cause: (e as Error).message }, 'chunk failed and could not be given back: the reconciler hands it on once its lease runs out');
      return;
    }
    const delay = Math.min(RETRY_MS * 2 ** (attempts - 1), RETRY_MAX_MS);
    try {
      // the id is the one the reconciler would give this attempt: the two never queue it twice
      await this.queues.add(JobName.ScanChunk, { scanId, chunkNo }, { jobId: chunkJobId(scanId, chunkNo, attempts), delay, removeOnComplete: true, removeOnFail: true });
      this.logger.warn({ ...log, retryInMs: delay }, 'chunk failed: lease given back, tried again shortly');
    } catch (e) {
      this.logger.warn({ ...log, cause: (e as Error).message }, 'chunk failed and was given back, but could not be enqueued now; the reconciler will');
    }
  }

  /** Records the addresses as errors saying why (keeping any result stored meanwhile) and finishes the chunk. */
  private async giveUp(scanId: number, chunkNo: number, claim: string, addresses: string[], reason: string): Promise<void> {
    const at = new Date();
    await this.repo.saveResults(scanId, addresses.map((address) => ({ address, status: 'error' as const, reason, deviceId: null, via: null, durationMs: 0, at })), 'keep');
    await this.finish(scanId, chunkNo, claim, 'done');
  }

  /** The scan's semaphore on this worker, counted as used by one more chunk until leaveScanSlots. */
  private scanSlotsOf(scan: Scan): Semaphore {
    let entry = this.scanSlots.get(scan.id);
    if (!entry) this.scanSlots.set(scan.id, (entry = { slots: new Semaphore(Math.max(1, scan.options.concurrency)), chunks: 0 }));
    entry.chunks++;
    return entry.slots;
  }

  private leaveScanSlots(scanId: number): void {
    const entry = this.scanSlots.get(scanId);
    if (entry && --entry.chunks === 0) this.scanSlots.delete(scanId);
  }

  /**
   * A scan's expanded address list (exclusions taken out) and its exclusions, kept for the few
   * scans this worker is on: expanding a /16 takes ~120 ms, and every one of its 256 chunks
   * needs the list (targets never change).
   */
  private addressesOf(scan: Scan): { addresses: string[]; exclusions: Exclusions } {
    let entry = this.expanded.get(scan.id);
    if (!entry) {
      const parsed = parseTargets(scan.targets, Number.MAX_SAFE_INTEGER, scan.exclude ?? []);
      entry = { addresses: expandTargets(parsed.targets, parsed.exclusions), exclusions: parsed.exclusions };
      this.expanded.set(scan.id, entry);
      if (this.expanded.size > 4) this.expanded.delete(this.expanded.keys().next().value!);
    }
    return entry;
  }

  private async finish(scanId: number, chunkNo: number, claim: string, status: 'done' | 'cancelled'): Promise<void> {
    await this.repo.finishChunk(scanId, chunkNo, claim, status);
    // completing counts the scan's progress in the same statement
    if (await this.repo.completeIfDone(scanId, new Date())) {
      const s = await this.repo.findScan(scanId);
      this.logger.log({ scanId, total: s?.total, found: s?.found }, 'scan completed');
      return;
    }
    // cancelled (or failed) while this chunk ran, maybe before it looked: its counters must
    // show all that was stored, this chunk's last results included. A scan another chunk
    // completed meanwhile needs nothing: it could complete only after this chunk was done.
    const now = await this.repo.scanStatus(scanId);
    if (now === 'cancelled' || now === 'failed') await this.repo.recount(scanId);
  }

  private async reveal(ids: number[]): Promise<RevealedCredential[]> {
    const out: RevealedCredential[] = [];
    for (const id of ids) {
      try {
        out.push(await this.credentials.reveal(id));
      } catch (err) {
        if (!(err instanceof NotFoundException)) throw err;
        this.logger.warn({ credentialId: id }, 'a credential of the scan was deleted; scanning without it');
      }
    }
    return out;
  }

  /** Remembers what worked on the device, on the device as it lives now (a merge may have taken it away since ingest): its id. */
  private identified(deviceId: number, worked: { snmp?: number; ssh?: number }, sshPort: number, ip: string): Promise<number | null> {
    return this.repo.rememberIdentified(deviceId, worked, new Date(), worked.ssh ? (m, live) => this.hostKeys.linkDevice(ip, sshPort, live, m) : undefined);
  }

  /** Re-enqueues chunks that no live worker holds, and closes scans a crash left open. */
  async reconcile(): Promise<{ requeued: number; completed: number }> {
    const now = new Date();
    const orphans = await this.repo.orphanedChunks(new Date(now.getTime() - 30_000));
    for (const c of orphans) await this.queues.add(JobName.ScanChunk, { scanId: c.scanId, chunkNo: c.chunkNo }, { jobId: chunkJobId(c.scanId, c.chunkNo, c.attempts), removeOnComplete: true, removeOnFail: true });
    let completed = 0;
    for (const id of await this.repo.unfinishedScans()) if (await this.repo.completeIfDone(id, now)) completed++;
    if (orphans.length || completed) this.logger.log({ requeued: orphans.length, completed }, 'scans reconciled');
    return { requeued: orphans.length, completed };
  }
}
