// software/: queries over the catalogue and installed_software (15 M rows at 100,000 devices:
// every query here goes through (software_id, device_id) or (device_id, ...) indexes).
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { likeContains, likePrefix } from '../common/pagination';
import { compareVersions } from '../common/versions';

/** the most versions a title lists in the catalogue (its page has them all) */
export const LISTED_VERSIONS = 50;

export interface CatalogueRow {
  id: number;
  name: string;
  publisher: string;
  deviceCount: number;
  countedAt: Date | null;
}

@Injectable()
export class SoftwareRepository {
  constructor(private readonly ds: DataSource) {}

  async catalogue(q: string | undefined, sort: string, offset: number, limit: number) {
    const where = q ? 'WHERE s.normalized_name LIKE ? OR s.publisher LIKE ?' : '';
    const params = q ? [likeContains(q.toLowerCase()), likeContains(q)] : [];
    const dir = sort.startsWith('-') ? 'DESC' : 'ASC';
    const col = { publisher: 's.publisher', deviceCount: 's.device_count' }[sort.replace('-', '')] ?? 's.normalized_name';
    const [rows, count] = await Promise.all([
      this.ds.query(
        `SELECT s.id, s.name, s.publisher, s.device_count AS deviceCount, s.counted_at AS countedAt FROM software s ${where}
         ORDER BY ${col} ${dir}, s.id ${dir} LIMIT ? OFFSET ?`,
        [...params, limit, offset],
      ),
      this.ds.query(`SELECT COUNT(*) AS n FROM software s ${where}`, params),
    ]);
    return {
      rows: rows.map((r: CatalogueRow) => ({ ...r, id: Number(r.id), deviceCount: Number(r.deviceCount) })) as CatalogueRow[],
      total: Number(count[0].n),
    };
  }

  async findCatalogueRow(id: number): Promise<CatalogueRow | null> {
    const rows = await this.ds.query('SELECT id, name, publisher, device_count AS deviceCount, counted_at AS countedAt FROM software WHERE id = ?', [id]);
    return rows[0] ? { ...rows[0], id: Number(rows[0].id), deviceCount: Number(rows[0].deviceCount) } : null;
  }

  /**
   * How many non-retired devices have each installed version of a title, newest version first:
   * every install counted from the (software_id, version) index, less the (few) retired
   * devices' installs, as the recount does, walked from the retired devices (STRAIGHT_JOIN:
   * MariaDB otherwise starts from the title's installs and reads each one's row for its
   * device id, 650 ms for a title on 2,800 devices). On the 100,000-device bench data the two
   * take 20-50 ms together for any title; joining devices for the whole count took 15 s for
   * the title on 84,000 devices. A device with one version for two architectures counts twice.
   */
  async versionSpread(softwareId: number): Promise<Array<{ version: string; devices: number }>> {
    const [all, retired]: Array<Array<{ version: string; n: string }>> = await Promise.all([
      this.ds.query('SELECT version, COUNT(*) AS n FROM installed_software WHERE software_id = ? GROUP BY version', [softwareId]),
      this.ds.query(
        `SELECT i.version, COUNT(*) AS n FROM devices d STRAIGHT_JOIN installed_software i ON i.device_id = d.id AND i.software_id = ?
         WHERE d.status = 'retired' GROUP BY i.version`,
        [softwareId],
      ),
    ]);
    const gone = new Map(retired.map((r) => [r.version, Number(r.n)]));
    return all
      .map((r) => ({ version: r.version, devices: Number(r.n) - (gone.get(r.version) ?? 0) }))
      .filter((r) => r.devices > 0)
      .sort((a, b) => compareVersions(b.version, a.version));
  }

  async findTitle(id: number): Promise<{ id: number; name: string; publisher: string } | null> {
    const rows = await this.ds.query('SELECT id, name, publisher FROM software WHERE id = ?', [id]);
    return rows[0] ? { ...rows[0], id: Number(rows[0].id) } : null;
  }

  /**
   * Distinct installed versions of a page of titles, from the (software_id, version) index: the
   * newest `listed` of them, and how many there are.
   */
  async versions(ids: number[], listed = LISTED_VERSIONS): Promise<Map<number, { versions: string[]; versionCount: number }>> {
    const all = new Map<number, string[]>(ids.map((id) => [id, []]));
    if (ids.length) {
      const rows = await this.ds.query('SELECT DISTINCT software_id AS id, version FROM installed_software WHERE software_id IN (?)', [ids]);
      for (const v of rows) all.get(Number(v.id))!.push(v.version);
    }
    // newest first as people read versions (10.2 after 9.8), not as text sorts them
    return new Map([...all].map(([id, list]) => [id, { versions: list.sort((a, b) => compareVersions(b, a)).slice(0, listed), versionCount: list.length }]));
  }

