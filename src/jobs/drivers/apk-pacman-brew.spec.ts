import { fakeHost, fx } from './fixtures/fake-host';
import { BREW } from './brew';
import { runSoftwareTask } from './run';

const task = (action: 'install' | 'uninstall' | 'upgrade', packages = ['teknisi-hello']) => ({ action, packages, timeoutMs: 600_000 });

describe('apk driver', () => {
  it('skips what apk list --installed shows', async () => {
    const { host, calls } = fakeHost([[/^env LC_ALL=C apk list --installed -- teknisi-hello$/, fx('apk-list-installed')]], { sudo: true });
    expect(await runSoftwareTask(host, 'apk', task('install'))).toMatchObject({ status: 'skipped', reason: 'teknisi-hello 1.0-r0 already installed' });
    expect(calls).toHaveLength(1);
  });

  it('refreshes the index, adds the package and checks it', async () => {
    const { host, calls } = fakeHost([
      [/^env LC_ALL=C apk list --installed/, [{ code: 0 }, fx('apk-list-installed')]],
      [/apk update$/, { code: 0, stdout: 'fetch https://dl-cdn.alpinelinux.org/alpine/v3.19/main/x86_64/APKINDEX.tar.gz\nv3.19.1-180-g0ad5f0d4d1d [https://dl-cdn.alpinelinux.org/alpine/v3.19/main]\nOK: 23027 distinct packages available\n' }],
      [/apk add -- teknisi-hello$/, fx('apk-add-success')],
    ], { sudo: true });
    expect(await runSoftwareTask(host, 'apk', task('install'))).toMatchObject({ status: 'succeeded', reason: 'installed teknisi-hello 1.0-r0', rebootRequired: false });
    expect(calls.map((c) => c.command)).toEqual(['env LC_ALL=C apk list --installed -- teknisi-hello', 'sudo -n -- env LC_ALL=C apk update', 'sudo -n -- env LC_ALL=C apk add -- teknisi-hello', 'env LC_ALL=C apk list --installed -- teknisi-hello']);
  });

  it.each([
    ['apk-add-not-found', false, 'apk: no such package teknisi-nope'],
    ['apk-lock', true, 'apk database locked by another apk process'],
  ])('%s → transient %s', async (fixture, transient, reason) => {
    const { host } = fakeHost([[/^env LC_ALL=C apk list/, { code: 0 }], [/apk update$/, { code: 0 }], [/apk add/, fx(fixture, 1)]], { sudo: true });
    expect(await runSoftwareTask(host, 'apk', task('install', ['teknisi-nope']))).toMatchObject({ status: 'failed', transient, reason });
  });

  it('reads "upgradable from" for upgrades', async () => {
    const { host, calls } = fakeHost([
      [/^env LC_ALL=C apk list --installed/, [fx('apk-list-installed'), { code: 0, stdout: 'teknisi-hello-1.1-r0 noarch {teknisi-hello} (MIT) [installed]\n' }]],
      [/apk update$/, { code: 0 }],
      [/^env LC_ALL=C apk list --upgradable -- teknisi-hello$/, fx('apk-list-upgradable')],
      [/apk add --upgrade -- teknisi-hello$/, { code: 0, stdout: '(1/1) Upgrading teknisi-hello (1.0-r0 -> 1.1-r0)\nOK: 9 MiB in 16 packages\n' }],
    ], { sudo: true });
    expect(await runSoftwareTask(host, 'apk', task('upgrade'))).toMatchObject({ status: 'succeeded', reason: 'upgraded teknisi-hello 1.0-r0 → 1.1-r0' });
    expect(calls.map((c) => c.command)).toContain('sudo -n -- env LC_ALL=C apk add --upgrade -- teknisi-hello');
  });
});

