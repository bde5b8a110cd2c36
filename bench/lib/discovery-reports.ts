// bench/: deterministic InventoryReports of Debian machines for the ingest bench. Every
// machine carries a shared base (by default 60% of its packages: what a Debian 12 install
// has on every box, at one of a few patch levels), the rest drawn from a long tail of ~12,000
// packages with Zipf-like popularity, so that the catalogue grows fast at first and then
// mostly reuses titles, as a real fleet's does. Addresses are documentation/data only.
import { InventoryReport } from '../../src/inventory/inventory-report';
import { hash32, Rng } from './rng';

// real Debian 12 package names first, so that the head of the catalogue looks like one
const REAL = [
  'adduser', 'apt', 'apt-utils', 'base-files', 'base-passwd', 'bash', 'bash-completion', 'bsdutils', 'bzip2', 'ca-certificates', 'coreutils', 'cpio',
  'cron', 'cron-daemon-common', 'curl', 'dash', 'dbus', 'dbus-bin', 'dbus-daemon', 'debconf', 'debconf-i18n', 'debian-archive-keyring', 'debianutils',
  'diffutils', 'dmidecode', 'dmsetup', 'dpkg', 'e2fsprogs', 'fdisk', 'file', 'findutils', 'gcc-12-base', 'gettext-base', 'gpgv', 'grep', 'groff-base',
  'grub-common', 'grub-pc', 'grub2-common', 'gzip', 'hostname', 'ifupdown', 'init', 'init-system-helpers', 'initramfs-tools', 'iproute2', 'iptables',
  'iputils-ping', 'isc-dhcp-client', 'kmod', 'less', 'libacl1', 'libapparmor1', 'libapt-pkg6.0', 'libattr1', 'libaudit-common', 'libaudit1', 'libblkid1',
  'libbpf1', 'libbsd0', 'libbz2-1.0', 'libc-bin', 'libc6', 'libcap-ng0', 'libcap2', 'libcap2-bin', 'libcom-err2', 'libcrypt1', 'libcryptsetup12',
  'libcurl4', 'libdb5.3', 'libdbus-1-3', 'libdebconfclient0', 'libdevmapper1.02.1', 'libedit2', 'libelf1', 'libexpat1', 'libext2fs2', 'libfdisk1',
  'libffi8', 'libgcc-s1', 'libgcrypt20', 'libgdbm6', 'libgmp10', 'libgnutls30', 'libgpg-error0', 'libgssapi-krb5-2', 'libhogweed6', 'libidn2-0',
  'libip4tc2', 'libjson-c5', 'libk5crypto3', 'libkeyutils1', 'libkmod2', 'libkrb5-3', 'libkrb5support0', 'libldap-2.5-0', 'liblz4-1', 'liblzma5',
  'libmd0', 'libmnl0', 'libmount1', 'libncursesw6', 'libnettle8', 'libnewt0.52', 'libnftnl11', 'libnghttp2-14', 'libnss-systemd', 'libp11-kit0',
  'libpam-modules', 'libpam-modules-bin', 'libpam-runtime', 'libpam-systemd', 'libpam0g', 'libpcre2-8-0', 'libpopt0', 'libproc2-0', 'libpsl5',
  'libpython3.11-minimal', 'libpython3.11-stdlib', 'libreadline8', 'librtmp1', 'libsasl2-2', 'libseccomp2', 'libselinux1', 'libsemanage2',
  'libsepol2', 'libslang2', 'libsmartcols1', 'libsqlite3-0', 'libss2', 'libssh2-1', 'libssl3', 'libstdc++6', 'libsystemd-shared', 'libsystemd0',
  'libtasn1-6', 'libtext-iconv-perl', 'libtinfo6', 'libudev1', 'libunistring2', 'libuuid1', 'libxtables12', 'libxxhash0', 'libzstd1', 'linux-base',
  'linux-image-6.1.0-28-amd64', 'linux-image-amd64', 'locales', 'login', 'logrotate', 'logsave', 'lsb-release', 'man-db', 'mawk', 'media-types',
  'mount', 'nano', 'ncurses-base', 'ncurses-bin', 'netbase', 'openssh-client', 'openssh-server', 'openssh-sftp-server', 'openssl', 'passwd', 'perl',
  'perl-base', 'perl-modules-5.36', 'procps', 'python3', 'python3-minimal', 'python3.11', 'python3.11-minimal', 'readline-common', 'rsyslog',
  'sed', 'sensible-utils', 'sudo', 'systemd', 'systemd-sysv', 'systemd-timesyncd', 'sysvinit-utils', 'tar', 'tzdata', 'ucf', 'udev', 'usrmerge',
  'util-linux', 'util-linux-extra', 'vim-common', 'vim-tiny', 'wget', 'whiptail', 'xz-utils', 'zlib1g', 'nginx', 'nginx-common', 'postgresql-15',
  'postgresql-client-15', 'mariadb-server', 'mariadb-client', 'redis-server', 'docker-ce', 'containerd.io', 'snmpd', 'chrony', 'htop', 'tmux', 'jq',
  'rsync', 'git', 'git-man', 'unattended-upgrades', 'needrestart', 'apparmor', 'fail2ban', 'zabbix-agent2', 'nfs-common', 'lvm2', 'mdadm', 'smartmontools',
];
const SYL = ['ka', 'lo', 'mi', 'ra', 'ne', 'to', 'vi', 'sa', 'du', 'pe', 'zor', 'lin', 'bex', 'qua', 'tri', 'mon', 'dal', 'fer', 'gis', 'hul', 'jan', 'kor', 'mab',
  'nix', 'op', 'pri', 'rus', 'sil', 'tav', 'ul', 'vor', 'wen', 'yl', 'zen', 'x', 'gtk', 'qt', 'xml', 'ssl', 'gl', 'av', 'pulse', 'cups', 'krb', 'sasl'];

