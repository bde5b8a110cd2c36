import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dmiNeedsRoot, LINUX_COMMANDS, parseCpu, parseDmi, parseIpAddr, parseLinux, parseLsblk, parseOsRelease, parsePackages, rootDmiCommand, withRootDmi } from './linux';

const fixture = (dir: string, file: string) => fs.readFileSync(path.join(__dirname, 'fixtures', dir, file), 'utf8');

describe('Linux over SSH: a Debian 12 Dell server', () => {
  const f = (file: string) => fixture('linux-debian12-r650', file);
  const report = parseLinux({
    osRelease: f('os-release.txt'), hostname: f('hostname.txt'), machineId: f('machine-id.txt'), dmi: f('dmi.txt'),
    cpu: f('lscpu.txt'), memory: f('meminfo.txt'), disks: f('lsblk.json'), network: f('ip-addr.json'), packages: f('dpkg.txt'),
  }, '10.20.30.41');

  it('identifies the machine by hostname, DMI serial, and the MACs and addresses of its own ports', () => {
    expect(report.source).toBe('ssh');
    expect(report.identity).toEqual({
      hostname: 'files01', serial: '7XK2Q53',
      // docker0 and the container's veth say nothing about which machine this is
      macs: ['b0:7b:25:d4:1a:10', 'b0:7b:25:d4:1a:11', '04:3f:72:c3:8e:20'],
      addresses: ['10.20.30.41', '10.99.4.41'],
    });
  });

  it('names the OS with its point release, and the vendor, model and kind of machine', () => {
    expect(report.device).toEqual({
      type: 'server', platform: 'linux', osFamily: 'linux', vendor: 'Dell Inc.', model: 'PowerEdge R650', osName: 'Debian GNU/Linux', osVersion: '12.8',
    });
  });

  it('lists both processor sockets, memory, the real disks and the machine id', () => {
    expect(report.hardware).toEqual([
      { kind: 'cpu', name: 'Intel(R) Xeon(R) Gold 6330 CPU @ 2.00GHz', manufacturer: 'Intel', cores: 28, speedMhz: 3100, slot: 'socket 0' },
      { kind: 'cpu', name: 'Intel(R) Xeon(R) Gold 6330 CPU @ 2.00GHz', manufacturer: 'Intel', cores: 28, speedMhz: 3100, slot: 'socket 1' },
      { kind: 'memory', name: 'total memory', capacityBytes: 263710352 * 1024 },
      { kind: 'disk', name: 'sda', model: 'PERC H755 Front', serial: '6f4ee08018d1a2002c1b8e3d0a6f2b11', manufacturer: 'DELL', capacityBytes: 959656755200 },
      { kind: 'disk', name: 'nvme0n1', model: 'Dell Ent NVMe P5600 MU U.2 1.6TB', serial: 'PHAB125300A91P6DGN', manufacturer: undefined, capacityBytes: 1600321314816 },
      { kind: 'other', name: 'machine-id', serial: '3e1d7a5c9b2f4e80a6c1d2e3f4a5b6c7' },
    ]);
  });

  it('lists every interface but loopback with state, MTU and routable addresses', () => {
    expect(report.interfaces!.map((i) => i.name)).toEqual(['eno8303', 'eno8403', 'ens1f0np0', 'docker0', 'veth3f2a1b9']);
    expect(report.interfaces![0]).toEqual({ name: 'eno8303', mac: 'b0:7b:25:d4:1a:10', mtu: 1500, adminStatus: 'up', operStatus: 'up', addresses: ['10.20.30.41'] });
    expect(report.interfaces![1]).toMatchObject({ operStatus: 'down', addresses: [] });
    expect(report.interfaces![2].addresses).toEqual(['10.99.4.41', '2001:db8:4::41']);
  });

  it('counts installed packages only: held ones yes, removed-with-config (rc) and unknown (un) no', () => {
    const names = report.software!.map((s) => `${s.name}:${s.architecture}`);
    expect(names).toHaveLength(19);
    expect(names).toEqual(expect.arrayContaining(['docker-ce:amd64', 'libc6:amd64', 'libc6:i386']));
    expect(names).not.toEqual(expect.arrayContaining([expect.stringMatching(/^(postfix|vim-tiny|linux-image-6\.1\.0-26-amd64):/)]));
    expect(report.software).toContainEqual({ name: 'openssh-server', version: '1:9.2p1-2+deb12u3', architecture: 'amd64' });
  });
});

