// devices/: every query on devices and their addresses, tags, sources, hardware, interfaces
// and history. The list is the hot path: ids are chosen first (filters, sort, page) with
// an index-friendly query, then only those rows are loaded.
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { likeContains, likePrefix, SortSpec } from '../common/pagination';
import { databaseNow } from '../database/now';
import { DeviceAddress } from './device-address.entity';
import { DeviceNeighbour } from './device-neighbour.entity';
import { DeviceSource, SourceKind } from './device-source.entity';
import { DeviceTag } from './device-tag.entity';
import { Device, DeviceStatus, UNKNOWN_OS_FAMILY } from './device.entity';
import { HardwareComponent } from './hardware-component.entity';
import { HistoryEntry } from './history-entry.entity';
import { NetworkInterface } from './network-interface.entity';

export interface DeviceFilter {
  q?: string;
  type?: string;
  platform?: string;
  osFamily?: string;
  vendor?: string;
  tag?: string;
  location?: string;
  softwareId?: number;
  /** with softwareId: that title at this version exactly ('' is installed without a version) */
  softwareVersion?: string;
  status?: DeviceStatus | 'all';
  lastSeenBefore?: Date;
  lastSeenAfter?: Date;
}

export type ExportRow = Device & { macs: string | null; tags: string | null };

export type NeighbourRow = Omit<DeviceNeighbour, 'id' | 'deviceId' | 'device'> & { remoteDeviceId: number | null };

export interface DeviceRow extends Device {
  tagList: string[];
  addressList: Array<Pick<DeviceAddress, 'ip' | 'mac' | 'interfaceName'>>;
  sourceList: Array<Pick<DeviceSource, 'kind' | 'firstSeen' | 'lastSeen' | 'address'>>;
}

/**
 * A device list as SQL: `from` (with its own parameters) and `where`. A text search becomes a
 * derived table of matching ids, each branch an index range (prefixes of hostname, FQDN,
 * serial, model, IP and MAC) or the small software catalogue, so that it never scans
 * every device row.
 */
export interface DeviceSql {
  from: string;
  fromParams: unknown[];
  where: string;
  whereParams: unknown[];
  /** Only the default "not retired" condition: the total can be counted without a scan. */
  plain: boolean;
}

/** Turns `aa-bb-cc…`, `aabb.cc…` or `AABBCC…` into the stored `aa:bb:cc…` form, for MAC searches. */
export function normalizeMacQuery(q: string): string | null {
  const hex = q.replace(/[:.\-]/g, '').toLowerCase();
  if (!/^[0-9a-f]{4,12}$/.test(hex) || hex.length % 2 !== 0) return null;
  return hex.match(/../g)!.join(':');
}

/**
 * Live devices with the serial, or into which a technician merged a device that had it
 * (device_merges.serial): ingest's match by serial and the CSV import's, at most `limit`.
 */
export async function devicesWithSerial(q: DataSource | EntityManager, serial: string, limit?: number): Promise<number[]> {
  const rows = await q.query(
    `SELECT id FROM devices WHERE serial = ? AND status <> 'retired'
     UNION SELECT d.id FROM device_merges dm JOIN devices d ON d.id = dm.survivor_id WHERE dm.serial = ? AND d.status <> 'retired'
     ORDER BY id${limit === undefined ? '' : ` LIMIT ${Math.floor(limit)}`}`,
    [serial, serial],
  );
  return rows.map((r: { id: number }) => Number(r.id));
}

/** The device a merged (deleted) device lives on as now (later merges keep device_merges current), or null when it was not merged. */
export async function survivorOf(q: DataSource | EntityManager, deviceId: number): Promise<number | null> {
  const [r] = await q.query('SELECT survivor_id AS id FROM device_merges WHERE merged_id = ?', [deviceId]);
  return r ? Number(r.id) : null;
}

