// Ingest's identity lookups at scale, against the real MariaDB: every report of a machine asks
// which devices have its serial, its MACs, its hostname at its address. With thousands of
// devices stored, each lookup must read only the rows that match (index ranges), not every
// device: a lookup that walks the devices table costs every new machine's report about half a
// second at 100,000 devices. Counted in rows read (the session's Handler_read_* counters), so
// the check is exact and independent of the machine's speed.
import { QueryRunner } from 'typeorm';
import { InventoryRepository } from '../src/inventory/inventory.repository';
import { createTestApp, TestApp } from './support/app';

const DEVICES = 5000;
const mac = (n: number) => `52:54:00:5a:${((n >> 8) & 0xff).toString(16).padStart(2, '0')}:${(n & 0xff).toString(16).padStart(2, '0')}`;
const ip = (n: number) => `198.51.${(n >> 8) & 0xff}.${n & 0xff}`;

describe('identity lookups with 5,000 devices stored', () => {
  let t: TestApp;
  let qr: QueryRunner;
  const repo = new InventoryRepository();

  beforeAll(async () => {
    t = await createTestApp();
    const rows = (make: (n: number) => unknown[]) => Array.from({ length: DEVICES }, (_, i) => make(i + 1));
    const now = new Date();
    await t.db.query(
      'INSERT INTO devices (id, hostname, serial, type, platform, status, primary_ip, first_seen, last_seen, created_at, updated_at) VALUES ?',
      [rows((n) => [n, `pc-${n}`, `SN${n}`, 'workstation', 'windows', 'active', ip(n), now, now, now, now])],
    );
    await t.db.query('INSERT INTO device_addresses (device_id, ip, mac) VALUES ?', [rows((n) => [n, ip(n), mac(n)])]);
    await t.db.query('INSERT INTO network_interfaces (device_id, name, mac) VALUES ?', [[...rows((n) => [n, 'Ethernet', mac(n)]), ...rows((n) => [n, 'Loopback', null])]]);
    await t.db.query('ANALYZE TABLE devices, device_addresses, network_interfaces');
    qr = t.db.createQueryRunner();
    await qr.connect();
  });
  afterAll(async () => {
    await qr?.release();
    await t?.close();
  });

  /** the lookup's answer and how many rows MariaDB read for it, on one connection */
  const measured = async <T>(lookup: () => Promise<T>): Promise<{ result: T; rowsRead: number }> => {
    const reads = async () => {
      const status: Array<{ Variable_name: string; Value: string }> = await qr.query("SHOW SESSION STATUS LIKE 'Handler_read%'");
      return status.reduce((sum, s) => sum + Number(s.Value), 0);
    };
    const before = await reads();
    const result = await lookup();
    return { result, rowsRead: (await reads()) - before };
  };

  it('finds a machine by one of its MACs reading a handful of rows, not the devices table', async () => {
    const hit = await measured(() => repo.idsByMacs(qr.manager, [mac(4097), '00:00:5e:00:53:01']));
    expect(hit.result).toEqual([4097]);
    expect(hit.rowsRead).toBeLessThan(50);
    // a new machine: no device has its MACs
    const miss = await measured(() => repo.idsByMacs(qr.manager, ['00:00:5e:00:53:02', '00:00:5e:00:53:03']));
    expect(miss.result).toEqual([]);
    expect(miss.rowsRead).toBeLessThan(50);
  });

  it('leaves retired devices out of a MAC match', async () => {
    await t.db.query("UPDATE devices SET status = 'retired' WHERE id = 12");
    expect(await repo.idsByMacs(qr.manager, [mac(12), mac(13)])).toEqual([13]);
  });

  it('finds a machine by serial, and by hostname at one of its addresses, reading a handful of rows', async () => {
    const serial = await measured(() => repo.idsBySerial(qr.manager, 'SN2500'));
    expect(serial.result).toEqual([2500]);
    expect(serial.rowsRead).toBeLessThan(50);
    const named = await measured(() => repo.idsByHostnameAndAddress(qr.manager, 'pc-300', ['203.0.113.9', ip(300)]));
    expect(named.result).toEqual([300]);
    expect(named.rowsRead).toBeLessThan(50);
  });
});
