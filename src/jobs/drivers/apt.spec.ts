import { fakeHost, fx, Reply } from './fixtures/fake-host';
import { runSoftwareTask } from './run';

const PASSWORD = 'pa$$ w0rd\'"`;x';
const INSTALL = "sudo -S -p '' -- sh -c 'exec \"$@\" </dev/null' sh env LC_ALL=C DEBIAN_FRONTEND=noninteractive apt-get -y -o DPkg::Lock::Timeout=120 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold install -- teknisi-hello";
const UPDATE = "sudo -S -p '' -- sh -c 'exec \"$@\" </dev/null' sh env LC_ALL=C DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 update";
const QUERY = "env LC_ALL=C dpkg-query -W -f='${Package}\\t${db:Status-Abbrev}\\t${Version}\\n' -- teknisi-hello";
const task = (action: 'install' | 'uninstall' | 'upgrade', packages = ['teknisi-hello']) => ({ action, packages, timeoutMs: 600_000 });

describe('apt driver', () => {
  it('skips an install when dpkg says the package is there, without sudo or apt-get', async () => {
    const { host, calls } = fakeHost([[/^env LC_ALL=C dpkg-query/, fx('apt-dpkg-query-installed')]], { sudo: true, sudoPassword: PASSWORD });
    const out = await runSoftwareTask(host, 'apt', task('install'));
    expect(out).toMatchObject({ status: 'skipped', reason: 'teknisi-hello 1.0 already installed' });
    expect(calls.map((c) => c.command)).toEqual([QUERY]);
    expect(out.log).toContain(`$ ${QUERY}\nteknisi-hello\tii \t1.0\n[exit 0]`);
  });

  it('installs through sudo -S with the password on stdin only, verifies with dpkg and reads reboot-required', async () => {
    const { host, calls } = fakeHost(
      [
        [/^env LC_ALL=C dpkg-query/, [{ ...fx('apt-dpkg-query-missing', 1) }, fx('apt-dpkg-query-installed')]],
        [/apt-get -o DPkg::Lock::Timeout=120 update$/, fx('apt-get-update')],
        [/ install -- teknisi-hello$/, fx('apt-get-install-success')],
        [/^env LC_ALL=C test -e \/var\/run\/reboot-required$/, { code: 0 }],
      ],
      { sudo: true, sudoPassword: PASSWORD },
    );
    const out = await runSoftwareTask(host, 'apt', task('install'));
    expect(out).toEqual({ status: 'succeeded', reason: 'installed teknisi-hello 1.0; reboot required', exitCode: 0, log: expect.any(String), rebootRequired: true, changed: ['teknisi-hello'] });
    expect(calls.map((c) => c.command)).toEqual([QUERY, UPDATE, INSTALL, QUERY, 'env LC_ALL=C test -e /var/run/reboot-required']);
    expect(calls.map((c) => c.stdin)).toEqual([undefined, `${PASSWORD}\n`, `${PASSWORD}\n`, undefined, undefined]);
    for (const c of calls) expect(c.command).not.toContain(PASSWORD);
    expect(out.log).not.toContain(PASSWORD);
    expect(out.log).toContain(`$ ${INSTALL}\n`);
    expect(out.log).toContain('Setting up teknisi-hello (1.0) ...');
  });

  it('uses sudo -n and sends nothing on stdin when the credential has no password', async () => {
    const { host, calls } = fakeHost([
      [/^env LC_ALL=C dpkg-query/, [{ ...fx('apt-dpkg-query-missing', 1) }, fx('apt-dpkg-query-installed')]],
      [/update$/, fx('apt-get-update')],
      [/install -- teknisi-hello$/, fx('apt-get-install-success')],
      [/^env LC_ALL=C test -e/, { code: 1 }],
    ], { sudo: true });
    const out = await runSoftwareTask(host, 'apt', task('install'));
    expect(out).toMatchObject({ status: 'succeeded', rebootRequired: false, reason: 'installed teknisi-hello 1.0' });
    expect(calls[2].command).toBe('sudo -n -- env LC_ALL=C DEBIAN_FRONTEND=noninteractive apt-get -y -o DPkg::Lock::Timeout=120 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold install -- teknisi-hello');
    expect(calls.every((c) => c.stdin === undefined)).toBe(true);
  });

  it('runs without sudo when the credential says so', async () => {
    const { host, calls } = fakeHost([
      [/^env LC_ALL=C dpkg-query/, [{ ...fx('apt-dpkg-query-missing', 1) }, fx('apt-dpkg-query-installed')]],
      [/update$/, fx('apt-get-update')],
      [/install -- teknisi-hello$/, fx('apt-get-install-success')],
      [/^env LC_ALL=C test -e/, { code: 1 }],
    ]);
    await runSoftwareTask(host, 'apt', task('install'));
    expect(calls[2].command).toBe('env LC_ALL=C DEBIAN_FRONTEND=noninteractive apt-get -y -o DPkg::Lock::Timeout=120 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold install -- teknisi-hello');
  });

  it('takes a removed package with config files left (rc) as not installed', async () => {
    const { host } = fakeHost([[/^env LC_ALL=C dpkg-query/, fx('apt-dpkg-query-config-files')]]);
    expect(await runSoftwareTask(host, 'apt', task('uninstall'))).toMatchObject({ status: 'skipped', reason: 'teknisi-hello not installed' });
  });

  const failing = (name: string, code: number, extra: object = {}) => fakeHost([
    [/^env LC_ALL=C dpkg-query/, fx('apt-dpkg-query-missing', 1)],
    [/update$/, fx('apt-get-update')],
    [/install -- /, { ...fx(name, code), ...extra }],
  ], { sudo: true, sudoPassword: PASSWORD }).host;

  it.each([
    ['apt-get-install-not-found', 100, false, 'apt-get: Unable to locate package teknisi-nope'],
    ['apt-get-install-lock', 100, true, 'dpkg lock held by another process (apt-get, pid 1234)'],
    ['apt-get-install-lock-old', 100, true, 'dpkg lock held by another process'],
    ['apt-get-install-dpkg-interrupted', 100, false, "dpkg was interrupted earlier: run 'dpkg --configure -a' on the host first"],
    ['apt-get-install-permission', 100, false, 'apt-get: permission denied on the package database (not root: turn on sudo for this credential)'],
    ['apt-get-install-fetch-failed', 100, true, 'network: temporary failure resolving deb.debian.org'],
    ['apt-get-install-unmet', 100, false, 'apt-get: unmet dependencies: teknisi-app : Depends: libteknisi2 (>= 2.0) but it is not installable'],
  ])('%s → transient %s: %s', async (fixture, code, transient, reason) => {
    const out = await runSoftwareTask(failing(fixture, code), 'apt', task('install', [fixture.endsWith('not-found') ? 'teknisi-nope' : 'teknisi-hello']));
    expect(out).toMatchObject({ status: 'failed', transient, reason, exitCode: code });
    expect(out.log).not.toContain(PASSWORD);
  });

  it('calls an SSH exec time-out transient', async () => {
    const out = await runSoftwareTask(failing('apt-get-install-success', 0, { timedOut: true }), 'apt', task('install'));
    expect(out).toMatchObject({ status: 'failed', transient: true, exitCode: null });
    expect((out as { reason: string }).reason).toMatch(/^apt-get timed out after \d+ s$/);
    expect(out.log).toMatch(/\[timed out after \d+ s\]/);
  });

  it.each([
    ['Sorry, try again.\nsudo: 1 incorrect password attempt\n', 'sudo refused: wrong password'],
    ['sudo: a password is required\n', 'sudo refused: a password is required and the credential has none'],
    ['helpdesk is not in the sudoers file.  This incident will be reported.\n', 'sudo refused: helpdesk may not run this through sudo'],
  ])('stops at the metadata refresh when sudo refuses (%j), definite, the password nowhere', async (stderr, reason) => {
    const { host, calls } = fakeHost([
      [/^env LC_ALL=C dpkg-query/, fx('apt-dpkg-query-missing', 1)],
      [/update$/, { code: 1, stderr: `${stderr}${PASSWORD}\n` }],
    ], { sudo: true, sudoPassword: PASSWORD });
    const out = await runSoftwareTask(host, 'apt', task('install'));
    expect(out).toMatchObject({ status: 'failed', transient: false, reason });
    expect(calls).toHaveLength(2);
    expect(out.log).not.toContain(PASSWORD);
    expect(out.log).toContain('[redacted]');
  });

  it('keeps a short sudo password that the host echoes out of the log too', async () => {
    const short = 'q7';
    const { host } = fakeHost([
      [/^env LC_ALL=C dpkg-query/, fx('apt-dpkg-query-missing', 1)],
      [/update$/, { code: 1, stderr: `Sorry, try again.\n[sudo] q7?\n` }],
    ], { sudo: true, sudoPassword: short });
    const out = await runSoftwareTask(host, 'apt', task('install'));
    expect(out).toMatchObject({ status: 'failed', reason: 'sudo refused: wrong password' });
    expect(out.log).not.toContain(short);
    expect(out.log).toContain('[sudo] [redacted]?');
  });

  it('goes on when apt-get update fails for a reason other than sudo (one broken repository)', async () => {
    const { host } = fakeHost([
      [/^env LC_ALL=C dpkg-query/, [fx('apt-dpkg-query-missing', 1), fx('apt-dpkg-query-installed')]],
      [/update$/, { code: 100, stdout: 'Err:2 https://repo.example.com/apt stable InRelease\n', stderr: 'E: The repository \'https://repo.example.com/apt stable InRelease\' is not signed.\n' }],
      [/install -- teknisi-hello$/, fx('apt-get-install-success')],
      [/^env LC_ALL=C test -e/, { code: 1 }],
    ], { sudo: true });
    const out = await runSoftwareTask(host, 'apt', task('install'));
    expect(out.status).toBe('succeeded');
    expect(out.log).toContain('# metadata refresh failed; going on with the package lists as they are');
  });

  it('fails when apt-get says done but dpkg does not show the package', async () => {
    const { host } = fakeHost([
      [/^env LC_ALL=C dpkg-query/, fx('apt-dpkg-query-missing', 1)],
      [/update$/, fx('apt-get-update')],
      [/install -- /, fx('apt-get-install-success')],
    ], { sudo: true });
    expect(await runSoftwareTask(host, 'apt', task('install'))).toMatchObject({ status: 'failed', transient: false, exitCode: 0, reason: expect.stringMatching(/^teknisi-hello not installed after apt-get finished/) });
  });

  it('removes with apt-get remove, no apt-get update, and verifies the package is gone', async () => {
    const { host, calls } = fakeHost([
      [/^env LC_ALL=C dpkg-query/, [fx('apt-dpkg-query-installed'), fx('apt-dpkg-query-missing', 1)]],
      [/ remove -- teknisi-hello$/, fx('apt-get-remove-success')],
      [/^env LC_ALL=C test -e/, { code: 1 }],
    ], { sudo: true, sudoPassword: PASSWORD });
    const out = await runSoftwareTask(host, 'apt', task('uninstall'));
    expect(out).toMatchObject({ status: 'succeeded', reason: 'removed teknisi-hello 1.0', changed: ['teknisi-hello'] });
    expect(calls.map((c) => c.command).filter((c) => c.includes('update'))).toEqual([]);
  });

  it('skips an upgrade when the candidate is the installed version', async () => {
    const { host, calls } = fakeHost([
      [/^env LC_ALL=C dpkg-query/, fx('apt-dpkg-query-installed')],
      [/update$/, fx('apt-get-update')],
      [/^env LC_ALL=C apt-cache policy -- teknisi-hello$/, fx('apt-cache-policy-current')],
    ], { sudo: true, sudoPassword: PASSWORD });
    expect(await runSoftwareTask(host, 'apt', task('upgrade'))).toMatchObject({ status: 'skipped', reason: 'teknisi-hello 1.0: no newer version available' });
    expect(calls).toHaveLength(3);
  });

  it('skips an upgrade of a package that is not installed', async () => {
    const { host } = fakeHost([[/^env LC_ALL=C dpkg-query/, fx('apt-dpkg-query-missing', 1)]]);
    expect(await runSoftwareTask(host, 'apt', task('upgrade'))).toMatchObject({ status: 'skipped', reason: 'teknisi-hello not installed: nothing to upgrade' });
  });

  it('upgrades a named package with install --only-upgrade and reports the versions', async () => {
    const { host, calls } = fakeHost([
      [/^env LC_ALL=C dpkg-query/, [fx('apt-dpkg-query-installed'), fx('apt-dpkg-query-upgraded')]],
      [/update$/, fx('apt-get-update')],
      [/^env LC_ALL=C apt-cache policy/, fx('apt-cache-policy-upgradable')],
      [/install --only-upgrade -- teknisi-hello$/, fx('apt-get-install-success')],
      [/^env LC_ALL=C test -e/, { code: 1 }],
    ], { sudo: true });
    const out = await runSoftwareTask(host, 'apt', task('upgrade'));
    expect(out).toMatchObject({ status: 'succeeded', reason: 'upgraded teknisi-hello 1.0 → 1.1', changed: ['teknisi-hello'] });
    expect(calls[3].command).toBe('sudo -n -- env LC_ALL=C DEBIAN_FRONTEND=noninteractive apt-get -y -o DPkg::Lock::Timeout=120 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold install --only-upgrade -- teknisi-hello');
  });

  // Debian's pam_env gives SSH commands the LANG of /etc/default/locale, and sudo keeps it: apt
  // answers in the host's language unless the command asks for the C locale. Recorded with apt
  // 2.6.1's own translations.
  /** the host's apt: English for a command that asks for LC_ALL=C, its own language otherwise */
  const inLanguage = (re: RegExp, english: Reply, own: Reply): Array<[RegExp, Reply | Reply[]]> => [
    [new RegExp(`(^|-- |sh )env LC_ALL=C .*${re.source}`), english],
    [re, own],
  ];

  it.each(['de', 'fr'])('upgrades a named package that has a newer version on a host in %s (it was skipped: "no newer version available")', async (lang) => {
    const { host } = fakeHost([
      [/dpkg-query/, [{ code: 0, stdout: 'apt\tii \t2.6.1\n' }, { code: 0, stdout: 'apt\tii \t2.6.2\n' }]],
      [/update$/, fx('apt-get-update')],
      ...inLanguage(/apt-cache policy -- apt$/, fx('apt-cache-policy-upgradable-en'), fx(`apt-cache-policy-upgradable-${lang}`)),
      [/install --only-upgrade -- apt$/, { code: 0 }],
      [/test -e/, { code: 1 }],
    ], { sudo: true, sudoPassword: PASSWORD });
    expect(await runSoftwareTask(host, 'apt', task('upgrade', ['apt']))).toMatchObject({ status: 'succeeded', reason: 'upgraded apt 2.6.1 → 2.6.2', changed: ['apt'] });
  });

  it('calls a held dpkg lock transient on a host in German (it was a definite failure)', async () => {
    const { host } = fakeHost([
      [/dpkg-query/, fx('apt-dpkg-query-missing', 1)],
      [/update$/, fx('apt-get-update')],
      ...inLanguage(/install -- teknisi-hello$/, fx('apt-get-install-lock', 100), fx('apt-get-install-lock-de', 100)),
    ], { sudo: true });
    expect(await runSoftwareTask(host, 'apt', task('install'))).toMatchObject({ status: 'failed', transient: true, reason: 'dpkg lock held by another process (apt-get, pid 1234)' });
  });

  it('patches everything pending (upgrade with no names) and verifies nothing is left', async () => {
    const { host, calls } = fakeHost([
      [/update$/, fx('apt-get-update')],
      [/^env LC_ALL=C apt-get -s --with-new-pkgs upgrade$/, [fx('apt-get-simulate-upgrade'), fx('apt-get-simulate-none')]],
      [/--force-confold --with-new-pkgs upgrade$/, { code: 0, stdout: 'Setting up bash (5.2.15-2+b8) ...\n' }],
      [/^env LC_ALL=C test -e/, { code: 0 }],
    ], { sudo: true });
    const out = await runSoftwareTask(host, 'apt', task('upgrade', []));
    expect(out).toMatchObject({ status: 'succeeded', reason: 'upgraded 3 packages; reboot required', changed: ['bash', 'curl', 'libcurl4'], rebootRequired: true });
    expect(calls.map((c) => c.command)).toEqual([
      'sudo -n -- env LC_ALL=C DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 update',
      'env LC_ALL=C apt-get -s --with-new-pkgs upgrade',
      'sudo -n -- env LC_ALL=C DEBIAN_FRONTEND=noninteractive apt-get -y -o DPkg::Lock::Timeout=120 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold --with-new-pkgs upgrade',
      'env LC_ALL=C apt-get -s --with-new-pkgs upgrade',
      'env LC_ALL=C test -e /var/run/reboot-required',
    ]);
  });

  it('skips patching when nothing is pending', async () => {
    const { host } = fakeHost([[/update$/, fx('apt-get-update')], [/^env LC_ALL=C apt-get -s/, fx('apt-get-simulate-none')]], { sudo: true });
    expect(await runSoftwareTask(host, 'apt', task('upgrade', []))).toMatchObject({ status: 'skipped', reason: 'no pending updates' });
  });

  it('refuses an invalid name before running anything', async () => {
    const { host, calls } = fakeHost([]);
    expect(await runSoftwareTask(host, 'apt', task('install', ['vim; rm -rf /']))).toMatchObject({ status: 'failed', transient: false, reason: expect.stringMatching(/whitespace/) });
    expect(calls).toHaveLength(0);
  });

  it('turns a lost connection into a transient failure that keeps the log so far', async () => {
    const { host } = fakeHost([[/^env LC_ALL=C dpkg-query/, fx('apt-dpkg-query-missing', 1)], [/update$/, fx('apt-get-update')]], { sudo: true });
    const out = await runSoftwareTask(host, 'apt', task('install'));
    expect(out).toMatchObject({ status: 'failed', transient: true, reason: expect.stringMatching(/^connection lost: unexpected command/) });
    expect(out.log).toContain('$ env LC_ALL=C dpkg-query');
  });

  it('does not start when the task is already cancelled', async () => {
    const { host, calls } = fakeHost([]);
    const ac = new AbortController();
    ac.abort();
    expect(await runSoftwareTask(host, 'apt', { ...task('install'), signal: ac.signal })).toMatchObject({ status: 'failed', reason: 'cancelled' });
    expect(calls).toHaveLength(0);
  });
});
