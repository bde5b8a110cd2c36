// SNMP collection end to end: a lab snmpd (this machine's real interfaces and packages,
// the lab profile's system group) collected into an InventoryReport and ingested.
import * as crypto from 'node:crypto';
import * as os from 'node:os';
import { execFileSync } from 'node:child_process';
import { collectSnmp } from '../src/discovery/snmp.collector';
import { IngestService } from '../src/inventory/ingest.service';
import { SnmpClient } from '../src/protocols/snmp/snmp.client';
import { bearer, createTestApp, TestApp } from './support/app';
import { linuxProfile, SnmpdAgent } from './lab/snmpd';

describe('SNMP collection into the inventory', () => {
  const address = `127.78.${crypto.randomInt(1, 250)}.${crypto.randomInt(2, 250)}`;
  const profile = linuxProfile(address, 'lab-collect-01');
  const agent = new SnmpdAgent(profile);
  let t: TestApp;
  let client: SnmpClient;

  beforeAll(async () => {
    await agent.start();
    t = await createTestApp();
    client = new SnmpClient({ host: address }, { kind: 'snmp-v2c', community: profile.community });
  });
  afterAll(async () => {
    client?.close();
    await agent.stop();
    await t?.close();
  });

  it('collects the system group, classification and the machine\'s interfaces', async () => {
    const report = await collectSnmp(client, address);
    expect(report.identity).toMatchObject({ hostname: 'lab-collect-01', addresses: [address] });
    expect(report.device).toMatchObject({ platform: 'linux', osFamily: 'linux', osName: 'Linux', osVersion: '6.1.0-28-amd64' });
    const lo = report.interfaces!.find((i) => i.name === 'lo');
    expect(lo).toMatchObject({ operStatus: 'up', addresses: expect.arrayContaining(['127.0.0.1']) });
    // every interface of this machine with a MAC, as `ip link` shows them
    const links = JSON.parse(execFileSync('ip', ['-j', 'link'], { encoding: 'utf8' })) as Array<{ ifname: string; address?: string }>;
    for (const l of links.filter((l) => l.address && l.address !== '00:00:00:00:00:00')) {
      expect(report.interfaces).toEqual(expect.arrayContaining([expect.objectContaining({ name: l.ifname, mac: l.address })]));
    }
    // installed software: Debian's snmpd reads the dpkg database
    const installed = execFileSync('dpkg-query', ['-W', '-f=${db:Status-Abbrev} ${Package} ${Version} ${Architecture}\n'], { encoding: 'utf8' })
      .split('\n').filter((l) => l.startsWith('ii')).map((l) => l.split(/\s+/));
    expect(report.software).toHaveLength(installed.length);
    const [, pkg, version, arch] = installed[0];
    expect(report.software).toEqual(expect.arrayContaining([expect.objectContaining({ name: pkg, version, architecture: arch })]));
    // HOST-RESOURCES-MIB: this machine's memory and its processor model; hrDeviceTable lists logical
    // processors, which are not cores (lscpu's "Core(s) per socket", what SSH reports), so no core count
    expect(report.hardware![0]).toEqual({ kind: 'memory', name: 'total memory', capacityBytes: os.totalmem() });
    const models = [...new Set(os.cpus().map((c) => c.model.replace(/\s+/g, ' ').trim()))];
    expect(report.hardware!.filter((h) => h.kind === 'cpu')).toEqual(models.map((name) => ({ kind: 'cpu', name, manufacturer: expect.any(String) })));
  });

  it('ingests it as one device, and a second collection changes nothing', async () => {
    const ingest = t.app.get(IngestService);
    const first = await ingest.ingest(await collectSnmp(client, address));
    expect(first.created).toBe(true);
    const second = await ingest.ingest(await collectSnmp(client, address));
    expect(second).toMatchObject({ deviceId: first.deviceId, created: false, changes: 0 });
    const d = await t.http.get(`/api/devices/${first.deviceId}`).set(bearer(t.adminToken));
    expect(d.body).toMatchObject({ hostname: 'lab-collect-01', platform: 'linux', osFamily: 'linux', primaryIp: address, sources: [expect.objectContaining({ kind: 'snmp' })] });
    expect(d.body.interfaces.map((i: { name: string }) => i.name)).toContain('lo');
    const sw = await t.http.get(`/api/devices/${first.deviceId}/software?limit=1`).set(bearer(t.adminToken));
    const installed = execFileSync('dpkg-query', ['-W', '-f=${db:Status-Abbrev}\n'], { encoding: 'utf8' }).split('\n').filter((l) => l.startsWith('ii'));
    expect(sw.body.total).toBe(installed.length);
  });
});
