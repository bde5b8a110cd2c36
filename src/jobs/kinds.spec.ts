// The software kinds around the drivers: manager picked from the device, parameters checked
// again against it, the inventory refreshed after a change, and a reboot waited for (a new
// boot id) — over recorded apt outputs and fake sessions; nothing is contacted.
import { fakeHost, fx } from './drivers/fixtures/fake-host';
import { HostSession, KindContext } from './job-kinds';
import { JOBS_OWN_KINDS, REBOOT, validateSoftwareParams } from './kinds';

const install = JOBS_OWN_KINDS.find((k) => k.name === 'software.install')!;
const DEBIAN = { id: 7, hostname: 'web01', primaryIp: '192.0.2.7', platform: 'linux', osFamily: 'linux', osName: 'Debian GNU/Linux 12 (bookworm)', osVersion: '12', type: 'server' };

/** `greeting`: what the host's ~/.bashrc prints before every command's output */
function aptRoutes(bootId: string, rebootRequired: boolean, greeting = '') {
  return fakeHost([
    [/^env LC_ALL=C dpkg-query/, [fx('apt-dpkg-query-missing', 1), fx('apt-dpkg-query-installed')]],
    [/apt-get -o DPkg::Lock::Timeout=120 update$/, fx('apt-get-update')],
    [/ install -- teknisi-hello$/, fx('apt-get-install-success')],
    [/^env LC_ALL=C test -e \/var\/run\/reboot-required$/, { code: rebootRequired ? 0 : 1 }],
    [/^cat \/proc\/sys\/kernel\/random\/boot_id$/, { stdout: `${bootId}\n` }],
    // the connection drops as the machine goes down
    [/shutdown -r now$/, { code: null }],
    // the host greets before any command's output; only a fenced command's can be told apart
  ], { sudo: true, sudoPassword: 'sudo-secret', greeting });
}

const WINDOWS = { id: 8, hostname: 'pc-0042', primaryIp: '192.0.2.8', platform: 'windows', osFamily: 'windows', osName: 'Microsoft Windows 11 Pro', osVersion: '10.0.22631', type: 'workstation' };

/** A Windows PC: winget over PowerShell; `booted` is its last boot time, as Win32_OperatingSystem gives it */
function wingetRoutes(booted: string, rebootRequired: boolean) {
  return fakeHost([
    [/winget list --id \$id --exact/, [fx('winget-list-missing'), fx('winget-list-installed')]],
    [/winget install --id \$id --exact/, fx('winget-install-success')],
    [/reboot-required/, { stdout: rebootRequired ? 'reboot-required\n' : 'no-reboot\n' }],
    [/^\(Get-CimInstance -ClassName Win32_OperatingSystem\)\.LastBootUpTime/, { stdout: `${booted}\r\n` }],
    [/^Restart-Computer -Force$/, { code: 0 }],
  ]);
}

function ctxWith(sessions: Array<ReturnType<typeof aptRoutes> | Error>, params: object) {
  const opened: number[] = [];
  let refreshed = 0;
  const ctx: KindContext = {
    runId: 1, runTrigger: 'now', device: DEBIAN, params: validateSoftwareParams('install', params).params, signal: new AbortController().signal, credentialId: null,
    packageTools: async () => [],
    open: async (): Promise<HostSession> => {
      const s = sessions[Math.min(opened.length, sessions.length - 1)];
      opened.push(opened.length);
      if (s instanceof Error) throw s;
      return { access: s.host, where: 'lab@192.0.2.7:22', shell: async () => { throw new Error('no shell here'); }, refreshInventory: async () => void refreshed++, close: async () => undefined };
    },
  };
  return { ctx, opened, refreshed: () => refreshed };
}

beforeAll(() => {
  REBOOT.pollMs = 10;
  REBOOT.waitMs = 500;
});

