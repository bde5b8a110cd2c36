// discovery/: collects one device over SSH into an InventoryReport. The platform comes from the
// first reply (or, for Cisco, from the server's SSH identification); each platform's fixed
// commands and parsers live in ssh/. Every command is capped in time and output; one that fails
// or is cut short leaves its part of the report out rather than reporting it empty. On Linux and
// macOS each command is fenced, so that what a login script prints is not read as its output.
import { scrubSecrets } from '../common/redact';
import { InventoryReport } from '../inventory/inventory-report';
import { afterFence, fenced } from '../protocols/ssh/fence';
import { ChannelRefused, ExecResult, PasswordExpired, saysPasswordExpired, SshClient, SshError } from '../protocols/ssh/ssh.client';
import { IOS_COMMANDS, isIosRejection, parseIos } from './ssh/ios';
import { containerKind, dmiNeedsRoot, LINUX_COMMANDS, parseLinux, rootDmiCommand, withRootDmi } from './ssh/linux';
import { MACOS_COMMANDS, parseMacos } from './ssh/macos';
import { parseWindows, WINDOWS_COMMAND } from './ssh/windows';

export type SshPlatform = 'linux' | 'macos' | 'windows' | 'cisco-ios';

export interface SshCollectOptions {
  /** per command */
  timeoutMs?: number;
  /** per command's output */
  maxBytes?: number;
  /**
   * all the commands' output together: a hostile server answering each of ten commands with
   * just under maxBytes held ~320 MiB per address, and a worker scans hundreds at once
   */
  maxTotalBytes?: number;
  /** commands in flight at once on the one connection (OpenSSH allows 10 sessions by default) */
  parallel?: number;
  /** IOS: an interactive shell (default; works everywhere) or one exec channel per command */
  iosMode?: 'shell' | 'exec';
  /**
   * Linux: reads what only root may (the DMI serial and UUID) through sudo when the account
   * cannot: `sudo -n`, or `sudo -S` with this password on stdin. false: never sudo (root, or
   * no privilege wanted).
   */
  sudo?: false | { password?: string };
}

const DEFAULTS: Required<SshCollectOptions> = { timeoutMs: 60_000, maxBytes: 32 * 1024 * 1024, maxTotalBytes: 64 * 1024 * 1024, parallel: 4, iosMode: 'shell', sudo: false };
const PROBE = 'uname -s';

/** cmd.exe's exit code for a command it cannot find, in every language (no POSIX shell exits above 255) */
const CMD_NOT_FOUND = 9009;

/**
 * What the probe's answer says the machine is, or null when nothing recognisable came back.
 * `reply` is the fenced probe's stdout and stderr: a POSIX shell's uname after the fence
 * (whatever a login script printed before it), else Windows' or IOS's refusal of the command;
 * `code` its exit code.
 */
export function platformFromReply(reply: string, code?: number | null): SshPlatform | null {
  const own = afterFence(reply);
  const first = own?.trim().split('\n')[0]?.trim() ?? '';
  if (/^Linux\b/.test(first)) return 'linux';
  if (/^Darwin\b/.test(first)) return 'macos';
  // cmd.exe, Windows PowerShell, PowerShell 7; or Git for Windows / Cygwin's own uname. The words
  // are Windows' display language's ("Der Befehl … ist entweder falsch geschrieben"): cmd.exe's
  // exit code and Windows PowerShell's error id are the same in all of them.
  if (/is not recognized as (an internal or external command|the name of a cmdlet|a name of a cmdlet)/i.test(reply)) return 'windows';
  if (code === CMD_NOT_FOUND || /\bCommandNotFoundException\b/.test(reply)) return 'windows';
  if (/^(MINGW|MSYS|CYGWIN)/i.test(first)) return 'windows';
  if (isIosRejection(reply)) return 'cisco-ios';
  return null;
}

/** how long the first command may take: a busy host's login (profile scripts, PAM) counts too */
const PROBE_TIMEOUT_MS = 15_000;