export function deviceSql(f: DeviceFilter): DeviceSql {
  const parts: string[] = [];
  const whereParams: unknown[] = [];
  if (!f.status) parts.push(`d.status <> 'retired'`);
  else if (f.status !== 'all') (parts.push('d.status = ?'), whereParams.push(f.status));
  const osFamily = f.osFamily === UNKNOWN_OS_FAMILY ? undefined : f.osFamily;
  if (f.osFamily === UNKNOWN_OS_FAMILY) parts.push(`(d.os_family IS NULL OR d.os_family = '')`);
  for (const [col, value] of [['d.type', f.type], ['d.platform', f.platform], ['d.os_family', osFamily], ['d.vendor', f.vendor], ['d.location', f.location]] as const) {
    if (value !== undefined) (parts.push(`${col} = ?`), whereParams.push(value));
  }
  if (f.tag !== undefined) (parts.push('d.id IN (SELECT t.device_id FROM device_tags t WHERE t.tag = ?)'), whereParams.push(f.tag));
  // one title exactly, by the (software_id, device_id) index: "show in device list" of a title
  // (its name as a search matched every title containing it, and none under three characters);
  // at one version by the (software_id, version) index, as the title's page lists its devices
  if (f.softwareId !== undefined) {
    if (f.softwareVersion === undefined) (parts.push('d.id IN (SELECT i.device_id FROM installed_software i WHERE i.software_id = ?)'), whereParams.push(f.softwareId));
    else (parts.push('d.id IN (SELECT i.device_id FROM installed_software i WHERE i.software_id = ? AND i.version = ?)'), whereParams.push(f.softwareId, f.softwareVersion));
  }
  if (f.lastSeenBefore) (parts.push('d.last_seen < ?'), whereParams.push(f.lastSeenBefore));
  if (f.lastSeenAfter) (parts.push('d.last_seen >= ?'), whereParams.push(f.lastSeenAfter));
  const where = parts.join(' AND ') || '1=1';
  const q = f.q?.trim();
  if (!q) return { from: 'devices d', fromParams: [], where, whereParams, plain: !f.status && parts.length === 1 };
  const prefix = likePrefix(q);
  const branches = ['hostname', 'fqdn', 'serial', 'model'].map((c) => `SELECT id FROM devices WHERE ${c} LIKE ?`);
  const fromParams: unknown[] = [prefix, prefix, prefix, prefix];
  // address branches only for text that can begin an IP or MAC address
  if (/^[0-9a-f.:\-]+$/i.test(q)) {
    branches.push('SELECT id FROM devices WHERE primary_ip LIKE ?', 'SELECT device_id FROM device_addresses WHERE ip LIKE ?');
    fromParams.push(prefix, prefix);
    const mac = normalizeMacQuery(q);
    if (mac || /^[0-9a-f:]+$/i.test(q)) (branches.push('SELECT device_id FROM device_addresses WHERE mac LIKE ?'), fromParams.push(likePrefix(mac ?? q.toLowerCase())));
  }
  // any part of a software title, from three characters: one or two (the search box's first
  // keystrokes) match most titles, and the join then reads nearly every install (15 million
  // rows at 100,000 devices), twice a request
  if (q.length >= SOFTWARE_QUERY_MIN) {
    branches.push('SELECT i.device_id FROM software s JOIN installed_software i ON i.software_id = s.id WHERE s.normalized_name LIKE ?');
    fromParams.push(likeContains(q.toLowerCase()));
  }
  return { from: `(${branches.join(' UNION ')}) m JOIN devices d ON d.id = m.id`, fromParams, where, whereParams, plain: false };
}

/** characters of `q` before it searches installed software titles too */
export const SOFTWARE_QUERY_MIN = 3;

const DEVICE_COLUMNS = `d.id, d.hostname, d.fqdn, d.type, d.platform, d.vendor, d.model, d.serial, d.os_family AS osFamily,
  d.os_name AS osName, d.os_version AS osVersion, d.status, d.location, d.assigned_to AS assignedTo, d.notes,
  d.primary_ip AS primaryIp, d.first_seen AS firstSeen, d.last_seen AS lastSeen, d.retired_at AS retiredAt,
  d.created_at AS createdAt, d.updated_at AS updatedAt`;

@Injectable()
export class DevicesRepository {
  constructor(private readonly ds: DataSource) {}

  /** Adds `delta` (1 or -1) to the device count of each title the device has (retiring it, or bringing it back). */
  async countTitlesOf(m: EntityManager, deviceId: number, delta: 1 | -1): Promise<void> {
    await m.query(
      `UPDATE software s JOIN (SELECT DISTINCT software_id FROM installed_software WHERE device_id = ?) t ON t.software_id = s.id
       SET s.device_count = ${delta > 0 ? 's.device_count + 1' : 'GREATEST(s.device_count, 1) - 1'}`,
      [deviceId],
    );
  }