describe('pacman driver', () => {
  it('installs with --noconfirm --needed and no -Sy (no partial upgrade)', async () => {
    const { host, calls } = fakeHost([
      [/^env LC_ALL=C pacman -Q -- teknisi-hello$/, [fx('pacman-q-missing', 1), fx('pacman-q-installed')]],
      [/pacman -S --noconfirm --needed -- teknisi-hello$/, fx('pacman-S-success')],
    ], { sudo: true, sudoPassword: 'archpass' });
    expect(await runSoftwareTask(host, 'pacman', task('install'))).toMatchObject({ status: 'succeeded', reason: 'installed teknisi-hello 1.0-1', rebootRequired: false });
    expect(calls.map((c) => c.command)).toEqual([
      'env LC_ALL=C pacman -Q -- teknisi-hello',
      "sudo -S -p '' -- sh -c 'exec \"$@\" </dev/null' sh env LC_ALL=C pacman -S --noconfirm --needed -- teknisi-hello",
      'env LC_ALL=C pacman -Q -- teknisi-hello',
    ]);
  });

  it.each<[string, boolean, string, { stderr?: string }?]>([
    ['pacman-S-not-found', false, 'pacman: target not found: teknisi-nope'],
    ['pacman-db-lck', true, 'pacman database locked (/var/lib/pacman/db.lck: another pacman is running, or a stale lock)'],
    ['pacman-S-not-found', true, 'network: could not resolve geo.mirror.pkgbuild.com', { stderr: "error: failed retrieving file 'core.db' from geo.mirror.pkgbuild.com : Could not resolve host: geo.mirror.pkgbuild.com\n" }],
  ])('%s → transient %s: %s', async (fixture, transient, reason, extra = {}) => {
    const { host } = fakeHost([[/^env LC_ALL=C pacman -Q/, fx('pacman-q-missing', 1)], [/pacman -S/, { ...fx(fixture, 1), ...extra }]], { sudo: true });
    expect(await runSoftwareTask(host, 'pacman', task('install', ['teknisi-nope']))).toMatchObject({ status: 'failed', transient, reason });
  });

  it('patches with -Sy, then -Qu, then -Su', async () => {
    const { host, calls } = fakeHost([
      [/pacman -Sy --noconfirm$/, { code: 0, stdout: ':: Synchronizing package databases...\n core downloading...\n extra downloading...\n' }],
      [/^env LC_ALL=C pacman -Qu$/, [fx('pacman-Qu'), { code: 1 }]],
      [/pacman -Su --noconfirm$/, { code: 0 }],
    ], { sudo: true });
    expect(await runSoftwareTask(host, 'pacman', task('upgrade', []))).toMatchObject({ status: 'succeeded', changed: ['linux', 'openssl'] });
    expect(calls.map((c) => c.command)).toEqual(['sudo -n -- env LC_ALL=C pacman -Sy --noconfirm', 'env LC_ALL=C pacman -Qu', 'sudo -n -- env LC_ALL=C pacman -Su --noconfirm', 'env LC_ALL=C pacman -Qu']);
  });
});

describe('brew driver', () => {
  it('never uses sudo (brew refuses root) and sets PATH and HOMEBREW_NO_AUTO_UPDATE', async () => {
    const { host, calls } = fakeHost([
      [/brew list --versions wget$/, [{ code: 1 }, fx('brew-list-versions')]],
      [/brew update --quiet$/, { code: 0 }],
      [/brew install wget$/, fx('brew-install-success')],
    ], { sudo: true, sudoPassword: 'macpass' });
    expect(await runSoftwareTask(host, 'brew', task('install', ['wget']))).toMatchObject({ status: 'succeeded', reason: 'installed wget 1.24.5', rebootRequired: false });
    expect(calls.map((c) => c.command)).toEqual([`env LC_ALL=C ${BREW} list --versions wget`, `env LC_ALL=C ${BREW} update --quiet`, `env LC_ALL=C ${BREW} install wget`, `env LC_ALL=C ${BREW} list --versions wget`]);
    expect(BREW).toMatch(/^PATH="\/opt\/homebrew\/bin:\/usr\/local\/bin:\$PATH" HOMEBREW_NO_AUTO_UPDATE=1 /);
    expect(calls.every((c) => c.stdin === undefined && !c.command.includes('sudo'))).toBe(true);
  });

  it('maps a tap path to the token brew prints', async () => {
    const { host } = fakeHost([[/brew list --versions hashicorp\/tap\/terraform$/, { code: 0, stdout: 'terraform 1.9.5\n' }]]);
    expect(await runSoftwareTask(host, 'brew', task('install', ['hashicorp/tap/terraform']))).toMatchObject({ status: 'skipped', reason: 'hashicorp/tap/terraform 1.9.5 already installed' });
  });

  it.each([
    ['brew-install-not-found', false, 'brew: no formula or cask named teknisi-nope'],
    ['brew-locked', true, 'brew: another Homebrew process holds the lock'],
  ])('%s → transient %s', async (fixture, transient, reason) => {
    const { host } = fakeHost([[/list --versions/, { code: 1 }], [/update --quiet$/, { code: 0 }], [/brew install/, fx(fixture, 1)]]);
    expect(await runSoftwareTask(host, 'brew', task('install', ['teknisi-nope']))).toMatchObject({ status: 'failed', transient, reason });
  });

  it('reads brew outdated --json=v2 for upgrades', async () => {
    const { host } = fakeHost([
      [/list --versions wget$/, [fx('brew-list-versions'), { code: 0, stdout: 'wget 1.25.0\n' }]],
      [/update --quiet$/, { code: 0 }],
      [/outdated --json=v2 wget$/, { code: 1, stdout: fx('brew-outdated.json').stdout }],
      [/brew upgrade wget$/, { code: 0 }],
    ]);
    expect(await runSoftwareTask(host, 'brew', task('upgrade', ['wget']))).toMatchObject({ status: 'succeeded', reason: 'upgraded wget 1.24.5 → 1.25.0' });
  });
});
