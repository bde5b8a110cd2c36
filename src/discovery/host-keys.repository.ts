// discovery/: SSH host keys pinned on first contact (trust on first use). The only place that
// touches ssh_host_keys. A different key later is refused and recorded beside the pinned one
// until a technician, having compared it with the machine's own, accepts exactly that key (or
// forgets the pinned one). Jobs trust no new key: at an address new to them, only one of the
// device's pinned keys.
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
    `compare the offered key with the one its console shows (ssh-keygen -l) and accept it ` +
    `(POST /api/discovery/host-keys/${host}/${port}/accept with the offered fingerprint)`
  );
}

/** Why accepting a refused key changed nothing: no pin, no refused key, or a refused key other than the one compared. */
export type AcceptRefusal = { why: 'missing' } | { why: 'nothing-refused' } | { why: 'different'; rejectedFingerprint: string };

/** A verifier for one connection of a job to a device, which pins what it accepted once the login is through. */
export interface DeviceKeyVerifier extends HostKeyVerifier {
  /** Pins the key accepted at the address, linked to the device (nothing when none was accepted or it was pinned already). */
  pinAccepted(): Promise<void>;
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
      await this.seen(host, port, keyType, now);
      return { ok: true };
    }
    await this.refused(host, port, fingerprint, now);
    return { ok: false, message: changedKeyMessage(host, port, row.fingerprint, fingerprint) };
  }

  /**
   * The pinned key seen again. Its type too: the same fingerprint is the same key, and a key
   * accepted in place of a refused one kept the type of the key it replaced until now.
   */
  private async seen(host: string, port: number, keyType: string, at: Date): Promise<void> {
    await this.ds.query('UPDATE ssh_host_keys SET last_seen = ?, key_type = ? WHERE host = ? AND port = ?', [at, keyType.slice(0, 64), host, port]);
  }

  private async refused(host: string, port: number, fingerprint: string, at: Date): Promise<void> {
    await this.ds.query('UPDATE ssh_host_keys SET rejected_fingerprint = ?, rejected_at = ? WHERE host = ? AND port = ?', [fingerprint, at, host, port]);
  }

  /**
   * The verifier of a job's session to a device that SSH has reached before, at any of its
   * addresses: a key is accepted only when it is one pinned for this device (at whichever
   * address), and, where the address has a pin, that pin. Never trust on first use: a job
   * that followed a DHCP move to an address that now belongs to another machine would run
   * there. The address of an accepted key is pinned by pinAccepted(), once the login succeeded.
   */
  deviceVerifier(deviceId: number): DeviceKeyVerifier {
    let accepted: { host: string; port: number; keyType: string; fingerprint: string } | undefined;
    return {
      verify: async (rawHost, port, keyType, fingerprint) => {
        const host = hostKeyHost(rawHost);
        const now = new Date();
        const [[pinned], [own]] = await Promise.all([
          this.ds.query('SELECT fingerprint, device_id AS deviceId FROM ssh_host_keys WHERE host = ? AND port = ?', [host, port]),
          // BINARY: fingerprints are base64, whose case matters; the columns compare without it
          this.ds.query('SELECT 1 AS own FROM ssh_host_keys WHERE device_id = ? AND BINARY fingerprint = ? LIMIT 1', [deviceId, fingerprint]),
        ]);
        if (pinned && pinned.fingerprint !== fingerprint) {
          await this.refused(host, port, fingerprint, now);
          return { ok: false, message: changedKeyMessage(host, port, pinned.fingerprint, fingerprint) };
        }
        if (!own) {
          return {
            ok: false,
            message: `${host}:${port} offered host key ${fingerprint}, which is not pinned for this device ` +
              `(${pinned ? 'it is pinned at that address, but not for this device' : 'that address is new to it'}): ` +
              'another machine may have the address now, and a job trusts no key on first use; a scan of the address identifies the machine there',
          };
        }
        // the same key pinned here for another device: machines cloned from one image share their
        // host keys, and the address (the job's device's old DHCP lease) is now the other one's
        if (pinned && pinned.deviceId !== null && Number(pinned.deviceId) !== deviceId) {
          return {
            ok: false,
            message: `${host}:${port} offered host key ${fingerprint}, which is pinned at that address for device ${Number(pinned.deviceId)}, not for this one: ` +
              'the address belongs to that machine now (the two share a host key, as clones of one image do)',
          };
        }
        if (pinned) await this.seen(host, port, keyType, now);
        accepted = { host, port, keyType, fingerprint };
        return { ok: true };
      },
      // the pin of the address, else the key type the device answered with last
      pinnedKeyType: async (host, port) => {
        const [row] = await this.ds.query(
          `SELECT key_type AS keyType FROM ssh_host_keys WHERE (host = ? AND port = ?) OR device_id = ?
           ORDER BY host = ? AND port = ? DESC, last_seen DESC LIMIT 1`,
          [hostKeyHost(host), port, deviceId, hostKeyHost(host), port],
        );
        return row?.keyType ?? null;
      },
      pinAccepted: async () => {
        if (!accepted) return;
        const { host, port, keyType, fingerprint } = accepted;
        const now = new Date();
        await this.ds.query(
          'INSERT IGNORE INTO ssh_host_keys (host, port, key_type, fingerprint, device_id, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)',
          [host, port, keyType.slice(0, 64), fingerprint, deviceId, now, now],
        );
        // a pin of that key which no device claimed yet (a scan that did not identify the machine) is this device's
        await this.ds.query('UPDATE ssh_host_keys SET device_id = ? WHERE host = ? AND port = ? AND BINARY fingerprint = ? AND device_id IS NULL', [deviceId, host, port, fingerprint]);
      },
    };
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

  /**
   * Pins the refused key in place of the pinned one, provided it is still the key the technician
   * compared: one conditional UPDATE, so that when two technicians accept at once, or the host
   * offers yet another key meanwhile, only the key compared is ever pinned, once. The accepted
   * key counts as seen when it was last refused.
   */
  async acceptRejected(host: string, port: number, fingerprint: string): Promise<{ previous: SshHostKey; now: SshHostKey } | AcceptRefusal> {
    const previous = await this.find(host, port);
    if (!previous) return { why: 'missing' };
    const res = await this.ds.query(
      // the key is a new machine's, or the old one reinstalled: which, the next scan of the address
      // says (it links the pin again). Linked to the old device meanwhile, its jobs (with its
      // credential and sudo password) went to whatever machine now answers there
      `UPDATE ssh_host_keys SET fingerprint = rejected_fingerprint, first_seen = rejected_at, last_seen = rejected_at,
         rejected_fingerprint = NULL, rejected_at = NULL, device_id = NULL
       WHERE host = ? AND port = ? AND BINARY rejected_fingerprint = ?`,
      [hostKeyHost(host), port, fingerprint],
    );
    const now = await this.find(host, port);
    if (Number(res.affectedRows) === 1 && now) return { previous, now };
    if (!now) return { why: 'missing' };
    return now.rejectedFingerprint ? { why: 'different', rejectedFingerprint: now.rejectedFingerprint } : { why: 'nothing-refused' };
  }

  /** One pinned key as the list shows it, with its device's name. */
  async view(host: string, port: number): Promise<HostKeyView | null> {
    const key = await this.find(host, port);
    if (!key) return null;
    const [device] = key.deviceId === null ? [] : await this.ds.query('SELECT hostname FROM devices WHERE id = ?', [key.deviceId]);
    return { ...key, deviceName: device?.hostname ?? null };
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

  /** Where SSH has reached the device (its keys pinned there), the most recent first. */
  async pinnedAddresses(deviceId: number): Promise<string[]> {
    const rows: Array<{ host: string }> = await this.ds.query('SELECT host FROM ssh_host_keys WHERE device_id = ? ORDER BY last_seen DESC LIMIT 16', [deviceId]);
    return rows.map((r) => r.host);
  }
}
