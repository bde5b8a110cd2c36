// discovery/: every query on scans, their chunks and results, saved ranges, and the
// credential that last worked per device. Chunks are claimed with conditional UPDATEs that
// set a lease, so any number of workers can share a scan and a dead one's work returns.
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ipOrder } from '../common/pagination';
import type { CredentialKind } from '../credentials/credential.entity';
import { deleteInBatches } from '../database/batches';
import { isDuplicateKey } from '../database/driver-errors';
import { statusCountsJson } from '../database/status-counts';
import { ChunkStatus, DeviceChange, Scan, ScanOptions, ScanResultStatus, ScanSchedule, ScanStatus, scanRangeKey } from './scan.entity';

export interface NewScan {
  targets: string[];
  /** what the scan leaves out; none when absent or null */
  exclude?: string[] | null;
  credentialIds: number[];
  options: ScanOptions;
  total: number;
  createdBy: string | null;
  scheduleId: number | null;
  /** the saved range's firing it answers: a second insert for the same firing finds the first */
  firedAt?: Date | null;
}

export interface ResultRow {
  address: string;
  /** when read back: the hostname of the device it became, as it is now */
  deviceName?: string | null;
  status: ScanResultStatus;
  reason: string | null;
  deviceId: number | null;
  via: string | null;
  /** identified addresses only: what they did to the inventory */
  deviceChange?: DeviceChange | null;
  durationMs: number;
  at: Date;
}

/** A device an earlier scan of the range identified that a later one did not. */
export interface GoneDevice {
  deviceId: number;
  deviceName: string | null;
  deviceStatus: string;
  lastSeen: Date | null;
  /** where it answered the earlier scan, and what each of those addresses answered the later one (null: not scanned) */
  addresses: Array<{ address: string; now: { status: ScanResultStatus; reason: string | null } | null }>;
}

export interface ChunkRow {
  scanId: number;
  chunkNo: number;
  firstIndex: number;
  size: number;
  status: ChunkStatus;
  attempts: number;
}

const TERMINAL: ScanStatus[] = ['completed', 'failed', 'cancelled'];
/**
 * SQL for each device a scan identified (`device_id`) and what the scan did to it (`k`), the
 * first of new, changed, unchanged that any of its addresses says (one parameter: the scan): a
 * device that answered SNMP at one address and SSH at another is one device, new when the first
 * report created it, however the second one then added to its record.
 */
const DEVICE_CHANGE_OF = `SELECT device_id, ELT(MAX(FIELD(device_change, 'unchanged', 'changed', 'new')), 'unchanged', 'changed', 'new') AS k
  FROM scan_results WHERE scan_id = ? AND device_change IS NOT NULL AND device_id IS NOT NULL GROUP BY device_id`;
/** SQL for `{"new": n, …}`: the scan's devices (not addresses) by DEVICE_CHANGE_OF (one parameter: the scan). */
const DEVICE_COUNTS_JSON = `COALESCE((SELECT JSON_OBJECTAGG(x.k, x.n) FROM (SELECT y.k, COUNT(*) AS n FROM (${DEVICE_CHANGE_OF}) y GROUP BY y.k) x), '{}')`;
/**
 * SET clause that counts a scan's results into its done, found, counts and device_counts
 * columns, in the statement that ends the scan (the scan aliased s; its parameters are
 * countParams(the scan's id)).
 */
const COUNT_RESULTS = `s.done = (SELECT COUNT(*) FROM scan_results r WHERE r.scan_id = s.id),
  s.found = (SELECT COUNT(*) FROM scan_results r WHERE r.scan_id = s.id AND r.status = 'identified'),
  s.counts = ${statusCountsJson('scan_results', 'scan_id')},
  s.device_counts = ${DEVICE_COUNTS_JSON}`;
const countParams = (scanId: number) => [scanId, scanId];
/**
 * The database's time, on which chunk leases are set and checked. UTC, as every time column
 * is kept (the connection writes dates as UTC): NOW(3) follows the server's time zone, whose
 * clock change would stretch or cut the leases of that hour.
 */
const LEASE_NOW = 'UTC_TIMESTAMP(3)';
/** SQL for the end of a lease `ms` (a parameter) from now by LEASE_NOW. */
const leaseFor = (ms: string) => `${LEASE_NOW} + INTERVAL ${ms} * 1000 MICROSECOND`;

/**
 * Each device id as it lives now: itself while it exists, else the device it was merged into
 * (device_merges, which later merges keep pointing at the last survivor); null for a device
 * deleted outright. The devices are read under a shared lock, so a merge in progress on one of
 * them (it holds both devices exclusively until it commits) is waited out, and rows that the
 * caller's transaction writes cannot name a device that a merge is deleting: a merge that starts
 * later waits for this transaction, then moves those rows like any other.
 */
