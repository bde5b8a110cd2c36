// The Windows agent cannot run here, so its server side is tested with what it sends: the
// committed fixture raw.json is what CIM and the registry said on a domain-joined Dell OptiPlex
// (the agent's --save-raw output, in Windows PowerShell 5.1's JSON with its \u0026-style
// escapes), and report.json is the report the agent builds from it (--from-raw raw.json
// --dry-run). The report must be the SSH collector's view of the same CIM output field for
// field, so that the machine scanned over SSH and running the agent stays one device.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateReport } from '../src/agents/report-schema';
import { smbios } from '../src/discovery/ssh/text';
import { parseWindows, WINDOWS_COMMAND } from '../src/discovery/ssh/windows';
import { IngestService } from '../src/inventory/ingest.service';
import { bearer, createTestApp, TestApp } from './support/app';

const FIXTURES = path.join(__dirname, 'fixtures/agents/windows-optiplex-7090');
const raw = fs.readFileSync(path.join(FIXTURES, 'raw.json'), 'utf8');
const reportText = fs.readFileSync(path.join(FIXTURES, 'report.json'), 'utf8');
const SCRIPT = fs.readFileSync(path.resolve(__dirname, '../agents/windows/teknisi-agent.ps1'), 'utf8');

const wire = <T>(x: T): T => JSON.parse(JSON.stringify(x));

