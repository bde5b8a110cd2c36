// The compiled server (dist/), for specs that run it as a child process. Spec files run in
// parallel: builds take a lock, so two never write dist/ at once.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
export const ROOT = path.resolve(__dirname, '../..');
export const MAIN = path.join(ROOT, 'dist/src/main.js');

/**
 * Compiles the server (`npm run build:server`) under a lock; the child then runs what `npm start`
 * runs. Not the web UI: its build empties dist/web first, and the browser specs running beside
 * this one would meet missing pages (CI saw a job page that never rendered); `npm test` has built it.
 */
export async function buildServer(): Promise<void> {
  await exec('flock', ['/tmp/teknisi-build.lock', 'npm', 'run', 'build:server', '--silent'], { cwd: ROOT, timeout: 300_000 });
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing after the build`);
}
