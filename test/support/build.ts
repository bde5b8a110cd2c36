// The compiled server (dist/), for specs that run it as a child process. Spec files run in
// parallel: builds take a lock, so two never write dist/ at once.
import { execFile } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
export const ROOT = path.resolve(__dirname, '../..');
export const MAIN = path.join(ROOT, 'dist/src/main.js');

/** What the server build reads (tsconfig.build.json's include, and its settings), as paths, sizes and times. */
function sourcesFingerprint(): string {
  const hash = crypto.createHash('sha256');
  const walk = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|json)$/.test(e.name)) {
        const st = fs.statSync(p);
        hash.update(`${p}\0${st.size}\0${st.mtimeMs}\n`);
      }
    }
  };
  for (const dir of ['src', 'migrations', 'scripts', 'bench', 'test/lab']) walk(path.join(ROOT, dir));
  for (const f of ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json']) {
    const st = fs.statSync(path.join(ROOT, f));
    hash.update(`${f}\0${st.size}\0${st.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

/**
 * Compiles the server (`npm run build:server`) under a lock; the child then runs what `npm start`
 * runs. Not the web UI: its build empties dist/web first, and the browser specs running beside
 * this one would meet missing pages (CI saw a job page that never rendered); `npm test` has built it.
 * A build of the same sources as the last one is skipped: two specs build, and on a loaded
 * 2-CPU machine each compile took up to a minute of both CPUs.
 */
export async function buildServer(): Promise<void> {
  const stamp = path.join(ROOT, 'dist/.server-build');
  const sources = sourcesFingerprint();
  const script = `test -f dist/src/main.js && test "$(cat ${stamp} 2>/dev/null)" = ${sources} || { npm run build:server --silent && echo ${sources} > ${stamp}; }`;
  await exec('flock', ['/tmp/teknisi-build.lock', 'sh', '-c', script], { cwd: ROOT, timeout: 300_000 });
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing after the build`);
}