export async function detectPlatform(client: SshClient): Promise<SshPlatform> {
  // IOS's own SSH server ("SSH-2.0-Cisco-1.25") may close the connection after one exec: ask nothing
  if (/^Cisco/i.test(client.serverSoftware)) return 'cisco-ios';
  const probe = await client.exec(fenced(PROBE), { timeoutMs: PROBE_TIMEOUT_MS, maxBytes: 64 * 1024 });
  // a slow host is not an unknown one: say so, as a time-out (retried like any other)
  if (probe.timedOut) throw new SshError('timeout', `${client.where}: "${PROBE}" did not answer within ${PROBE_TIMEOUT_MS / 1000} s`);
  const reply = `${probe.stdout}\n${probe.stderr}`;
  if (probe.code !== 0 && saysPasswordExpired(probe.stderr)) throw new PasswordExpired(client.where);
  const platform = platformFromReply(reply, probe.code);
  if (!platform) {
    const said = (afterFence(reply) ?? reply).trim().split('\n')[0]?.slice(0, 80) ?? '';
    throw new SshError('protocol', `${client.where}: unrecognised system: "${PROBE}" answered ${said ? JSON.stringify(said) : 'nothing'}`);
  }
  return platform;
}

/** waits before asking again for a channel the server refused while none of ours was open */
const CHANNEL_RETRIES = [100, 300, 1000];

/** A command's output that is not the whole of it, in words: what it did, or null when it finished. */
function cutShort(r: ExecResult, o: { timeoutMs: number; maxBytes: number }): string | null {
  if (r.timedOut) return `did not finish within ${o.timeoutMs / 1000} s`;
  if (r.truncated) return `printed more than ${o.maxBytes >= 1 << 20 ? `${+(o.maxBytes / (1 << 20)).toFixed(1)} MiB` : `${o.maxBytes} bytes`}`;
  return null;
}

/**
 * Runs named commands, a few at a time; a timed-out or truncated one comes back undefined
 * and is named in `problems` (its part is left out of the report, not reported empty).
 * `fence` (POSIX shells): each command prints a fence first, and only what follows it counts.
 * A server that allows fewer channels at once than that (MaxSessions) refuses the extra ones:
 * each refused command waits for a channel that is open, and its worker stops; one refused
 * with nothing else open is asked again a little later (the server may not have let go of
 * the channel before it yet), three times, before the collection fails.
 */
export async function runCommands<K extends string>(
  client: SshClient, commands: Record<K, string>, o: Required<Pick<SshCollectOptions, 'timeoutMs' | 'maxBytes' | 'parallel'>> & Pick<SshCollectOptions, 'maxTotalBytes'>,
  problems: string[] = [], fence = false,
): Promise<Partial<Record<K, string>>> {
  const out: Partial<Record<K, string>> = {};
  const queue = Object.entries(commands) as Array<[K, string]>;
  let inFlight = 0;
  /** output kept so far, against o.maxTotalBytes: each command may take its share of what is left */
  let used = 0;
  const budget = o.maxTotalBytes ?? Number.POSITIVE_INFINITY;
  /** this command's cap: its share of what is left, or null when that is too little to be worth asking */
  const allowance = (): number | null => {
    const share = Math.floor((budget - used) / Math.max(1, o.parallel));
    return share < Math.min(o.maxBytes, 64 * 1024) ? null : Math.min(o.maxBytes, share);
  };
  /** the command's result, or null when the server refused its channel while others of ours are open */
  const execOrYield = async (command: string, maxBytes: number): Promise<ExecResult | null> => {
    for (let refusals = 0; ; refusals++) {
      inFlight++;
      try {
        return await client.exec(fence ? fenced(command) : command, { timeoutMs: o.timeoutMs, maxBytes });
      } catch (err) {
        if (!(err instanceof ChannelRefused)) throw err;
        if (inFlight > 1) return null;
        if (refusals >= CHANNEL_RETRIES.length) throw err;
      } finally {
        inFlight--;
      }
      await new Promise((res) => setTimeout(res, CHANNEL_RETRIES[refusals]));
    }
  };
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [name, command] = next;
      const maxBytes = allowance();
      if (maxBytes === null) {
        problems.push(`${name} not read: the device's answers passed ${budget / (1 << 20)} MiB in all`);
        continue;
      }
      const r = await execOrYield(command, maxBytes);
      if (!r) {
        queue.unshift(next); // this worker stops: the server allows fewer channels at once
        return;
      }
      used += Buffer.byteLength(r.stdout) + Buffer.byteLength(r.stderr);
      const short = cutShort(r, { timeoutMs: o.timeoutMs, maxBytes });
      const own = fence ? afterFence(r.stdout) : r.stdout;
      if (short) problems.push(`${name} not read: the command ${short}`);
      else if (own === null) problems.push(`${name} not read: the shell did not run the command (no output of its own)`);
      else out[name] = own;
    }
  };
  // a command handed back as the other workers were finishing is left over: the rest go one by one
  for (let width = Math.max(1, o.parallel); queue.length; width = 1) await Promise.all(Array.from({ length: width }, worker));
  return out;
}

