// A throwaway redis-server of a spec's own (never the shared one other spec files use), for
// specs that stop, restart or flush Redis.
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** A throwaway redis-server on loopback that keeps nothing on disk. */
export async function startRedis(port: number): Promise<ChildProcess> {
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', '/tmp'], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 100; i++) {
    const ok = await exec('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'ping']).then((r) => r.stdout.trim() === 'PONG', () => false);
    if (ok) return proc;
    await new Promise((r) => setTimeout(r, 50));
  }
  proc.kill('SIGKILL');
  throw new Error(`redis-server on port ${port} did not start`);
}

export async function stopRedis(port: number, proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  await exec('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'shutdown', 'nosave']).catch(() => proc.kill('SIGTERM'));
  await exited;
}


/** FLUSHALL: Redis loses everything, as a restart without persistence would. */
export async function flushRedis(port: number): Promise<void> {
  await exec('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'flushall']);
}