export interface FleetParams {
  seed: number;
  reports: number;
  packages: number;
  /** share of each machine's packages from the base that every machine has */
  shared: number;
}

interface Pkg {
  name: string;
  arch: 'amd64' | 'all';
  /** versions in patch order: a machine at patch level k has versions[min(k, len-1)] */
  versions: string[];
}

export interface Fleet {
  base: Pkg[];
  tail: Pkg[];
  tailCdf: Float64Array;
  report(i: number): InventoryReport;
  /** distinct (name) titles over the whole fleet; computed by walking it */
  titleCount(): number;
}

function word(r: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += r.pick(SYL);
  return s;
}

function pkgName(r: Rng): string {
  const w = word(r, r.range(2, 3));
  switch (r.weighted([0, 1, 2, 3, 4, 5, 6, 7], [30, 14, 8, 8, 6, 5, 20, 9])) {
    case 0: return `lib${w}${r.chance(0.7) ? r.range(0, 9) : ''}${r.chance(0.2) ? `.${r.range(0, 9)}` : ''}`;
    case 1: return `python3-${w}`;
    case 2: return `lib${w}-dev`;
    case 3: return `node-${w}`;
    case 4: return `fonts-${w}`;
    case 5: return `gir1.2-${w}-${r.range(1, 4)}.0`;
    case 6: return `${w}-${r.pick(['common', 'data', 'utils', 'tools', 'doc', 'bin', 'server', 'client', 'plugins'])}`;
    default: return w;
  }
}

function pkg(r: Rng, name: string): Pkg {
  const arch: Pkg['arch'] = /^(python3-|fonts-|node-)|-(common|data|doc)$/.test(name) || r.chance(0.1) ? 'all' : 'amd64';
  const epoch = r.chance(0.08) ? `${r.range(1, 3)}:` : '';
  const upstream = r.chance(0.7) ? `${r.range(0, 12)}.${r.range(0, 40)}.${r.range(0, 20)}` : `${r.range(1, 250)}.${r.range(0, 9)}`;
  const rev = `${upstream}-${r.range(1, 12)}`;
  // most packages never change in a stable release; some got one to four security updates
  const updates = r.weighted([0, 1, 2, 3, 4], [65, 18, 9, 5, 3]);
  const versions = [`${epoch}${rev}`];
  for (let u = 1; u <= updates; u++) versions.push(`${epoch}${rev}+deb12u${u}`);
  return { name, arch, versions };
}

