// The macOS agent cannot run on a Mac here, but it is a POSIX sh script: run against stand-ins
// for sw_vers, hostname, system_profiler, defaults and pkgutil that answer what a MacBook Pro
// answered (the SSH collector's committed fixtures), its report must be the SSH collector's view
// of the same answers, field for field. Its argument handling, JSON writer and sending are the
// Linux agent's, kept equal line for line.
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateReport } from '../src/agents/report-schema';
import { MACOS_COMMANDS, parseMacos } from '../src/discovery/ssh/macos';

const ROOT = path.resolve(__dirname, '..');
const MAC_AGENT = path.join(ROOT, 'agents/macos/teknisi-agent.sh');
const LINUX_AGENT = path.join(ROOT, 'agents/linux/teknisi-agent.sh');
const FIXTURES = path.join(ROOT, 'src/discovery/ssh/fixtures/macos-mbp-m1pro');
const fixture = (f: string) => fs.readFileSync(path.join(FIXTURES, f), 'utf8');

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('/bin/sh', [MAC_AGENT, ...args], { env, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => resolve({ code: err ? Number(err.code) : 0, stdout, stderr }));
  });
}

/** The part of a script between two of its section headings. */
function section(file: string, from: string, to?: string): string {
  const text = fs.readFileSync(file, 'utf8');
  const start = text.indexOf(from);
  expect(start).toBeGreaterThan(0);
  return to ? text.slice(start, text.indexOf(to, start)) : text.slice(start);
}

