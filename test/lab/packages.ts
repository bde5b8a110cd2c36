// The device lab's Debian packages: installed when missing and running as root (CI, this
// machine), else the run stops naming them.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

/** Debian package → a file it installs, to tell whether it is there. */
export const LAB_PACKAGES: Record<string, string> = {
  snmpd: '/usr/sbin/snmpd',
  snmp: '/usr/bin/snmpget',
  snmpsim: '/usr/bin/snmpsimd',
  'openssh-server': '/usr/sbin/sshd',
  'openssh-client': '/usr/bin/ssh-keygen',
  // package hosts (package-host.ts): sshd reaches their root session through sudo, and their
  // users sudo inside; the lab's apt repository is indexed with dpkg-scanpackages
  sudo: '/usr/bin/sudo',
  'dpkg-dev': '/usr/bin/dpkg-scanpackages',
  // a package host in another language generates its locale (localedef) from these sources
  locales: '/usr/share/i18n/locales/de_DE',
  // not a lab daemon: the browser the UI specs (test/ui/) drive with playwright-core (its
  // headless shell), and the full browser bench/ui measures
  'chromium-headless-shell': '/usr/bin/chromium-headless-shell',
  chromium: '/usr/bin/chromium',
  // not daemons either: the awks (besides gawk) and the shell the Linux agent spec runs it under
  mawk: '/usr/bin/mawk',
  busybox: '/bin/busybox',
  // login shells other than bash that commands and quoted values must pass through: fish (a
  // lab host's lab user logs in to it; it reads POSIX sh syntax as errors), zsh (macOS's) and
  // tcsh (FreeBSD's root, macOS's csh; it runs each line of a command line on its own)
  fish: '/usr/bin/fish',
  zsh: '/usr/bin/zsh',
  tcsh: '/usr/bin/tcsh',
};

export function ensureLabPackages(): void {
  const missing = Object.entries(LAB_PACKAGES).filter(([, file]) => !fs.existsSync(file)).map(([pkg]) => pkg);
  if (!missing.length) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`The device lab needs Debian packages that are missing: ${missing.join(' ')}. Install them with: sudo apt-get install -y ${missing.join(' ')}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // the lab runs its own daemons on loopback: keep the packages' services (sshd on
  // 0.0.0.0:22, snmpd) from being started by their install scripts
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = !fs.existsSync(policy);
  if (ownPolicy) fs.writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    try {
      execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env, stdio: 'ignore' });
    } catch {
      execFileSync('apt-get', ['update', '-q'], { env, stdio: 'ignore' });
      execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env, stdio: 'ignore' });
    }
  } finally {
    if (ownPolicy) fs.rmSync(policy, { force: true });
  }
}
