import { fakeHost, fx, Reply } from './fixtures/fake-host';
import { WINGET, winget as WINGET_DRIVER } from './windows';
import { runSoftwareTask } from './run';

const task = (action: 'install' | 'uninstall' | 'upgrade', packages = ['Git.Git']) => ({ action, packages, timeoutMs: 600_000 });
const NO_REBOOT = [/reboot-required/, { code: 0, stdout: 'no-reboot\n' }] as [RegExp, { code: number; stdout: string }];

describe('winget driver', () => {
  it('sends every command as PowerShell -EncodedCommand, never through sudo, ids quoted', async () => {
    const { host, calls } = fakeHost([
      [/winget list --id \$id --exact/, [fx('winget-list-missing'), fx('winget-list-installed')]],
      [/winget install --id \$id --exact --silent --accept-package-agreements --accept-source-agreements --disable-interactivity/, fx('winget-install-success')],
      NO_REBOOT,
    ], { sudo: true, sudoPassword: 'winpass' });
    const out = await runSoftwareTask(host, 'winget', task('install'));
    expect(out).toMatchObject({ status: 'succeeded', reason: 'installed Git.Git 2.43.0', rebootRequired: false, changed: ['Git.Git'] });
    for (const c of calls) {
      expect(c.command).toMatch(/^powershell -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand [A-Za-z0-9+/=]+$/);
      expect(c.stdin).toBeUndefined();
    }
    expect(calls[1].text).toContain("foreach ($id in @('Git.Git')) {");
    expect(calls[1].text).toContain('exit $rc');
    expect(out.log).toContain('$ powershell -EncodedCommand <<< ');
  });

  it('skips what winget list shows installed', async () => {
    const { host } = fakeHost([[/winget list/, fx('winget-list-installed')]]);
    expect(await runSoftwareTask(host, 'winget', task('install'))).toMatchObject({ status: 'skipped', reason: 'Git.Git 2.43.0 already installed' });
  });

  it.each([
    ['no package (0x8A150014, as the unsigned status SSH carries)', fx('winget-install-not-found', 2316632084), false, 'winget: no package found matching the id (0x8A150014)'],
    ['no package (0x8A150014, signed)', fx('winget-install-not-found', -1978335212), false, 'winget: no package found matching the id (0x8A150014)'],
    ['installer exit code 1603', fx('winget-install-1603', -1978335226), false, 'winget: installer failed with exit code 1603'],
    ['another installation in progress', { code: WINGET.INSTALL_IN_PROGRESS, stdout: 'Another installation is already in progress. Try again later.\n' }, true, 'winget: another installation is in progress (0x8A150102)'],
    ['download failed', { code: WINGET.DOWNLOAD_FAILED }, true, 'winget: downloading the installer failed (0x8A150008)'],
  ])('%s → transient %s', async (_what, reply, transient, reason) => {
    const { host } = fakeHost([[/winget list/, fx('winget-list-missing')], [/winget install/, reply]]);
    expect(await runSoftwareTask(host, 'winget', task('install'))).toMatchObject({ status: 'failed', transient, reason });
  });

  it('takes "restart to finish" (0x8A150109) as done, reboot required', async () => {
    const { host } = fakeHost([
      [/winget list/, [fx('winget-list-missing'), fx('winget-list-installed')]],
      [/winget install/, { code: WINGET.INSTALL_REBOOT_REQUIRED_TO_FINISH }],
    ]);
    expect(await runSoftwareTask(host, 'winget', task('install'))).toMatchObject({ status: 'succeeded', rebootRequired: true });
  });

  it('upgrades a named package when winget list shows an Available version', async () => {
    const { host } = fakeHost([
      [/winget list/, [fx('winget-list-upgradable'), fx('winget-list-upgradable'), fx('winget-list-upgraded')]],
      [/winget upgrade --id \$id --exact --silent/, { code: 0, stdout: 'Successfully installed\n' }],
      [/reboot-required/, { code: 0, stdout: 'reboot-required\n' }],
    ]);
    expect(await runSoftwareTask(host, 'winget', task('upgrade'))).toMatchObject({ status: 'succeeded', reason: 'upgraded Git.Git 2.43.0 → 2.44.0; reboot required', rebootRequired: true });
  });

  it('patches what winget upgrade lists, leaving out packages that need explicit targeting', async () => {
    const { host, calls } = fakeHost([
      [/winget upgrade --accept-source-agreements --disable-interactivity\nexit \$LASTEXITCODE$/, [fx('winget-upgrade-table'), fx('winget-upgrade-none', WINGET.NO_APPLICATIONS_FOUND)]],
      [/winget upgrade --all --silent/, { code: 0 }],
      NO_REBOOT,
    ]);
    expect(await runSoftwareTask(host, 'winget', task('upgrade', []))).toMatchObject({ status: 'succeeded', changed: ['Mozilla.Firefox.de', 'Git.Git'] });
    expect(calls[1].text).toContain('winget upgrade --all --silent --accept-package-agreements --accept-source-agreements --disable-interactivity');
  });

  const PATCH_LIST = /winget upgrade --accept-source-agreements --disable-interactivity\nexit \$LASTEXITCODE$/;
  const patchAll = (before: Reply, after: Reply) => fakeHost([[PATCH_LIST, [before, after]], [/winget upgrade --all --silent/, { code: 0 }], NO_REBOOT]);

  it.each([
    // German Windows: the footer words were read as package ids, and Discord, which needs explicit
    // targeting and which upgrade --all leaves alone, as pending ever after ("updates still pending")
    ['German', 'winget-upgrade-table-de', 'winget-upgrade-explicit-only-de', ['Microsoft.VCRedist.2015+.x64', 'Mozilla.Firefox.de']],
    ['English, only the explicit-targeting table left after', 'winget-upgrade-table', 'winget-upgrade-explicit-only', ['Mozilla.Firefox.de', 'Git.Git']],
    // winget-cli#2397, #3726: "< ad 7.0.13" was split into words and "7.0.13" taken for an id
    ['approximate installed versions', 'winget-upgrade-approximate', 'winget-upgrade-none', ['AnyDeskSoftwareGmbH.AnyDesk', 'SiberSystems.RoboForm', 'Git.Git']],
    // names in wide characters take two columns each, as winget lays them out
    ['Chinese', 'winget-upgrade-table-zh', 'winget-upgrade-none', ['Tencent.WeChat', 'Tencent.TencentMeeting', 'Git.Git']],
  ])('patch-all reads the first table of winget upgrade by its layout (%s)', async (_what, before, after, changed) => {
    const { host } = patchAll(fx(before), fx(after, WINGET.NO_APPLICATIONS_FOUND));
    expect(await runSoftwareTask(host, 'winget', task('upgrade', []))).toMatchObject({ status: 'succeeded', reason: `upgraded ${changed.length} packages`, changed });
  });

  it('patch-all with only packages that need explicit targeting pending is skipped, in German too', async () => {
    for (const f of ['winget-upgrade-explicit-only', 'winget-upgrade-explicit-only-de']) {
      const { host, calls } = patchAll(fx(f), fx(f));
      expect(await runSoftwareTask(host, 'winget', task('upgrade', []))).toMatchObject({ status: 'skipped', reason: 'no pending updates' });
      expect(calls).toHaveLength(1);
    }
  });

  it('keeps an approximate version ("< 10.0.22000.832") whole: nothing newer on offer is no upgrade, and an install is skipped', async () => {
    const { host } = fakeHost([[/winget list/, fx('winget-list-approximate')]]);
    expect(await runSoftwareTask(host, 'winget', task('upgrade', ['Microsoft.WindowsSDK']))).toMatchObject({ status: 'skipped', reason: 'Microsoft.WindowsSDK < 10.0.22000.832: no newer version available' });
    expect(await runSoftwareTask(host, 'winget', task('install', ['Microsoft.WindowsSDK']))).toMatchObject({ status: 'skipped', reason: 'Microsoft.WindowsSDK < 10.0.22000.832 already installed' });
  });

  it('upgrades from an approximate version to the one on offer (winget-cli#2397)', async () => {
    const { host } = fakeHost([
      [/winget list/, [fx('winget-list-approximate-upgradable'), fx('winget-list-approximate-upgradable'), fx('winget-list-approximate-upgraded')]],
      [/winget upgrade --id \$id --exact --silent/, { code: 0 }],
      NO_REBOOT,
    ]);
    expect(await runSoftwareTask(host, 'winget', task('upgrade', ['AnyDeskSoftwareGmbH.AnyDesk']))).toMatchObject({ status: 'succeeded', reason: 'upgraded AnyDeskSoftwareGmbH.AnyDesk < ad 7.0.13 → ad 7.0.13' });
  });

  it("takes a company source's name in the Source column for no version on offer", async () => {
    const { host } = fakeHost([[/winget list/, fx('winget-list-own-source')]]);
    expect(await runSoftwareTask(host, 'winget', task('upgrade', ['Contoso.Agent']))).toMatchObject({ status: 'skipped', reason: 'Contoso.Agent 4.2.0: no newer version available' });
  });

  it('reads PowerShell output with CRLF line ends, as Windows OpenSSH carries it', async () => {
    const crlf = (r: Reply) => ({ ...r, stdout: r.stdout!.replace(/\n/g, '\r\n') });
    const { host } = fakeHost([
      [/winget list/, [crlf(fx('winget-list-upgradable')), crlf(fx('winget-list-upgradable')), crlf(fx('winget-list-upgraded'))]],
      [/winget upgrade --id \$id --exact --silent/, { code: 0, stdout: 'Successfully installed\r\n' }],
      NO_REBOOT,
    ]);
    expect(await runSoftwareTask(host, 'winget', task('upgrade'))).toMatchObject({ status: 'succeeded', reason: 'upgraded Git.Git 2.43.0 → 2.44.0' });
    const patch = patchAll(crlf(fx('winget-upgrade-table')), crlf(fx('winget-upgrade-none', WINGET.NO_APPLICATIONS_FOUND)));
    expect(await runSoftwareTask(patch.host, 'winget', task('upgrade', []))).toMatchObject({ status: 'succeeded', changed: ['Mozilla.Firefox.de', 'Git.Git'] });
  });

  // only 0x8A150014 means "not installed": a winget that could not open its source answered nothing
  it.each(['uninstall', 'upgrade', 'install'] as const)('%s: a winget list that fails with 0x8A15000F fails the task, naming the code (it was skipped "not installed")', async (action) => {
    const { host, calls } = fakeHost([[/winget list/, fx('winget-list-source-data-missing', -1978335217)]]);
    const out = await runSoftwareTask(host, 'winget', task(action));
    expect(out).toMatchObject({ status: 'failed', transient: false, exitCode: -1978335217, reason: expect.stringMatching(/^winget: data required by the source is missing \(0x8A15000F\)/) });
    expect(calls).toHaveLength(1);
    // the script stops at the first id winget did not answer for, with winget's code
    expect(calls[0].text).toContain('if ($c -ne 0 -and $c -ne -1978335212) { exit $c }');
  });

  it('ends every winget script with an exit of its own: powershell -Command turns a last native exit code other than 0 into 1', () => {
    const scripts = [WINGET_DRIVER.query(['Git.Git']), WINGET_DRIVER.pending(['Git.Git']), WINGET_DRIVER.pending(null), WINGET_DRIVER.change('install', ['Git.Git']), WINGET_DRIVER.change('upgrade', [])];
    for (const s of scripts) expect(s.line).toMatch(/\nexit (\$\w+|0)$/);
  });

  it('lists ids in the script as PowerShell string literals', async () => {
    const { host, calls } = fakeHost([[/winget list/, { code: 0, stdout: '' }], [/winget uninstall/, { code: 0 }]]);
    await runSoftwareTask(host, 'winget', task('uninstall', ['Git.Git']));
    expect(calls[0].text).toMatch(/@\('Git\.Git'\)/);
  });
});