describe('software.install', () => {
  it('installs with the manager the device\'s OS implies and refreshes the inventory after the change', async () => {
    const first = aptRoutes('boot-a', false);
    const { ctx, refreshed } = ctxWith([first], { packages: ['teknisi-hello'] });
    const out = await install.run(ctx);
    expect(out).toMatchObject({ status: 'succeeded', reason: 'installed teknisi-hello 1.0' });
    expect(refreshed()).toBe(1);
    expect(first.calls.some((c) => /shutdown/.test(c.command))).toBe(false);
  });

  it('reboot if-required: reboots, waits for a new boot id, and says so', async () => {
    const first = aptRoutes('boot-a', true);
    const { ctx, opened, refreshed } = ctxWith([first, new Error('connect ECONNREFUSED'), aptRoutes('boot-a', true), aptRoutes('boot-b', false)], { packages: ['teknisi-hello'], reboot: 'if-required' });
    const out = await install.run(ctx);
    expect(out.status).toBe('succeeded');
    expect(out.reason).toMatch(/reboot required; rebooted and back/);
    expect(out.log).toMatch(/\$ sudo -S -p '' -- shutdown -r now/);
    expect(out.log).toMatch(/host back after reboot \(boot id boot-b\)/);
    expect(out.log).not.toContain('sudo-secret');
    expect(first.calls.find((c) => /shutdown/.test(c.command))!.stdin).toBe('sudo-secret\n');
    expect(opened.length).toBe(4);
    expect(refreshed()).toBe(2);
  });

  it('reboot if-required: a greeting that carries the time is not a new boot id', async () => {
    const greets = (bootId: string, rebootRequired: boolean) => aptRoutes(bootId, rebootRequired, `Welcome! It is ${process.hrtime.bigint()}\n`);
    // back up before the machine went down, then really rebooted
    const { ctx, opened } = ctxWith([greets('boot-a', true), greets('boot-a', true), greets('boot-b', false)], { packages: ['teknisi-hello'], reboot: 'if-required' });
    const out = await install.run(ctx);
    expect(out.status).toBe('succeeded');
    expect(out.log).toMatch(/host back after reboot \(boot id boot-b\)\n/);
    expect(opened.length).toBe(3);
    // nor is it any command's output in the log
    expect(out.log).toMatch(/Setting up teknisi-hello/);
    expect(out.log).not.toContain('Welcome!');
  });

  it('reboot if-required on Windows: Restart-Computer in PowerShell, back when the last boot time moved', async () => {
    const first = wingetRoutes('2026-11-28T07:00:00.0000000Z', true);
    const { ctx, opened } = ctxWith([first, wingetRoutes('2026-11-28T07:00:00.0000000Z', true), wingetRoutes('2026-11-29T12:01:13.0000000Z', false)], { packages: ['Git.Git'], reboot: 'if-required' });
    const out = await install.run({ ...ctx, device: WINDOWS });
    expect(out).toMatchObject({ status: 'succeeded', reason: 'installed Git.Git 2.43.0; reboot required; rebooted and back' });
    expect(out.log).toMatch(/\$ Restart-Computer -Force\n/);
    expect(out.log).toMatch(/host back after reboot \(boot id 2026-11-29T12:01:13\.0000000Z\)\n/);
    expect(opened.length).toBe(3);
    // every command a PowerShell script, none through sh or sudo
    for (const c of first.calls) expect(c.command).toMatch(/^powershell -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand /);
    expect(first.calls.map((c) => c.stdin)).toEqual(first.calls.map(() => undefined));
  });

  it('picks the manager the inventory lists when the OS name does not tell: a Windows PC with Chocolatey and no winget', async () => {
    const server = { ...WINDOWS, osName: 'Microsoft Windows Server 2019 Standard' };
    const { host, calls } = fakeHost([[/choco/, { code: 0, stdout: '' }]]);
    const { ctx } = ctxWith([{ host, calls } as unknown as ReturnType<typeof aptRoutes>], { packages: ['git'] });
    // before: the software list was never looked at, and winget (absent on Server 2019) was used
    await install.run({ ...ctx, device: server, packageTools: async () => [{ name: 'Chocolatey' }] });
    expect(calls.length).toBeGreaterThan(0);
    expect(calls[0].text).toMatch(/ChocolateyInstall/);
    expect(calls.some((c) => /winget/.test(c.text))).toBe(false);
  });

  it('reboot if-required: a host that never comes back fails the target, definitely', async () => {
    const { ctx } = ctxWith([aptRoutes('boot-a', true), new Error('connect ECONNREFUSED')], { packages: ['teknisi-hello'], reboot: 'if-required' });
    const out = await install.run(ctx);
    expect(out).toMatchObject({ status: 'failed', transient: false });
    expect(out.reason).toMatch(/did not come back within 1 s after the reboot/);
  });

  it('a device whose OS names no package manager fails with a reason that says what to do', async () => {
    const { ctx } = ctxWith([aptRoutes('x', false)], { packages: ['teknisi-hello'] });
    const out = await install.run({ ...ctx, device: { ...DEBIAN, platform: null, osFamily: null, osName: null, osVersion: null } });
    expect(out).toMatchObject({ status: 'failed', transient: false });
    expect(out.reason).toMatch(/no package manager known for this device.*params\.manager/);
  });

  it('a name valid in general but not for the device\'s manager is refused before anything runs', async () => {
    const session = aptRoutes('x', false);
    const { ctx } = ctxWith([session], { packages: ['Teknisi_Hello'] });
    const out = await install.run(ctx);
    expect(out).toMatchObject({ status: 'failed', transient: false });
    expect(out.reason).toMatch(/not a valid apt package name/);
    expect(session.calls).toHaveLength(0);
  });
});
