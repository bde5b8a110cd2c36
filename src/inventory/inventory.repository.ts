// inventory/: the queries of ingest: identity lookups, the software catalogue, and the
// device's installed software, hardware and interfaces, read and replaced in batches, and which
// sources saw it (for source precedence).
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { devicesWithSerial } from '../devices/devices.repository';
import { usefulMachineId } from './identity';
import { AgentCandidate, CandidateFacts } from './identity-match';
import { Sighting } from './source-precedence';

export interface InstalledRow {
  id: number;
  softwareId: number;
  version: string;
  architecture: string;
}

export interface TitleKey {
  name: string;
  normalizedName: string;
  publisher: string;
}

const titleKey = (normalizedName: string, publisher: string) => `${normalizedName}\u0000${publisher}`;

/**
 * How many devices one identifier may point at before ingest stops looking: enough to see
 * every device in a distinct pair that shares a cloned MAC, few enough to stay cheap.
 */
const CANDIDATES = 50;
/** catalogue ids remembered by title in one process (about 100 bytes each) */
const KNOWN_TITLES_MAX = 200_000;

@Injectable()
export class InventoryRepository {
  /** Devices with the serial, or into which a technician merged a device that had it (device_merges.serial). */
  idsBySerial(m: EntityManager, serial: string): Promise<number[]> {
    return devicesWithSerial(m, serial, CANDIDATES);
  }

  /**
   * Devices with any of the MACs. The UNION sits in a derived table, read first by the two mac
   * indexes and joined on the primary key: as `d.id IN (… UNION …)` MariaDB cannot turn it into
   * a semi-join and ran it as a dependent subquery for every device in the table (0.55 s a
   * lookup at 100,000 devices, for every new machine's report).
   *
   * `serial`: the report's own, which found no device. A device with another serial is another
   * machine that happens to share a MAC (a hot desk's dock, a cloned VM's adapter), not this one.
   */
  async idsByMacs(m: EntityManager, macs: string[], serial?: string): Promise<number[]> {
    if (!macs.length) return [];
    const rows = await m.query(
      `SELECT DISTINCT d.id FROM (
         SELECT device_id FROM device_addresses WHERE mac IN (?) UNION SELECT device_id FROM network_interfaces WHERE mac IN (?)
       ) owner JOIN devices d ON d.id = owner.device_id WHERE d.status <> 'retired'${serial ? ' AND (d.serial IS NULL OR d.serial = ?)' : ''} ORDER BY d.id LIMIT ${CANDIDATES}`,
      serial ? [macs, macs, serial] : [macs, macs],
    );
    return rows.map((r: { id: number }) => Number(r.id));
  }

  /** `serial`: as for idsByMacs (two machines left with the image's hostname, given one DHCP address in turn). */
  async idsByHostnameAndAddress(m: EntityManager, hostname: string, addresses: string[], serial?: string): Promise<number[]> {
    if (!addresses.length) return [];
    const rows = await m.query(
      `SELECT d.id FROM devices d WHERE d.status <> 'retired' AND d.hostname = ?${serial ? ' AND (d.serial IS NULL OR d.serial = ?)' : ''}
         AND (d.primary_ip IN (?) OR d.id IN (SELECT device_id FROM device_addresses WHERE ip IN (?))) ORDER BY d.id LIMIT ${CANDIDATES}`,
      serial ? [hostname, serial, addresses, addresses] : [hostname, addresses, addresses],
    );
    return rows.map((r: { id: number }) => Number(r.id));
  }

  /** Devices of this hostname whose hardware lists this OS installation id (a `machine-id` row). */
  async idsByHostnameAndMachineId(m: EntityManager, hostname: string, machineId: string): Promise<number[]> {
    const rows = await m.query(
      `SELECT DISTINCT d.id FROM devices d JOIN hardware_components h ON h.device_id = d.id
        WHERE d.status <> 'retired' AND d.hostname = ? AND h.kind = 'other' AND h.name = 'machine-id' AND h.serial = ? ORDER BY d.id LIMIT ${CANDIDATES}`,
      [hostname, machineId],
    );
    return rows.map((r: { id: number }) => Number(r.id));
  }