export async function liveDeviceIds(m: EntityManager, ids: number[]): Promise<Map<number, number | null>> {
  const out = new Map<number, number | null>();
  let todo = new Map(ids.map((id) => [id, id]));
  for (let hop = 0; hop < 3 && todo.size; hop++) {
    const candidates = [...new Set(todo.values())].sort((a, b) => a - b);
    const rows: Array<{ id: number }> = await m.query('SELECT id FROM devices WHERE id IN (?) ORDER BY id LOCK IN SHARE MODE', [candidates]);
    const present = new Set(rows.map((r) => Number(r.id)));
    const gone = candidates.filter((id) => !present.has(id));
    const merged: Array<{ mergedId: number; survivorId: number }> = gone.length
      ? await m.query('SELECT merged_id AS mergedId, survivor_id AS survivorId FROM device_merges WHERE merged_id IN (?) LOCK IN SHARE MODE', [gone])
      : [];
    const survivor = new Map(merged.map((r) => [Number(r.mergedId), Number(r.survivorId)]));
    const next = new Map<number, number>();
    for (const [id, now] of todo) {
      if (present.has(now)) out.set(id, now);
      else if (survivor.has(now)) next.set(id, survivor.get(now)!);
      else out.set(id, null);
    }
    todo = next;
  }
  for (const id of todo.keys()) out.set(id, null);
  return out;
}

