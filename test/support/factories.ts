// Factories for integration specs: build inventory rows straight into a spec's database,
// standing in for the collectors and agents that later issues add.
import { DataSource } from 'typeorm';
import { bearer, TestApp } from './app';

let serialNo = 0;

export interface DeviceSeed {
  hostname?: string | null;
  fqdn?: string | null;
  type?: string;
  platform?: string;
  vendor?: string | null;
  model?: string | null;
  serial?: string | null;
  osFamily?: string | null;
  osName?: string | null;
  osVersion?: string | null;
  status?: string;
  location?: string | null;
  primaryIp?: string | null;
  lastSeen?: Date;
  tags?: string[];
  addresses?: Array<{ ip?: string; mac?: string }>;
  software?: Array<{ name: string; version?: string; publisher?: string }>;
}

/** Inserts a device with its tags, addresses and installed software; returns its id. */
export async function makeDevice(db: DataSource, seed: DeviceSeed = {}): Promise<number> {
  const n = ++serialNo;
  const now = new Date();
  const res = await db.query(
    `INSERT INTO devices (hostname, fqdn, type, platform, vendor, model, serial, os_family, os_name, os_version, status, location,
       primary_ip, first_seen, last_seen, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      seed.hostname === undefined ? `host-${n}` : seed.hostname, seed.fqdn ?? null, seed.type ?? 'workstation', seed.platform ?? 'linux',
      seed.vendor ?? null, seed.model ?? null, seed.serial === undefined ? `SER${n}` : seed.serial, seed.osFamily ?? null,
      seed.osName ?? null, seed.osVersion ?? null, seed.status ?? 'active', seed.location ?? null, seed.primaryIp ?? null,
      seed.lastSeen ?? now, seed.lastSeen ?? now, now, now,
    ],
  );
  const id = Number(res.insertId);
  for (const tag of seed.tags ?? []) await db.query('INSERT INTO device_tags (device_id, tag) VALUES (?, ?)', [id, tag]);
  for (const a of seed.addresses ?? []) await db.query('INSERT INTO device_addresses (device_id, ip, mac) VALUES (?, ?, ?)', [id, a.ip ?? null, a.mac ?? null]);
  for (const s of seed.software ?? []) await installSoftware(db, id, s.name, s.version ?? '1.0', s.publisher ?? '');
  return id;
}

export async function installSoftware(db: DataSource, deviceId: number, name: string, version: string, publisher = ''): Promise<number> {
  await db.query('INSERT IGNORE INTO software (name, normalized_name, publisher, created_at) VALUES (?, ?, ?, ?)', [name, name.toLowerCase(), publisher, new Date()]);
  const [{ id }] = await db.query('SELECT id FROM software WHERE normalized_name = ? AND publisher = ?', [name.toLowerCase(), publisher]);
  await db.query(
    `INSERT INTO installed_software (device_id, software_id, version, architecture, source, first_seen) VALUES (?, ?, ?, '', 'ssh', ?)`,
    [deviceId, Number(id), version, new Date()],
  );
  return Number(id);
}

/** Creates a job through the API as admin (POST /api/jobs must answer 201); its id. */
export async function postJob(t: TestApp, body: object): Promise<number> {
  const res = await t.http.post('/api/jobs').set(bearer(t.adminToken)).send(body);
  expect(res.status).toBe(201);
  return res.body.id as number;
}
