// discovery/: starting, reading and cancelling scans (API side). A scan is rows first — the
// scan, its chunks — and queue jobs second; if Redis refuses the jobs the reconciler enqueues
// them later, so a 202 never loses a scan.
import { ConflictException, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { isIP } from 'node:net';
import { finalize, Observable, shareReplay } from 'rxjs';
import { Page, PageQuery } from '../common/pagination';
import { parseTargets, targetErrorParts } from '../common/targets';
import { APP_CONFIG, AppConfig } from '../config/env';
import { CredentialsService } from '../credentials/credentials.service';
import type { CredentialKind } from '../credentials/credential.entity';
import { csvLine, neutralizeCell } from '../devices/devices-csv.service';
import { QueueService } from '../queue/queue.service';
import { JobName } from '../queue/queue.constants';
import { badRequest, FieldError } from '../common/validation';
import { exclusionNames, MAX_EXCLUDED_NAMES, resolveExclusionNames } from './exclusion-names';
import { CreateScanDto, DEFAULT_SCAN_OPTIONS, GonePage, MAX_LIST_BYTES, MAX_OWN_EXCLUSIONS, ScanComparison, ScanDetailQuery, ScanResultFilter, ScanDetailView, ScanListQuery, ScanOptionsDto, ScanSummary, ScanView } from './scan.dto';
import { Scan, ScanOptions } from './scan.entity';
import { ScansRepository, TERMINAL } from './scans.repository';

/** Addresses per chunk: the unit one worker claims; several workers share a big scan. */
export const CHUNK_SIZE = 256;

/** Results per query of a CSV export. */
const CSV_PAGE = 5000;

export function chunkJobId(scanId: number, chunkNo: number, attempt: number): string {
  return `scan-${scanId}-${chunkNo}-${attempt}`;
}

type CredentialNames = Map<number, { name: string; kind: CredentialKind }>;

/**
 * A scan as the API shows it; its progress is read off the counts of its results, live and exact.
 * Its credentials are named for whoever reads it (a viewer cannot list them): names, not secrets.
 */
export function toScanView(s: Scan, { counts, devices }: Pick<ScanView, 'counts' | 'devices'>, scheduleName: string | null = null, credentialNames: CredentialNames = new Map()): ScanView {
  const done = Object.values(counts).reduce((sum, n) => sum + (n ?? 0), 0);
  const credentials = s.credentialIds.map((id) => ({ id, name: credentialNames.get(id)?.name ?? null, kind: credentialNames.get(id)?.kind ?? null }));
  return {
    id: s.id, status: s.status, targets: s.targets, exclude: s.exclude ?? [], credentialIds: s.credentialIds, credentials, options: s.options,
    progress: { done, total: s.total, found: counts.identified ?? 0 }, counts, devices, scheduleId: s.scheduleId, scheduleName, createdBy: s.createdBy,
    error: s.error, skippedFirings: s.skippedFirings, createdAt: s.createdAt, startedAt: s.startedAt, finishedAt: s.finishedAt,
  };
}

type ScanEvent = { type: string; data: ScanView };

@Injectable()
export class ScansService {
  private readonly logger = new Logger('Scans');
  /** The progress stream of each scan someone follows in this process, shared by all who do. */
  private readonly followed = new Map<number, Observable<ScanEvent>>();

  constructor(
    private readonly repo: ScansRepository,
    private readonly credentials: CredentialsService,
    private readonly queues: QueueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Deletes the scans that finished more than TEKNISI_SCAN_RETENTION_DAYS ago (hourly): a
   * saved /16 scanned every hour would otherwise add 1.5 million result rows a day.
   */
  async prune(now = new Date()): Promise<{ scans: number; results: number }> {
    const total = await this.repo.pruneFinished(new Date(now.getTime() - this.config.scanRetentionDays * 86_400_000));
    if (total.scans) this.logger.log({ ...total, retentionDays: this.config.scanRetentionDays }, 'old scans deleted');
    return total;
  }

  /**
   * Checks targets, exclusions and credentials; every problem is a 400 naming its field. The
   * exclusions come back as the scan keeps them: its own, then TEKNISI_SCAN_EXCLUDE's (what no
   * scan may contact), each host name followed by its addresses, each entry once.
   */
  async validate(dto: Pick<CreateScanDto, 'targets' | 'credentialIds' | 'exclude'>): Promise<{ total: number; exclude: string[] }> {
    const given = (dto.exclude ?? []).map((t) => t.trim());
    const syntax = parseTargets(dto.targets, Number.MAX_SAFE_INTEGER, given);
    const asDetail = (e: string): FieldError => {
      const { field, message } = targetErrorParts(e);
      return { field, messages: [message] };
    };
    const details: FieldError[] = syntax.errors.map(asDetail);
    const server = await resolveExclusionNames(this.config.scanExclude);
    for (const u of server.unresolved) this.logger.warn({ name: u.name, why: u.why }, 'TEKNISI_SCAN_EXCLUDE names a host that does not resolve: scans leave out only that name');
    // The server's entries (and what its names resolve to) stay the server's when a request lists
    // them, as "Scan again" does with everything the last scan left out: they are added below as
    // the server's, so a name of its that does not resolve is not refused as the technician's typo,
    // nor counted against the technician's limits. ownAt: where the technician's own ones were given.
    const ownAt = given.flatMap((t, i) => (server.list.includes(t) ? [] : [i]));
    const own = ownAt.map((i) => given[i]);
    const names = exclusionNames(own);
    const counted = ownExclusions(given, new Set(ownAt), new Set(names.map((n) => ownAt[n.index])));
    if (counted > MAX_OWN_EXCLUSIONS) {
      details.push({ field: 'exclude', messages: [`${counted.toLocaleString('en')} exclusions of the scan's own: at most ${MAX_OWN_EXCLUSIONS.toLocaleString('en')} (TEKNISI_SCAN_EXCLUDE's entries and the addresses listed after a host name are not counted); use ranges or CIDR blocks`] });
    }
    if (names.length > MAX_EXCLUDED_NAMES) {
      details.push({ field: 'exclude', messages: [`${names.length} host names: at most ${MAX_EXCLUDED_NAMES} are looked up as a scan starts; give addresses, ranges or CIDR blocks for the rest`] });
    }
    // a name that does not resolve protects nothing (a typo such as 192.0.2.1O reads as a name)
    const mine = details.length ? { list: own, unresolved: [] } : await resolveExclusionNames(own);
    for (const u of mine.unresolved) details.push({ field: `exclude.${ownAt[u.index]}`, messages: [`host name ${u.name} does not resolve (${u.why}): it would protect nothing; give its address, or check the spelling`] });
    const exclude = [...mine.list, ...server.list.filter((x) => !mine.list.includes(x))];

    const parsed = parseTargets(dto.targets, this.config.maxScanAddresses, exclude);
    if (!details.length) details.push(...parsed.errors.map(asDetail));
    // each list is kept as JSON in a TEXT column: 1,000 long host names would not fit
    for (const [field, list] of [['targets', dto.targets], ['exclude', exclude]] as const) {
      const bytes = Buffer.byteLength(JSON.stringify(list));
      if (bytes > MAX_LIST_BYTES) details.push({ field, messages: [`${bytes.toLocaleString('en')} bytes together is more than a scan can keep (${MAX_LIST_BYTES.toLocaleString('en')}): use ranges or CIDR blocks, or split the scan`] });
    }
    if (!details.length && !parsed.size) {
      // the technician's own exclusions, or the server's list, left nothing: say which
      const ownLeaves = this.config.scanExclude.length > 0 && parseTargets(dto.targets, Number.MAX_SAFE_INTEGER, mine.list).size > 0;
      details.push(ownLeaves
        ? { field: 'targets', messages: ['every address is in TEKNISI_SCAN_EXCLUDE, the server\'s list of what no scan may contact: nothing would be scanned'] }
        : { field: 'exclude', messages: ['excludes every target: nothing would be scanned'] });
    }
    for (const [i, id] of dto.credentialIds.entries()) {
      const cred = await this.credentials.find(id);
      if (!cred) details.push({ field: `credentialIds.${i}`, messages: [`credential ${id} does not exist`] });
    }
    if (new Set(dto.credentialIds).size !== dto.credentialIds.length) details.push({ field: 'credentialIds', messages: ['credentialIds lists a credential twice'] });
    if (details.length) throw badRequest(details);
    // counted, not expanded: the count is exact (an address two targets share counts once), and
    // the API has no use for the list (the workers expand it)
    return { total: parsed.size, exclude };
  }

  /**
   * Validates and queues a scan. A saved range's scan names the firing it answers (`firedAt`):
   * when that firing already has its scan (another process started it, or this one before it
   * died), that scan is the answer and nothing new is queued (the reconciler queues its chunks
   * if their jobs were lost).
   */
  async start(dto: CreateScanDto, createdBy: string | null, scheduleId: number | null = null, firedAt: Date | null = null): Promise<{ id: number }> {
    const { total, exclude } = await this.validate(dto);
    const options = withDefaults(dto.options);
    const { id, chunks, existing } = await this.repo.insertScan({ targets: dto.targets.map((t) => t.trim()), exclude: exclude.length ? exclude : null, credentialIds: dto.credentialIds, options, total, createdBy, scheduleId, firedAt }, CHUNK_SIZE, new Date());
    if (existing) return { id };
    try {
      for (let no = 0; no < chunks; no++) await this.queues.add(JobName.ScanChunk, { scanId: id, chunkNo: no }, { jobId: chunkJobId(id, no, 0), removeOnComplete: true, removeOnFail: true });
    } catch (err) {
      this.logger.warn({ scanId: id, err: (err as Error).message }, 'could not enqueue the scan now; the reconciler will');
    }
    this.logger.log({ scanId: id, total, chunks, createdBy }, 'scan queued');
    return { id };
  }

  /**
   * A scan of one device as the last scan that identified it found it: the addresses it answered
   * at there, that scan's credentials that still exist (the one that worked on it is tried
   * first, as always) and its options (ports, timeout). 404 for no such device; 409 when no kept scan
   * has identified it (a record from its agent or by hand, or its scans past the retention) or
   * none of those credentials is left.
   * Says which were left out as deleted: without them the scan may not identify the device.
   */
  async rescanDevice(deviceId: number, createdBy: string | null): Promise<{ id: number; deletedCredentialIds: number[] }> {
    const name = await this.repo.deviceName(deviceId);
    if (name === undefined) throw new NotFoundException(`Device ${deviceId} does not exist`);
    const which = `device ${deviceId}${name ? ` (${name})` : ''}`;
    const last = await this.repo.lastIdentified(deviceId);
    if (!last) {
      // a device SNMP or SSH found whose scans retention has deleted is not "known by hand"
      const why = (await this.repo.seenOverSnmpOrSsh(deviceId))
        ? `No kept scan identified ${which}, though SNMP or SSH saw it: a finished scan is kept ${this.config.scanRetentionDays} days (TEKNISI_SCAN_RETENTION_DAYS).`
        : `No scan has identified ${which}: it is known from its agent or by hand.`;
      throw new ConflictException(`${why} Scan its address from Discovery with the credentials to try.`);
    }
    const credentialIds: number[] = [];
    const deletedCredentialIds: number[] = [];
    for (const id of last.scan.credentialIds) {
      if (await this.credentials.find(id)) credentialIds.push(id);
      else deletedCredentialIds.push(id);
    }
    if (!credentialIds.length) throw new ConflictException(`The credentials of scan ${last.scan.id}, which identified ${which}, have all been deleted. Scan its address from Discovery with the credentials to try.`);
    // the caller says which were left out: the one that identified the device may be among them
    return { ...(await this.start({ targets: last.addresses, credentialIds, options: last.scan.options }, createdBy)), deletedCredentialIds };
  }

  async list(q: ScanListQuery): Promise<Page<ScanView>> {
    const [rows, total] = await this.repo.listScans(q.status, (q.page - 1) * q.limit, q.limit);
    const names = await this.repo.scheduleNames(rows.flatMap((s) => (s.scheduleId ? [s.scheduleId] : [])));
    const credentials = await this.repo.credentialNames(rows.flatMap((s) => s.credentialIds));
    const items = await Promise.all(rows.map(async (s) => toScanView(s, await this.countsOf(s), s.scheduleId ? names.get(s.scheduleId) ?? null : null, credentials)));
    return { items, total, page: q.page, limit: q.limit };
  }

  async view(id: number): Promise<ScanView> {
    const s = await this.repo.findScan(id);
    if (!s) throw new NotFoundException(`Scan ${id} does not exist`);
    const name = s.scheduleId ? (await this.repo.scheduleNames([s.scheduleId])).get(s.scheduleId) ?? null : null;
    return toScanView(s, await this.countsOf(s), name, await this.repo.credentialNames(s.credentialIds));
  }

  /** An ended scan's stored counts; a running one's (or one that ended before they were kept) counted now. */
  private async countsOf(s: Scan): Promise<Pick<ScanView, 'counts' | 'devices'>> {
    const ended = TERMINAL.includes(s.status);
    return {
      counts: s.counts && ended ? s.counts : await this.repo.countsByStatus(s.id),
      devices: s.deviceCounts && ended ? s.deviceCounts : await this.repo.countsByChange(s.id),
    };
  }

  async get(id: number, q: ScanDetailQuery): Promise<ScanDetailView> {
    const view = await this.view(id);
    const filter = { status: q.resultStatus, change: q.change };
    const rows = await this.repo.results(id, filter, q.resultsOffset, q.resultsLimit);
    const results = rows.map(({ deviceChange, ...r }) => ({ ...r, deviceName: r.deviceName ?? null, change: deviceChange ?? null }));
    const resultsTotal = q.change ? await this.repo.countResults(id, filter) : q.resultStatus ? view.counts[q.resultStatus] ?? 0 : view.progress.done;
    return { ...view, results, resultsTotal, comparison: await this.comparison(view) };
  }

  /**
   * Every result of the scan as CSV lines (the header first), in address order, a page of
   * `pageSize` rows at a time; a missing scan throws before the first line. Each page starts
   * after the address the last one ended at: a running scan's workers store results meanwhile.
   */
  async *resultsCsv(id: number, q: ScanResultFilter, pageSize = CSV_PAGE): AsyncGenerator<string> {
    await this.view(id);
    yield csvLine(['address', 'status', 'reason', 'device_id', 'device', 'via', 'change', 'duration_ms', 'at']);
    for (let after: string | null = null; ;) {
      const rows = await this.repo.resultsAfter(id, { status: q.resultStatus, change: q.change }, after, pageSize);
      yield rows.map((r) => csvLine([
        r.address, r.status, r.reason ?? '', r.deviceId === null ? '' : String(r.deviceId), r.deviceName ?? '', r.via ?? '', r.deviceChange ?? '', String(r.durationMs), new Date(r.at).toISOString(),
      ].map(neutralizeCell))).join('');
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1].address;
    }
  }

  /** A completed scan against the previous completed scan of its range; null for the others. */
  private async comparison(s: Pick<Scan, 'id' | 'status'>): Promise<ScanComparison | null> {
    const previousScanId = s.status === 'completed' ? await this.repo.previousOfRange(s.id) : null;
    return previousScanId ? { previousScanId, gone: await this.repo.goneCount(previousScanId, s.id) } : null;
  }

  /** A scan in a few figures, as a saved range's list shows its last one; null when it has been deleted. */
  async summary(id: number): Promise<ScanSummary | null> {
    const s = await this.repo.findScan(id);
    if (!s) return null;
    const { counts, devices } = await this.countsOf(s);
    const comparison = await this.comparison(s);
    return { id, status: s.status, found: counts.identified ?? 0, devices, gone: comparison?.gone ?? null, skippedFirings: s.skippedFirings, finishedAt: s.finishedAt };
  }

  /** Devices the previous completed scan of the range identified and this one (completed) did not, by hostname. */
  async gone(id: number, q: PageQuery): Promise<GonePage> {
    const c = await this.comparison(await this.view(id));
    if (!c) return { previousScanId: null, items: [], total: 0, page: q.page, limit: q.limit };
    return { previousScanId: c.previousScanId, items: await this.repo.gone(c.previousScanId, id, (q.page - 1) * q.limit, q.limit), total: c.gone, page: q.page, limit: q.limit };
  }

  async cancel(id: number): Promise<ScanView> {
    const s = await this.repo.findScan(id);
    if (!s) throw new NotFoundException(`Scan ${id} does not exist`);
    if (!(await this.repo.cancel(id, new Date()))) throw new ConflictException(`Scan ${id} is already ${s.status}`);
    this.logger.log({ scanId: id }, 'scan cancelled');
    return this.view(id);
  }

  /**
   * Progress as server-sent events: `progress` while it runs (what GET shows, without results), then
   * `done`. Everyone following one scan shares one poller (the first caller's `everyMs`): a running
   * /16 takes several queries a second to read, for each client otherwise. The poller stops when
   * the last of them leaves; one who joins later gets the scan as last read at once.
   */
  events(id: number, everyMs = 1000): Observable<ScanEvent> {
    const running = this.followed.get(id);
    if (running) return running;
    const shared: Observable<ScanEvent> = this.poll(id, everyMs).pipe(
      finalize(() => {
        if (this.followed.get(id) === shared) this.followed.delete(id);
      }),
      shareReplay({ bufferSize: 1, refCount: true }),
    );
    this.followed.set(id, shared);
    return shared;
  }

  private poll(id: number, everyMs: number): Observable<ScanEvent> {
    return new Observable((sub) => {
      let timer: NodeJS.Timeout | undefined;
      let last = '';
      let closed = false;
      const tick = async () => {
        try {
          const view = await this.view(id);
          const terminal = TERMINAL.includes(view.status);
          const key = JSON.stringify([view.status, view.progress, view.counts]);
          if (key !== last || terminal) sub.next({ type: terminal ? 'done' : 'progress', data: view });
          last = key;
          if (terminal) return sub.complete();
          if (!closed) timer = setTimeout(tick, everyMs);
        } catch (err) {
          sub.error(err);
        }
      };
      void tick();
      return () => {
        closed = true;
        clearTimeout(timer);
      };
    });
  }
}

/**
 * How many of the exclusions given (`ownAt`: the positions of the scan's own; `namesAt`: of its
 * own host names) count against MAX_OWN_EXCLUSIONS: the scan's own, except the addresses right
 * after one of its host names, which is how a scan lists what its names resolved to. "Scan again"
 * sends that list back, the server's entries after it, and the scan had been accepted with its
 * names alone. An address of the server's among a name's (it resolved to one) does not end them.
 */
function ownExclusions(given: string[], ownAt: Set<number>, namesAt: Set<number>): number {
  let count = 0;
  let afterName = false;
  given.forEach((text, i) => {
    const address = isIP(text) > 0;
    if (!ownAt.has(i)) {
      afterName &&= address;
    } else if (namesAt.has(i)) {
      afterName = true;
      count++;
    } else if (!(afterName && address)) {
      afterName = false;
      count++;
    }
  });
  return count;
}

export function withDefaults(o: ScanOptionsDto | Partial<ScanOptions> | undefined): ScanOptions {
  return { ...DEFAULT_SCAN_OPTIONS, ...Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) };
}