describe('choco driver', () => {
  it('installs with -y --no-progress and reads 3010 as done with a reboot', async () => {
    const { host, calls } = fakeHost([
      [/\.nuspec/, [{ code: 0 }, fx('choco-query-installed')]],
      [/choco install 'git' -y --no-progress/, fx('choco-install-success', 3010)],
    ]);
    expect(await runSoftwareTask(host, 'choco', task('install', ['git']))).toMatchObject({ status: 'succeeded', reason: 'installed git 2.43.0; reboot required', exitCode: 3010, rebootRequired: true });
    expect(calls[0].text).toContain("foreach ($id in @('git')) {");
  });

  it.each([
    ['choco-install-not-found', false, 'choco: teknisi-nope not found in the configured sources'],
    ['choco-install-lock', true, 'choco: another Chocolatey process holds the lock'],
  ])('%s → transient %s', async (fixture, transient, reason) => {
    const { host } = fakeHost([[/\.nuspec/, { code: 0 }], [/choco install/, fx(fixture, 1)]]);
    expect(await runSoftwareTask(host, 'choco', task('install', ['teknisi-nope']))).toMatchObject({ status: 'failed', transient, reason });
  });

  it('reads choco outdated and the installed versions with CRLF line ends (they were empty lines)', async () => {
    const crlf = (r: Reply) => ({ ...r, stdout: r.stdout!.replace(/\n/g, '\r\n') });
    const { host } = fakeHost([
      [/\.nuspec/, [crlf(fx('choco-query-installed')), { code: 0, stdout: 'git|2.44.0\r\n' }]],
      [/choco outdated --limit-output --ignore-unfound/, crlf(fx('choco-outdated'))],
      [/choco upgrade 'git' -y --no-progress/, { code: 0 }],
      NO_REBOOT,
    ]);
    expect(await runSoftwareTask(host, 'choco', task('upgrade', ['git']))).toMatchObject({ status: 'succeeded', reason: 'upgraded git 2.43.0 → 2.44.0' });
  });

  it('reads choco outdated, leaving pinned packages alone', async () => {
    const { host, calls } = fakeHost([
      [/choco outdated --limit-output --ignore-unfound/, [fx('choco-outdated'), { code: 0, stdout: 'vlc|3.0.18|3.0.20|true\n' }]],
      [/choco upgrade all -y --no-progress/, { code: 0 }],
      NO_REBOOT,
    ]);
    expect(await runSoftwareTask(host, 'choco', task('upgrade', []))).toMatchObject({ status: 'succeeded', changed: ['git'] });
    expect(calls).toHaveLength(4);
  });
});