export function buildFleet(p: FleetParams): Fleet {
  const r = new Rng(hash32(p.seed, 31));
  const seen = new Set<string>();
  const make = (name: string) => (seen.has(name) ? null : (seen.add(name), pkg(r, name)));
  const baseCount = Math.round(p.packages * p.shared);
  const base: Pkg[] = [];
  for (const n of REAL) if (base.length < baseCount) base.push(make(n)!);
  while (base.length < baseCount) {
    const x = make(pkgName(r));
    if (x) base.push(x);
  }
  const tailSize = Math.max(4 * (p.packages - baseCount), 12_000);
  const tail: Pkg[] = [];
  while (tail.length < tailSize) {
    const x = make(pkgName(r));
    if (x) tail.push(x);
  }
  const tailCdf = new Float64Array(tail.length);
  let acc = 0;
  for (let k = 0; k < tail.length; k++) tailCdf[k] = acc += 1 / Math.pow(k + 8, 0.9);
  const extra = p.packages - baseCount;

  const report = (i: number): InventoryReport => {
    const m = new Rng(hash32(p.seed, 32, i));
    const patch = m.weighted([0, 1, 2, 3, 4], [10, 20, 30, 25, 15]);
    const software: NonNullable<InventoryReport['software']> = [];
    const installDate = (k: number) => `2024-${String(1 + (hash32(i, k) % 12)).padStart(2, '0')}-${String(1 + (hash32(k, i) % 28)).padStart(2, '0')}`;
    base.forEach((b, k) => software.push({ name: b.name, version: b.versions[Math.min(patch, b.versions.length - 1)], architecture: b.arch, installDate: installDate(k) }));
    const picked = new Set<number>();
    const total = tailCdf[tailCdf.length - 1];
    while (picked.size < extra) {
      const x = m.next() * total;
      let lo = 0;
      let hi = tailCdf.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (tailCdf[mid] > x) hi = mid;
        else lo = mid + 1;
      }
      picked.add(lo);
    }
    for (const k of [...picked].sort((a, b) => a - b)) {
      const t = tail[k];
      software.push({ name: t.name, version: t.versions[m.int(t.versions.length)], architecture: t.arch, installDate: installDate(10_000 + k) });
    }
    const n = i + 1;
    const mac = `52:54:00:${((n >> 16) & 255).toString(16).padStart(2, '0')}:${((n >> 8) & 255).toString(16).padStart(2, '0')}:${(n & 255).toString(16).padStart(2, '0')}`;
    const ip = `10.${40 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
    const hostname = `deb-ws-${String(n).padStart(5, '0')}`;
    return {
      source: 'agent',
      collectedAt: new Date(Date.UTC(2026, 10, 1) + n * 1000),
      identity: { hostname, fqdn: `${hostname}.corp.example`, serial: `BENCH${p.seed}-${String(n).padStart(6, '0')}`, macs: [mac], addresses: [ip] },
      device: { type: 'workstation', platform: 'linux', vendor: 'Dell Inc.', model: 'OptiPlex 7010', osFamily: 'linux', osName: 'Debian GNU/Linux 12 (bookworm)', osVersion: `12.${patch + 4}` },
      hardware: [
        { kind: 'cpu', name: 'Intel(R) Core(TM) i5-13500', cores: 14 },
        { kind: 'memory', slot: 'DIMM1', capacityBytes: 16 * 2 ** 30 },
        { kind: 'disk', model: 'SAMSUNG MZVL2512HCJQ', capacityBytes: 512_110_190_592 },
      ],
      interfaces: [{ name: 'enp0s31f6', mac, addresses: [ip], mtu: 1500, speedMbps: 1000, operStatus: 'up', adminStatus: 'up' }],
      software,
    };
  };
  const titleCount = () => {
    const names = new Set(base.map((b) => b.name));
    for (let i = 0; i < p.reports; i++) for (const s of report(i).software!) names.add(s.name);
    return names.size;
  };
  return { base, tail, tailCdf, report, titleCount };
}
