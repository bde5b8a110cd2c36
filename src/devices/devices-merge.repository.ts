// devices/: the SQL of merging one device into another and of marking two devices as distinct
// machines. Every table that points at a device is named here, including the ones other
// modules own (ssh_host_keys, scan_results), because a merge must leave nothing pointing at
// the deleted device and those tables have no cascading foreign key to devices.
import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Device } from './device.entity';

/** Rows that move from one device to another; the survivor's row wins when both have the same one. */
const SAME_ROW: Record<MovedTable, string[]> = {
  device_addresses: ['ip', 'mac'],
  device_tags: ['tag'],
  device_neighbours: ['protocol', 'local_port', 'remote_name', 'remote_port', 'remote_address', 'remote_platform', 'remote_chassis_id'],
  installed_software: ['software_id', 'version', 'architecture'],
  network_interfaces: [],
  hardware_components: [],
};
type MovedTable = 'device_addresses' | 'device_tags' | 'device_neighbours' | 'installed_software' | 'network_interfaces' | 'hardware_components';

@Injectable()
export class DevicesMergeRepository {
  /** Both devices, locked for the rest of the transaction (lower id first, as everyone locks them). */
  async lockBoth(m: EntityManager, a: number, b: number): Promise<Map<number, Device>> {
    const rows = await m.getRepository(Device).createQueryBuilder('d').setLock('pessimistic_write')
      .where('d.id IN (:...ids)', { ids: [a, b] }).orderBy('d.id').getMany();
    return new Map(rows.map((d) => [d.id, d]));
  }

  async isDistinct(m: EntityManager, a: number, b: number): Promise<boolean> {
    const rows = await m.query('SELECT 1 FROM device_distinct_pairs WHERE device_id = ? AND other_id = ?', [Math.min(a, b), Math.max(a, b)]);
    return rows.length > 0;
  }

  /** Returns false when the pair was already marked. */
  async markDistinct(m: EntityManager, a: number, b: number, by: string, at: Date): Promise<boolean> {
    const res = await m.query('INSERT IGNORE INTO device_distinct_pairs (device_id, other_id, created_by, created_at) VALUES (?, ?, ?, ?)', [Math.min(a, b), Math.max(a, b), by, at]);
    return Number(res.affectedRows) > 0;
  }

  /** Returns false when the pair was not marked. */
  async unmarkDistinct(m: EntityManager, a: number, b: number): Promise<boolean> {
    const res = await m.query('DELETE FROM device_distinct_pairs WHERE device_id = ? AND other_id = ?', [Math.min(a, b), Math.max(a, b)]);
    return Number(res.affectedRows) > 0;
  }

  /** Distinct software titles installed on a device. */
  async titlesOf(m: EntityManager, deviceId: number): Promise<number[]> {
    const rows = await m.query('SELECT DISTINCT software_id AS id FROM installed_software WHERE device_id = ?', [deviceId]);
    return rows.map((r: { id: number }) => Number(r.id));
  }

  async adjustDeviceCounts(m: EntityManager, added: number[], removed: number[]): Promise<void> {
    if (added.length) await m.query('UPDATE software SET device_count = device_count + 1 WHERE id IN (?)', [added]);
    if (removed.length) await m.query('UPDATE software SET device_count = GREATEST(device_count, 1) - 1 WHERE id IN (?)', [removed]);
  }

  async countRows(m: EntityManager, table: 'network_interfaces' | 'hardware_components', deviceId: number): Promise<number> {
    const [{ n }] = await m.query(`SELECT COUNT(*) AS n FROM ${table} WHERE device_id = ?`, [deviceId]);
    return Number(n);
  }

  /**
   * Moves a device's rows of one table to another device, dropping those the survivor already
   * has (compared NULL-safely on the table's identifying columns). A multi-table DELETE, since
   * MySQL does not let an UPDATE read the table it changes.
   */
  async moveRows(m: EntityManager, table: MovedTable, from: number, into: number): Promise<void> {
    const same = SAME_ROW[table];
    if (same.length) {
      await m.query(
        `DELETE o FROM ${table} o JOIN ${table} s ON s.device_id = ? AND ${same.map((c) => `s.${c} <=> o.${c}`).join(' AND ')} WHERE o.device_id = ?`,
        [into, from],
      );
    }
    await m.query(`UPDATE ${table} SET device_id = ? WHERE device_id = ?`, [into, from]);
  }

  /** An install both devices have keeps the survivor's row and the earlier first sighting. */
  async keepEarliestInstalls(m: EntityManager, from: number, into: number): Promise<void> {
    await m.query(
      `UPDATE installed_software s JOIN installed_software o
         ON o.device_id = ? AND o.software_id = s.software_id AND o.version = s.version AND o.architecture = s.architecture
       SET s.first_seen = LEAST(s.first_seen, o.first_seen) WHERE s.device_id = ?`,
      [from, into],
    );
  }

  /** Each source keeps the earliest first sighting and the latest last sighting of the two, with its address. */
  async mergeSources(m: EntityManager, from: number, into: number): Promise<void> {
    // a multiple-table UPDATE assigns in no set order: the address first, on its own
    await m.query(
      `UPDATE device_sources s JOIN device_sources o ON o.device_id = ? AND o.kind = s.kind
       SET s.address = COALESCE(o.address, s.address) WHERE s.device_id = ? AND o.last_seen > s.last_seen`,
      [from, into],
    );
    await m.query(
      `UPDATE device_sources s JOIN device_sources o ON o.device_id = ? AND o.kind = s.kind
       SET s.first_seen = LEAST(s.first_seen, o.first_seen), s.last_seen = GREATEST(s.last_seen, o.last_seen) WHERE s.device_id = ?`,
      [from, into],
    );
    await m.query('DELETE o FROM device_sources o JOIN device_sources s ON s.device_id = ? AND s.kind = o.kind WHERE o.device_id = ?', [into, from]);
    await m.query('UPDATE device_sources SET device_id = ? WHERE device_id = ?', [into, from]);
  }