  /** For each candidate device: its platform, type and the OS installation ids its hardware lists (what agentMayLand decides by). */
  async agentCandidates(m: EntityManager, ids: number[]): Promise<AgentCandidate[]> {
    if (!ids.length) return [];
    const [devices, machineIds, ssh] = await Promise.all([
      m.query('SELECT id, platform, type FROM devices WHERE id IN (?)', [ids]),
      m.query("SELECT device_id AS id, serial FROM hardware_components WHERE device_id IN (?) AND kind = 'other' AND name = 'machine-id' AND serial IS NOT NULL", [ids]),
      m.query("SELECT device_id AS id FROM device_sources WHERE device_id IN (?) AND kind = 'ssh'", [ids]),
    ]);
    const reached = new Set(ssh.map((r: { id: number }) => Number(r.id)));
    return devices.map((d: { id: number; platform: AgentCandidate['platform']; type: AgentCandidate['type'] }) => ({
      id: Number(d.id), platform: d.platform, type: d.type, reachedBySsh: reached.has(Number(d.id)),
      machineIds: machineIds.filter((r: { id: number }) => Number(r.id) === Number(d.id)).map((r: { serial: string }) => usefulMachineId(r.serial)).filter(Boolean),
    }));
  }

  /** Pairs among `ids` that a technician marked as distinct machines, each as [lower, higher]. */
  async distinctPairsAmong(m: EntityManager, ids: number[]): Promise<Array<[number, number]>> {
    if (ids.length < 2) return [];
    const rows = await m.query('SELECT device_id AS a, other_id AS b FROM device_distinct_pairs WHERE device_id IN (?) AND other_id IN (?)', [ids, ids]);
    return rows.map((r: { a: number; b: number }) => [Number(r.a), Number(r.b)]);
  }

  /** For each candidate device: its serial and hostname, and which of the report's MACs and addresses it has. */
  async identityFacts(m: EntityManager, ids: number[], macs: string[], addresses: string[]): Promise<CandidateFacts[]> {
    if (!ids.length) return [];
    const [devices, macRows, ipRows] = await Promise.all([
      m.query('SELECT id, serial, hostname, primary_ip AS primaryIp FROM devices WHERE id IN (?)', [ids]),
      macs.length
        ? m.query('SELECT device_id AS id, mac FROM device_addresses WHERE device_id IN (?) AND mac IN (?) UNION SELECT device_id, mac FROM network_interfaces WHERE device_id IN (?) AND mac IN (?)', [ids, macs, ids, macs])
        : [],
      addresses.length ? m.query('SELECT DISTINCT device_id AS id, ip FROM device_addresses WHERE device_id IN (?) AND ip IN (?)', [ids, addresses]) : [],
    ]);
    return devices.map((d: { id: number; serial: string | null; hostname: string | null; primaryIp: string | null }) => {
      const id = Number(d.id);
      const ips = new Set<string>(ipRows.filter((r: { id: number }) => Number(r.id) === id).map((r: { ip: string }) => r.ip));
      if (d.primaryIp && addresses.includes(d.primaryIp)) ips.add(d.primaryIp);
      return {
        id, serial: d.serial, hostname: d.hostname, addresses: [...ips],
        macs: [...new Set<string>(macRows.filter((r: { id: number }) => Number(r.id) === id).map((r: { mac: string }) => r.mac))],
      };
    });
  }

  /** Which sources saw the device, when last and where (source precedence is computed from this). */
  async sightingsOf(m: EntityManager, deviceId: number): Promise<Sighting[]> {
    const rows = await m.query('SELECT kind, last_seen AS lastSeen, address FROM device_sources WHERE device_id = ?', [deviceId]);
    return rows.map((r: { kind: Sighting['kind']; lastSeen: Date; address: string | null }) => ({ kind: r.kind, lastSeen: new Date(r.lastSeen), address: r.address }));
  }

  /** Whether the device has any hardware, installed software and interfaces at all. */
  async listsKnown(m: EntityManager, deviceId: number): Promise<{ hardware: boolean; software: boolean; interfaces: boolean }> {
    const [row] = await m.query(
      `SELECT EXISTS (SELECT 1 FROM hardware_components WHERE device_id = ?) AS hardware,
         EXISTS (SELECT 1 FROM installed_software WHERE device_id = ?) AS software,
         EXISTS (SELECT 1 FROM network_interfaces WHERE device_id = ?) AS interfaces`,
      [deviceId, deviceId, deviceId],
    );
    return { hardware: Number(row.hardware) === 1, software: Number(row.software) === 1, interfaces: Number(row.interfaces) === 1 };
  }