  /** Tags in use and how many devices carry each, most used first (by the (tag, device_id) index). */
  async tagCounts(prefix: string | undefined, limit: number): Promise<Array<{ tag: string; devices: number }>> {
    const where = prefix ? 'WHERE tag LIKE ?' : '';
    const rows: Array<{ tag: string; n: string | number }> = await this.ds.query(
      `SELECT tag, COUNT(*) AS n FROM device_tags ${where} GROUP BY tag ORDER BY n DESC, tag LIMIT ?`, prefix ? [likePrefix(prefix), limit] : [limit]);
    return rows.map((r) => ({ tag: r.tag, devices: Number(r.n) }));
  }

  /** One page of ids in order, and the total, for a filter. */
  async pageIds(f: DeviceFilter, sort: SortSpec, offset: number, limit: number): Promise<{ ids: number[]; total: number }> {
    const q = deviceSql(f);
    const [rows, total] = await Promise.all([
      this.ds.query(
        `SELECT d.id FROM ${q.from} WHERE ${q.where} ORDER BY ${sort.column} ${sort.direction}, d.id ${sort.direction} LIMIT ? OFFSET ?`,
        [...q.fromParams, ...q.whereParams, limit, offset],
      ),
      this.count(q),
    ]);
    return { ids: rows.map((r: { id: number }) => Number(r.id)), total };
  }

  private async count(q: DeviceSql): Promise<number> {
    if (q.plain) {
      // the default list is every device but the retired ones: two index-only counts, no range scan
      const rows = await this.ds.query(`SELECT (SELECT COUNT(*) FROM devices) - (SELECT COUNT(*) FROM devices WHERE status = 'retired') AS n`);
      return Number(rows[0].n);
    }
    // a search counts from its set of matches rather than probing that set for every device
    const from = q.from.replace(') m JOIN devices d', ') m STRAIGHT_JOIN devices d');
    const rows = await this.ds.query(`SELECT COUNT(*) AS n FROM ${from} WHERE ${q.where}`, [...q.fromParams, ...q.whereParams]);
    return Number(rows[0].n);
  }

