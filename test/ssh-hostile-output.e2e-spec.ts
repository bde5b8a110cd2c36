// What a device prints is untrusted: reports that the SSH parsers build from broken or hostile
// output (see src/discovery/ssh/*.spec.ts) go through the real ingest and MariaDB here, and the
// device keeps everything that was read well.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LinuxOutputs, parseLinux } from '../src/discovery/ssh/linux';
import { parseWindows } from '../src/discovery/ssh/windows';
import { IngestService } from '../src/inventory/ingest.service';
import { bearer, createTestApp, TestApp } from './support/app';

const fixture = (dir: string, file: string) => fs.readFileSync(path.join(__dirname, '../src/discovery/ssh/fixtures', dir, file), 'utf8');

describe('SSH reports from hostile output, ingested', () => {
  let t: TestApp;
  let ingest: IngestService;
  let viewer: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp();
    ingest = t.app.get(IngestService);
    viewer = bearer(await t.tokenFor('viewer'));
  });
  afterAll(() => t?.close());

  const softwareOf = async (id: number) => (await t.http.get(`/api/devices/${id}/software?limit=500`).set(viewer)).body;
  const device = async (id: number) => (await t.http.get(`/api/devices/${id}`).set(viewer)).body;
  const history = async (id: number) => (await t.http.get(`/api/devices/${id}/history?limit=500`).set(viewer)).body.items as Array<Record<string, string>>;

  it('keeps the ports and packages of a Linux server whose rescan got ip -j cut short and a failing dpkg-query', async () => {
    const f = (file: string) => fixture('linux-debian12-r650', file);
    const outputs: LinuxOutputs = {
      osRelease: f('os-release.txt'), hostname: f('hostname.txt'), machineId: f('machine-id.txt'), dmi: f('dmi.txt'),
      cpu: f('lscpu.txt'), memory: f('meminfo.txt'), disks: f('lsblk.json'), network: f('ip-addr.json'), packages: f('dpkg.txt'),
    };
    const first = await ingest.ingest(parseLinux(outputs, '192.0.2.41'));
    const before = await device(first.deviceId);
    expect(before.interfaces).toHaveLength(5);

    // the JSON ends mid-interface; dpkg-query refused its damaged status file (the command's "#failed")
    const again = await ingest.ingest(parseLinux({ ...outputs, network: f('ip-addr.json').slice(0, 1500), packages: '#dpkg\n#failed\n' }, '192.0.2.41'));
    expect(again.deviceId).toBe(first.deviceId);
    const after = await device(first.deviceId);
    expect(after.interfaces).toEqual(before.interfaces);
    expect((await softwareOf(first.deviceId)).total).toBe(19);
    expect((await history(first.deviceId)).filter((h) => h.action === 'removed')).toEqual([]);
  });

  it('stores a Windows PC whose registry says it installed something on the 31st of February without that date', async () => {
    const doc = JSON.parse(fixture('windows-thinkpad', 'inventory.json'));
    doc.sw.push({ DisplayName: 'Contoso Scan Agent', DisplayVersion: '4.2.0', Publisher: 'Contoso Ltd.', InstallDate: '20240231', Hive: 'SOFTWARE\\WOW6432Node' });
    const res = await ingest.ingest(parseWindows(JSON.stringify(doc), '192.0.2.87'));
    const sw = await softwareOf(res.deviceId);
    expect(sw.total).toBe(14);
    // MariaDB's INSERT IGNORE made it 0000-00-00, which the API then served
    expect(sw.items.find((s: { name: string }) => s.name === 'Contoso Scan Agent')).toMatchObject({ version: '4.2.0', installDate: null });
    expect(sw.items.find((s: { name: string }) => s.name === '微信')).toMatchObject({ installDate: '2024-04-01' });
  });
});
