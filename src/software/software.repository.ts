// software/: queries over the catalogue and installed_software (15 M rows at 100,000 devices:
// every query here goes through (software_id, device_id) or (device_id, ...) indexes).
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { likeContains } from '../common/pagination';

@Injectable()
export class SoftwareRepository {
  constructor(private readonly ds: DataSource) {}

  async catalogue(q: string | undefined, sort: string, offset: number, limit: number) {
    const where = q ? 'WHERE s.normalized_name LIKE ? OR s.publisher LIKE ?' : '';
    const params = q ? [likeContains(q.toLowerCase()), likeContains(q)] : [];
    const desc = sort.startsWith('-');
    const col = sort.replace('-', '') === 'publisher' ? 's.publisher' : 's.normalized_name';
    const dir = desc ? 'DESC' : 'ASC';
    const [rows, count] = await Promise.all([
      this.ds.query(`SELECT s.id, s.name, s.publisher FROM software s ${where} ORDER BY ${col} ${dir}, s.id ${dir} LIMIT ? OFFSET ?`, [...params, limit, offset]),
      this.ds.query(`SELECT COUNT(*) AS n FROM software s ${where}`, params),
    ]);
    return { rows: rows.map((r: { id: number; name: string; publisher: string }) => ({ ...r, id: Number(r.id) })), total: Number(count[0].n) };
  }

  async findTitle(id: number): Promise<{ id: number; name: string; publisher: string } | null> {
    const rows = await this.ds.query('SELECT id, name, publisher FROM software WHERE id = ?', [id]);
    return rows[0] ? { ...rows[0], id: Number(rows[0].id) } : null;
  }

  /** Device counts and distinct versions for a page of titles (retired devices not counted). */
  async usage(ids: number[]): Promise<Map<number, { deviceCount: number; versions: string[] }>> {
    const out = new Map<number, { deviceCount: number; versions: string[] }>();
    if (!ids.length) return out;
    for (const id of ids) out.set(id, { deviceCount: 0, versions: [] });
    const [counts, versions] = await Promise.all([
      this.ds.query(
        `SELECT i.software_id AS id, COUNT(DISTINCT i.device_id) AS n FROM installed_software i
         JOIN devices d ON d.id = i.device_id AND d.status <> 'retired' WHERE i.software_id IN (?) GROUP BY i.software_id`,
        [ids],
      ),
      this.ds.query('SELECT DISTINCT software_id AS id, version FROM installed_software WHERE software_id IN (?) ORDER BY version DESC', [ids]),
    ]);
    for (const c of counts) out.get(Number(c.id))!.deviceCount = Number(c.n);
    for (const v of versions) {
      const entry = out.get(Number(v.id))!;
      if (entry.versions.length < 50) entry.versions.push(v.version);
    }
    return out;
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

  async devicesWith(softwareId: number, version: string | undefined, q: string | undefined, sort: string, offset: number, limit: number) {
    const where = ['i.software_id = ?', `d.status <> 'retired'`];
    const params: unknown[] = [softwareId];
    if (version !== undefined) (where.push('i.version = ?'), params.push(version));
    if (q) (where.push('(d.hostname LIKE ? OR d.primary_ip LIKE ?)'), params.push(likeContains(q), likeContains(q)));
    const desc = sort.startsWith('-') ? 'DESC' : 'ASC';
    const col = sort.replace('-', '') === 'version' ? 'i.version' : 'd.hostname';
    const from = `FROM installed_software i JOIN devices d ON d.id = i.device_id WHERE ${where.join(' AND ')}`;
    const [rows, count] = await Promise.all([
      this.ds.query(
        `SELECT d.id AS deviceId, d.hostname, d.primary_ip AS primaryIp, d.status, i.version, i.architecture ${from}
         ORDER BY ${col} ${desc}, i.id ${desc} LIMIT ? OFFSET ?`,
        [...params, limit, offset],
      ),
      this.ds.query(`SELECT COUNT(*) AS n ${from}`, params),
    ]);
    return { rows: rows.map((r: { deviceId: number }) => ({ ...r, deviceId: Number(r.deviceId) })), total: Number(count[0].n) };
  }
}
