// What a device prints is untrusted: reports that the SSH parsers build from broken or hostile
// output (see src/discovery/ssh/*.spec.ts) go through the real ingest and MariaDB here, and the
// device keeps everything that was read well.
import * as fs from 'node:fs';
import * as path from 'node:path';
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
