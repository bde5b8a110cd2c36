import { parseRpmQuery, rpmEvrCompare, rpmvercmp } from './rpm';
import { fakeHost, fx } from './fixtures/fake-host';
import { runSoftwareTask } from './run';

const PASSWORD = 'hunter2-rpm';
const SUDO = "sudo -S -p '' -- sh -c 'exec \"$@\" </dev/null' sh env LC_ALL=C ";
const RPM_Q = "env LC_ALL=C rpm -q --qf '%{NAME}\\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\n' -- teknisi-hello";
const task = (action: 'install' | 'uninstall' | 'upgrade', packages = ['teknisi-hello']) => ({ action, packages, timeoutMs: 600_000 });

describe('dnf driver', () => {
  it('skips an install that rpm already shows', async () => {
    const { host, calls } = fakeHost([[/^env LC_ALL=C rpm -q/, fx('rpm-q-installed')]], { sudo: true, sudoPassword: PASSWORD });
    expect(await runSoftwareTask(host, 'dnf', task('install'))).toMatchObject({ status: 'skipped', reason: 'teknisi-hello 1.0-1.el9 already installed' });
    expect(calls.map((c) => c.command)).toEqual([RPM_Q]);
  });

  it('installs with dnf -y through sudo, verifies with rpm and asks needs-restarting', async () => {
    const { host, calls } = fakeHost([
      [/^env LC_ALL=C rpm -q/, [fx('rpm-q-missing', 1), fx('rpm-q-installed')]],
      [/dnf -y install teknisi-hello$/, fx('dnf-install-success')],
      [/^env LC_ALL=C needs-restarting -r$/, fx('needs-restarting-yes', 1)],
    ], { sudo: true, sudoPassword: PASSWORD });
    const out = await runSoftwareTask(host, 'dnf', task('install'));
    expect(out).toMatchObject({ status: 'succeeded', reason: 'installed teknisi-hello 1.0-1.el9; reboot required', rebootRequired: true, changed: ['teknisi-hello'] });
    expect(calls.map((c) => c.command)).toEqual([RPM_Q, `${SUDO}dnf -y install teknisi-hello`, RPM_Q, 'env LC_ALL=C needs-restarting -r']);
    expect(calls[1].stdin).toBe(`${PASSWORD}\n`);
    expect(out.log).not.toContain(PASSWORD);
  });

  it.each([
    ['dnf-install-no-match', 1, {}, false, 'dnf: No match for argument: teknisi-nope'],
    ['dnf-install-lock', 1, {}, true, 'rpm database locked by another process (pid 2211)'],
    ['dnf-install-lock', 1, { timedOut: true }, true, /^dnf timed out after \d+ s$/],
    ['dnf-install-success', 1, { stdout: '', stderr: 'Error: This command has to be run with superuser privileges (under the root user on most systems).\n' }, false, 'dnf: permission denied (not root: turn on sudo for this credential)'],
    ['dnf-install-success', 1, { stdout: '', stderr: "Errors during downloading metadata for repository 'appstream':\n  - Curl error (6): Couldn't resolve host name for https://mirrors.rockylinux.org/mirrorlist?arch=x86_64&repo=AppStream-9 [Could not resolve host: mirrors.rockylinux.org]\nError: Failed to download metadata for repo 'appstream': Cannot prepare internal mirrorlist: Curl error (6): Couldn't resolve host name for https://mirrors.rockylinux.org/mirrorlist?arch=x86_64&repo=AppStream-9 [Could not resolve host: mirrors.rockylinux.org]\n" }, true, 'network: could not resolve mirrors.rockylinux.org'],
    ['dnf-install-success', 1, { stdout: '', stderr: 'Error: \n Problem: conflicting requests\n  - nothing provides libteknisi.so.2()(64bit) needed by teknisi-app-2.0-1.el9.x86_64\n' }, false, 'dnf: dependency problem: conflicting requests'],
  ])('%s (exit %s, %j) → transient %s', async (fixture, code, extra, transient, reason) => {
    const { host } = fakeHost([[/^env LC_ALL=C rpm -q/, fx('rpm-q-missing', 1)], [/dnf -y install/, { ...fx(fixture, code), ...extra }]], { sudo: true });
    const out = await runSoftwareTask(host, 'dnf', task('install', [fixture.includes('no-match') ? 'teknisi-nope' : 'teknisi-hello']));
    expect(out).toMatchObject({ status: 'failed', transient });
    expect((out as { reason: string }).reason).toEqual(typeof reason === 'string' ? reason : expect.stringMatching(reason));
  });

  it('upgrades a named package only when check-update offers one (exit 100)', async () => {
    const { host, calls } = fakeHost([
      [/^env LC_ALL=C rpm -q/, [fx('rpm-q-installed'), fx('rpm-q-upgraded')]],
      [/dnf -q check-update teknisi-hello$/, fx('dnf-check-update', 100)],
      [/dnf -y upgrade teknisi-hello$/, { code: 0, stdout: 'Complete!\n' }],
      [/^env LC_ALL=C needs-restarting/, { code: 0, stdout: 'No core libraries or services have been updated since boot-up.\nReboot should not be necessary.\n' }],
    ], { sudo: true });
    const out = await runSoftwareTask(host, 'dnf', task('upgrade'));
    expect(out).toMatchObject({ status: 'succeeded', reason: 'upgraded teknisi-hello 1.0-1.el9 → 1.1-1.el9', rebootRequired: false });
    expect(calls[1].command).toBe('sudo -n -- env LC_ALL=C dnf -q check-update teknisi-hello');
  });

  it('skips an upgrade when check-update exits 0', async () => {
    const { host } = fakeHost([[/^env LC_ALL=C rpm -q/, fx('rpm-q-installed')], [/check-update/, { code: 0 }]], { sudo: true });
    expect(await runSoftwareTask(host, 'dnf', task('upgrade'))).toMatchObject({ status: 'skipped', reason: 'teknisi-hello 1.0-1.el9: no newer version available' });
  });

  it('patches everything check-update lists, ignoring the obsoletes section', async () => {
    const { host, calls } = fakeHost([
      [/dnf -q check-update$/, [fx('dnf-check-update-all', 100), { code: 0 }]],
      [/dnf -y upgrade$/, { code: 0, stdout: 'Complete!\n' }],
      [/^env LC_ALL=C needs-restarting/, fx('needs-restarting-yes', 1)],
    ], { sudo: true });
    const out = await runSoftwareTask(host, 'dnf', task('upgrade', []));
    expect(out).toMatchObject({ status: 'succeeded', changed: ['kernel', 'openssl'], rebootRequired: true });
    expect(calls[1].command).toBe('sudo -n -- env LC_ALL=C dnf -y upgrade');
  });

  // dnf's own 80-column layout (dnf/cli/output.py) wraps a long name's version and repository
  // onto the next line: those packages were left out
  it('patches every package check-update lists, wrapped ones too', async () => {
    const { host } = fakeHost([
      [/dnf -q check-update$/, [fx('dnf-check-update-wrapped', 100), { code: 0 }]],
      [/dnf -y upgrade$/, { code: 0, stdout: 'Complete!\n' }],
      [/needs-restarting/, fx('needs-restarting-yes', 1)],
    ], { sudo: true });
    expect(await runSoftwareTask(host, 'dnf', task('upgrade', []))).toMatchObject({
      status: 'succeeded',
      reason: 'upgraded 9 packages; reboot required',
      changed: ['NetworkManager-cloud-setup', 'java-17-openjdk-headless', 'kernel-core', 'kernel-modules', 'kernel', 'openssl-libs', 'python3-libselinux', 'selinux-policy-targeted', 'tzdata'],
    });
  });

  it('upgrades every named package with an update, one whose line dnf wrapped too', async () => {
    const names = ['NetworkManager-cloud-setup', 'openssl', 'openssl-libs'];
    const { host, calls } = fakeHost([
      [/rpm -q/, [
        { code: 0, stdout: 'NetworkManager-cloud-setup\t1:1.46.0-10.el9_4\nopenssl\t1:3.0.7-25.el9\nopenssl-libs\t1:3.0.7-25.el9\n' },
        { code: 0, stdout: 'NetworkManager-cloud-setup\t1:1.46.0-13.el9_4\nopenssl\t1:3.0.7-27.el9\nopenssl-libs\t1:3.0.7-27.el9\n' },
      ]],
      [/check-update/, fx('dnf-check-update-wrapped-named', 100)],
      [/ -y upgrade /, { code: 0, stdout: 'Complete!\n' }],
      [/needs-restarting/, { code: 0 }],
    ], { sudo: true });
    const out = await runSoftwareTask(host, 'dnf', task('upgrade', names));
    expect(out).toMatchObject({ status: 'succeeded', changed: ['NetworkManager-cloud-setup', 'openssl-libs', 'openssl'] });
    expect(calls[2].command).toBe('sudo -n -- env LC_ALL=C dnf -y upgrade NetworkManager-cloud-setup openssl-libs openssl');
  });

  it('fails definitely when check-update itself errors (exit 1)', async () => {
    const { host } = fakeHost([[/check-update$/, { code: 1, stderr: 'Error: Failed to download metadata for repo \'baseos\': Cannot download repomd.xml: Cannot download repodata/repomd.xml: All mirrors were tried\n' }]], { sudo: true });
    expect(await runSoftwareTask(host, 'dnf', task('upgrade', []))).toMatchObject({ status: 'failed', transient: true, reason: "dnf: failed to download metadata for repo baseos" });
  });
});

