// The SSH client against servers that misbehave in ways no lab sshd does, played by a scripted
// ssh2 server on 127.x: a CLI that never ends a line, a server that never answers a channel
// request or never closes its side, PAM that asks for the password twice or again and again,
// and failures whose words happen to equal the password.
import * as crypto from 'node:crypto';
import { AuthContext, Connection, ServerChannel, utils } from 'ssh2';
import { LOGIN_PROMPT_LIMITS } from '../src/protocols/ssh/login-prompts';
import { runCommands } from '../src/discovery/ssh.collector';
import { SSH_LIMITS, SshClient, SshConnectOptions, SshError } from '../src/protocols/ssh/ssh.client';
import { ScriptedSshOptions, ScriptedSshServer } from './support/scripted-ssh';

const labAddress = () => `127.77.${crypto.randomInt(1, 250)}.${crypto.randomInt(2, 250)}`;
const acceptAnyKey = { verify: async () => ({ ok: true as const }) };

const servers: ScriptedSshServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

async function scripted(o: Omit<ScriptedSshOptions, 'address'>): Promise<ScriptedSshServer> {
  const s = new ScriptedSshServer({ address: labAddress(), ...o });
  servers.push(s);
  await s.start();
  return s;
}

const loginTo = (s: ScriptedSshServer, extra: Partial<SshConnectOptions> = {}): SshConnectOptions => ({
  host: s.address, port: s.port, username: 'operator', password: 'lab-secret', timeoutMs: 10_000, hostKeys: acceptAnyKey, ...extra,
});

/** The reason and message of the SshError the promise fails with (a message is not enumerable, so toMatchObject on the error hid it). */
async function failure(p: Promise<unknown>): Promise<{ reason: string; message: string }> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(SshError);
  return { reason: (err as SshError).reason, message: (err as SshError).message };
}

/** Sessions of a Cisco-like CLI: a prompt, commands echoed, and each command's answer written by `answers`. */
function cli(prompt: string, answers: Record<string, (ch: ServerChannel) => 'prompt' | 'no prompt'>) {
  return (client: Connection) =>
    client.on('session', (accept) => {
      const session = accept();
      session.on('pty', (ok) => ok());
      session.on('shell', (ok) => {
        const ch = ok();
        let typed = '';
        ch.write(`\r\n${prompt}`);
        ch.on('data', (d: Buffer) => {
          typed += d.toString('latin1');
          let nl: number;
          while ((nl = typed.search(/[\r\n]/)) >= 0) {
            const line = typed.slice(0, nl).trim();
            typed = typed.slice(nl + 1);
            ch.write(`${line}\r\n`);
            if (line === 'exit') return void ch.close();
            if ((answers[line]?.(ch) ?? 'prompt') === 'prompt') ch.write(prompt);
          }
        });
      });
    });
}

/** The longest the event loop went without running a timer set to fire every 50 ms. */
function watchEventLoop(): { stop: () => number } {
  let last = performance.now();
  let longest = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 50);
  return {
    stop: () => {
      clearInterval(tick);
      return Math.max(longest, performance.now() - last);
    },
  };
}

