// One real check of the apt precheck: the query command runs against this machine's dpkg
// through a local exec that runs nothing but dpkg-query, fenced as a host gets it (anything
// else throws).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { apt } from './apt';
import { unfenced } from './fixtures/fake-host';
import { runSoftwareTask } from './run';
import { Exec } from './types';

const localQueryOnly: Exec = (command, opts = {}) =>
  new Promise((resolve, reject) => {
    if (!/^(env LC_ALL=C )?dpkg-query /.test(unfenced(command) ?? command)) return reject(new Error(`refusing to run ${command} here`));
    execFile('sh', ['-c', command], { timeout: opts.timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null) : 0;
      resolve({ code, stdout, stderr, truncated: false, timedOut: false });
    });
  });

const hasDpkg = existsSync('/usr/bin/dpkg-query');
(hasDpkg ? describe : describe.skip)('apt precheck against this machine (dpkg-query)', () => {
  it('reads bash as installed and a made-up name as not installed', async () => {
    const r = await localQueryOnly(apt.query(['bash', 'teknisi-not-a-package']).line);
    const installed = apt.parseQuery(r, ['bash', 'teknisi-not-a-package']);
    expect(installed.get('bash')).toMatch(/^\d[\w.+~:-]*$/);
    expect(installed.has('teknisi-not-a-package')).toBe(false);
  });

  it('skips installing bash: already installed, nothing else run', async () => {
    const out = await runSoftwareTask({ exec: localQueryOnly, sudo: false }, 'apt', { action: 'install', packages: ['bash'], timeoutMs: 30_000 });
    expect(out.status).toBe('skipped');
    expect(out).toMatchObject({ reason: expect.stringMatching(/^bash \S+ already installed$/) });
  });
});