@Injectable()
export class ScansRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * The scan and its chunks in one transaction: a scan row never exists without its work. A
   * firing that already has its scan gets that one (`existing`), with nothing inserted.
   */
  async insertScan(s: NewScan, chunkSize: number, at: Date): Promise<{ id: number; chunks: number; existing?: boolean }> {
    return this.onceAFiring(s, (id) => ({ id, chunks: 0, existing: true }), () => this.ds.transaction(async (m) => {
      const res = await m.query(
        `INSERT INTO scans (status, targets, exclude, credential_ids, options, range_key, total, done, found, schedule_id, fired_at, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?, ?)`,
        [s.total ? 'queued' : 'completed', JSON.stringify(s.targets), s.exclude?.length ? JSON.stringify(s.exclude) : null, JSON.stringify(s.credentialIds), JSON.stringify(s.options), scanRangeKey(s), s.total, s.scheduleId, s.firedAt ?? null, s.createdBy, at],
      );
      const id = Number(res.insertId);
      const chunks: unknown[][] = [];
      for (let first = 0, no = 0; first < s.total; first += chunkSize, no++) chunks.push([id, no, first, Math.min(chunkSize, s.total - first), 'queued']);
      for (let i = 0; i < chunks.length; i += 1000) {
        const batch = chunks.slice(i, i + 1000);
        await m.query(`INSERT INTO scan_chunks (scan_id, chunk_no, first_index, size, status) VALUES ${batch.map(() => '(?, ?, ?, ?, ?)').join(', ')}`, batch.flat());
      }
      if (!s.total) await m.query('UPDATE scans SET started_at = ?, finished_at = ? WHERE id = ?', [at, at, id]);
      return { id, chunks: chunks.length };
    }));
  }

  /** A scan that could not start (a saved range whose credential is gone, say): ended at once, saying why. */
  async insertFailedScan(s: Omit<NewScan, 'total'>, error: string, at: Date): Promise<number> {
    return this.onceAFiring(s, (id) => id, async () => {
      const res = await this.ds.query(
        `INSERT INTO scans (status, targets, exclude, credential_ids, options, range_key, total, done, found, counts, device_counts, schedule_id, fired_at, created_by, error, created_at, started_at, finished_at)
         VALUES ('failed', ?, ?, ?, ?, ?, 0, 0, 0, '{}', '{}', ?, ?, ?, ?, ?, ?, ?)`,
        [JSON.stringify(s.targets), s.exclude?.length ? JSON.stringify(s.exclude) : null, JSON.stringify(s.credentialIds), JSON.stringify(s.options), scanRangeKey(s), s.scheduleId, s.firedAt ?? null, s.createdBy, error.slice(0, 1024), at, at, at],
      );
      return Number(res.insertId);
    });
  }

  /** `insert`, or — when the saved range's firing already has its scan (the unique key refused it) — `found` of that scan. */
  private async onceAFiring<T>(s: Pick<NewScan, 'scheduleId' | 'firedAt'>, found: (id: number) => T, insert: () => Promise<T>): Promise<T> {
    try {
      return await insert();
    } catch (err) {
      if (!s.scheduleId || !s.firedAt || !isDuplicateKey(err)) throw err;
      const [row] = await this.ds.query('SELECT id FROM scans WHERE schedule_id = ? AND fired_at = ?', [s.scheduleId, s.firedAt]);
      if (!row) throw err;
      return found(Number(row.id));
    }
  }

  /** A scan's status and the firing it answers, or null when it is gone. */
  async firingOf(scanId: number): Promise<{ status: ScanStatus; firedAt: Date | null } | null> {
    const [row] = await this.ds.query('SELECT status, fired_at AS firedAt FROM scans WHERE id = ?', [scanId]);
    return row ? { status: row.status, firedAt: row.firedAt ? new Date(row.firedAt) : null } : null;
  }

  findScan(id: number): Promise<Scan | null> {
    return this.ds.getRepository(Scan).findOneBy({ id });
  }

  listScans(status: ScanStatus | undefined, offset: number, limit: number): Promise<[Scan[], number]> {
    return this.ds.getRepository(Scan).findAndCount({ where: status ? { status } : {}, order: { id: 'DESC' }, skip: offset, take: limit });
  }

  /**
   * A page of the scan's results in address order, as a technician reads a range (ipOrder), host
   * names after, by name. An identified address's deviceChange is what the scan did to its device
   * (DEVICE_CHANGE_OF), over all the addresses it answered at, and `change` filters by that.
   */
  results(scanId: number, filter: { status?: ScanResultStatus; change?: DeviceChange }, offset: number, limit: number): Promise<ResultRow[]> {
    return this.readResults(scanId, filter, '', [], 'LIMIT ? OFFSET ?', [limit, offset]);
  }

  /**
   * The results that come after `after` (an address; null: from the first) in the order results()
   * lists them. A running scan's workers store results while an export reads them: paging by
   * OFFSET repeated a row for each one stored before the page's start; where a page ended does not move.
   */
  async resultsAfter(scanId: number, filter: { status?: ScanResultStatus; change?: DeviceChange }, after: string | null, limit: number): Promise<ResultRow[]> {
    if (after === null) return this.readResults(scanId, filter, '', [], 'LIMIT ?', [limit]);
    // the order is (key IS NULL, key, address), and key is NULL for a host name: a row
    // comparison cannot step past a NULL, so the two cases are spelled out
    const key = ipOrder('address');
    const [{ k }] = await this.ds.query(`SELECT ${ipOrder('?')} AS k`, [after, after, after]);
    return k === null
      ? this.readResults(scanId, filter, `AND ${key} IS NULL AND address > ?`, [after], 'LIMIT ?', [limit])
      : this.readResults(scanId, filter, `AND (${key} IS NULL OR ${key} > ? OR (${key} = ? AND address > ?))`, [k, k, after], 'LIMIT ?', [limit]);
  }

  private async readResults(
    scanId: number, filter: { status?: ScanResultStatus; change?: DeviceChange }, andWhere: string, whereParams: unknown[], limit: string, limitParams: unknown[],
  ): Promise<ResultRow[]> {
    const { where, params } = ScansRepository.resultFilter(scanId, filter);
    const rows = await this.ds.query(
      `SELECT address, status, reason, device_id AS deviceId, via, device_change AS deviceChange, duration_ms AS durationMs, at FROM scan_results
       WHERE ${where} ${andWhere}
       ORDER BY ${ipOrder('address')} IS NULL, ${ipOrder('address')}, address ${limit}`,
      [...params, ...whereParams, ...limitParams],
    );
    const page: ResultRow[] = rows.map((r: ResultRow) => ({ ...r, deviceId: r.deviceId === null ? null : Number(r.deviceId), durationMs: Number(r.durationMs) }));
    // the devices' names as they are now, and what the scan did to each, for the page's rows only
    const ids = [...new Set(page.filter((r) => r.deviceChange).map((r) => r.deviceId).filter((id): id is number => id !== null))];
    const names = new Map<number, string | null>();
    const changes = new Map<number, DeviceChange>();
    if (ids.length) {
      for (const d of await this.ds.query('SELECT id, hostname FROM devices WHERE id IN (?)', [ids])) names.set(Number(d.id), d.hostname);
      for (const c of await this.ds.query(`SELECT y.device_id AS id, y.k FROM (${DEVICE_CHANGE_OF}) y WHERE y.device_id IN (?)`, [scanId, ids])) changes.set(Number(c.id), c.k);
    }
    return page.map((r) => ({
      ...r,
      deviceName: r.deviceId === null ? null : names.get(r.deviceId) ?? null,
      deviceChange: r.deviceChange && r.deviceId !== null ? changes.get(r.deviceId) ?? r.deviceChange : r.deviceChange,
    }));
  }

  /** How many results match the filter (results() pages through them). */
  async countResults(scanId: number, filter: { status?: ScanResultStatus; change?: DeviceChange }): Promise<number> {
    const { where, params } = ScansRepository.resultFilter(scanId, filter);
    const [row] = await this.ds.query(`SELECT COUNT(*) AS n FROM scan_results WHERE ${where}`, params);
    return Number(row.n);
  }

  private static resultFilter(scanId: number, filter: { status?: ScanResultStatus; change?: DeviceChange }): { where: string; params: unknown[] } {
    const where = ['scan_id = ?'];
    const params: unknown[] = [scanId];
    if (filter.status) where.push('status = ?'), params.push(filter.status);
    if (filter.change) {
      where.push(`device_change IS NOT NULL AND device_id IN (SELECT y.device_id FROM (${DEVICE_CHANGE_OF}) y WHERE y.k = ?)`);
      params.push(scanId, filter.change);
    }
    return { where: where.join(' AND '), params };
  }

  /** Credentials' names and kinds by id (a deleted one is absent); never a secret column. */
  async credentialNames(ids: number[]): Promise<Map<number, { name: string; kind: CredentialKind }>> {
    if (!ids.length) return new Map();
    const rows: Array<{ id: number; name: string; kind: CredentialKind }> = await this.ds.query('SELECT id, name, kind FROM credentials WHERE id IN (?)', [[...new Set(ids)]]);
    return new Map(rows.map((r) => [Number(r.id), { name: r.name, kind: r.kind }]));
  }

  /** Saved ranges' names by id (a deleted one is absent). */
  async scheduleNames(ids: number[]): Promise<Map<number, string>> {
    if (!ids.length) return new Map();
    const rows: Array<{ id: number; name: string }> = await this.ds.query('SELECT id, name FROM scan_schedules WHERE id IN (?)', [[...new Set(ids)]]);
    return new Map(rows.map((r) => [Number(r.id), r.name]));
  }

  async countsByStatus(scanId: number): Promise<Partial<Record<ScanResultStatus, number>>> {
    const rows: Array<{ status: ScanResultStatus; n: string }> = await this.ds.query('SELECT status, COUNT(*) AS n FROM scan_results WHERE scan_id = ? GROUP BY status', [scanId]);
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  /** The scan's devices by what it did to them (DEVICE_CHANGE_OF): a device found at several addresses counts once. */
  async countsByChange(scanId: number): Promise<Partial<Record<DeviceChange, number>>> {
    const rows: Array<{ k: DeviceChange; n: string }> = await this.ds.query(`SELECT y.k, COUNT(*) AS n FROM (${DEVICE_CHANGE_OF}) y GROUP BY y.k`, [scanId]);
    return Object.fromEntries(rows.map((r) => [r.k, Number(r.n)]));
  }

  /**
   * The completed scan before this one over the same range (scanRangeKey: the same targets and
   * exclusions, in any order, with the same credentials and SNMP and SSH ports), whoever started
   * it; null when there is none. A scan that could not log in where this one can
   * (or the other way round) would count as gone every device only the missing credential finds.
   */
  async previousOfRange(scanId: number): Promise<number | null> {
    const [row] = await this.ds.query(
      `SELECT p.id FROM scans s JOIN scans p ON p.range_key = s.range_key AND p.status = 'completed' AND p.id < s.id
       WHERE s.id = ? ORDER BY p.id DESC LIMIT 1`,
      [scanId],
    );
    return row ? Number(row.id) : null;
  }

  /** The device's hostname (null when it has none), or undefined when there is no such device. */
  async deviceName(deviceId: number): Promise<string | null | undefined> {
    const [d] = await this.ds.query('SELECT hostname FROM devices WHERE id = ?', [deviceId]);
    return d ? d.hostname ?? null : undefined;
  }

  /** Whether SNMP or SSH ever saw the device (a scan or an inventory refresh), whatever scans are still kept. */
  async seenOverSnmpOrSsh(deviceId: number): Promise<boolean> {
    const [row] = await this.ds.query(`SELECT 1 AS seen FROM device_sources WHERE device_id = ? AND kind IN ('snmp', 'ssh') LIMIT 1`, [deviceId]);
    return !!row;
  }

  /**
   * The latest scan that identified the device, with the addresses it identified it at there
   * (a machine can answer SNMP at one and SSH at another); null when no scan ever has.
   */
  async lastIdentified(deviceId: number): Promise<{ scan: Scan; addresses: string[] } | null> {
    // scan ids grow with time: the device_id index (its rows in scan_id order) finds the last at once
    const [named] = await this.ds.query(`SELECT scan_id AS id FROM scan_results WHERE device_id = ? AND status = 'identified' ORDER BY scan_id DESC LIMIT 1`, [deviceId]);
    // Where SNMP identified the device and SSH another machine at the same address, the result
    // names SSH's device. The address SNMP last reached this device at is this device's alone
    // for SNMP (touchSource): the last scan whose SNMP identified something there found it.
    // Through the scans, so that each is one primary-key lookup of scan_results.
    const [beside] = await this.ds.query(
      `SELECT sc.id, s.address FROM device_sources s
       JOIN scans sc
       JOIN scan_results r ON r.scan_id = sc.id AND r.address = s.address
       WHERE s.device_id = ? AND s.kind = 'snmp' AND s.address IS NOT NULL
         AND r.status = 'identified' AND r.via = 'snmp+ssh' AND r.device_id <> s.device_id
       ORDER BY sc.id DESC LIMIT 1`,
      [deviceId],
    );
    const id = Math.max(named ? Number(named.id) : 0, beside ? Number(beside.id) : 0);
    if (!id) return null;
    const scan = await this.findScan(id);
    if (!scan) return null;
    const rows: Array<{ address: string }> = await this.ds.query(
      `SELECT address FROM scan_results WHERE scan_id = ? AND (device_id = ? OR address = ?) AND status = 'identified' ORDER BY ${ipOrder('address')}`,
      [scan.id, deviceId, beside && Number(beside.id) === id ? beside.address : null],
    );
    return { scan, addresses: rows.map((r) => r.address) };
  }

  /** SQL (two parameters: the earlier scan, then the later one) for devices the earlier scan identified, the later did not, and still kept. */
  private static readonly GONE = `FROM scan_results p JOIN devices d ON d.id = p.device_id
    WHERE p.scan_id = ? AND p.status = 'identified'
      AND NOT EXISTS (SELECT 1 FROM scan_results c WHERE c.scan_id = ? AND c.device_id = p.device_id)`;

  async goneCount(earlier: number, later: number): Promise<number> {
    const [row] = await this.ds.query(`SELECT COUNT(DISTINCT p.device_id) AS n ${ScansRepository.GONE}`, [earlier, later]);
    return Number(row.n);
  }

  /** A page of those devices by hostname, each with the addresses it answered at then and what they answered now. */
  async gone(earlier: number, later: number, offset: number, limit: number): Promise<GoneDevice[]> {
    const page: Array<{ id: string; hostname: string | null; status: string; lastSeen: Date | null }> = await this.ds.query(
      `SELECT d.id, d.hostname, d.status, d.last_seen AS lastSeen ${ScansRepository.GONE}
       GROUP BY d.id ORDER BY d.hostname IS NULL, d.hostname, d.id LIMIT ? OFFSET ?`,
      [earlier, later, limit, offset],
    );
    if (!page.length) return [];
    const ids = page.map((d) => Number(d.id));
    const rows: Array<{ deviceId: string; address: string; status: ScanResultStatus | null; reason: string | null }> = await this.ds.query(
      `SELECT p.device_id AS deviceId, p.address, c.status, c.reason FROM scan_results p
       LEFT JOIN scan_results c ON c.scan_id = ? AND c.address = p.address
       WHERE p.scan_id = ? AND p.status = 'identified' AND p.device_id IN (?)
       ORDER BY ${ipOrder('p.address')} IS NULL, ${ipOrder('p.address')}, p.address`,
      [later, earlier, ids],
    );
    return page.map((d) => ({
      deviceId: Number(d.id), deviceName: d.hostname, deviceStatus: d.status, lastSeen: d.lastSeen,
      addresses: rows.filter((r) => Number(r.deviceId) === Number(d.id)).map((r) => ({ address: r.address, now: r.status ? { status: r.status, reason: r.reason } : null })),
    }));
  }

  /**
   * Claims a chunk that is queued, or running under a lease that has run out, for `leaseMs`.
   * Leases are set and checked by the database's clock alone (LEASE_NOW): the workers' and the
   * reconciler's clocks may disagree, and a slow one would hand a live chunk to a second worker.
   */
  async claimChunk(scanId: number, chunkNo: number, owner: string, leaseMs: number): Promise<ChunkRow | null> {
    // one transaction: a claim whose read fails is undone, where it held the lease a minute
    // while its worker, which never learnt it had the chunk, could neither work nor give it back
    return this.ds.transaction(async (m) => {
      const res = await m.query(
        `UPDATE scan_chunks SET status = 'running', lease_owner = ?, lease_until = ${leaseFor('?')}, attempts = attempts + 1
         WHERE scan_id = ? AND chunk_no = ? AND (status = 'queued' OR (status = 'running' AND lease_until < ${LEASE_NOW}))`,
        [owner, leaseMs, scanId, chunkNo],
      );
      if (!affected(res)) return null;
      const [row] = await m.query(
        'SELECT scan_id AS scanId, chunk_no AS chunkNo, first_index AS firstIndex, size, status, attempts FROM scan_chunks WHERE scan_id = ? AND chunk_no = ?',
        [scanId, chunkNo],
      );
      return row ? { ...row, scanId: Number(row.scanId), chunkNo: Number(row.chunkNo), firstIndex: Number(row.firstIndex), size: Number(row.size), attempts: Number(row.attempts) } : null;
    });
  }

  /**
   * Gives back a chunk this owner holds, at once: queued again for the next claim (its attempts
   * kept), or cancelled when its scan has ended meanwhile. What it is now ('queued', 'cancelled',
   * or 'running' when another worker has claimed it since), or null when this owner no longer
   * held it (its lease ran out and another worker took it): then nothing changed.
   */
  async releaseChunk(scanId: number, chunkNo: number, owner: string): Promise<ChunkStatus | null> {
    const res = await this.ds.query(
      `UPDATE scan_chunks c JOIN scans s ON s.id = c.scan_id
       SET c.status = IF(s.status IN ('queued', 'running'), 'queued', 'cancelled'), c.lease_owner = NULL, c.lease_until = NULL
       WHERE c.scan_id = ? AND c.chunk_no = ? AND c.lease_owner = ? AND c.status = 'running'`,
      [scanId, chunkNo, owner],
    );
    if (!affected(res)) return null;
    const [row] = await this.ds.query('SELECT status FROM scan_chunks WHERE scan_id = ? AND chunk_no = ?', [scanId, chunkNo]);
    return row?.status ?? null;
  }

  /** False when the lease was lost (expired and taken by another worker): stop working on it. */
  async renewLease(scanId: number, chunkNo: number, owner: string, leaseMs: number): Promise<boolean> {
    const res = await this.ds.query(
      `UPDATE scan_chunks SET lease_until = ${leaseFor('?')} WHERE scan_id = ? AND chunk_no = ? AND lease_owner = ? AND status = 'running'`,
      [leaseMs, scanId, chunkNo, owner],
    );
    return affected(res) > 0;
  }

  async finishChunk(scanId: number, chunkNo: number, owner: string, status: 'done' | 'cancelled'): Promise<void> {
    await this.ds.query(
      `UPDATE scan_chunks SET status = ?, lease_owner = NULL, lease_until = NULL WHERE scan_id = ? AND chunk_no = ? AND lease_owner = ? AND status = 'running'`,
      [status, scanId, chunkNo, owner],
    );
  }

  async markRunning(scanId: number, at: Date): Promise<void> {
    await this.ds.query(`UPDATE scans SET status = 'running', started_at = COALESCE(started_at, ?) WHERE id = ? AND status = 'queued'`, [at, scanId]);
  }

  async scanStatus(scanId: number): Promise<ScanStatus | null> {
    const [row] = await this.ds.query('SELECT status FROM scans WHERE id = ?', [scanId]);
    return row?.status ?? null;
  }

  async addressesDone(scanId: number, addresses: string[]): Promise<Set<string>> {
    const done = new Set<string>();
    for (let i = 0; i < addresses.length; i += 1000) {
      const batch = addresses.slice(i, i + 1000);
      const rows: Array<{ address: string }> = await this.ds.query(
        `SELECT address FROM scan_results WHERE scan_id = ? AND address IN (${batch.map(() => '?').join(', ')})`,
        [scanId, ...batch],
      );
      for (const r of rows) done.add(r.address);
    }
    return done;
  }

  /**
   * Results land idempotently (a chunk redone after a crash rewrites its rows); they are counted as
   * the scan ends. `keep`: an address that already has a result keeps it (addresses given up as
   * errors must not overwrite what a worker found there meanwhile).
   */
  async saveResults(scanId: number, rows: ResultRow[], existing: 'replace' | 'keep' = 'replace'): Promise<void> {
    if (!rows.length) return;
    const update = existing === 'keep' ? 'address = address' : `status = VALUES(status), reason = VALUES(reason), device_id = VALUES(device_id),
         via = VALUES(via), device_change = VALUES(device_change), duration_ms = VALUES(duration_ms), at = VALUES(at)`;
    const ids = [...new Set(rows.map((r) => r.deviceId).filter((id): id is number => id !== null))];
    if (!ids.length) return this.insertResults(this.ds.manager, scanId, rows, update);
    // a device merged away since its address was identified: the result names the survivor
    await this.ds.transaction(async (m) => {
      const live = await liveDeviceIds(m, ids);
      await this.insertResults(m, scanId, rows.map((r) => (r.deviceId === null ? r : { ...r, deviceId: live.get(r.deviceId) ?? null })), update);
    });
  }

  private async insertResults(m: EntityManager, scanId: number, rows: ResultRow[], update: string): Promise<void> {
    await m.query(
      `INSERT INTO scan_results (scan_id, address, status, reason, device_id, via, device_change, duration_ms, at) VALUES
       ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
       ON DUPLICATE KEY UPDATE ${update}`,
      rows.flatMap((r) => [scanId, r.address, r.status, r.reason?.slice(0, 1024) ?? null, r.deviceId, r.via, r.deviceChange ?? null, Math.min(r.durationMs, 4_000_000_000), r.at]),
    );
  }

  /** Counts an ended scan's results again (COUNT_RESULTS): for results stored after it ended. */
  async recount(scanId: number): Promise<void> {
    await this.ds.query(`UPDATE scans s SET ${COUNT_RESULTS} WHERE s.id = ?`, [...countParams(scanId), scanId]);
  }

  /**
   * Deletes the scans that finished before `before`, oldest first, 200 ids at a time, with their
   * results and chunks, except each saved range's latest scan. A scan's results go in batches
   * first (a /16 holds 65,536), so that no statement holds locks for long.
   */
  async pruneFinished(before: Date): Promise<{ scans: number; results: number }> {
    const total = { scans: 0, results: 0 };
    for (;;) {
      const ids: Array<{ id: string }> = await this.ds.query(
        `SELECT id FROM scans WHERE status IN (?) AND finished_at < ?
           AND id NOT IN (SELECT last_scan_id FROM scan_schedules WHERE last_scan_id IS NOT NULL)
         ORDER BY id LIMIT 200`,
        [TERMINAL, before],
      );
      for (const { id } of ids) {
        total.results += await deleteInBatches(this.ds, 'DELETE FROM scan_results WHERE scan_id = ? LIMIT ?', [id], 5000);
        await this.ds.query('DELETE FROM scans WHERE id = ?', [id]);
      }
      total.scans += ids.length;
      if (ids.length < 200) return total;
    }
  }

  /** Completes a running scan once no chunk is left, its counters counted in the same statement; true when this call completed it. */
  async completeIfDone(scanId: number, at: Date): Promise<boolean> {
    const res = await this.ds.query(
      `UPDATE scans s SET s.status = 'completed', s.finished_at = ?, ${COUNT_RESULTS}
       WHERE s.id = ? AND s.status IN ('queued', 'running')
         AND NOT EXISTS (SELECT 1 FROM scan_chunks c WHERE c.scan_id = ? AND c.status IN ('queued', 'running'))`,
      [at, ...countParams(scanId), scanId, scanId],
    );
    return affected(res) > 0;
  }

  async failScan(scanId: number, error: string, at: Date): Promise<void> {
    await this.ds.transaction(async (m) => {
      await m.query(`UPDATE scans s SET s.status = 'failed', s.error = ?, s.finished_at = ?, ${COUNT_RESULTS} WHERE s.id = ? AND s.status IN ('queued', 'running')`, [error.slice(0, 1024), at, ...countParams(scanId), scanId]);
      await m.query(`UPDATE scan_chunks SET status = 'cancelled' WHERE scan_id = ? AND status = 'queued'`, [scanId]);
    });
  }

  /** Cancels a scan that has not finished: queued chunks never start, running ones stop at their next check. */
  async cancel(scanId: number, at: Date): Promise<boolean> {
    return this.ds.transaction(async (m) => {
      const res = await m.query(`UPDATE scans s SET s.status = 'cancelled', s.finished_at = ?, ${COUNT_RESULTS} WHERE s.id = ? AND s.status IN ('queued', 'running')`, [at, ...countParams(scanId), scanId]);
      if (!affected(res)) return false;
      await m.query(`UPDATE scan_chunks SET status = 'cancelled' WHERE scan_id = ? AND status = 'queued'`, [scanId]);
      return true;
    });
  }

  /**
   * Chunks whose work no worker holds: queued ones (their queue job may be gone with Redis) and
   * running ones whose lease ran out (their worker died), by the database's clock as it set
   * them. Both go (back) to queued.
   */
  async orphanedChunks(queuedBefore: Date, limit = 5000): Promise<Array<{ scanId: number; chunkNo: number; attempts: number }>> {
    await this.ds.query(
      `UPDATE scan_chunks c JOIN scans s ON s.id = c.scan_id
       SET c.status = 'queued', c.lease_owner = NULL, c.lease_until = NULL
       WHERE c.status = 'running' AND c.lease_until < ${LEASE_NOW} AND s.status IN ('queued', 'running')`,
    );
    const rows = await this.ds.query(
      `SELECT c.scan_id AS scanId, c.chunk_no AS chunkNo, c.attempts FROM scan_chunks c JOIN scans s ON s.id = c.scan_id
       WHERE c.status = 'queued' AND s.status IN ('queued', 'running') AND s.created_at < ? ORDER BY c.scan_id, c.chunk_no LIMIT ?`,
      [queuedBefore, limit],
    );
    return rows.map((r: Record<string, unknown>) => ({ scanId: Number(r.scanId), chunkNo: Number(r.chunkNo), attempts: Number(r.attempts) }));
  }

  /** Scans whose chunks are all finished but that a crash left open. */
  async unfinishedScans(): Promise<number[]> {
    const rows = await this.ds.query(
      `SELECT s.id FROM scans s WHERE s.status IN ('queued', 'running')
         AND NOT EXISTS (SELECT 1 FROM scan_chunks c WHERE c.scan_id = s.id AND c.status IN ('queued', 'running'))`,
    );
    return rows.map((r: { id: number }) => Number(r.id));
  }

  /** address → protocol → the credential that last worked for the device holding that address. */
  async rememberedCredentials(addresses: string[]): Promise<Map<string, Map<string, number>>> {
    const out = new Map<string, Map<string, number>>();
    for (let i = 0; i < addresses.length; i += 1000) {
      const batch = addresses.slice(i, i + 1000);
      const rows: Array<{ ip: string; protocol: string; credentialId: number }> = await this.ds.query(
        `SELECT a.ip, dc.protocol, dc.credential_id AS credentialId FROM device_addresses a
         JOIN device_credentials dc ON dc.device_id = a.device_id WHERE a.ip IN (${batch.map(() => '?').join(', ')})`,
        batch,
      );
      for (const r of rows) {
        if (!out.has(r.ip)) out.set(r.ip, new Map());
        out.get(r.ip)!.set(r.protocol, Number(r.credentialId));
      }
    }
    return out;
  }

  /** Addresses at which scans identified the device, the latest scan's first. */
  async identifiedAddresses(deviceId: number, limit = 16): Promise<string[]> {
    const rows: Array<{ address: string }> = await this.ds.query(
      `SELECT address FROM scan_results WHERE device_id = ? AND status = 'identified' GROUP BY address ORDER BY MAX(scan_id) DESC LIMIT ?`,
      [deviceId, limit],
    );
    return rows.map((r) => r.address);
  }

  async rememberedCredential(deviceId: number, protocol: 'snmp' | 'ssh'): Promise<number | null> {
    const [r] = await this.ds.query('SELECT credential_id AS id FROM device_credentials WHERE device_id = ? AND protocol = ?', [deviceId, protocol]);
    return r ? Number(r.id) : null;
  }

  /**
   * After a scan identified the device: the credentials that worked on it, and `also` (the host
   * key's link), written in one transaction on the device as it lives now (liveDeviceIds). The
   * device a merge took away since ingest matched it is its survivor's; a merge in progress is
   * waited out. Returns that device's id, null when it was deleted.
   */
  async rememberIdentified(deviceId: number, worked: { snmp?: number; ssh?: number }, at: Date, also?: (m: EntityManager, liveId: number) => Promise<void>): Promise<number | null> {
    return this.ds.transaction(async (m) => {
      const live = (await liveDeviceIds(m, [deviceId])).get(deviceId) ?? null;
      if (live === null) return null;
      if (worked.snmp) await this.rememberCredential(m, live, 'snmp', worked.snmp, at);
      if (worked.ssh) await this.rememberCredential(m, live, 'ssh', worked.ssh, at);
      await also?.(m, live);
      return live;
    });
  }

  private async rememberCredential(m: EntityManager, deviceId: number, protocol: 'snmp' | 'ssh', credentialId: number, at: Date): Promise<void> {
    await m.query(
      `INSERT INTO device_credentials (device_id, protocol, credential_id, last_ok_at) VALUES (?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE credential_id = VALUES(credential_id), last_ok_at = VALUES(last_ok_at)`,
      [deviceId, protocol, credentialId, at],
    );
  }

  // saved ranges

  listSchedules(offset: number, limit: number): Promise<[ScanSchedule[], number]> {
    return this.ds.getRepository(ScanSchedule).findAndCount({ order: { name: 'ASC' }, skip: offset, take: limit });
  }

  findSchedule(id: number): Promise<ScanSchedule | null> {
    return this.ds.getRepository(ScanSchedule).findOneBy({ id });
  }

  async insertSchedule(s: Omit<ScanSchedule, 'id'>): Promise<number> {
    const res = await this.ds.getRepository(ScanSchedule).insert(s);
    return Number(res.identifiers[0].id);
  }

  async updateSchedule(id: number, patch: Partial<ScanSchedule>): Promise<void> {
    await this.ds.getRepository(ScanSchedule).update({ id }, patch);
  }

  async deleteSchedule(id: number): Promise<boolean> {
    const res = await this.ds.getRepository(ScanSchedule).delete({ id });
    return (res.affected ?? 0) > 0;
  }

  dueSchedules(now: Date, limit = 100): Promise<ScanSchedule[]> {
    return this.ds.getRepository(ScanSchedule).createQueryBuilder('s').where('s.enabled = 1 AND s.next_run_at <= :now', { now }).orderBy('s.next_run_at').limit(limit).getMany();
  }

  /**
   * Counts a saved range's firing against its last scan when that scan is still queued or
   * running: false when it has ended (then the firing starts a scan as usual).
   */
  async skipFiringFor(scanId: number): Promise<boolean> {
    const res = await this.ds.query("UPDATE scans SET skipped_firings = skipped_firings + 1 WHERE id = ? AND status IN ('queued', 'running')", [scanId]);
    return affected(res) > 0;
  }

  /** Moves a schedule to its next firing only if nobody else did: the caller that wins starts the scan. */
  async claimFiring(id: number, expected: Date, next: Date | null, m?: EntityManager): Promise<boolean> {
    const res = await (m ?? this.ds).query('UPDATE scan_schedules SET next_run_at = ? WHERE id = ? AND next_run_at = ?', [next, id, expected]);
    return affected(res) > 0;
  }
}

/** Rows an UPDATE or INSERT changed (mysql2's result header, as TypeORM's query() returns it). */
function affected(res: unknown): number {
  return Number((res as { affectedRows?: number }).affectedRows ?? 0);
}

export { TERMINAL };