  /**
   * The CSV export's rows, streamed from one query on one connection: tags and MACs come
   * along as GROUP_CONCATs, so memory stays flat however many devices match.
   */
  async *streamExport(f: DeviceFilter, sort: SortSpec): AsyncGenerator<ExportRow> {
    const q = deviceSql(f);
    const runner = this.ds.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SET SESSION group_concat_max_len = 1048576');
      const stream = await runner.stream(
        `SELECT ${DEVICE_COLUMNS},
           (SELECT GROUP_CONCAT(DISTINCT a.mac ORDER BY a.mac SEPARATOR ';') FROM device_addresses a WHERE a.device_id = d.id) AS macs,
           (SELECT GROUP_CONCAT(t.tag ORDER BY t.tag SEPARATOR ';') FROM device_tags t WHERE t.device_id = d.id) AS tags
         FROM ${q.from} WHERE ${q.where} ORDER BY ${sort.column} ${sort.direction}, d.id ${sort.direction}`,
        [...q.fromParams, ...q.whereParams],
      );
      for await (const row of stream) yield row as ExportRow;
    } finally {
      await runner.release();
    }
  }

  /** Devices with their tags, addresses and sources, in the order of `ids`. */
  async loadRows(ids: number[]): Promise<DeviceRow[]> {
    if (!ids.length) return [];
    const [devices, tags, addresses, sources] = await Promise.all([
      this.ds.query(`SELECT ${DEVICE_COLUMNS} FROM devices d WHERE d.id IN (?)`, [ids]),
      this.ds.query('SELECT device_id AS deviceId, tag FROM device_tags WHERE device_id IN (?) ORDER BY tag', [ids]),
      this.ds.query('SELECT device_id AS deviceId, ip, mac, interface_name AS interfaceName FROM device_addresses WHERE device_id IN (?) ORDER BY id', [ids]),
      this.ds.query('SELECT device_id AS deviceId, kind, first_seen AS firstSeen, last_seen AS lastSeen, address FROM device_sources WHERE device_id IN (?) ORDER BY kind', [ids]),
    ]);
    const byId = new Map<number, DeviceRow>();
    for (const d of devices) byId.set(Number(d.id), { ...d, id: Number(d.id), tagList: [], addressList: [], sourceList: [] });
    for (const t of tags) byId.get(Number(t.deviceId))?.tagList.push(t.tag);
    for (const a of addresses) byId.get(Number(a.deviceId))?.addressList.push({ ip: a.ip, mac: a.mac, interfaceName: a.interfaceName });
    for (const s of sources) byId.get(Number(s.deviceId))?.sourceList.push({ kind: s.kind, firstSeen: s.firstSeen, lastSeen: s.lastSeen, address: s.address });
    return ids.map((id) => byId.get(id)).filter((d): d is DeviceRow => !!d);
  }

  async findRow(id: number): Promise<DeviceRow | null> {
    return (await this.loadRows([id]))[0] ?? null;
  }

  findHardware(deviceId: number): Promise<HardwareComponent[]> {
    return this.ds.getRepository(HardwareComponent).find({ where: { deviceId }, order: { kind: 'ASC', id: 'ASC' } });
  }

  findInterfaces(deviceId: number): Promise<NetworkInterface[]> {
    return this.ds.getRepository(NetworkInterface).find({ where: { deviceId }, order: { ifIndex: 'ASC', name: 'ASC' } });
  }

  /** Ids of the devices marked as different machines from this one. */
  async distinctFrom(deviceId: number): Promise<number[]> {
    const rows = await this.ds.query(
      'SELECT other_id AS id FROM device_distinct_pairs WHERE device_id = ? UNION SELECT device_id FROM device_distinct_pairs WHERE other_id = ? ORDER BY id',
      [deviceId, deviceId],
    );
    return rows.map((r: { id: number }) => Number(r.id));
  }

  /**
   * The device's LLDP/CDP neighbours, each with the known device on the other end: the one
   * holding the advertised address, else the one with that hostname, FQDN or short name.
   */
  async neighboursOf(deviceId: number): Promise<NeighbourRow[]> {
    const known = `d.status <> 'retired' AND d.id <> n.device_id`;
    // one indexed lookup per way of knowing the other end, the least id of all: an OR of them
    // (primary_ip = x OR id IN (…addresses…)) read all of devices once per neighbour, 17 s for
    // a 48-port switch's page among 100,000 devices, where these take milliseconds
    const NONE = 4294967295;
    const least = (lookups: string[]) => `NULLIF(LEAST(${lookups.map((q) => `COALESCE((${q}), ${NONE})`).join(', ')}), ${NONE})`;
    const rows = await this.ds.query(
      `SELECT n.protocol, n.local_port AS localPort, n.remote_name AS remoteName, n.remote_port AS remotePort,
         n.remote_address AS remoteAddress, n.remote_platform AS remotePlatform, n.remote_chassis_id AS remoteChassisId, n.last_seen AS lastSeen,
         COALESCE(
           ${least([
             `SELECT MIN(d.id) FROM devices d WHERE d.primary_ip = n.remote_address AND ${known}`,
             `SELECT MIN(d.id) FROM device_addresses a JOIN devices d ON d.id = a.device_id WHERE a.ip = n.remote_address AND ${known}`,
           ])},
           ${least([
             `SELECT MIN(d.id) FROM devices d WHERE d.hostname = n.remote_name AND ${known}`,
             `SELECT MIN(d.id) FROM devices d WHERE d.fqdn = n.remote_name AND ${known}`,
             `SELECT MIN(d.id) FROM devices d WHERE d.hostname = SUBSTRING_INDEX(n.remote_name, '.', 1) AND ${known}`,
           ])}
         ) AS remoteDeviceId
       FROM device_neighbours n WHERE n.device_id = ? ORDER BY n.id`,
      [deviceId],
    );
    return rows.map((r: NeighbourRow) => ({ ...r, remoteDeviceId: r.remoteDeviceId === null ? null : Number(r.remoteDeviceId) }));
  }

  /** Devices with the serial, or into which a device that had it was merged, as ingest finds them (devicesWithSerial). */
  idsBySerial(serial: string): Promise<number[]> {
    return devicesWithSerial(this.ds, serial);
  }

  survivorOf(id: number): Promise<number | null> {
    return survivorOf(this.ds, id);
  }

  async exists(id: number): Promise<boolean> {
    const rows = await this.ds.query('SELECT 1 FROM devices WHERE id = ?', [id]);
    return rows.length > 0;
  }

  transaction<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(fn);
  }

  async insertDevice(m: EntityManager, d: Partial<Device>): Promise<number> {
    const res = await m.getRepository(Device).insert(d);
    return Number(res.identifiers[0].id);
  }

  async lockDevice(m: EntityManager, id: number): Promise<Device | null> {
    return m.getRepository(Device).createQueryBuilder('d').setLock('pessimistic_write').where('d.id = :id', { id }).getOne();
  }

  async updateDevice(m: EntityManager, id: number, patch: Partial<Device>): Promise<void> {
    await m.getRepository(Device).update({ id }, patch);
  }

  async tagsOf(m: EntityManager, id: number): Promise<string[]> {
    const rows = await m.getRepository(DeviceTag).find({ where: { deviceId: id }, order: { tag: 'ASC' } });
    return rows.map((r) => r.tag);
  }

  async replaceTags(m: EntityManager, id: number, tags: string[]): Promise<void> {
    await m.getRepository(DeviceTag).delete({ deviceId: id });
    if (tags.length) await m.getRepository(DeviceTag).insert(tags.map((tag) => ({ deviceId: id, tag })));
  }

  async addressesOf(m: EntityManager, id: number): Promise<DeviceAddress[]> {
    return m.getRepository(DeviceAddress).find({ where: { deviceId: id }, order: { id: 'ASC' } });
  }

  /** `fresh`: the device was created in this transaction, so it has no addresses to delete. */
  async replaceAddresses(m: EntityManager, id: number, addrs: Array<Pick<DeviceAddress, 'ip' | 'mac' | 'interfaceName'>>, fresh = false): Promise<void> {
    if (!fresh) await m.getRepository(DeviceAddress).delete({ deviceId: id });
    if (addrs.length) await m.getRepository(DeviceAddress).insert(addrs.map((a) => ({ ...a, deviceId: id })));
  }

  /**
   * Records that a source saw the device now (first sighting sets firstSeen), and at which
   * address: the latest sighting's, a sighting without one keeping the last known. The address
   * is this device's alone for that source from now on: a machine the source reached there
   * before no longer is (the address went to another machine), so nothing holds it there.
   */
  async touchSource(m: EntityManager, id: number, kind: SourceKind, at: Date, address: string | null = null, had: string | null = null): Promise<void> {
    // assigned left to right: the address is compared with last_seen before that moves on
    await m.query(
      `INSERT INTO device_sources (device_id, kind, first_seen, last_seen, address) VALUES (?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE address = IF(VALUES(last_seen) >= last_seen, COALESCE(VALUES(address), address), address),
         last_seen = GREATEST(last_seen, VALUES(last_seen))`,
      [id, kind, at, at, address],
    );
    // `had`: where this source last reached the device, as the caller read it; the same address
    // again (every rescan) is held by no other device, since it was this one's alone already
    if (address && address !== had) await m.query('UPDATE device_sources SET address = NULL WHERE kind = ? AND address = ? AND device_id <> ? AND last_seen <= ?', [kind, address, id, at]);
  }

  async insertHistory(m: EntityManager, rows: Array<Omit<HistoryEntry, 'id' | 'device'>>): Promise<void> {
    if (rows.length) await m.getRepository(HistoryEntry).insert(rows);
  }

  async history(deviceId: number, kind: string | undefined, q: string | undefined, offset: number, limit: number): Promise<[HistoryEntry[], number]> {
    const qb = this.ds.getRepository(HistoryEntry).createQueryBuilder('h').where('h.device_id = :deviceId', { deviceId });
    if (kind) qb.andWhere('h.kind = :kind', { kind });
    if (q) qb.andWhere('h.subject LIKE :q', { q: likeContains(q) });
    return qb.orderBy('h.at', 'DESC').addOrderBy('h.id', 'DESC').skip(offset).take(limit).getManyAndCount();
  }

  // bulk tagging: a batch of devices at a time, each batch one transaction

  /** Every device a filter matches, in id order, resolved once so that a bulk edit works on a fixed set. */
  async idsMatching(f: DeviceFilter): Promise<number[]> {
    const q = deviceSql(f);
    const rows = await this.ds.query(`SELECT d.id FROM ${q.from} WHERE ${q.where} ORDER BY d.id`, [...q.fromParams, ...q.whereParams]);
    return rows.map((r: { id: number }) => Number(r.id));
  }

  /**
   * Locks a batch's device rows (as a single edit locks its one) and returns those that exist.
   * Always in id order, so that two bulk edits over the same devices wait rather than deadlock.
   */
  async lockExisting(m: EntityManager, ids: number[]): Promise<number[]> {
    const rows = await m.query('SELECT id FROM devices WHERE id IN (?) ORDER BY id FOR UPDATE', [ids]);
    return rows.map((r: { id: number }) => Number(r.id));
  }

  /** The stored tags among `tags` on these devices (the column's collation ignores case). */
  async tagsAmong(m: EntityManager, ids: number[], tags: string[]): Promise<Array<{ deviceId: number; tag: string }>> {
    const rows = await m.query('SELECT device_id AS deviceId, tag FROM device_tags WHERE device_id IN (?) AND tag IN (?)', [ids, tags]);
    return rows.map((r: { deviceId: number; tag: string }) => ({ deviceId: Number(r.deviceId), tag: r.tag }));
  }

  async insertTagPairs(m: EntityManager, pairs: Array<{ deviceId: number; tag: string }>): Promise<void> {
    for (let i = 0; i < pairs.length; i += 2000) {
      await m.query('INSERT INTO device_tags (device_id, tag) VALUES ?', [pairs.slice(i, i + 2000).map((p) => [p.deviceId, p.tag])]);
    }
  }

  async deleteTagsAmong(m: EntityManager, ids: number[], tags: string[]): Promise<void> {
    await m.query('DELETE FROM device_tags WHERE device_id IN (?) AND tag IN (?)', [ids, tags]);
  }

  async touchDevices(m: EntityManager, ids: number[], at: Date): Promise<void> {
    await m.query('UPDATE devices SET updated_at = ? WHERE id IN (?)', [at, ids]);
  }

  /** History rows as multi-row INSERTs: thousands at a time without an entity per row. */
  async insertHistoryBatch(m: EntityManager, rows: Array<Omit<HistoryEntry, 'id' | 'device'>>): Promise<void> {
    for (let i = 0; i < rows.length; i += 2000) {
      await m.query(
        'INSERT INTO inventory_history (device_id, at, kind, action, subject, before_value, after_value, source, actor) VALUES ?',
        [rows.slice(i, i + 2000).map((h) => [h.deviceId, h.at, h.kind, h.action, h.subject, h.beforeValue, h.afterValue, h.source, h.actor])],
      );
    }
  }

  /**
   * Active devices unseen for `staleDays` become stale, a batch at a time to keep locks short,
   * each with a line in its history (a device came back "stale → active" from a staleness its
   * history never showed). By the database's clock: whichever worker runs it, the cutoff is
   * the same, and a worker whose clock ran ahead marked recently seen devices stale.
   */
  async markStale(staleDays: number, batch = 5000): Promise<number> {
    let total = 0;
    for (;;) {
      const marked = await this.ds.transaction(async (m) => {
        const rows: Array<{ id: number }> = await m.query(
          `SELECT id FROM devices WHERE status = 'active' AND last_seen < UTC_TIMESTAMP(3) - INTERVAL ? DAY ORDER BY id LIMIT ? FOR UPDATE`,
          [staleDays, batch],
        );
        if (!rows.length) return 0;
        const ids = rows.map((r) => Number(r.id));
        const now = await databaseNow(m);
        await m.query(`UPDATE devices SET status = 'stale', updated_at = ? WHERE id IN (?)`, [now, ids]);
        await this.insertHistory(m, ids.map((deviceId) => ({
          deviceId, at: now, kind: 'field' as const, action: 'changed' as const, subject: 'status', beforeValue: 'active', afterValue: 'stale', source: null, actor: null,
        })));
        return ids.length;
      });
      total += marked;
      if (marked < batch) return total;
    }
  }
}
