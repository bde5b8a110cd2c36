// discovery/: SSH host keys pinned on first contact (trust on first use). The only place that
// touches ssh_host_keys. A different key later is refused and recorded beside the pinned one
// until a technician, having checked the machine, forgets the pinned key.
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { likePrefix, Page, parseSort } from '../common/pagination';
import { HostKeyVerifier } from '../protocols/ssh/ssh.client';
import { HOST_KEY_SORT, HostKeyQuery, HostKeyView } from './host-key.dto';
import { SshHostKey } from './ssh-host-key.entity';

type Verdict = { ok: true } | { ok: false; message: string };

/** Host names compare case-insensitively; addresses are what they are. */
export const hostKeyHost = (host: string) => host.trim().toLowerCase();

export function changedKeyMessage(host: string, port: number, pinned: string, offered: string): string {
  return (
    `host key for ${host}:${port} changed: pinned ${pinned}, offered ${offered}; if the machine was reinstalled, ` +
    `forget the pinned key (DELETE /api/discovery/host-keys/${host}/${port}) and scan again`
  );
}

@Injectable()
export class HostKeysRepository {
  private readonly keys: Repository<SshHostKey>;

  constructor(private readonly ds: DataSource) {
    this.keys = ds.getRepository(SshHostKey);
  }

  /** The verifier an SshClient checks every host key with. */
  verifier(): HostKeyVerifier {
    return {
      verify: (host, port, keyType, fingerprint) => this.check(hostKeyHost(host), port, keyType, fingerprint),
      pinnedKeyType: async (host, port) => {
        const [row] = await this.ds.query('SELECT key_type AS keyType FROM ssh_host_keys WHERE host = ? AND port = ?', [hostKeyHost(host), port]);
        return row?.keyType ?? null;
      },
    };
  }

  /**
   * First contact pins the key. Several workers may meet a new host at once: each tries the
   * insert, exactly one wins, and the others compare against what it pinned.
   */
  private async check(host: string, port: number, keyType: string, fingerprint: string, retried = false): Promise<Verdict> {
    if (host.length > 255) return { ok: false, message: `host name ${host.slice(0, 64)}… is too long to pin a key for` };
    const now = new Date();
    const inserted = await this.ds.query(
      'INSERT IGNORE INTO ssh_host_keys (host, port, key_type, fingerprint, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)',
      [host, port, keyType.slice(0, 64), fingerprint, now, now],
    );
    if (Number(inserted.affectedRows) === 1) return { ok: true };
    const [row] = await this.ds.query('SELECT fingerprint FROM ssh_host_keys WHERE host = ? AND port = ?', [host, port]);
    // forgotten between the insert and the read: pin again
    if (!row) return retried ? { ok: false, message: `host key for ${host}:${port} could not be pinned` } : this.check(host, port, keyType, fingerprint, true);
    if (row.fingerprint === fingerprint) {
      await this.ds.query('UPDATE ssh_host_keys SET last_seen = ? WHERE host = ? AND port = ?', [now, host, port]);
      return { ok: true };
    }
    await this.ds.query('UPDATE ssh_host_keys SET rejected_fingerprint = ?, rejected_at = ? WHERE host = ? AND port = ?', [fingerprint, now, host, port]);
    return { ok: false, message: changedKeyMessage(host, port, row.fingerprint, fingerprint) };
  }

  async list(q: HostKeyQuery): Promise<Page<HostKeyView>> {
    const sort = parseSort(q.sort, HOST_KEY_SORT, 'host');
    const qb = this.keys.createQueryBuilder('k');
    const text = q.q?.trim();
    if (text) qb.andWhere('k.host LIKE :q', { q: likePrefix(text.toLowerCase()) });
    if (q.rejected === true) qb.andWhere('k.rejected_fingerprint IS NOT NULL');
    if (q.rejected === false) qb.andWhere('k.rejected_fingerprint IS NULL');
    const [rows, total] = await qb
      .orderBy(sort.column, sort.direction)
      .addOrderBy('k.host', 'ASC')
      .addOrderBy('k.port', 'ASC')
      .skip((q.page - 1) * q.limit)
      .take(q.limit)
      .getManyAndCount();
    // the devices' names as they are now, for the page's rows only: a technician deciding whether to
    // forget a changed key needs to know which machine it is, not its number
    const ids = [...new Set(rows.map((r) => r.deviceId).filter((id): id is number => id !== null))];
    const names = new Map<number, string | null>();
    if (ids.length) for (const d of await this.ds.query('SELECT id, hostname FROM devices WHERE id IN (?)', [ids])) names.set(Number(d.id), d.hostname);
    return { items: rows.map((r) => ({ ...r, deviceName: r.deviceId === null ? null : names.get(r.deviceId) ?? null })), total, page: q.page, limit: q.limit };
  }

  find(host: string, port: number): Promise<SshHostKey | null> {
    return this.keys.findOneBy({ host: hostKeyHost(host), port });
  }

  /** Drops the pinned key, so that the next contact pins whatever the host offers then. */
  async forget(host: string, port: number): Promise<boolean> {
    const res = await this.keys.delete({ host: hostKeyHost(host), port });
    return (res.affected ?? 0) > 0;
  }

  /** Remembers which device answered with this key, once ingest has identified it. */
  async linkDevice(host: string, port: number, deviceId: number, m: EntityManager = this.ds.manager): Promise<void> {
    await m.getRepository(SshHostKey).update({ host: hostKeyHost(host), port }, { deviceId });
  }

  /** Where SSH last reached the device (address and port), if a scan ever did. */
  async lastReached(deviceId: number): Promise<{ host: string; port: number } | null> {
    const row = await this.keys.findOne({ where: { deviceId }, order: { lastSeen: 'DESC' } });
    return row ? { host: row.host, port: row.port } : null;
  }
}
