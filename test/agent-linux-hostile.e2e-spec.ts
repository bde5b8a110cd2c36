// The Linux agent on this machine when its tools fail or print what SSH discovery's parsers
// were hardened against (src/discovery/ssh/linux.spec.ts): stand-ins earlier on PATH for
// dpkg-query, rpm, ip and lsblk, and os-release and DMI files of other machines put in place in
// a mount namespace of the agent's own. Reports that a broken run sends leave out what the
// machine could not tell, so the device keeps it; where the tools answered oddly, the agent reads
// them as SSH discovery does (the same output through the server's own parser).
import { execFile, execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateReport } from '../src/agents/report-schema';
import { containerKind, LINUX_COMMANDS, parseCpu, parseDmi, parseLsblk, parseOsRelease, parsePackages } from '../src/discovery/ssh/linux';
import { bearer, createTestApp, TestApp } from './support/app';

const AGENT = path.resolve(__dirname, '../agents/linux/teknisi-agent.sh');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The agent under /bin/sh, or under `prefix` (unshare …); never throws on a non-zero exit. */
function agent(args: string[], opts: { path?: string; prefix?: string[] } = {}): Promise<Run> {
  const env = { ...process.env, PATH: opts.path ?? process.env.PATH };
  const [cmd, ...rest] = [...(opts.prefix ?? []), '/bin/sh', AGENT, ...args];
  return new Promise((resolve) => {
    execFile(cmd, rest, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

const dryRun = async (opts: Parameters<typeof agent>[1]) => {
  const run = await agent(['--dry-run'], opts);
  expect(run.code).toBe(0);
  const report = JSON.parse(run.stdout);
  expect(validateReport(report)).toEqual([]);
  return { report, stderr: run.stderr };
};

const dirs: string[] = [];
const tmp = (prefix: string) => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A directory of stand-in commands (name → sh script body), to put first on PATH. */
function standIns(tools: Record<string, string>): string {
  const bin = tmp('teknisi-agent-tools-');
  for (const [name, body] of Object.entries(tools)) fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return bin;
}

const withFirst = (bin: string) => `${bin}:${process.env.PATH}`;

/** unshare, then `setup` (sh) before the agent runs in the same mount namespace */
const inNamespace = (setup: string) => ['unshare', '--mount', '--', '/bin/sh', '-c', `${setup} && exec "$0" "$@"`];

/** Setup that shows the agent these DMI files (file → value); this machine may have no /sys/class/dmi at all: a tmpfs over /sys/class holds one then */
function dmiSetup(files: Record<string, string>): string {
  const dmi = tmp('teknisi-agent-dmi-');
  for (const [f, v] of Object.entries(files)) fs.writeFileSync(path.join(dmi, f), `${v}\n`);
  return [
    'if [ -d /sys/class/dmi/id ]; then mount -t tmpfs lab-dmi /sys/class/dmi/id; else mount -t tmpfs lab-dmi /sys/class && mkdir -p /sys/class/dmi/id; fi',
    `cp '${dmi}'/* /sys/class/dmi/id/`,
  ].join(' && ');
}

/** The SSH collector's command for `name`, run with the same PATH: what discovery would read from this machine. */
const sshOutput = (command: string, pathValue: string) =>
  execFileSync('/bin/sh', ['-c', command], { encoding: 'utf8', env: { ...process.env, PATH: pathValue }, stdio: ['ignore', 'pipe', 'ignore'] });

describe('the Linux agent with tools that fail, sending to the server', () => {
  let t: TestApp;
  let url: string;
  let token: string;
  let deviceId: number;
  let before: { software: number; interfaces: unknown[]; hardware: unknown[] };

  const admin = () => bearer(t.adminToken);
  const device = async () => (await t.http.get(`/api/devices/${deviceId}`).set(admin())).body;
  const softwareCount = async () => (await t.http.get(`/api/devices/${deviceId}/software?limit=1`).set(admin())).body.total as number;
  const removals = async () =>
    ((await t.http.get(`/api/devices/${deviceId}/history?limit=500`).set(admin())).body.items as Array<{ action: string; subject: string }>).filter((h) => h.action === 'removed');

  // a server with its chassis serial readable, as most are (and this machine is not): with no
  // MAC (ip failed) and no serial, ingest would not know the report for this machine's at all
  let dell: string[];
  const send = (opts: { path?: string } = {}, ...args: string[]) => agent(['--server', url, '--token', token, ...args], { ...opts, prefix: dell });

  /** A run with `tools` in front on PATH, sent to the server: the same device. */
  const sendWith = async (tools: Record<string, string>) => {
    const run = await send({ path: withFirst(standIns(tools)) });
    expect(run.code).toBe(0);
    expect(Number(/"deviceId":(\d+)/.exec(run.stdout)?.[1])).toBe(deviceId);
    return run;
  };

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    token = (await t.http.post('/api/agents/tokens').set(bearer(t.adminToken)).send({ name: 'hostile' })).body.token;
    dell = inNamespace(dmiSetup({ sys_vendor: 'Dell Inc.', product_name: 'PowerEdge R650', product_serial: '7XK2Q53', chassis_type: '23' }));
    const first = await send();
    expect(first).toMatchObject({ code: 0, stderr: '' });
    deviceId = Number(/"deviceId":(\d+)/.exec(first.stdout)![1]);
    const d = await device();
    before = { software: await softwareCount(), interfaces: d.interfaces, hardware: d.hardware };
    expect(before.software).toBeGreaterThan(0);
    expect(before.interfaces.length).toBeGreaterThan(0);
    expect(before.hardware).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'cpu' }), expect.objectContaining({ kind: 'disk' })]));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps every package of the machine when dpkg-query fails on a damaged status file, having printed part of the list', async () => {
    const run = await sendWith({
      'dpkg-query': [
        "printf 'ii \\tbash\\t5.2.15-2+b7\\tamd64\\n'",
        "echo \"dpkg-query: error: parsing file '/var/lib/dpkg/status' near line 4242 package 'libssl3':\" >&2",
        "echo ' duplicate value for Version field' >&2",
        'exit 2',
      ].join('\n'),
    });
    // one package sent as the whole list would have been every other package recorded as removed
    expect(await softwareCount()).toBe(before.software);
    expect(await removals()).toEqual([]);
    expect(run.stderr).toBe('teknisi-agent: left out of this report, so that the server keeps what it knew: software (dpkg failed)\n');
  });

  it('keeps every package when rpm dies half-way through the rpmdb', async () => {
    // a machine with rpm and no dpkg: dpkg-query is not found on this PATH
    const bin = standIns({
      rpm: "printf 'bash\\t5.1.8-9.el9\\tx86_64\\t(none)\\t1715612345\\n'; echo 'error: rpmdb: BDB0113 Thread/process 2154/140230 failed: BDB1507 Thread died in Berkeley DB library' >&2; exit 1",
    });
    const run = await send({ path: `${bin}:${withoutDpkg()}` });
    expect(run.code).toBe(0);
    expect(await softwareCount()).toBe(before.software);
    expect(await removals()).toEqual([]);
    expect(run.stderr).toMatch(/left out of this report, so that the server keeps what it knew: software \(rpm failed\)/);
  });

  it.each([
    ['ip fails (an error instead of a listing)', 'echo \'Object "addr" is unknown, try "ip help".\' >&2; exit 255', 'interfaces (ip failed)'],
    ['ip answers with something that lists no interface', "echo 'RTNETLINK answers: Operation not permitted'", 'interfaces (ip listed none)'],
  ])('keeps the ports of the machine when %s', async (_case, ip, why) => {
    const run = await sendWith({ ip });
    // an empty list would have deleted every port of the device
    expect((await device()).interfaces).toEqual(before.interfaces);
    expect(run.stderr).toContain(why);
  });

  it('keeps the processors, memory and disks when lsblk fails', async () => {
    const run = await sendWith({ lsblk: "echo 'lsblk: failed to access sysfs directory: /sys/dev/block: No such file or directory' >&2; exit 32" });
    // a hardware list without the disks would have recorded each of them as removed
    expect((await device()).hardware).toEqual(before.hardware);
    expect(await removals()).toEqual([]);
    expect(run.stderr).toContain('hardware (lsblk failed)');
  });

  it('after all that, a run whose tools answer still reports the whole machine, to the same device', async () => {
    const run = await send({}, '--quiet');
    expect(run).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await softwareCount()).toBe(before.software);
    expect((await device()).interfaces).toEqual(before.interfaces);
    expect(await removals()).toEqual([]);
  });
});