describe('SSH client against hostile servers', () => {
  it('gives up on a CLI that sends megabytes without a line break, and the worker keeps running meanwhile', async () => {
    const flood = 2 * 1024 * 1024;
    const rtr = await scripted({
      ready: cli('rtr-flood#', {
        'show version': (ch) => {
          ch.write('Cisco IOS Software, C2960 Software\r\n');
          return 'prompt';
        },
        // a table rule that never ends, and no prompt after it
        'show inventory': (ch) => {
          ch.write('-'.repeat(flood));
          return 'no prompt';
        },
      }),
    });
    const c = await SshClient.connect(loginTo(rtr));
    try {
      const loop = watchEventLoop();
      const err = await failure(c.shellEach(['show version', 'show inventory'], { timeoutMs: 30_000 }));
      // lease renewals and every other session in the worker stalled while one line was re-read per chunk
      expect(loop.stop()).toBeLessThan(2000);
      expect(err).toEqual({
        reason: 'protocol',
        message: `${rtr.address}:${rtr.port}: a line of shell output exceeded 1048576 bytes without a line break after "show inventory"`,
      });
    } finally {
      c.close();
    }
  });

  it.each([
    ['never opens the channel for a command', (client: Connection) => client.on('session', () => undefined), 'exec'],
    ['opens the channel but never answers the command', (client: Connection) => client.on('session', (accept) => accept().on('exec', () => undefined)), 'exec'],
    ['opens the channel but never answers the request for a terminal', (client: Connection) => client.on('session', (accept) => accept().on('pty', () => undefined)), 'shell'],
  ] as const)('fails in time, and lets go of the connection, with a server that %s and never closes its side', async (_what, ready, mode) => {
    const srv = await scripted({ ready, neverCloses: true });
    const c = await SshClient.connect(loginTo(srv));
    const started = Date.now();
    const err = await failure(mode === 'exec' ? c.exec('uname -a', { timeoutMs: 1000 }) : c.shellEach(['show version'], { timeoutMs: 1000 }));
    const took = Date.now() - started;
    expect(err).toEqual({
      reason: 'timeout',
      message: `${srv.address}:${srv.port}: the server did not ${mode === 'exec' ? 'start the command' : 'open an interactive shell'} within 1000 ms`,
    });
    expect(took).toBeGreaterThanOrEqual(1000);
    expect(took).toBeLessThan(3000);
    expect(await srv.allClosed(SSH_LIMITS.closeGraceMs + 3000)).toBe(true);
  }, 15_000);

  it('answers with the exit status when the channel stays open after it (a background process holding the output), not with a time-out', async () => {
    // OpenSSH keeps a channel open while anything holds the command's output: a script ending in
    // `daemon &` on a real host (the lab's sessions end their namespace, and the daemon with it)
    const srv = await scripted({
      ready: (client) => client.on('session', (accept) => accept().on('exec', (ok) => {
        const ch = ok();
        ch.write('started\n');
        ch.exit(3);
      })),
    });
    const c = await SshClient.connect(loginTo(srv));
    // before: held until the limit, then { timedOut: true, code: null }
    expect(await c.exec('start-daemon', { timeoutMs: 10_000 })).toMatchObject({ code: 3, stdout: 'started\n', timedOut: false, truncated: false });
    c.close();
  }, 20_000);

  it("keeps at most maxTotalBytes of one device's answers, however many commands come back near their own cap", async () => {
    const MiB = 1 << 20;
    const srv = await scripted({
      ready: (client) => client.on('session', (accept) => accept().on('exec', (ok) => {
        const ch = ok();
        ch.write(Buffer.alloc(3 * MiB, 'x'), () => {
          ch.exit(0);
          ch.close();
        });
      })),
    });
    const c = await SshClient.connect(loginTo(srv));
    const problems: string[] = [];
    const commands = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`part${i}`, `part ${i}`]));
    const out = await runCommands(c, commands, { timeoutMs: 20_000, maxBytes: 4 * MiB, maxTotalBytes: 8 * MiB, parallel: 2 }, problems);
    c.close();
    const kept = Object.values(out).reduce((n, v) => n + Buffer.byteLength(v ?? ''), 0);
    // before: all ten, 30 MiB held for one device
    expect(kept).toBeLessThanOrEqual(8 * MiB);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^part\d not read: the device's answers passed 8 MiB in all$/)]));
    expect(Object.keys(out).length + problems.length).toBe(10);
  }, 60_000);

  it('lets go of a server that never closes its side once the client is closed', async () => {
    const srv = await scripted({
      neverCloses: true,
      ready: (client) => client.on('session', (accept) => accept().on('exec', (ok) => {
        const ch = ok();
        ch.write('rtr-hung\n');
        ch.exit(0);
        ch.close();
      })),
    });
    const c = await SshClient.connect(loginTo(srv));
    expect((await c.exec('hostname')).stdout).toBe('rtr-hung\n');
    c.close();
    expect(await srv.allClosed(SSH_LIMITS.closeGraceMs + 3000)).toBe(true);
  });

  /** A PAM stack over keyboard-interactive: asks each request in turn, one request at a time, and lets in whoever answered every password prompt with the password. */
  const pamStack = (requests: Array<{ prompts: string[]; instructions?: string }>, answers: string[][]) => (ctx: AuthContext) => {
    if (ctx.method !== 'keyboard-interactive') return ctx.reject(['keyboard-interactive']);
    const ask = (i: number): void => {
      if (i === requests.length) return answers.flat().every((a) => a === 'lab-secret') ? ctx.accept() : ctx.reject(['keyboard-interactive']);
      const { prompts, instructions } = requests[i];
      ctx.prompt(prompts.map((prompt) => ({ prompt, echo: false })), '', instructions ?? '', (given) => {
        if (!Array.isArray(given)) return; // the client went away
        answers.push(given);
        ask(i + 1);
      });
    };
    ask(0);
  };

  it.each([
    ['the same "Password: " in two requests (pam_unix, then pam_sss without use_first_pass)', [{ prompts: ['Password: '] }, { prompts: ['Password: '] }]],
    ['"Password: " and then "LDAP Password: "', [{ prompts: ['Password: '] }, { prompts: ['LDAP Password: '] }]],
    ['two password prompts in one request', [{ prompts: ['Password: ', 'Password: '] }]],
    ['a banner in an empty request, then one password prompt per request in several', [{ prompts: [], instructions: 'Authorized use only.' }, { prompts: ['Password: '] }, { prompts: ['Password for operator@CORP.EXAMPLE: '] }, { prompts: [] }]],
  ])('logs in through a PAM stack that asks for the password twice: %s', async (_name, requests) => {
    const answers: string[][] = [];
    const srv = await scripted({
      auth: pamStack(requests, answers),
      ready: (client) => client.on('session', (accept) => accept().on('exec', (ok) => {
        const ch = ok();
        ch.write('pam-two-prompts\n');
        ch.exit(0);
        ch.close();
      })),
    });
    const c = await SshClient.connect(loginTo(srv));
    try {
      expect((await c.exec('hostname')).stdout).toBe('pam-two-prompts\n');
      expect(answers).toEqual(requests.map((r) => r.prompts.map(() => 'lab-secret')));
    } finally {
      c.close();
    }
  });

  it('stops giving the password to a PAM conversation that keeps asking for it without saying why, and says it was refused', async () => {
    const answers: string[][] = [];
    const srv = await scripted({
      auth: (ctx) => {
        if (ctx.method !== 'keyboard-interactive') return ctx.reject(['keyboard-interactive']);
        // as a PAM stack that retries in one conversation: "Password:" until it has had ten answers
        const ask = () => ctx.prompt([{ prompt: 'Password: ', echo: false }], (given) => {
          if (!Array.isArray(given)) return; // the client went away
          answers.push(given);
          if (answers.length < 10) ask();
          else ctx.reject(['keyboard-interactive']);
        });
        ask();
      },
    });
    const err = await failure(SshClient.connect(loginTo(srv, { password: 'not-the-password' })));
    expect(await srv.allClosed(SSH_LIMITS.closeGraceMs + 3000)).toBe(true);
    expect(answers).toEqual(Array.from({ length: LOGIN_PROMPT_LIMITS.passwords }, () => ['not-the-password']));
    expect(err).toEqual({
      reason: 'auth',
      message: `${srv.address}:${srv.port} refused the password of user operator: it asked for it more than ${LOGIN_PROMPT_LIMITS.passwords} times in one login, and Teknisi gives it no more often so as not to lock the account`,
    });
  });

  it('gives the password once when PAM says it was wrong and asks again', async () => {
    const answers: string[][] = [];
    const srv = await scripted({
      auth: (ctx) => {
        if (ctx.method !== 'keyboard-interactive') return ctx.reject(['keyboard-interactive']);
        // OpenSSH puts PAM's message in front of the next prompt
        const ask = (prompt: string) => ctx.prompt([{ prompt, echo: false }], (given) => {
          if (!Array.isArray(given)) return;
          answers.push(given);
          if (answers.length < 5) ask('Sorry, try again.\nPassword: ');
          else ctx.reject(['keyboard-interactive']);
        });
        ask('Password: ');
      },
    });
    const err = await failure(SshClient.connect(loginTo(srv, { password: 'not-the-password' })));
    expect(answers).toEqual([['not-the-password']]);
    expect(err).toEqual({
      reason: 'auth',
      message: `${srv.address}:${srv.port} refused the password of user operator: it said the answer was wrong and asked again, and Teknisi does not repeat a refused password so as not to lock the account`,
    });
  });

  it('names the user and the port of a refused login even when the password equals one of them', async () => {
    const srv = await scripted({ auth: (ctx) => ctx.reject(['password']) });
    for (const login of [{ username: 'admin', password: 'admin' }, { username: 'operator', password: String(srv.port) }]) {
      const err = await failure(SshClient.connect(loginTo(srv, login)));
      expect(err).toEqual({ reason: 'auth', message: `${srv.address}:${srv.port} refused the login of user ${login.username} (tried password)` });
    }
  });

  it('still keeps the password out of what ssh2 says, when its words happen to hold it', async () => {
    // a server that offers only a SHA-1 key exchange, reached with the legacy algorithms off
    const srv = await scripted({ algorithms: { kex: ['diffie-hellman-group14-sha1'] } });
    const err = await failure(SshClient.connect(loginTo(srv, { password: 'matching', legacyAlgorithms: false })));
    expect(err).toEqual({
      reason: 'protocol',
      message: `${srv.address}:${srv.port}: the server and Teknisi have no SSH algorithms in common: Handshake failed: no [redacted] key exchange algorithm (old devices need TEKNISI_SSH_LEGACY_ALGORITHMS=on)`,
    });
  });
});