describe('the Windows agent', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await createTestApp();
    token = (await t.http.post('/api/agents/tokens').set(bearer(t.adminToken)).send({ name: 'GPO: all workstations' })).body.token;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('reads the same CIM classes, properties and Uninstall keys as the SSH collector', () => {
    const ssh = Buffer.from(WINDOWS_COMMAND.split(' ').pop()!, 'base64').toString('utf16le');
    const selects = [...ssh.matchAll(/Get-CimInstance (Win32_\w+)(?: -Filter '([^']+)')?(?:\|Select-Object |\) )([\w,]+)/g)];
    expect(selects).toHaveLength(7);
    for (const [, cls, filter, props] of selects) {
      const agentLine = new RegExp(`Get-CimInstance ${cls}${filter ? ` -Filter '${filter.replace(/[=]/g, '\\$&')}'` : ''} \\| Select-Object ${props.split(',').join(', ')}\\b`);
      expect([cls, agentLine.test(SCRIPT)]).toEqual([cls, true]);
    }
    expect(SCRIPT).toContain("foreach ($hive in 'SOFTWARE', 'SOFTWARE\\WOW6432Node')");
    // those keys read as named only in a 64-bit process: a 32-bit host (Intune's default) runs the agent again in the 64-bit one
    const relaunch = SCRIPT.indexOf("if ([Environment]::Is64BitOperatingSystem -and -not [Environment]::Is64BitProcess -and -not $env:TEKNISI_AGENT_RELAUNCHED) {");
    expect(relaunch).toBeGreaterThan(0);
    expect(relaunch).toBeLessThan(SCRIPT.indexOf('for ($i = 0; $i -lt $args.Count; $i++) {'));
    expect(SCRIPT).toContain("& $native -NoProfile -NonInteractive -ExecutionPolicy Bypass -File $PSCommandPath @args");
    expect(SCRIPT).toContain("Where-Object { $_.DisplayName -and $_.SystemComponent -ne 1 -and -not $_.ParentKeyName }");
    expect(SCRIPT).toContain("Select-Object DisplayName, DisplayVersion, Publisher, InstallDate, @{ n = 'Hive'; e = { $hive } }");
  });

  it("builds the SSH collector's report of the same CIM output, field for field, plus the MachineGuid", () => {
    const report = JSON.parse(reportText);
    expect(validateReport(report)).toEqual([]);
    expect(report.agent).toEqual({ name: 'teknisi-agent.ps1', version: '1.0.0' });
    const { source, ...ssh } = wire(parseWindows(raw, '192.0.2.117'));
    expect(source).toBe('ssh');
    const { agent: _a, collectedAt: _c, ...mine } = report;
    expect(mine).toEqual({
      ...ssh,
      // SSH puts the address it reached the machine at first; the agent lists its adapters' IPv4s
      identity: { ...ssh.identity, addresses: ['192.0.2.117'] },
      hardware: [...ssh.hardware!, { kind: 'other', name: 'machine-id', serial: '5b2e8f1c-9d3a-4e7b-a1c6-0f4d2b8e7a93' }],
    });
    // PowerShell 5.1's escapes decode to the text itself; a duplicate entry of one hive is listed once
    expect(mine.software).toContainEqual({ name: 'Schäfer & Partner Zeiterfassung <Test>', publisher: 'Schäfer & Partner GmbH', architecture: 'x86' });
    expect(mine.software).toContainEqual({ name: "O'Reilly Learning", version: '3.2', publisher: "O'Reilly Media", architecture: 'x64', installDate: '2024-02-01' });
    expect(mine.software).toHaveLength(13);
  });

  let deviceId: number;

  it('is ingested as a domain-joined Dell workstation with its software, source agent', async () => {
    const body = reportText.replace(/"collectedAt":"[^"]+"/, `"collectedAt":"${new Date().toISOString()}"`);
    const res = await t.http.post('/api/inventory/reports').set(bearer(token)).set('Content-Type', 'application/json; charset=utf-8').send(body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: true });
    deviceId = res.body.deviceId;
    const device = (await t.http.get(`/api/devices/${deviceId}`).set(bearer(t.adminToken))).body;
    expect(device).toMatchObject({
      hostname: 'HR-PC-0117', fqdn: 'hr-pc-0117.ad.kanzlei-weber.de', serial: '7QK2RM3', type: 'workstation', platform: 'windows', osFamily: 'windows',
      vendor: 'Dell Inc.', model: 'OptiPlex 7090', osName: 'Microsoft Windows 10 Enterprise', osVersion: '10.0.19045', primaryIp: '192.0.2.117',
      sources: [expect.objectContaining({ kind: 'agent' })],
    });
    expect(device.hardware).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'cpu', name: '11th Gen Intel(R) Core(TM) i5-11500 @ 2.70GHz', manufacturer: 'Intel', cores: 6, speedMhz: 2712 }),
      expect.objectContaining({ kind: 'disk', model: 'PC SN730 NVMe WDC 256GB', capacityBytes: 256052966400 }),
      expect.objectContaining({ kind: 'other', name: 'machine-id', serial: '5b2e8f1c-9d3a-4e7b-a1c6-0f4d2b8e7a93' }),
    ]));
    expect(device.interfaces.map((i: { name: string; mac: string }) => [i.name, i.mac])).toEqual([['Ethernet', 'b0:7b:25:1e:9a:c4'], ['Ethernet 2', '00:e0:4c:68:0f:21']]);
    const software = await t.http.get(`/api/devices/${deviceId}/software?limit=50`).set(bearer(t.adminToken));
    expect(software.body.total).toBe(13);
    expect(software.body.items.map((s: { name: string }) => s.name)).toEqual(expect.arrayContaining(['Schäfer & Partner Zeiterfassung <Test>', '福昕PDF阅读器']));
  });

  it('stays one device with both sources when SSH discovery finds the same machine', async () => {
    const bySsh = await t.app.get(IngestService).ingest(parseWindows(raw, '192.0.2.117'));
    expect(bySsh).toMatchObject({ deviceId, created: false, matchedBy: 'serial' });
    const again = await t.http.post('/api/inventory/reports').set(bearer(token)).set('Content-Type', 'application/json').send(reportText.replace(/"collectedAt":"[^"]+"/, `"collectedAt":"${new Date().toISOString()}"`));
    expect(again.body).toEqual({ deviceId, created: false, matchedBy: 'serial', changes: 0 });
    const device = (await t.http.get(`/api/devices/${deviceId}`).set(bearer(t.adminToken))).body;
    expect(device.sources.map((s: { kind: string }) => s.kind).sort()).toEqual(['agent', 'ssh']);
    expect((await t.http.get('/api/devices').set(bearer(t.adminToken))).body.total).toBe(1);
  });

  it("refuses, naming the field, the array wrapper Windows PowerShell 5.1 writes when the agent's guard against it fails", async () => {
    // {"value": [...], "Count": n} is what ConvertTo-Json makes of an array carrying PowerShell's
    // extra type data; the agent removes that type data first (Remove-TypeData System.Array)
    const report = JSON.parse(reportText);
    report.software = { value: report.software, Count: report.software.length };
    const res = await t.http.post('/api/inventory/reports').set(bearer(token)).send(report);
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([{ field: 'software', messages: ['must be an array, not object'] }]);
    expect(SCRIPT).toContain('Remove-TypeData -TypeName System.Array');
    // and the body goes out as UTF-8 bytes: Windows PowerShell would send a string as ISO-8859-1
    expect(SCRIPT).toContain('(New-Object Text.UTF8Encoding $false).GetBytes($json)');
  });

  // No PowerShell here: what the hardened SSH parser does for broken WMI and registry output is
  // checked in the agent's own text, and its placeholder list run against the parser's.
  describe('rules hardened in SSH discovery, in the script', () => {
    it("leaves out of vendor, model and serial the SMBIOS placeholders that SSH discovery leaves out (a whitebox PC's 'To Be Filled By O.E.M.')", () => {
      const pattern = /^\$SmbiosPlaceholder = '([^']+)'$/m.exec(SCRIPT)?.[1];
      expect(pattern).toBeDefined();
      // the pattern has nothing on which .NET's IgnoreCase and JavaScript's i differ (no \d, \w or classes)
      expect(pattern).not.toMatch(/\\[dwsb]|\[/);
      const agentLeavesOut = (v: string) => new RegExp(pattern!, 'i').test(v.trim());
      const values = [
        'To Be Filled By O.E.M.', 'To be filled by OEM', 'System manufacturer', 'System Product Name', 'System Serial Number', 'System Version',
        'Default string', 'Chassis Serial Number', 'Not Specified', 'Not Applicable', 'None', 'N/A', 'O.E.M.', 'OEM', '0123456789', '123456789', '0000000',
        ' Default string ', 'Dell Inc.', 'OptiPlex 7090', '7QK2RM3', 'Gigabyte Technology Co., Ltd.', 'B550 AORUS ELITE V2', 'OEM Computer GmbH', 'System76', '1234567890',
      ];
      for (const v of values) expect([v, agentLeavesOut(v)]).toEqual([v, smbios(v) === undefined]);
      expect(SCRIPT).toContain("$vendor = Get-Smbios (Get-Prop $cs 'Manufacturer') 128");
      expect(SCRIPT).toContain("$model = Get-Smbios (Get-Prop $cs 'Model') 255");
      expect(SCRIPT).toContain("serial = Get-Smbios (Get-Prop $bios 'SerialNumber') 128");
    });

    it('keeps only an InstallDate that is a calendar day from 1980 to today (not 20240231, which showed as 0000-00-00)', () => {
      // TryParseExact refuses the 31st of February, month 13 and year 0; then the range
      expect(SCRIPT).toContain("[datetime]::TryParseExact($text, 'yyyyMMdd', [Globalization.CultureInfo]::InvariantCulture, [Globalization.DateTimeStyles]::None, [ref]$day)");
      expect(SCRIPT).toContain('$day -lt (New-Object DateTime 1980, 1, 1) -or $day -gt (Get-Date).ToUniversalTime().AddDays(1)');
      expect(SCRIPT).toContain("installDate = Get-InstallDate (Get-Prop $e 'InstallDate')");
      expect(SCRIPT).not.toMatch(/\[int\]\$Matches\[3\] -le 31/);
    });

    it("leaves hardware and adapters out, not empty, when WMI does not answer, and takes the host name from COMPUTERNAME", () => {
      expect(SCRIPT).toMatch(/^\s+hn\s+= \$env:COMPUTERNAME$/m);
      expect(SCRIPT).toContain("if (-not $hostText) { $hostText = Get-Text (Get-Prop $Raw 'hn') 255 }");
      // the condition SSH discovery uses: a computer system and a processor
      expect(SCRIPT).toContain("$wmi = @(Get-List (Get-Prop $Raw 'cs')).Count -gt 0 -and @(Get-List (Get-Prop $Raw 'cpu')).Count -gt 0");
      expect(SCRIPT).toContain('if ($wmi) { $report.hardware = $hardware; $report.interfaces = $interfaces }');
      expect(SCRIPT).not.toMatch(/^\s+hardware\s+= \$hardware$/m);
      // and says so in the log, as the Linux and macOS agents do
      expect(SCRIPT).toContain('"left out of this report, so that the server keeps what it knew: $leftOut"');
    });
  });
});