describe('Linux over SSH: a Rocky 9 VMware guest with older tools', () => {
  const f = (file: string) => fixture('linux-rocky9-vmware', file);
  const report = parseLinux({
    osRelease: f('os-release.txt'), hostname: f('hostname.txt'), machineId: f('machine-id.txt'), dmi: f('dmi.txt'),
    cpu: f('cpuinfo.txt'), memory: f('meminfo.txt'), disks: f('lsblk.json'), network: f('ip-addr.txt'), packages: f('rpm.txt'),
  }, '10.40.1.22');

  it('reads the FQDN, the VMware serial and both NICs from the text form of ip addr', () => {
    expect(report.identity).toEqual({
      hostname: 'erp-db02', fqdn: 'erp-db02.corp.example', serial: 'VMware-42 1a 7c 3e 9b 55 0d 21-6f 8a 3c 19 e2 47 b0 5d',
      macs: ['00:50:56:9a:3b:7c', '00:50:56:9a:c4:01'], addresses: ['10.40.1.22', '10.40.1.23'],
    });
    expect(report.interfaces).toEqual([
      { name: 'ens192', mac: '00:50:56:9a:3b:7c', mtu: 1500, adminStatus: 'up', operStatus: 'up', addresses: ['10.40.1.22', '10.40.1.23'] },
      { name: 'ens224', mac: '00:50:56:9a:c4:01', mtu: 1500, adminStatus: 'down', operStatus: 'down', addresses: [] },
    ]);
  });

  it('is a virtual machine running Rocky Linux 9.4', () => {
    expect(report.device).toMatchObject({ type: 'virtual-machine', vendor: 'VMware, Inc.', model: 'VMware Virtual Platform', osName: 'Rocky Linux', osVersion: '9.4' });
  });

  it('counts sockets and cores from /proc/cpuinfo when lscpu is missing', () => {
    expect(report.hardware!.filter((h) => h.kind === 'cpu')).toEqual([
      { kind: 'cpu', name: 'Intel(R) Xeon(R) Silver 4214 CPU @ 2.20GHz', manufacturer: 'Intel', cores: 2, speedMhz: 2195, slot: 'socket 0' },
      { kind: 'cpu', name: 'Intel(R) Xeon(R) Silver 4214 CPU @ 2.20GHz', manufacturer: 'Intel', cores: 2, speedMhz: 2195, slot: 'socket 1' },
    ]);
    // string sizes (older lsblk) and no optical drive
    expect(report.hardware!.filter((h) => h.kind === 'disk').map((d) => [d.name, d.capacityBytes, d.manufacturer])).toEqual([
      ['sda', 107374182400, 'VMware'], ['sdb', 536870912000, 'VMware'],
    ]);
  });

  it('reads RPMs with vendor, epoch and install date, two kernels side by side, no gpg-pubkey', () => {
    expect(report.software).toHaveLength(9);
    expect(report.software).toContainEqual({ name: 'openssl', version: '1:3.0.7-27.el9', architecture: 'x86_64', publisher: 'Rocky Enterprise Software Foundation', installDate: '2024-05-13' });
    expect(report.software!.filter((s) => s.name === 'kernel').map((s) => s.version)).toEqual(['5.14.0-427.13.1.el9_4', '5.14.0-427.22.1.el9_4']);
    expect(report.software!.map((s) => s.name)).not.toContain('gpg-pubkey');
  });
});