describe('yum driver', () => {
  it('uses yum and calls its lock transient', async () => {
    const { host, calls } = fakeHost([[/^env LC_ALL=C rpm -q/, fx('rpm-q-missing', 1)], [/yum -y install teknisi-hello$/, fx('yum-lock', 1)]], { sudo: true });
    expect(await runSoftwareTask(host, 'yum', task('install'))).toMatchObject({ status: 'failed', transient: true, reason: 'yum lock held by another process (pid 1875)' });
    expect(calls[1].command).toBe('sudo -n -- env LC_ALL=C yum -y install teknisi-hello');
  });

  it('says yum, not dnf, for a missing package', async () => {
    const { host } = fakeHost([[/^env LC_ALL=C rpm -q/, fx('rpm-q-missing', 1)], [/yum -y install/, { code: 1, stdout: 'No package teknisi-nope available.\n', stderr: 'Error: Nothing to do\n' }]]);
    expect(await runSoftwareTask(host, 'yum', task('install', ['teknisi-nope']))).toMatchObject({ status: 'failed', transient: false, reason: 'yum: No package teknisi-nope available' });
  });
});

describe('zypper driver', () => {
  it('installs non-interactively, agreeing to licenses', async () => {
    const { host, calls } = fakeHost([
      [/^env LC_ALL=C rpm -q/, [fx('rpm-q-missing', 1), fx('rpm-q-installed')]],
      [/zypper --non-interactive install/, fx('zypper-install-success')],
      [/^env LC_ALL=C zypper needs-rebooting$/, { code: 0 }],
    ], { sudo: true, sudoPassword: PASSWORD });
    expect(await runSoftwareTask(host, 'zypper', task('install'))).toMatchObject({ status: 'succeeded', rebootRequired: false });
    expect(calls[1].command).toBe(`${SUDO}zypper --non-interactive install --auto-agree-with-licenses -- teknisi-hello`);
  });

  it('takes exit 102 as done with a reboot needed', async () => {
    const { host, calls } = fakeHost([
      [/^env LC_ALL=C rpm -q/, [fx('rpm-q-missing', 1), fx('rpm-q-installed')]],
      [/zypper --non-interactive install/, fx('zypper-install-success', 102)],
    ], { sudo: true });
    expect(await runSoftwareTask(host, 'zypper', task('install'))).toMatchObject({ status: 'succeeded', exitCode: 102, rebootRequired: true });
    expect(calls).toHaveLength(3);
  });

  it.each([
    ['zypper-install-not-found', 104, false, "zypper: No provider of 'teknisi-nope' found"],
    ['zypper-locked', 7, true, 'zypper: package management locked by another process (zypper, pid 3127)'],
  ])('%s (exit %s) → transient %s', async (fixture, code, transient, reason) => {
    const { host } = fakeHost([[/^env LC_ALL=C rpm -q/, fx('rpm-q-missing', 1)], [/zypper/, fx(fixture, code)]], { sudo: true });
    expect(await runSoftwareTask(host, 'zypper', task('install'))).toMatchObject({ status: 'failed', transient, reason, exitCode: code });
  });

  it('reads the list-updates table for a named upgrade', async () => {
    const { host, calls } = fakeHost([
      [/^env LC_ALL=C rpm -q/, [fx('rpm-q-installed'), fx('rpm-q-upgraded')]],
      [/list-updates$/, fx('zypper-list-updates')],
      [/zypper --non-interactive update --auto-agree-with-licenses -- teknisi-hello$/, { code: 0 }],
      [/needs-rebooting/, { code: 0 }],
    ], { sudo: true });
    expect(await runSoftwareTask(host, 'zypper', task('upgrade'))).toMatchObject({ status: 'succeeded', changed: ['teknisi-hello'] });
    expect(calls.map((c) => c.command)).toContain('sudo -n -- env LC_ALL=C zypper --non-interactive update --auto-agree-with-licenses -- teknisi-hello');
  });
});