describe('a server with several host keys', () => {
  it('is asked for the pinned key\'s type first: a device pinned by its RSA key that gained an Ed25519 one is still itself', async () => {
    const srv = await scripted({ hostKeys: [utils.generateKeyPairSync('rsa', { bits: 2048 }).private, utils.generateKeyPairSync('ed25519').private] });
    const offered = async (verifier: SshConnectOptions['hostKeys']) => {
      const seen: string[] = [];
      const recording = { ...verifier, verify: async (h: string, p: number, type: string, fp: string) => (seen.push(type), verifier.verify(h, p, type, fp)) };
      const c = await SshClient.connect(loginTo(srv, { hostKeys: recording })).catch((e: Error) => e);
      if (c instanceof SshClient) c.close();
      return { seen, error: c instanceof Error ? c.message : undefined };
    };
    // no pin yet: ssh2's own first choice, Ed25519 (which a pin of the RSA key then refused as changed)
    expect(await offered(acceptAnyKey)).toEqual({ seen: ['ssh-ed25519'], error: undefined });
    const onlyRsa = {
      verify: async (_h: string, _p: number, type: string) => (type === 'ssh-rsa' ? { ok: true as const } : { ok: false as const, message: `host key changed (${type})` }),
      pinnedKeyType: async () => 'ssh-rsa',
    };
    expect(await offered(onlyRsa)).toEqual({ seen: ['ssh-rsa'], error: undefined });
    // a pinned type the client has no algorithm for (or a lookup that fails) leaves ssh2's order, and the pin decides
    expect(await offered({ ...onlyRsa, pinnedKeyType: async () => 'sk-ssh-ed25519@openssh.com' })).toMatchObject({ seen: ['ssh-ed25519'], error: expect.stringMatching(/host key changed/) });
    expect(await offered({ ...onlyRsa, pinnedKeyType: async () => Promise.reject(new Error('database gone')) })).toMatchObject({ seen: ['ssh-ed25519'] });
  });
});