/** A PATH with every command of /usr/bin, /bin and the sbin directories but dpkg-query (an rpm machine's). */
let noDpkg: string | undefined;
function withoutDpkg(): string {
  if (noDpkg) return noDpkg;
  const dir = tmp('teknisi-agent-nodpkg-');
  for (const from of ['/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
    for (const name of fs.readdirSync(from)) {
      if (name === 'dpkg-query' || fs.existsSync(path.join(dir, name))) continue;
      fs.symlinkSync(path.join(from, name), path.join(dir, name));
    }
  }
  return (noDpkg = dir);
}

describe('the Linux agent reads odd tool output as SSH discovery does', () => {
  const disksOf = (report: { hardware?: Array<{ kind: string }> }) => (report.hardware ?? []).filter((h) => h.kind === 'disk');

  it('reads the disks of an lsblk too old for the SERIAL column, and keeps a disk whose size it could not say', async () => {
    // util-linux of RHEL 6 era: no SERIAL column; a RAID volume whose size lsblk left empty, an empty card reader
    const bin = standIns({
      lsblk: [
        'case "$*" in *-J*) echo "lsblk: invalid option -- \'J\'" >&2; exit 1;; *SERIAL*) echo "lsblk: unknown column: SERIAL" >&2; exit 1;; esac',
        "printf '%s\\n' \\",
        `'NAME="sda" TYPE="disk" SIZE="" MODEL="PERC H755 Front" VENDOR="DELL    "' \\`,
        `'NAME="sdb" TYPE="disk" SIZE="960197124096" MODEL="SAMSUNG MZ7LH960" VENDOR="ATA     "' \\`,
        `'NAME="sdc" TYPE="disk" SIZE="0" MODEL="SD/MMC" VENDOR="Generic-"' \\`,
        `'NAME="sr0" TYPE="rom" SIZE="1073741312" MODEL="DVD+-RW DU-8A5LH" VENDOR="PLDS    "'`,
      ].join('\n'),
    });
    const { report, stderr } = await dryRun({ path: withFirst(bin) });
    expect(stderr).toBe('');
    expect(disksOf(report)).toEqual([
      // before: the RAID volume was missing (a removal in the machine's history), and on such an lsblk every disk was
      { kind: 'disk', name: 'sda', model: 'PERC H755 Front', manufacturer: 'DELL' },
      { kind: 'disk', name: 'sdb', model: 'SAMSUNG MZ7LH960', manufacturer: 'ATA', capacityBytes: 960197124096 },
    ]);
    expect(disksOf(report)).toEqual(JSON.parse(JSON.stringify(parseLsblk(sshOutput(LINUX_COMMANDS.disks, withFirst(bin))))));
    expect(report.hardware).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'cpu' }), expect.objectContaining({ kind: 'memory' })]));
  });

  it("counts a socket's physical cores, not its threads, from an lscpu without a per-socket count", async () => {
    // an lscpu of a container or an odd architecture that prints no "Core(s) per socket"
    const bin = standIns({
      lscpu: "printf '%s\\n' 'Architecture:        x86_64' 'CPU(s):              16' 'Thread(s) per core:  2' 'Socket(s):           1' 'Vendor ID:           GenuineIntel' 'Model name:          Intel(R) Xeon(R) E-2288G CPU @ 3.70GHz'",
    });
    const { report } = await dryRun({ path: withFirst(bin) });
    const cpus = (report.hardware ?? []).filter((h: { kind: string }) => h.kind === 'cpu');
    // before: 16, the logical processors, where SSH discovery (and the CPU) say 8
    expect(cpus).toEqual([expect.objectContaining({ name: 'Intel(R) Xeon(R) E-2288G CPU @ 3.70GHz', cores: 8 })]);
    expect(cpus.map((c: { cores?: number }) => c.cores)).toEqual(parseCpu(sshOutput(LINUX_COMMANDS.cpu, withFirst(bin))).map((c) => c.cores));
  });

  it('sends at most 256 MACs and addresses of its own, as the schema allows, from a host with 300 VLAN interfaces', async () => {
    // `ip addr show` of a router or hypervisor with a VLAN sub-interface per customer, each with its own MAC and address
    const lines = ['1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000', '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00', '    inet 127.0.0.1/8 scope host lo'];
    for (let i = 0; i < 300; i++) {
      const hex = (i + 16).toString(16).padStart(4, '0');
      lines.push(
        `${i + 2}: eth0.${i + 100}@eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000`,
        `    link/ether 52:54:00:aa:${hex.slice(0, 2)}:${hex.slice(2)} brd ff:ff:ff:ff:ff:ff`,
        `    inet 198.51.${Math.floor(i / 200)}.${(i % 200) + 1}/24 brd 198.51.100.255 scope global eth0.${i + 100}`,
      );
    }
    const listing = path.join(tmp('teknisi-agent-ip-'), 'ip-addr.txt');
    fs.writeFileSync(listing, `${lines.join('\n')}\n`);
    const bin = standIns({ ip: `cat '${listing}'` });
    // dryRun checks the report against the schema: 300 of each was a 400 at every run
    const { report } = await dryRun({ path: withFirst(bin) });
    expect(report.identity.macs).toHaveLength(256);
    expect(report.identity.addresses).toHaveLength(256);
    expect(report.identity.addresses[0]).toBe('198.51.0.1');
    expect(report.interfaces).toHaveLength(300);
  });

  it('counts a package mid-upgrade or left half-configured as there, as SSH discovery does', async () => {
    const lines = ['ii \tbash\t5.2.15-2+b7\tamd64', 'it \tman-db\t2.11.2-2\tamd64', 'iF \tnginx\t1.22.1-9\tamd64', 'iU \tcurl\t7.88.1-10+deb12u8\tamd64', 'rc \tapache2\t2.4.62-1~deb12u2\tamd64'];
    const bin = standIns({ 'dpkg-query': `printf '%s\\n' ${lines.map((l) => `'${l}'`).join(' ')}` });
    const { report } = await dryRun({ path: withFirst(bin) });
    // before: nginx, man-db and curl were left out, and recorded as removed until the next run
    expect(report.software.map((s: { name: string }) => s.name)).toEqual(['bash', 'man-db', 'nginx', 'curl']);
    expect(report.software).toEqual(JSON.parse(JSON.stringify(parsePackages(`#dpkg\n${lines.join('\n')}\n`))));
  });

  it('drops rpm install times that cannot be one (the clock at 0, a wrapped -1, after now), keeping the packages', async () => {
    const later = Math.floor(Date.now() / 1000) + 30 * 86_400;
    const lines = [
      'bash\t5.1.8-9.el9\tx86_64\tRocky Enterprise Software Foundation\t1715612345',
      'acme-agent\t3.2-1\tx86_64\tAcme\t4294967295',
      'tzdata\t2024a-1.el9\tnoarch\tRocky Enterprise Software Foundation\t0',
      'old-clock\t1.0-1\tx86_64\t(none)\t315532799',
      `next-month\t1.0-1\tx86_64\t(none)\t${later}`,
    ];
    const bin = standIns({ rpm: `printf '%s\\n' ${lines.map((l) => `'${l}'`).join(' ')}` });
    const { report } = await dryRun({ path: `${bin}:${withoutDpkg()}` });
    expect(report.software.map((s: { name: string; installDate?: string }) => [s.name, s.installDate])).toEqual([
      ['bash', '2024-05-13'], ['acme-agent', undefined], ['tzdata', undefined], ['old-clock', undefined], ['next-month', undefined],
    ]);
    expect(report.software).toEqual(JSON.parse(JSON.stringify(parsePackages(`#rpm\n${lines.join('\n')}\n`))));
  });

  describe('files of other machines, in a mount namespace of its own', () => {
    const debianVersion = fs.existsSync('/etc/debian_version') ? fs.readFileSync('/etc/debian_version', 'utf8').trim() : '';

    it.each([
      ['escaped quotes', 'NAME="Acme \\"Hardened\\" Linux"\nVERSION_ID="3.1"\nID=acme\n', { osName: 'Acme "Hardened" Linux', osVersion: '3.1' }],
      ['an escaped backslash and dollar', 'NAME="Build\\\\Box \\$OS"\nVERSION_ID=2024.1\n', { osName: 'Build\\Box $OS', osVersion: '2024.1' }],
      ['an unquoted value with an escaped space', 'NAME=Acme\\ Linux\nVERSION_ID=7\n', { osName: 'Acme Linux', osVersion: '7' }],
      ['a quote never closed (a hand-edited file)', 'NAME="Debian GNU/Linux"\nVERSION_ID="12\nID=debian\nBUILD_ID=20240611\n', { osName: 'Debian GNU/Linux', osVersion: '20240611' }],
      ['single quotes, a NAME of its own in them', "NAME='Gentoo \"Hardened\"'\nVERSION_ID='2.15'\n", { osName: 'Gentoo "Hardened"', osVersion: '2.15' }],
      ['CRLF line ends (edited on Windows)', 'NAME="Ubuntu"\r\nVERSION_ID="22.04"\r\nVERSION="22.04.4 LTS (Jammy Jellyfish)"\r\n', { osName: 'Ubuntu', osVersion: '22.04.4' }],
    ])('names the OS of an os-release with %s as its vendor wrote it', async (_case, text, expected) => {
      const file = path.join(tmp('teknisi-agent-os-'), 'os-release');
      fs.writeFileSync(file, text);
      const setup = `mount --bind '${file}' /usr/lib/os-release && { [ -L /etc/os-release ] || mount --bind '${file}' /etc/os-release; }`;
      const { report } = await dryRun({ prefix: inNamespace(setup) });
      expect({ osName: report.device.osName, osVersion: report.device.osVersion }).toEqual(expected);
      // SSH discovery reads the same file with /etc/debian_version after it
      expect(parseOsRelease(`${text}DEBIAN_VERSION=${debianVersion}\n`)).toEqual(expected);
    });

    it.each([
      ['CentOS 6', 'CentOS release 6.10 (Final)', { osName: 'CentOS', osVersion: '6.10' }],
      ['RHEL 6', 'Red Hat Enterprise Linux Server release 6.10 (Santiago)', { osName: 'Red Hat Enterprise Linux Server', osVersion: '6.10' }],
    ])('names %s, which has no os-release, from /etc/redhat-release as SSH discovery does', async (_os, release, expected) => {
      // /etc seen through an overlay whose upper layer (a temp dir) has the release file and no
      // os-release; an empty file over /usr/lib/os-release. Nothing of this machine's own changes
      const layer = tmp('teknisi-agent-etc-');
      fs.mkdirSync(path.join(layer, 'upper'));
      fs.mkdirSync(path.join(layer, 'work'));
      fs.writeFileSync(path.join(layer, 'empty'), '');
      const setup = [
        `mount -t overlay lab-etc -o lowerdir=/etc,upperdir='${layer}/upper',workdir='${layer}/work' /etc`,
        'rm -f /etc/os-release', `printf '%s\\n' '${release}' > /etc/redhat-release`, `mount --bind '${layer}/empty' /usr/lib/os-release`,
      ].join(' && ');
      const { report } = await dryRun({ prefix: inNamespace(setup) });
      expect({ osName: report.device.osName, osVersion: report.device.osVersion }).toEqual(expected);
      expect(parseOsRelease(`DEBIAN_VERSION=${debianVersion}\nREDHAT_RELEASE=${release}\n`)).toEqual(expected);
      expect(fs.existsSync('/etc/redhat-release')).toBe(false);
      expect(parseOsRelease(fs.readFileSync('/usr/lib/os-release', 'utf8')).osName).not.toBe('Linux');
    });

    it('reports a container (a Proxmox CT) without its host\'s DMI and disks, as SSH discovery does', async () => {
      // the host's DMI, as a container reads it, and systemd's word that this is an LXC container
      const setup = `${dmiSetup({ sys_vendor: 'Dell Inc.', product_name: 'PowerEdge R650', product_serial: '7XK2Q53', chassis_type: '23' })} && mount -t tmpfs lab-run /run && mkdir -p /run/systemd && echo lxc > /run/systemd/container`;
      const { report } = await dryRun({ prefix: inNamespace(setup) });
      // before: serial 7XK2Q53, a Dell server with the host's disks, and the host and its containers one device
      expect(report.identity.serial).toBeUndefined();
      expect(report.device).toMatchObject({ type: 'virtual-machine', model: 'container (lxc)' });
      expect(report.device.vendor).toBeUndefined();
      expect((report.hardware ?? []).filter((h: { kind: string }) => h.kind === 'disk')).toEqual([]);
      expect(containerKind('lxc\n')).toBe('lxc');
    });

    it('names CentOS 7\'s point release from /etc/redhat-release beside its os-release, as SSH discovery does', async () => {
      const osRelease = 'NAME="CentOS Linux"\nVERSION="7 (Core)"\nID="centos"\nVERSION_ID="7"\n';
      const release = 'CentOS Linux release 7.9.2009 (Core)';
      const layer = tmp('teknisi-agent-etc7-');
      fs.mkdirSync(path.join(layer, 'upper'));
      fs.mkdirSync(path.join(layer, 'work'));
      fs.writeFileSync(path.join(layer, 'os-release'), osRelease);
      fs.writeFileSync(path.join(layer, 'empty'), '');
      // the link /etc/os-release removed in the overlay first: writing through it would reach this machine's file
      const setup = [
        `mount -t overlay lab-etc -o lowerdir=/etc,upperdir='${layer}/upper',workdir='${layer}/work' /etc`,
        'rm -f /etc/os-release', `cp '${layer}/os-release' /etc/os-release`, `printf '%s\\n' '${release}' > /etc/redhat-release`, `mount --bind '${layer}/empty' /usr/lib/os-release`,
      ].join(' && ');
      const { report } = await dryRun({ prefix: inNamespace(setup) });
      // before: "7", whichever point release
      expect({ osName: report.device.osName, osVersion: report.device.osVersion }).toEqual({ osName: 'CentOS Linux', osVersion: '7.9.2009' });
      expect(parseOsRelease(`${osRelease}DEBIAN_VERSION=\nREDHAT_RELEASE=${release}\n`)).toEqual({ osName: 'CentOS Linux', osVersion: '7.9.2009' });
      expect(fs.existsSync('/etc/redhat-release')).toBe(false);
    });

    it.each([
      ['an ASRock board', ['To Be Filled By O.E.M.', 'To Be Filled By O.E.M.', 'To Be Filled By O.E.M.']],
      ['an ASUS board', ['System manufacturer', 'System Product Name', 'System Serial Number']],
      ['a Gigabyte board', ['Gigabyte Technology Co., Ltd.', 'B550 AORUS ELITE V2', 'Default string']],
      ['a board that says OEM and 0123456789', ['OEM', 'Not Applicable', '0123456789']],
      ['a Dell', ['Dell Inc.', 'OptiPlex 7010', '7XK2Q53']],
    ])('leaves the SMBIOS placeholders of %s out of vendor, model and serial', async (_board, [vendor, model, serial]) => {
      const files = { sys_vendor: vendor, product_name: model, product_serial: serial, chassis_type: '3' };
      const { report } = await dryRun({ prefix: inNamespace(dmiSetup(files)) });
      const ssh = parseDmi(Object.entries(files).map(([f, v]) => `${f}=${v}`).join('\n'));
      expect([report.device.vendor, report.device.model, report.identity.serial]).toEqual([ssh.vendor, ssh.model, ssh.serial]);
      expect(report.device.type).toBe('workstation');
      for (const v of [report.device.vendor, report.device.model, report.identity.serial]) {
        expect(v ?? '').not.toMatch(/^(to be filled|system (manufacturer|product name|serial number)|default string|oem|not applicable|0123456789)/i);
      }
    });
  });
});