  /**
   * Recounts how many non-retired devices have each title, a range of ids at a time: an
   * index-only count per title, less the (few) retired devices' installs. About 10 s for
   * 15 M installs here; it runs in the worker, never on a request.
   */
  async recountDevices(now: Date, batch = 500): Promise<number> {
    const retired = new Map<number, number>();
    for (const r of await this.ds.query(
      `SELECT i.software_id AS id, COUNT(DISTINCT i.device_id) AS n FROM devices d JOIN installed_software i ON i.device_id = d.id
       WHERE d.status = 'retired' GROUP BY i.software_id`,
    )) retired.set(Number(r.id), Number(r.n));
    const [{ maxId }] = await this.ds.query('SELECT COALESCE(MAX(id), 0) AS maxId FROM software');
    let titles = 0;
    for (let from = 1; from <= Number(maxId); from += batch) {
      const to = from + batch - 1;
      const counts = await this.ds.query(
        'SELECT software_id AS id, COUNT(DISTINCT device_id) AS n FROM installed_software WHERE software_id BETWEEN ? AND ? GROUP BY software_id',
        [from, to],
      );
      const cases = counts.map(() => 'WHEN ? THEN ?').join(' ');
      const params = counts.flatMap((c: { id: number; n: number }) => [Number(c.id), Number(c.n) - (retired.get(Number(c.id)) ?? 0)]);
      const res = await this.ds.query(
        `UPDATE software SET device_count = ${counts.length ? `CASE id ${cases} ELSE 0 END` : '0'}, counted_at = ? WHERE id BETWEEN ? AND ?`,
        [...params, now, from, to],
      );
      titles += Number(res.affectedRows ?? 0);
    }
    return titles;
  }

  /**
   * Adds `delta` to each title's device count, never below 0 (a count the recount set lower
   * than the deltas that follow it assumed). One autocommit statement; ids ascending.
   */
  async adjustDeviceCounts(delta: number, ids: number[]): Promise<void> {
    if (!ids.length || !delta) return;
    await this.ds.query('UPDATE software SET device_count = GREATEST(CAST(device_count AS SIGNED) + ?, 0) WHERE id IN (?)', [delta, ids]);
  }

  async installedOn(deviceId: number, q: string | undefined, sort: string, offset: number, limit: number) {
    const where = ['i.device_id = ?'];
    const params: unknown[] = [deviceId];
    if (q) (where.push('s.normalized_name LIKE ?'), params.push(likeContains(q.toLowerCase())));
    const desc = sort.startsWith('-') ? 'DESC' : 'ASC';
    const col = { name: 's.normalized_name', version: 'i.version', installDate: 'i.install_date' }[sort.replace('-', '')] ?? 's.normalized_name';
    const from = `FROM installed_software i JOIN software s ON s.id = i.software_id WHERE ${where.join(' AND ')}`;
    const [rows, count] = await Promise.all([
      this.ds.query(
        `SELECT i.software_id AS softwareId, s.name, s.publisher, i.version, i.architecture, DATE_FORMAT(i.install_date, '%Y-%m-%d') AS installDate,
         i.source, i.first_seen AS firstSeen ${from} ORDER BY ${col} ${desc}, i.id ${desc} LIMIT ? OFFSET ?`,
        [...params, limit, offset],
      ),
      this.ds.query(`SELECT COUNT(*) AS n ${from}`, params),
    ]);
    return { rows: rows.map((r: { softwareId: number }) => ({ ...r, softwareId: Number(r.softwareId) })), total: Number(count[0].n) };
  }

  /**
   * The devices that have a title (at a version), one item per device. Driven from the devices'
   * (hostname, id, status) index with a semi-join, so a title on 80,000 devices pages as fast
   * as a rare one; the page's install rows are loaded afterwards.
   */
  async devicesWith(softwareId: number, version: string | undefined, q: string | undefined, desc: boolean, offset: number, limit: number) {
    const installs = `SELECT i.device_id FROM installed_software i WHERE i.software_id = ?${version !== undefined ? ' AND i.version = ?' : ''}`;
    const where = [`d.status <> 'retired'`, `d.id IN (${installs})`];
    const params: unknown[] = [softwareId, ...(version !== undefined ? [version] : [])];
    if (q) (where.push('(d.hostname LIKE ? OR d.primary_ip LIKE ?)'), params.push(likePrefix(q), likePrefix(q)));
    const dir = desc ? 'DESC' : 'ASC';
    const [ids, count] = await Promise.all([
      this.ds.query(`SELECT d.id FROM devices d WHERE ${where.join(' AND ')} ORDER BY d.hostname ${dir}, d.id ${dir} LIMIT ? OFFSET ?`, [...params, limit, offset]),
      this.ds.query(`SELECT COUNT(*) AS n FROM devices d WHERE ${where.join(' AND ')}`, params),
    ]);
    const pageIds = ids.map((r: { id: number }) => Number(r.id));
    if (!pageIds.length) return { rows: [], total: Number(count[0].n) };
    const rows: Array<{ deviceId: number; hostname: string | null; primaryIp: string | null; status: string; version: string; architecture: string }> = await this.ds.query(
      `SELECT d.id AS deviceId, d.hostname, d.primary_ip AS primaryIp, d.status, i.version, i.architecture
       FROM devices d JOIN installed_software i ON i.device_id = d.id AND i.software_id = ? WHERE d.id IN (?)`,
      [softwareId, pageIds],
    );
    const byDevice = new Map<number, { deviceId: number; hostname: string | null; primaryIp: string | null; status: string; version: string; architecture: string; versions: string[] }>();
    for (const r of rows.sort((x, y) => compareVersions(y.version, x.version))) {
      const id = Number(r.deviceId);
      const item = byDevice.get(id);
      if (item) item.versions.push(r.version);
      else byDevice.set(id, { ...r, deviceId: id, versions: [r.version] });
    }
    return { rows: pageIds.map((id: number) => byDevice.get(id)!).filter(Boolean), total: Number(count[0].n) };
  }

}