describe('rpm versions', () => {
  it.each([
    ['1.0', '1.0', 0], ['1.0', '2.0', -1], ['2.0.1', '2.0', 1], ['1.0a', '1.0', 1], ['1.10', '1.9', 1], ['1.010', '1.10', 0],
    ['1.0~rc1', '1.0', -1], ['1.0~rc1', '1.0~rc2', -1], ['1.0^git1', '1.0', 1], ['1.0^git1', '1.0.1', -1], ['a', '1', -1], ['el9_5', 'el9_3', 1],
  ] as const)('rpmvercmp(%j, %j) is %d', (a, b, sign) => {
    expect(Math.sign(rpmvercmp(a, b))).toBe(sign);
    expect(Math.sign(rpmvercmp(b, a))).toBe(-sign || 0);
  });

  it.each([
    ['5.14.0-362.8.1.el9_3', '5.14.0-503.11.1.el9_5', -1], ['1:1.0-1', '2.0-1', 1], ['2.0-10', '2.0-9', 1], ['7.88.1-10+deb12u8', '7.88.1-10+deb12u10', -1],
  ] as const)('rpmEvrCompare(%j, %j) is %d', (a, b, sign) => {
    expect(Math.sign(rpmEvrCompare(a, b))).toBe(sign);
  });

  it('takes the newest of a package installed side by side (kernel)', () => {
    const stdout = 'kernel\t5.14.0-362.8.1.el9_3\nkernel\t5.14.0-503.11.1.el9_5\nkernel\t5.14.0-427.13.1.el9_4\nbash\t5.1.8-9.el9\n';
    expect(parseRpmQuery({ code: 0, stdout, stderr: '', signal: null, timedOut: false, truncated: false } as never)).toEqual(new Map([['kernel', '5.14.0-503.11.1.el9_5'], ['bash', '5.1.8-9.el9']]));
  });

  it('upgrades a kernel: the newest installed kernel moves, the old ones stay beside it', async () => {
    const { host } = fakeHost([
      [/^env LC_ALL=C rpm -q/, [
        { code: 0, stdout: 'kernel\t5.14.0-362.8.1.el9_3\nkernel\t5.14.0-427.13.1.el9_4\n' },
        { code: 0, stdout: 'kernel\t5.14.0-362.8.1.el9_3\nkernel\t5.14.0-427.13.1.el9_4\nkernel\t5.14.0-503.11.1.el9_5\n' },
      ]],
      [/dnf -q check-update kernel$/, { code: 100, stdout: '\nkernel.x86_64                 5.14.0-503.11.1.el9_5                 baseos\n' }],
      [/dnf -y upgrade kernel$/, { code: 0, stdout: 'Complete!\n' }],
      [/^env LC_ALL=C needs-restarting/, { code: 1, stdout: 'Core libraries or services have been updated since boot-up:\n  * kernel\n\nReboot is required to fully utilize these updates.\n' }],
    ], { sudo: true });
    // before: "kernel still at 5.14.0-362.8.1.el9_3 after dnf finished", the oldest kernel
    expect(await runSoftwareTask(host, 'dnf', task('upgrade', ['kernel']))).toMatchObject({
      status: 'succeeded', reason: 'upgraded kernel 5.14.0-427.13.1.el9_4 → 5.14.0-503.11.1.el9_5; reboot required', changed: ['kernel'], rebootRequired: true,
    });
  });
});