  /** Per protocol, the credential that worked most recently on either device is tried first. */
  async mergeCredentials(m: EntityManager, from: number, into: number): Promise<void> {
    await m.query(
      `UPDATE device_credentials s JOIN device_credentials o ON o.device_id = ? AND o.protocol = s.protocol
       SET s.credential_id = o.credential_id, s.last_ok_at = o.last_ok_at WHERE s.device_id = ? AND o.last_ok_at > s.last_ok_at`,
      [from, into],
    );
    await m.query('DELETE o FROM device_credentials o JOIN device_credentials s ON s.device_id = ? AND s.protocol = o.protocol WHERE o.device_id = ?', [into, from]);
    await m.query('UPDATE device_credentials SET device_id = ? WHERE device_id = ?', [into, from]);
  }

  /**
   * Rows that only point at the device: history, pinned SSH host keys, scan results, config
   * versions. The merged device's current config state, rule results and pinned baseline move
   * only where the survivor has none of its own (UPDATE IGNORE); the rest goes with the row.
   */
  async repoint(m: EntityManager, from: number, into: number): Promise<void> {
    for (const table of ['inventory_history', 'ssh_host_keys', 'scan_results', 'config_versions']) {
      await m.query(`UPDATE ${table} SET device_id = ? WHERE device_id = ?`, [into, from]);
    }
    for (const table of ['device_configs', 'config_rule_results', 'config_baselines']) {
      await m.query(`UPDATE IGNORE ${table} SET device_id = ? WHERE device_id = ?`, [into, from]);
    }
  }

  /**
   * What jobs did on the merged device and the jobs that name it, so that the survivor's Jobs tab
   * shows them and a recurring job keeps reaching the machine: its run targets and their output
   * become the survivor's (but a target running now, which its worker finishes under the id it
   * claimed, and a run that targeted both devices, whose survivor's row stands), and a job whose
   * target lists the merged device's id lists the survivor's instead.
   */
  async repointJobs(m: EntityManager, from: number, into: number): Promise<void> {
    await m.query(
      `UPDATE job_target_logs l
         JOIN job_run_targets t ON t.run_id = l.run_id AND t.device_id = l.device_id AND t.status <> 'running'
         LEFT JOIN job_run_targets s ON s.run_id = l.run_id AND s.device_id = ?
       SET l.device_id = ? WHERE l.device_id = ? AND s.run_id IS NULL`,
      [into, into, from],
    );
    await m.query(`UPDATE IGNORE job_run_targets SET device_id = ? WHERE device_id = ? AND status <> 'running'`, [into, from]);
    const jobs: Array<{ id: number; target: string }> = await m.query(
      `SELECT id, target FROM jobs WHERE JSON_CONTAINS(JSON_EXTRACT(target, '$.deviceIds'), ?) FOR UPDATE`,
      [String(from)],
    );
    for (const job of jobs) {
      const target = JSON.parse(job.target) as { deviceIds?: number[] };
      target.deviceIds = [...new Set((target.deviceIds ?? []).map((x) => (x === from ? into : x)))];
      await m.query('UPDATE jobs SET target = ? WHERE id = ?', [JSON.stringify(target), job.id]);
    }
  }

  /**
   * Whatever the merged device was distinct from, the survivor now is (the caller ensured they
   * were not distinct from each other); returns those devices.
   */
  async moveDistinctPairs(m: EntityManager, from: number, into: number, at: Date): Promise<number[]> {
    const rows = await m.query(
      'SELECT other_id AS id, created_by AS createdBy FROM device_distinct_pairs WHERE device_id = ? UNION ALL SELECT device_id, created_by FROM device_distinct_pairs WHERE other_id = ?',
      [from, from],
    );
    for (const r of rows) await this.markDistinct(m, Number(r.id), into, r.createdBy, at);
    await m.query('DELETE FROM device_distinct_pairs WHERE device_id = ? OR other_id = ?', [from, from]);
    return rows.map((r: { id: number }) => Number(r.id));
  }

  /**
   * Records that `from` lives on as `into`, and moves on the records of devices merged into
   * `from` before, so that each names a device that exists. `serial`: the merged device's, where
   * the survivor keeps another (ingest finds the survivor by it).
   */
  async recordMerge(m: EntityManager, from: number, into: number, at: Date, serial: string | null = null): Promise<void> {
    await m.query('UPDATE device_merges SET survivor_id = ? WHERE survivor_id = ?', [into, from]);
    await m.query(
      'INSERT INTO device_merges (merged_id, survivor_id, merged_at, serial) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE survivor_id = VALUES(survivor_id), merged_at = VALUES(merged_at), serial = VALUES(serial)',
      [from, into, at, serial],
    );
  }

  /** The row itself; whatever was not moved (duplicates, the other's interfaces) goes with it. */
  async deleteDevice(m: EntityManager, id: number): Promise<void> {
    await m.query('DELETE FROM devices WHERE id = ?', [id]);
  }
}