/**
 * How discovery may sudo with an SSH credential: not as root; with its sudo password when it
 * has one (the technician said the account sudoes), else only `sudo -n` (its login password
 * is never tried: on a host where the account may not sudo, that is a failed attempt mailed
 * to the administrators, at every scan).
 */
export function sshSudo(cred: { username: string; sudoPassword?: string }): SshCollectOptions['sudo'] {
  return cred.username === 'root' ? false : { password: cred.sudoPassword };
}

/**
 * The DMI output with the serial and UUID read through sudo, or as it was when sudo would not.
 * Refused without a password (an account with no sudo rights: the usual case) says nothing;
 * refused with the credential's sudo password is a problem the technician can mend.
 */
async function rootDmi(client: SshClient, dmi: string, sudo: { password?: string }, o: Required<SshCollectOptions>, problems: string[]): Promise<string> {
  const withPassword = sudo.password !== undefined;
  const r = await client
    .exec(fenced(rootDmiCommand(withPassword)), { timeoutMs: o.timeoutMs, maxBytes: 64 * 1024, ...(withPassword ? { stdin: `${sudo.password}\n` } : {}) })
    .catch((err: Error) => ({ code: null, stdout: '', stderr: err.message, timedOut: false, truncated: false }));
  const own = afterFence(r.stdout);
  if (r.code === 0 && own !== null) return withRootDmi(dmi, own);
  if (withPassword) {
    const said = scrubSecrets(r.stderr, [sudo.password]).trim().split('\n').pop()?.slice(0, 200);
    problems.push(`DMI serial and UUID not read: sudo with the credential's sudo password failed: ${said || `exit ${r.code ?? 'unknown'}`}`);
  }
  return dmi;
}

async function collectIos(client: SshClient, address: string, o: Required<SshCollectOptions>, problems: string[]): Promise<InventoryReport> {
  const [, version, inventory, interfaces] = IOS_COMMANDS;
  if (o.iosMode === 'exec') {
    // exec channels are not paged; each command runs on its own
    const out = await runCommands(client, { version, inventory, interfaces }, { ...o, parallel: 1 }, problems);
    const usable = (s?: string) => (s === undefined || isIosRejection(s) ? undefined : s);
    return parseIos({ version: usable(out.version), inventory: usable(out.inventory), interfaces: usable(out.interfaces) }, address);
  }
  const [, v, inv, ifs] = await client.shellEach([...IOS_COMMANDS], { timeoutMs: o.timeoutMs, maxBytes: o.maxBytes });
  const usable = (s: string) => (isIosRejection(s) ? undefined : s);
  return parseIos({ version: usable(v), inventory: usable(inv), interfaces: usable(ifs) }, address);
}

/**
 * One machine's inventory over SSH. Commands that did not finish or printed too much leave
 * their parts out of the report and are said, one line each, in `problems` (when given).
 */
export async function collectSsh(client: SshClient, address: string, opts: SshCollectOptions = {}, problems: string[] = []): Promise<InventoryReport> {
  const o: Required<SshCollectOptions> = { ...DEFAULTS, ...opts };
  const platform = await detectPlatform(client);
  switch (platform) {
    case 'linux': {
      const out = await runCommands(client, LINUX_COMMANDS, o, problems, true);
      // a container's DMI is its host's: no sudo for the host's serial
      if (o.sudo && !containerKind(out.container) && dmiNeedsRoot(out.dmi)) out.dmi = await rootDmi(client, out.dmi!, o.sudo, o, problems);
      return parseLinux(out, address);
    }
    case 'macos':
      return parseMacos(await runCommands(client, MACOS_COMMANDS, o, problems, true), address);
    case 'windows': {
      // one script for everything: cut short, there is nothing to report
      const r = await client.exec(WINDOWS_COMMAND, { timeoutMs: o.timeoutMs, maxBytes: o.maxBytes });
      const short = cutShort(r, o);
      if (short) throw new SshError(r.timedOut ? 'timeout' : 'protocol', `${client.where}: the Windows inventory script ${short}`);
      return parseWindows(r.stdout, address);
    }
    case 'cisco-ios':
      return collectIos(client, address, o, problems);
  }
}