/** Stand-ins in `dir` that answer what `answers` say (the SSH fixtures' by default); the agent's environment. */
function mac(dir: string, answers: { profiler?: string; receipts?: string } = {}): NodeJS.ProcessEnv {
  const bin = path.join(dir, 'bin');
  const apps = path.join(dir, 'Applications');
  fs.mkdirSync(bin);
  const put = (name: string, body: string) => fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'sw_vers.txt'), fixture('sw_vers.txt'));
  fs.writeFileSync(path.join(dir, 'profiler.json'), answers.profiler ?? fixture('system_profiler.json'));
  fs.writeFileSync(path.join(dir, 'receipts.txt'), answers.receipts ?? fixture('receipts.txt'));
  put('sw_vers', `cat '${dir}/sw_vers.txt'`);
  put('hostname', `echo '${fixture('hostname.txt').trim()}'`);
  put('system_profiler', `[ "$1 $2 $3 $4" = '-json SPHardwareDataType SPNetworkDataType SPStorageDataType' ] || exit 64\ncat '${dir}/profiler.json'`);
  // pkgutil --pkgs lists Apple's own receipts too (the agent leaves them out); --pkg-info prints one block
  put('pkgutil', [
    `if [ "$1" = --pkgs ]; then echo com.apple.pkg.Core; sed -n 's/^package-id: //p' '${dir}/receipts.txt'; exit 0; fi`,
    `awk -v id="$2" 'BEGIN { RS = "" } $0 ~ "package-id: " id "\\n" { print; exit }' '${dir}/receipts.txt'`,
  ].join('\n'));
  // each application a bundle folder; defaults answers from the fixture's version and identifier
  const lines = fixture('apps.txt').split('\n').filter(Boolean);
  fs.writeFileSync(path.join(dir, 'apps.tsv'), lines.map((l) => l.replace(/^\/Applications\//, '')).join('\n') + '\n');
  for (const l of lines) fs.mkdirSync(path.join(apps, l.split('\t')[0].replace(/^\/Applications\//, ''), 'Contents'), { recursive: true });
  put('defaults', [
    `rel=\${2#${apps}/}; rel=\${rel%/Contents/Info}`,
    `awk -F '\\t' -v rel="$rel" -v key="$3" '$1 == rel { v = key == "CFBundleIdentifier" ? $3 : $2; if (v != "") print v; else exit 1; found = 1 } END { if (!found) exit 1 }' '${dir}/apps.tsv'`,
  ].join('\n'));
  return { ...process.env, PATH: `${bin}:${process.env.PATH}`, TEKNISI_AGENT_APPLICATIONS: apps };
}

describe('the macOS agent', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-agent-macos-'));
    dirs.push(d);
    return d;
  };
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    env = mac(tmp());
  });
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it("builds the SSH collector's report of the same Mac, field for field", async () => {
    const dry = await run(['--dry-run'], env);
    expect(dry).toMatchObject({ code: 0, stderr: '' });
    const report = JSON.parse(dry.stdout);
    expect(validateReport(report)).toEqual([]);
    const { source, ...ssh } = JSON.parse(JSON.stringify(parseMacos({
      swVers: fixture('sw_vers.txt'), hostname: fixture('hostname.txt'), profiler: fixture('system_profiler.json'), apps: fixture('apps.txt'), receipts: fixture('receipts.txt'),
    }, '10.8.0.112')));
    expect(source).toBe('ssh');
    // SSH puts the address it reached the Mac at first; the agent lists its services' own, in order
    expect(ssh.identity.addresses).toEqual(['10.8.0.112', '192.168.178.57']);
    ssh.identity.addresses = ['192.168.178.57', '10.8.0.112'];
    const { agent, collectedAt: _c, ...mine } = report;
    expect(agent.name).toBe('teknisi-agent.sh');
    // the shell's glob lists applications in its own order; the fixture's lines were written by hand
    const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    expect({ ...mine, software: [...mine.software].sort(byName) }).toEqual({ ...ssh, software: [...ssh.software].sort(byName) });
    expect(mine.software).toContainEqual({ name: 'Übersicht', version: '1.6.77' });
    expect(mine.software.map((s: { name: string }) => s.name)).not.toContain('com.microsoft.Word');
  });

  describe('what system_profiler and pkgutil answer oddly, read as SSH discovery reads it', () => {
    const reachedAt = '192.0.2.250'; // not one of the Mac's own: SSH lists it first, then the Mac's
    /** The agent's report (software in name order) and SSH discovery's of the same answers, without what only one of them has. */
    const both = async (answers: { profiler?: string; receipts?: string }) => {
      const dry = await run(['--dry-run'], mac(tmp(), answers));
      expect(dry.code).toBe(0);
      const report = JSON.parse(dry.stdout);
      expect(validateReport(report)).toEqual([]);
      const { source: _s, ...ssh } = JSON.parse(JSON.stringify(parseMacos({
        swVers: fixture('sw_vers.txt'), hostname: fixture('hostname.txt'), profiler: answers.profiler ?? fixture('system_profiler.json'), apps: fixture('apps.txt'),
        receipts: answers.receipts ?? fixture('receipts.txt'),
      }, reachedAt)));
      ssh.identity.addresses = ssh.identity.addresses.slice(1);
      const { agent: _a, collectedAt: _c, ...mine } = report;
      const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
      for (const r of [mine, ssh]) r.software = [...r.software].sort(byName);
      return { mine, ssh, stderr: dry.stderr };
    };
    const profilerWith = (edit: (doc: Record<string, unknown>) => void) => {
      const doc = JSON.parse(fixture('system_profiler.json'));
      edit(doc);
      return JSON.stringify(doc, null, 2);
    };

    it('leaves out the interfaces, not empty, when system_profiler did not answer for the network, and keeps the rest', async () => {
      const { mine, ssh, stderr } = await both({ profiler: profilerWith((d) => delete d.SPNetworkDataType) });
      // an empty list would be every port of the Mac removed
      expect(mine).not.toHaveProperty('interfaces');
      expect(mine.hardware).toHaveLength(4);
      expect(mine.identity).toMatchObject({ hostname: 'Annas-MacBook-Pro', serial: 'C02G7XYZMD6T' });
      expect(mine).toEqual(ssh);
      expect(stderr).toBe('teknisi-agent: left out of this report, so that the server keeps what it knew: interfaces (system_profiler did not answer for the network)\n');
    });

    it.each([['storage', 'SPStorageDataType'], ['hardware', 'SPHardwareDataType']])(
      'leaves out the hardware, not a list without some of it, when system_profiler did not answer for %s',
      async (_part, dataType) => {
        const { mine, ssh, stderr } = await both({ profiler: profilerWith((d) => delete d[dataType]) });
        // without storage the list would lack both drives; without hardware, the chip and memory
        expect(mine).not.toHaveProperty('hardware');
        expect(mine.interfaces).toHaveLength(3);
        expect(mine.software).toHaveLength(15);
        expect(mine).toEqual(ssh);
        expect(stderr).toContain('hardware (system_profiler did not answer for hardware or storage)');
      },
    );

    it.each([
      ['says "not set" on stderr', 'echo "HostName: not set" >&2; exit 1'],
      ['says "not set" on stdout', 'echo "HostName: not set"; exit 1'],
    ])("names the Mac by its own name, not the one DHCP gave it, when scutil's HostName %s", async (_how, unset) => {
      const dir = tmp();
      const env = mac(dir);
      // plain hostname answers with the network's name for this Mac, a new one at each network
      fs.writeFileSync(path.join(dir, 'bin', 'hostname'), '#!/bin/sh\necho dhcp-10-30-12-87.corp.example\n', { mode: 0o755 });
      fs.writeFileSync(path.join(dir, 'bin', 'scutil'), `#!/bin/sh\ncase "$2" in HostName) ${unset} ;; LocalHostName) echo Annas-MacBook-Pro ;; *) exit 1 ;; esac\n`, { mode: 0o755 });
      const dry = await run(['--dry-run'], env);
      expect(dry.code).toBe(0);
      const report = JSON.parse(dry.stdout);
      // before: hostname dhcp-10-30-12-87, FQDN dhcp-10-30-12-87.corp.example
      expect(report.identity.hostname).toBe('Annas-MacBook-Pro');
      expect(report.identity.fqdn).toBeUndefined();
      // SSH discovery runs the same
      const ssh = execFileSync('/bin/sh', ['-c', MACOS_COMMANDS.hostname], { encoding: 'utf8', env });
      expect(parseMacos({ swVers: fixture('sw_vers.txt'), hostname: ssh }, '192.0.2.5').identity.hostname).toBe('Annas-MacBook-Pro');
    });

    it('takes the serial from the I/O Kit registry when system_profiler gives none, so the Mac is still found by it', async () => {
      const ioreg = '+-o J316sAP  <class IOPlatformExpertDevice, id 0x100000202, registered, matched, active, busy 0 (1234 ms), retain 37>\n'
        + '    {\n      "IOPlatformUUID" = "5E7B1D9A-2C4F-4B8E-9A1D-3F6C2B7E8D90"\n      "IOPlatformSerialNumber" = "C02G7XYZMD6T"\n      "model" = <"MacBookPro18,1">\n    }\n';
      for (const profiler of [null, profilerWith((d) => delete d.SPHardwareDataType)]) {
        const dir = tmp();
        const env = mac(dir, profiler === null ? {} : { profiler });
        fs.writeFileSync(path.join(dir, 'ioreg.txt'), ioreg);
        fs.writeFileSync(path.join(dir, 'bin', 'ioreg'), `#!/bin/sh\n[ "$*" = '-rd1 -c IOPlatformExpertDevice' ] || exit 64\ncat '${dir}/ioreg.txt'\n`, { mode: 0o755 });
        // system_profiler that does not answer at all
        if (profiler === null) fs.writeFileSync(path.join(dir, 'bin', 'system_profiler'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
        const dry = await run(['--dry-run'], env);
        expect(dry.code).toBe(0);
        const report = JSON.parse(dry.stdout);
        expect(validateReport(report)).toEqual([]);
        // before: hostname only (and no hardware), a new device at every such run
        expect(report.identity).toMatchObject({ hostname: 'Annas-MacBook-Pro', serial: 'C02G7XYZMD6T' });
      }
    });

    it('still reports a Mac whose network data type answered with no services as one without interfaces', async () => {
      const { mine, ssh } = await both({ profiler: profilerWith((d) => { d.SPNetworkDataType = []; }) });
      expect(mine.interfaces).toEqual([]);
      expect(mine).toEqual(ssh);
    });

    it.each([
      ['16 Go', 16 * 2 ** 30], ['512 Mo', 512 * 2 ** 20], ['32 ГБ', 32 * 2 ** 30], ['8 гб', 8 * 2 ** 30], ['1,5 To', 1.5 * 2 ** 40],
      ['16\u00a0Go', 16 * 2 ** 30], ['16 GB', 16 * 2 ** 30], ['beaucoup', undefined],
    ])('reads the memory of a Mac that says %j', async (memory, bytes) => {
      const { mine, ssh } = await both({ profiler: profilerWith((d) => { (d.SPHardwareDataType as Array<Record<string, unknown>>)[0].physical_memory = memory; }) });
      expect(mine.hardware.find((h: { kind: string }) => h.kind === 'memory')?.capacityBytes).toBe(bytes);
      expect(mine).toEqual(ssh);
    });

    it('keeps a receipt whose install time cannot be one (a broken clock, year 10000, after now), without that date', async () => {
      const later = Math.floor(Date.now() / 1000) + 30 * 86_400;
      const receipts = `${fixture('receipts.txt').trimEnd()}\n\npackage-id: com.example.vpn.agent\nversion: 2.4.1\nvolume: /\nlocation: /\ninstall-time: 253402300800000\n\n`
        + `package-id: com.example.printer.driver\nversion: 5.1\nvolume: /\nlocation: /\ninstall-time: ${later}\n\npackage-id: com.example.clock\nversion: 1\nvolume: /\nlocation: /\ninstall-time: 86400\n`;
      const { mine, ssh } = await both({ receipts });
      expect(mine.software).toContainEqual({ name: 'com.example.vpn.agent', version: '2.4.1' });
      expect(mine.software).toContainEqual({ name: 'com.example.printer.driver', version: '5.1' });
      expect(mine.software).toContainEqual({ name: 'com.example.clock', version: '1' });
      expect(mine.software).toContainEqual({ name: 'org.python.Python.PythonFramework-3.12', version: '3.12.3', installDate: '2024-04-12' });
      expect(mine).toEqual(ssh);
    });
  });

  it("shares the Linux agent's arguments, JSON writer and sending, line for line", () => {
    for (const [from, to] of [['# --- arguments', '# --- the JSON writer'], ['# --- the JSON writer', "# Shared awk helpers"], ['# --- sending', undefined]] as const) {
      expect(section(MAC_AGENT, from, to)).toBe(section(LINUX_AGENT, from, to));
    }
  });
});