  /**
   * Catalogue ids of the titles, inserting the ones not seen before. Known titles — nearly all,
   * after the first machines — are only read (per publisher, an index range): an INSERT IGNORE
   * of an existing row holds shared next-key locks on the unique index until its transaction
   * commits. Ingest calls this in the device's transaction, or, for a report with many new
   * titles, in a short transaction of its own before it, so that no other report waits on them
   * for long.
   */
  async titleIds(m: EntityManager, titles: TitleKey[], now: Date): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const lookup = async (batch: TitleKey[], remember: boolean) => {
      const byPublisher = new Map<string, string[]>();
      for (const t of batch) byPublisher.set(t.publisher, [...(byPublisher.get(t.publisher) ?? []), t.normalizedName]);
      for (const [publisher, names] of byPublisher) {
        // each row answers with the name as asked, not as stored: the unique index compares
        // under the column's collation, which folds accents (Résumé = Resume, ß = ss), so the
        // catalogue may hold a title under another spelling, and keyed by its own spelling the
        // report's title found no id and was dropped from the device without a word
        const rows = await m.query(
          `SELECT s.id, t.n FROM (${names.map(() => 'SELECT ? AS n').join(' UNION ALL ')}) t
             JOIN software s ON s.normalized_name = t.n AND s.publisher = ?`,
          [...names, publisher],
        );
        for (const r of rows) {
          const key = titleKey(r.n, publisher);
          out.set(key, Number(r.id));
          if (remember) this.rememberTitle(key, Number(r.id));
        }
      }
    };
    for (const [key, id] of this.knownTitleIds(titles)) out.set(key, id);
    const unknown = titles.filter((t) => !out.has(titleKey(t.normalizedName, t.publisher)));
    // rows read before this report inserts anything were committed by someone: safe to remember
    for (let i = 0; i < unknown.length; i += 500) await lookup(unknown.slice(i, i + 500), true);
    // in the unique index's order (near enough: the collation folds more than this), so that two
    // reports inserting overlapping titles take their locks in one order rather than deadlock
    const missing = titles
      .filter((t) => !out.has(titleKey(t.normalizedName, t.publisher)))
      .sort((a, b) => (a.normalizedName < b.normalizedName ? -1 : a.normalizedName > b.normalizedName ? 1 : a.publisher < b.publisher ? -1 : a.publisher > b.publisher ? 1 : 0));
    for (let i = 0; i < missing.length; i += 500) {
      const batch = missing.slice(i, i + 500);
      await m.query(
        `INSERT IGNORE INTO software (name, normalized_name, publisher, created_at) VALUES ${batch.map(() => '(?, ?, ?, ?)').join(', ')}`,
        batch.flatMap((t) => [t.name, t.normalizedName, t.publisher, now]),
      );
      // not remembered: until the caller commits, a rollback (a deadlock retried) undoes them
      await lookup(batch, false);
    }
    return out;
  }

  /**
   * Catalogue ids of many titles, each resolved by one report at a time in this process: a
   * first scan of an office brings the same new titles in many reports at once, and each
   * inserted them all again (INSERT IGNOREs of rows another had just inserted, waiting in line
   * for its locks). Titles another report is resolving are waited for; the rest are resolved
   * by `resolve`, which must commit what it inserts (they are remembered). A title the other
   * report failed to resolve is resolved here after all.
   */
  async sharedTitleIds(titles: TitleKey[], resolve: (todo: TitleKey[]) => Promise<Map<string, number>>): Promise<Map<string, number>> {
    const out = this.knownTitleIds(titles);
    const others = new Set<Promise<Map<string, number>>>();
    const todo: TitleKey[] = [];
    for (const t of titles) {
      const key = titleKey(t.normalizedName, t.publisher);
      if (out.has(key)) continue;
      const pending = this.pendingTitles.get(key);
      if (pending) others.add(pending);
      else todo.push(t);
    }
    const take = async (todo: TitleKey[]) => {
      const mine = resolve(todo);
      const keys = todo.map((t) => titleKey(t.normalizedName, t.publisher));
      for (const key of keys) this.pendingTitles.set(key, mine);
      try {
        for (const [key, id] of await mine) {
          out.set(key, id);
          this.rememberTitle(key, id);
        }
      } finally {
        for (const key of keys) if (this.pendingTitles.get(key) === mine) this.pendingTitles.delete(key);
      }
    };
    if (todo.length) await take(todo);
    for (const theirs of others) {
      const ids = await theirs.catch(() => new Map<string, number>());
      for (const [key, id] of ids) out.set(key, id);
    }
    const left = titles.filter((t) => !out.has(titleKey(t.normalizedName, t.publisher)));
    if (left.length) await take(left);
    return out;
  }

  /** titles a report is resolving in sharedTitleIds, with what resolves them */
  private readonly pendingTitles = new Map<string, Promise<Map<string, number>>>();

  /** The catalogue ids of those of the titles that this process knows, with no query. */
  knownTitleIds(titles: TitleKey[]): Map<string, number> {
    const out = new Map<string, number>();
    for (const t of titles) {
      const key = titleKey(t.normalizedName, t.publisher);
      const id = this.knownTitles.get(key);
      if (id !== undefined) out.set(key, id);
    }
    return out;
  }

  /**
   * Catalogue ids by title, in this process: a catalogue row is never deleted nor its key
   * changed, so an id once read stays right. Bounded; cleared when full (the next reports read
   * the titles again). Nearly every title of a fleet repeats, so most reports skip the lookup.
   */
  private readonly knownTitles = new Map<string, number>();

  private rememberTitle(key: string, id: number): void {
    if (this.knownTitles.size >= KNOWN_TITLES_MAX) this.knownTitles.clear();
    this.knownTitles.set(key, id);
  }

  async installedOf(m: EntityManager, deviceId: number): Promise<InstalledRow[]> {
    const rows = await m.query('SELECT id, software_id AS softwareId, version, architecture FROM installed_software WHERE device_id = ?', [deviceId]);
    return rows.map((r: InstalledRow) => ({ ...r, id: Number(r.id), softwareId: Number(r.softwareId) }));
  }

  async insertInstalled(m: EntityManager, deviceId: number, rows: Array<Omit<InstalledRow, 'id'> & { installDate: string | null }>, source: string, now: Date): Promise<void> {
    for (let i = 0; i < rows.length; i += 1000) {
      const batch = rows.slice(i, i + 1000);
      await m.query(
        `INSERT IGNORE INTO installed_software (device_id, software_id, version, architecture, install_date, source, first_seen) VALUES ${batch.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        batch.flatMap((r) => [deviceId, r.softwareId, r.version, r.architecture, r.installDate, source, now]),
      );
    }
  }

  async deleteInstalled(m: EntityManager, ids: number[]): Promise<void> {
    for (let i = 0; i < ids.length; i += 1000) await m.query('DELETE FROM installed_software WHERE id IN (?)', [ids.slice(i, i + 1000)]);
  }

  async namesOf(m: EntityManager, ids: number[]): Promise<Map<number, string>> {
    if (!ids.length) return new Map();
    const rows = await m.query('SELECT id, name FROM software WHERE id IN (?)', [ids]);
    return new Map(rows.map((r: { id: number; name: string }) => [Number(r.id), r.name]));
  }

  async rowsOf<T>(m: EntityManager, table: DeviceRowTable, deviceId: number): Promise<T[]> {
    return m.query(`SELECT * FROM ${table} WHERE device_id = ? ORDER BY id`, [deviceId]);
  }

  async touchNeighbours(m: EntityManager, deviceId: number, at: Date): Promise<void> {
    await m.query('UPDATE device_neighbours SET last_seen = ? WHERE device_id = ?', [at, deviceId]);
  }

  /**
   * The device's addresses, as plain rows: a router's tens of thousands made into entities held
   * the API process's event loop for most of a second.
   */
  async addressesOf(m: EntityManager, deviceId: number): Promise<Array<{ ip: string | null; mac: string | null; interfaceName: string | null }>> {
    return m.query('SELECT ip, mac, interface_name AS interfaceName FROM device_addresses WHERE device_id = ? ORDER BY id', [deviceId]);
  }

  /**
   * The device's rows of the table, replaced, a thousand rows a statement (the event loop is
   * free between them); `fresh`: the device was created in this transaction, so it has none to delete.
   */
  async replaceRows(m: EntityManager, table: DeviceRowTable, deviceId: number, rows: Array<Record<string, unknown>>, fresh = false): Promise<void> {
    if (!fresh) await m.query(`DELETE FROM ${table} WHERE device_id = ?`, [deviceId]);
    if (!rows.length) return;
    const cols = Object.keys(rows[0]);
    for (let i = 0; i < rows.length; i += 1000) {
      const batch = rows.slice(i, i + 1000);
      await m.query(
        `INSERT INTO ${table} (device_id, ${cols.join(', ')}) VALUES ${batch.map(() => `(?, ${cols.map(() => '?').join(', ')})`).join(', ')}`,
        batch.flatMap((r) => [deviceId, ...cols.map((c) => r[c] ?? null)]),
      );
    }
  }
}

/** The per-device tables that a report replaces wholesale when they change. */
type DeviceRowTable = 'hardware_components' | 'network_interfaces' | 'device_neighbours' | 'device_addresses';

export { titleKey };