describe('Linux parsers', () => {
  it.each([
    ['Debian point release', 'NAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\nDEBIAN_VERSION=12.8', { osName: 'Debian GNU/Linux', osVersion: '12.8' }],
    ['Debian testing', 'NAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\nDEBIAN_VERSION=trixie/sid', { osName: 'Debian GNU/Linux', osVersion: '12' }],
    ['Ubuntu point release', 'NAME="Ubuntu"\nVERSION_ID="22.04"\nVERSION="22.04.4 LTS (Jammy Jellyfish)"\nID=ubuntu\nDEBIAN_VERSION=bookworm/sid', { osName: 'Ubuntu', osVersion: '22.04.4' }],
    ['Alpine', 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"', { osName: 'Alpine Linux', osVersion: '3.20.3' }],
    ['Arch (rolling)', 'NAME="Arch Linux"\nPRETTY_NAME="Arch Linux"\nID=arch\nBUILD_ID=rolling', { osName: 'Arch Linux', osVersion: 'rolling' }],
    ['single quotes', "NAME='Gentoo'\nVERSION_ID='2.15'", { osName: 'Gentoo', osVersion: '2.15' }],
    ['nothing readable', '', { osName: 'Linux', osVersion: undefined }],
    // os-release is shell syntax: quotes, dollars and backslashes inside a value are escaped
    ['escaped quotes', 'NAME="Acme \\"Hardened\\" Linux"\nVERSION_ID="3.1"\nID=acme', { osName: 'Acme "Hardened" Linux', osVersion: '3.1' }],
    ['escaped backslash and dollar', 'NAME="Build\\\\Box \\$OS"\nVERSION_ID=2024.1', { osName: 'Build\\Box $OS', osVersion: '2024.1' }],
    ['an unquoted value with an escaped space', 'NAME=Acme\\ Linux\nVERSION_ID=7', { osName: 'Acme Linux', osVersion: '7' }],
    ['a quote never closed (a hand-edited file)', 'NAME="Debian GNU/Linux"\nVERSION_ID="12\nID=debian\nBUILD_ID=20240611', { osName: 'Debian GNU/Linux', osVersion: '20240611' }],
    ['an empty NAME', 'NAME=""\nPRETTY_NAME="Rocky Linux 9.4 (Blue Onyx)"\nVERSION_ID="9.4"', { osName: 'Rocky Linux 9.4 (Blue Onyx)', osVersion: '9.4' }],
    ['CRLF line ends (edited on Windows)', 'NAME="Ubuntu"\r\nVERSION_ID="22.04"\r\nVERSION="22.04.4 LTS (Jammy Jellyfish)"\r\n', { osName: 'Ubuntu', osVersion: '22.04.4' }],
    // what the command prints where there is no os-release (stderr aside)
    ['CentOS 6 (no os-release)', 'DEBIAN_VERSION=\nREDHAT_RELEASE=CentOS release 6.10 (Final)\n', { osName: 'CentOS', osVersion: '6.10' }],
    ['RHEL 6 (no os-release)', 'DEBIAN_VERSION=\nREDHAT_RELEASE=Red Hat Enterprise Linux Server release 6.10 (Santiago)\n', { osName: 'Red Hat Enterprise Linux Server', osVersion: '6.10' }],
    ['RHEL 9: os-release wins over its release file', 'NAME="Red Hat Enterprise Linux"\nVERSION_ID="9.4"\nID="rhel"\nDEBIAN_VERSION=\nREDHAT_RELEASE=Red Hat Enterprise Linux release 9.4 (Plow)\n', { osName: 'Red Hat Enterprise Linux', osVersion: '9.4' }],
    ['a release file that says no release', 'DEBIAN_VERSION=\nREDHAT_RELEASE=Custom build\n', { osName: 'Linux', osVersion: undefined }],
    // before: "7" for every CentOS 7, 7.6 and 7.9 alike
    ['CentOS 7: the point release from its release file', 'NAME="CentOS Linux"\nVERSION="7 (Core)"\nID="centos"\nVERSION_ID="7"\nDEBIAN_VERSION=\nREDHAT_RELEASE=CentOS Linux release 7.9.2009 (Core)\n', { osName: 'CentOS Linux', osVersion: '7.9.2009' }],
    ['Rocky 8: a release file that says no more than os-release', 'NAME="Rocky Linux"\nVERSION="8.10 (Green Obsidian)"\nID="rocky"\nVERSION_ID="8.10"\nDEBIAN_VERSION=\nREDHAT_RELEASE=Rocky Linux release 8.10 (Green Obsidian)\n', { osName: 'Rocky Linux', osVersion: '8.10' }],
  ])('os-release: %s', (_name, text, expected) => {
    expect(parseOsRelease(text)).toEqual(expected);
  });

  it.each([
    ['apk list -I', '#apk\nbusybox-1.36.1-r29 x86_64 {busybox} (GPL-2.0-only) [installed]\nca-certificates-bundle-20240705-r0 x86_64 {ca-certificates} (MPL-2.0 AND MIT) [installed]\n',
      [{ name: 'busybox', version: '1.36.1-r29', architecture: 'x86_64' }, { name: 'ca-certificates-bundle', version: '20240705-r0', architecture: 'x86_64' }]],
    ['apk info -v', '#apk\nmusl-1.2.5-r0\nlibcrypto3-3.3.2-r0\n', [{ name: 'musl', version: '1.2.5-r0', architecture: undefined }, { name: 'libcrypto3', version: '3.3.2-r0', architecture: undefined }]],
    ['pacman -Q', '#pacman\nbash 5.2.037-1\nlinux 6.11.5.arch1-1\n', [{ name: 'bash', version: '5.2.037-1' }, { name: 'linux', version: '6.11.5.arch1-1' }]],
    ['dpkg with nothing installed', '#dpkg\n', []],
    // during an apt run, and after one that failed half-way: each of these is there (before: only ii and hi were)
    ['dpkg mid-upgrade and half done', '#dpkg\nii \tbash\t5.2.15-2+b7\tamd64\nhi \tlinux-image-amd64\t6.1.115-1\tamd64\nit \tman-db\t2.11.2-2\tamd64\niW \tlibc-bin\t2.36-9+deb12u9\tamd64\niU \tcurl\t7.88.1-10+deb12u8\tamd64\niF \tnginx\t1.22.1-9\tamd64\niH \tpostfix\t3.7.11-0+deb12u1\tamd64\nrc \tapache2\t2.4.62-1~deb12u2\tamd64\nun \tlibfoo1\t\t\n',
      ['bash', 'linux-image-amd64', 'man-db', 'libc-bin', 'curl', 'nginx', 'postfix'].map((name) => expect.objectContaining({ name }))],
  ])('packages: %s', (_name, text, expected) => {
    expect(parsePackages(text)).toEqual(expected);
  });

  it('leaves software out, rather than empty, when no package manager answered', () => {
    expect(parsePackages('')).toBeUndefined();
    expect(parsePackages('sh: 1: dpkg-query: Permission denied\n')).toBeUndefined();
  });

  it('caps a hostile package list', () => {
    const lines = Array.from({ length: 25_000 }, (_, i) => `ii \tpkg${i}\t1.0\tamd64`).join('\n');
    expect(parsePackages(`#dpkg\n${lines}\n`)).toHaveLength(20_000);
    const long = parsePackages(`#dpkg\nii \t${'x'.repeat(100_000)}\t1\tamd64\n`)!;
    expect(long[0].name).toHaveLength(255);
  });

  it.each([
    ['junk placeholders', 'sys_vendor=To Be Filled By O.E.M.\nproduct_name=Default string\nproduct_serial=Default string\nchassis_type=3', { vendor: undefined, model: undefined, serial: undefined, uuid: undefined, type: 'workstation' }],
    ['a laptop with root-only serial', 'sys_vendor=LENOVO\nproduct_name=21AH\nproduct_serial=\nchassis_type=10', { vendor: 'LENOVO', model: '21AH', serial: undefined, uuid: undefined, type: 'laptop' }],
    ['KVM guest', 'sys_vendor=QEMU\nproduct_name=Standard PC (Q35 + ICH9, 2009)\nchassis_type=1', { vendor: 'QEMU', model: 'Standard PC (Q35 + ICH9, 2009)', serial: undefined, uuid: undefined, type: 'virtual-machine' }],
    ['an ASUS board\'s placeholders', 'sys_vendor=System manufacturer\nproduct_name=System Product Name\nproduct_serial=System Serial Number\nproduct_uuid=03000200-0400-0500-0006-000700080009\nchassis_type=3', { vendor: undefined, model: undefined, serial: undefined, uuid: '03000200-0400-0500-0006-000700080009', type: 'workstation' }],
    ['no DMI at all (containers, ARM boards)', '', { vendor: undefined, model: undefined, serial: undefined, uuid: undefined, type: undefined }],
  ])('DMI: %s', (_name, text, expected) => {
    expect(parseDmi(text)).toEqual(expected);
  });

  it('asks root for the serial and UUID only when the machine has DMI and neither could be read', () => {
    const unreadable = 'sys_vendor=LENOVO\nproduct_name=21AH\nproduct_serial=\nproduct_uuid=\nchassis_type=10\n';
    expect(dmiNeedsRoot(unreadable)).toBe(true);
    expect(dmiNeedsRoot(unreadable.replace('product_uuid=', 'product_uuid=4c4c4544-0042-3510-8052-b7c04f4e3732'))).toBe(false); // root
    expect(dmiNeedsRoot('sys_vendor=\nproduct_name=\nproduct_serial=\nproduct_uuid=\n')).toBe(false); // no DMI (containers, ARM)
    expect(dmiNeedsRoot(undefined)).toBe(false);
    expect(rootDmiCommand(false)).toBe("sudo -n -- grep -H '' /sys/class/dmi/id/product_serial /sys/class/dmi/id/product_uuid");
    expect(rootDmiCommand(true)).toBe("sudo -S -p '' -- grep -H '' /sys/class/dmi/id/product_serial /sys/class/dmi/id/product_uuid");
    const merged = withRootDmi(unreadable, '/sys/class/dmi/id/product_serial:PF3XK2QZ\n/sys/class/dmi/id/product_uuid:4c4c4544-0042-3510-8052-b7c04f4e3732\n');
    expect(parseDmi(merged)).toEqual({ vendor: 'LENOVO', model: '21AH', serial: 'PF3XK2QZ', uuid: '4c4c4544-0042-3510-8052-b7c04f4e3732', type: 'laptop' });
    // a value that names another file, or a line of something else, changes nothing
    expect(withRootDmi(unreadable, '/sys/class/dmi/id/sys_vendor:EVIL\nproduct_serial=EVIL\n')).toBe(unreadable);
  });

  it('reads the host name on a machine without the hostname command too (real sh, a PATH without it)', () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-nohostname-'));
    try {
      fs.symlinkSync(execFileSync('sh', ['-c', 'command -v uname'], { encoding: 'utf8' }).trim(), path.join(bin, 'uname'));
      for (const PATH of [process.env.PATH!, bin]) {
        expect(execFileSync('/bin/sh', ['-c', LINUX_COMMANDS.hostname], { encoding: 'utf8', env: { PATH } }).trim()).toBe(os.hostname());
      }
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });

  it('reads an ARM lscpu without sockets as one processor', () => {
    const arm = 'Architecture:            aarch64\nCPU(s):                  4\nVendor ID:               ARM\nModel name:              Cortex-A72\nThread(s) per core:      1\nCore(s) per cluster:     4\nSocket(s):               -\nCluster(s):              1\nCPU max MHz:             1800.0000\n';
    expect(parseCpu(arm)).toEqual([{ kind: 'cpu', name: 'Cortex-A72', manufacturer: 'ARM', cores: 4, speedMhz: 1800, slot: 'socket 0' }]);
  });

  // recorded lscpu output: a desktop, a hybrid laptop (2 performance cores with two threads
  // each, 8 efficiency cores with one), a two-socket server's older util-linux, this lab's VM
  it.each([
    ['i7-8700-ubuntu2204', 'Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz', 'Intel', 1, 6, 4600],
    ['i7-1265u-fedora39', '12th Gen Intel(R) Core(TM) i7-1265U', 'Intel', 1, 10, 4800],
    ['xeon-e5-2680v4-centos7', 'Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz', 'Intel', 2, 14, 3300],
    ['epyc-kvm-debian12', 'AMD EPYC', 'AMD', 1, 2, undefined],
  ] as Array<[string, string, string, number, number, number | undefined]>)('counts %s\'s physical cores per socket, not its threads', (file, name, manufacturer, sockets, cores, speedMhz) => {
    expect(parseCpu(fixture('lscpu', `${file}.txt`))).toEqual(Array.from({ length: sockets }, (_, i) => ({ kind: 'cpu', name, manufacturer, cores, speedMhz, slot: `socket ${i}` })));
  });

  it('without "Core(s) per socket", counts cores from CPU(s) by sockets and threads per core (CPU(s) are logical processors)', () => {
    const without = (file: string) => parseCpu(fixture('lscpu', `${file}.txt`).replace(/^Core\(s\) per socket:.*\n/m, '')).map((c) => c.cores);
    expect(without('i7-8700-ubuntu2204')).toEqual([6]);
    expect(without('xeon-e5-2680v4-centos7')).toEqual([14, 14]);
  });

  it('takes a machine without DMI that runs under a hypervisor for a virtual machine (a cloud instance), and leaves a bare one untyped', () => {
    const lscpu = (extra: string) => `Architecture:            x86_64\nCPU(s):                  2\nVendor ID:               AuthenticAMD\nModel name:              AMD EPYC 7B13\nSocket(s):               1\n${extra}`;
    const noDmi = 'sys_vendor=\nproduct_name=\nproduct_serial=\nproduct_uuid=\nchassis_type=\n';
    const typeOf = (cpu: string, dmi = noDmi) => parseLinux({ hostname: 'vm01\n', dmi, cpu }, '192.0.2.5').device?.type;
    expect(typeOf(lscpu('Hypervisor vendor:       KVM\nVirtualization type:     full\n'))).toBe('virtual-machine');
    expect(typeOf('processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel Xeon\nflags\t\t: fpu vme hypervisor lahf_lm\n')).toBe('virtual-machine');
    // a KVM host (VT-x offered, not used) and a board without DMI: nothing to go on
    expect(typeOf(lscpu('Virtualization:          AMD-V\n'))).toBeUndefined();
    expect(typeOf('processor\t: 0\nmodel name\t: ARMv7 Processor rev 3 (v7l)\nflags\t\t: half thumb fastmult vfp\n')).toBeUndefined();
    // the chassis, where DMI has one, has the last word
    expect(typeOf(lscpu('Hypervisor vendor:       KVM\n'), 'sys_vendor=Dell Inc.\nproduct_name=PowerEdge R650\nchassis_type=23\n')).toBe('server');
  });

  it('keeps the parts of a report whose commands failed out of it, so ingest keeps what it knew', () => {
    const r = parseLinux({ hostname: 'web01\n', osRelease: 'NAME="Debian GNU/Linux"\nVERSION_ID="12"' }, '10.0.0.5');
    expect(r).toEqual({
      source: 'ssh', identity: { hostname: 'web01', serial: undefined, macs: [], addresses: ['10.0.0.5'] },
      device: { type: undefined, platform: 'linux', osFamily: 'linux', vendor: undefined, model: undefined, osName: 'Debian GNU/Linux', osVersion: '12' },
    });
  });

  it('does not take an error message for a hostname or an interface list', () => {
    expect(parseLinux({ hostname: 'hostname: command not found\n' }, '10.0.0.5').identity.hostname).toBeUndefined();
    expect(parseIpAddr('Object "addr" is unknown, try "ip help".\n')).toBeUndefined();
  });
});

describe('Linux over SSH: output that machines break', () => {
  const f = (file: string) => fixture('linux-debian12-r650', file);
  const outputs = {
    osRelease: f('os-release.txt'), hostname: f('hostname.txt'), machineId: f('machine-id.txt'), dmi: f('dmi.txt'),
    cpu: f('lscpu.txt'), memory: f('meminfo.txt'), disks: f('lsblk.json'), network: f('ip-addr.json'), packages: f('dpkg.txt'),
  };

  it.each([
    ['ip -j cut off mid-interface', f('ip-addr.json').slice(0, 1500)],
    ['ip -j cut off after the opening bracket', '['],
    ['no ip command at all (an old or minimal system): nothing on stdout', ''],
    ['an error instead of a listing', 'Object "addr" is unknown, try "ip help".\n'],
  ])('leaves the interfaces out, not empty, when %s, and keeps the rest of the machine', (_case, network) => {
    const r = parseLinux({ ...outputs, network }, '192.0.2.41');
    // an empty list would tell ingest that every port of the server is gone
    expect(r).not.toHaveProperty('interfaces');
    expect(r.identity).toMatchObject({ hostname: 'files01', serial: '7XK2Q53' });
    expect(r.software).toHaveLength(19);
    expect(r.hardware!.filter((h) => h.kind === 'disk')).toHaveLength(2);
  });

  it('still reads a machine whose only interface is loopback as one with no other interfaces', () => {
    const lo = '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n    inet 127.0.0.1/8 scope host lo\n';
    expect(parseLinux({ ...outputs, network: lo }, '192.0.2.41').interfaces).toEqual([]);
    expect(parseLinux({ ...outputs, network: '[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP"],"link_type":"loopback","addr_info":[]}]\n' }, '192.0.2.41').interfaces).toEqual([]);
  });

  /** a Debian machine's /var/lib/dpkg/status, its first package */
  const DPKG_STATUS = 'Package: adduser\nStatus: install ok installed\nPriority: important\nSection: admin\nInstalled-Size: 849\nMaintainer: Debian Adduser Developers <adduser@packages.debian.org>\nArchitecture: all\nMulti-Arch: foreign\nVersion: 3.134\n\n';

  /**
   * LINUX_COMMANDS.packages run by the real sh with `tools` (name → sh script) as the only commands
   * on PATH, and dpkg's database (DPKG_ADMINDIR, which dpkg-query reads too) holding `dpkgStatus`:
   * a status file with that text, or none when undefined
   */
  const packagesWith = (tools: Record<string, string>, dpkgStatus?: string) => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-pkg-'));
    const bin = path.join(root, 'bin');
    const admindir = path.join(root, 'dpkg');
    try {
      fs.mkdirSync(bin);
      fs.mkdirSync(admindir);
      if (dpkgStatus !== undefined) fs.writeFileSync(path.join(admindir, 'status'), dpkgStatus);
      for (const [name, script] of Object.entries(tools)) fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
      return execFileSync('/bin/sh', ['-c', LINUX_COMMANDS.packages], { encoding: 'utf8', env: { PATH: bin, DPKG_ADMINDIR: admindir }, stdio: ['ignore', 'pipe', 'ignore'] });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  };

  it('leaves the software out, not empty, when the package database cannot be read', () => {
    // a status file damaged by a full disk: dpkg-query prints nothing and exits 2
    const dpkg = packagesWith({ 'dpkg-query': "echo \"dpkg-query: error: parsing file '/var/lib/dpkg/status' near line 4242 package 'libssl3':\" >&2; echo ' duplicate value for Version field' >&2; exit 2" }, DPKG_STATUS);
    const r = parseLinux({ ...outputs, packages: dpkg }, '192.0.2.41');
    // an empty list would be every package of the server recorded as removed
    expect(r).not.toHaveProperty('software');
    expect(r.identity.hostname).toBe('files01');
    // an rpmdb that fails half-way through: what came before the failure is not the whole list
    const rpm = packagesWith({ rpm: "printf 'bash\\t5.1.8-9.el9\\tx86_64\\t(none)\\t1715612345\\n'; echo 'error: rpmdb: BDB0113 Thread/process 2154/140230 failed: BDB1507 Thread died in Berkeley DB library' >&2; exit 1" });
    expect(rpm.split('\n')[1]).toBe('bash\t5.1.8-9.el9\tx86_64\t(none)\t1715612345');
    expect(parsePackages(rpm)).toBeUndefined();
  });

  it('still reads a package database that answered', () => {
    const dpkg = packagesWith({ 'dpkg-query': "printf 'ii \\tbash\\t5.2.15-2+b7\\tamd64\\n'" }, DPKG_STATUS);
    expect(parsePackages(dpkg)).toEqual([{ name: 'bash', version: '5.2.15-2+b7', architecture: 'amd64' }]);
  });

  it.each([
    ['an empty status file', ''],
    ['no status file', undefined],
  ])('reads the RPMs of a Fedora or RHEL machine that has EPEL\'s dpkg installed, with %s (not an empty dpkg list)', (_name, status) => {
    const tools = {
      // what dpkg-query 1.21 does with an empty or missing status file: lists nothing, and succeeds
      'dpkg-query': 'exit 0',
      rpm: "printf 'bash\\t5.2.26-3.fc40\\tx86_64\\tFedora Project\\t1714060541\\n'; printf 'dpkg\\t1.22.6-1.fc40\\tx86_64\\tFedora Project\\t1718200213\\n'",
    };
    const out = packagesWith(tools, status);
    expect(out.split('\n')[0]).toBe('#rpm');
    expect(parsePackages(out)?.map((p) => `${p.name} ${p.version}`)).toEqual(['bash 5.2.26-3.fc40', 'dpkg 1.22.6-1.fc40']);
  });

  it('keeps a disk whose size lsblk could not say, without a size; an empty card reader stays out', () => {
    const lsblk = JSON.stringify({ blockdevices: [
      { name: 'sda', type: 'disk', size: null, model: 'PERC H755 Front', serial: '6f4ee08018d1a2002c1b8e3d0a6f2b11', vendor: 'DELL    ', tran: null },
      { name: 'sdb', type: 'disk', size: '960197124096', model: 'SAMSUNG MZ7LH960', serial: 'S45NNE0M712345', vendor: 'ATA     ', tran: 'sata' },
      { name: 'sdc', type: 'disk', size: 'n/a', model: 'MR9361-8i', serial: null, vendor: 'AVAGO', tran: null },
      { name: 'sdd', type: 'disk', size: '0', model: 'SD/MMC', serial: '000000000819', vendor: 'Generic-', tran: 'usb' },
    ] }, null, 3);
    expect(parseLsblk(lsblk).map((d) => [d.name, d.model, d.capacityBytes])).toEqual([
      ['sda', 'PERC H755 Front', undefined], ['sdb', 'SAMSUNG MZ7LH960', 960197124096], ['sdc', 'MR9361-8i', undefined],
    ]);
  });

  it('drops an rpm install time that cannot be one (the clock at 0, a wrapped -1), keeping the package', () => {
    const rpm = '#rpm\nbash\t5.1.8-9.el9\tx86_64\tRocky Enterprise Software Foundation\t1715612345\nacme-agent\t3.2-1\tx86_64\tAcme\t4294967295\ntzdata\t2024a-1.el9\tnoarch\tRocky Enterprise Software Foundation\t0\n';
    expect(parsePackages(rpm)!.map((p) => [p.name, p.installDate])).toEqual([['bash', '2024-05-13'], ['acme-agent', undefined], ['tzdata', undefined]]);
  });

  it('loses only the package whose line a tab or a newline inside a field broke', () => {
    const dpkg = `${f('dpkg.txt')}ii \tacme-agent\t2.1\tamd64\textra\nii \tacme-tools\t3.0\n\tamd64\n`;
    const r = parseLinux({ ...outputs, packages: dpkg }, '192.0.2.41');
    expect(r.software).toHaveLength(19);
    expect(r.software!.map((s) => s.name)).not.toEqual(expect.arrayContaining([expect.stringMatching(/^(acme|\t)/)]));
  });

  // the bound catches quadratic work (minutes), not speed, which is the bench's: a loaded CI
  // machine running three spec files at once took 2.3 s
  it('reads 200,000 packages in linear time, keeping the first 20,000', () => {
    const lines = Array.from({ length: 200_000 }, (_, i) => `ii \tlib${i}\t1.${i}-1\tamd64`).join('\n');
    const started = Date.now();
    const sw = parsePackages(`#dpkg\n${lines}\n`)!;
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(sw).toHaveLength(20_000);
    expect(sw[19_999]).toEqual({ name: 'lib19999', version: '1.19999-1', architecture: 'amd64' });
  });

  it('makes nothing up from lscpu in another language (the command asks for LC_ALL=C for that reason)', () => {
    expect(LINUX_COMMANDS.cpu).toMatch(/^LC_ALL=C lscpu/);
    const de = 'Architektur:                     x86_64\nCPU Operationsmodus:             32-bit, 64-bit\nCPU(s):                          8\nAnbieterkennung:                 GenuineIntel\nModellname:                      Intel(R) Core(TM) i7-10510U CPU @ 1.80GHz\nThread(s) pro Kern:              2\nKern(e) pro Sockel:              4\nSockel:                          1\nMaximale Taktfrequenz der CPU:   4900,0000\n';
    expect(parseCpu(de)).toEqual([]);
  });

  it('leaves hardware out when lsblk is there and fails every way (its disks unknown, not none); a machine without lsblk keeps its CPU and memory', () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-lsblk-'));
    const run = () => execFileSync('/bin/sh', ['-c', LINUX_COMMANDS.disks], { encoding: 'utf8', env: { PATH: bin } });
    try {
      // no lsblk at all (a busybox system): nothing to say about disks, the rest of the hardware stands
      const without = parseLinux({ ...outputs, disks: run() }, '192.0.2.41');
      expect(without.hardware!.filter((h) => h.kind === 'disk')).toEqual([]);
      expect(without.hardware!.some((h) => h.kind === 'cpu')).toBe(true);
      // one that fails (no /sys/block in a broken chroot, a crash): ingest then keeps the disks it knew
      fs.writeFileSync(path.join(bin, 'lsblk'), '#!/bin/sh\necho "lsblk: failed to access sysfs directory: /sys/dev/block" >&2\nexit 32\n', { mode: 0o755 });
      const failing = parseLinux({ ...outputs, disks: run() }, '192.0.2.41');
      expect(failing.hardware).toBeUndefined();
      expect(failing.software!.length).toBeGreaterThan(0);
      expect(failing.identity.hostname).toBe(without.identity.hostname);
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });

  it('reads the disks of a RHEL 7 lsblk, which predates -J, from its KEY="value" form', () => {
    // util-linux 2.23: no JSON; the pairs form escapes what is not printable as \xHH
    const lsblk223 = [
      'case "$*" in *-J*) echo "lsblk: invalid option -- \'J\'" >&2; exit 1;; esac',
      "printf '%s\\n' \\",
      `'NAME="sda" TYPE="disk" SIZE="599550590976" MODEL="PERC H730P Mini " SERIAL="0093c4f10b2a5e3a2400b3c8c7e0b36e" VENDOR="DELL    "' \\`,
      `'NAME="sdb" TYPE="disk" SIZE="0" MODEL="Internal Dual SD" SERIAL="012345678901" VENDOR="DELL    "' \\`,
      `'NAME="sr0" TYPE="rom" SIZE="1073741312" MODEL="DVD+-RW DU-8A5LH" SERIAL="" VENDOR="PLDS    "' \\`,
      `'NAME="sdc" TYPE="disk" SIZE="4000787030016" MODEL="ST4000NM0035\\x221\\x22" SERIAL="ZC1AB2CD" VENDOR="ATA     "'`,
    ].join('\n');
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-lsblk-'));
    try {
      fs.writeFileSync(path.join(bin, 'lsblk'), `#!/bin/sh\n${lsblk223}\n`, { mode: 0o755 });
      const disks = execFileSync('/bin/sh', ['-c', LINUX_COMMANDS.disks], { encoding: 'utf8', env: { PATH: bin } });
      const r = parseLinux({ ...outputs, disks }, '192.0.2.41');
      expect(r.hardware!.filter((h) => h.kind === 'disk')).toEqual([
        { kind: 'disk', name: 'sda', model: 'PERC H730P Mini', serial: '0093c4f10b2a5e3a2400b3c8c7e0b36e', manufacturer: 'DELL', capacityBytes: 599550590976 },
        { kind: 'disk', name: 'sdc', model: 'ST4000NM0035"1"', serial: 'ZC1AB2CD', manufacturer: 'ATA', capacityBytes: 4000787030016 },
      ]);
    } finally {
      fs.rmSync(bin, { recursive: true, force: true });
    }
  });
});

describe('Linux over SSH: a container on that Dell server (Proxmox CT, LXD, podman)', () => {
  const f = (file: string) => fixture('linux-debian12-r650', file);
  // what a container reads of /sys: its host's DMI (the serial too, as root) and disks
  const outputs = {
    osRelease: f('os-release.txt'), hostname: 'ct-web01\n', machineId: '1b4e28ba2fa1441f9e0d3c6a7b8c9d0e\n', dmi: f('dmi.txt'),
    cpu: f('lscpu.txt'), memory: f('meminfo.txt'), disks: f('lsblk.json'), network: f('ip-addr.json'), packages: f('dpkg.txt'),
  };

  it.each([['lxc\n', 'lxc'], ['podman\n', 'podman'], ['systemd-nspawn\n', 'systemd-nspawn']])('is a container by %j, with none of its host\'s hardware identity', (said, kind) => {
    const report = parseLinux({ ...outputs, container: said }, '192.0.2.60');
    // before: serial 7XK2Q53, "Dell Inc. PowerEdge R650", type server, the host's two disks: one device with its host
    expect(report.identity.serial).toBeUndefined();
    expect(report.device).toMatchObject({ type: 'virtual-machine', model: `container (${kind})` });
    expect(report.device?.vendor).toBeUndefined();
    expect(report.hardware?.filter((h) => h.kind === 'disk')).toEqual([]);
    expect(report.hardware?.some((h) => h.kind === 'cpu')).toBe(true);
  });

  it('is the machine it says it is when nothing says container', () => {
    for (const container of [undefined, '', '\n']) {
      const report = parseLinux({ ...outputs, container }, '192.0.2.60');
      expect(report.identity.serial).toBe('7XK2Q53');
      expect(report.hardware?.filter((h) => h.kind === 'disk').length).toBeGreaterThan(0);
    }
  });
});
