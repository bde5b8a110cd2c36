// The SSH client against a real lab sshd: logins, host-key checks, output and time caps,
// decoding, interactive shells and classified failures, with no secret in any message.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Client, ConnectConfig } from 'ssh2';
import { HostKeyVerifier, SshClient, SshConnectOptions, SshError } from '../src/protocols/ssh/ssh.client';
import { LINUX_HOSTS } from './lab/identities';
import { LAB_USER_HOME, LabSshHost, LabSshHostOptions } from './lab/sshd';
import { freePort } from './support/net';

const labAddress = () => `127.77.${crypto.randomInt(1, 250)}.${crypto.randomInt(2, 250)}`;

/** Remembers what it was asked and answers as told. */
class RecordingVerifier implements HostKeyVerifier {
  seen: Array<{ host: string; port: number; keyType: string; fingerprint: string }> = [];
  constructor(private readonly answer: { ok: true } | { ok: false; message: string } = { ok: true }) {}
  async verify(host: string, port: number, keyType: string, fingerprint: string) {
    this.seen.push({ host, port, keyType, fingerprint });
    return this.answer;
  }
}

/** What ssh2 itself, with its own defaults and nothing of SshClient, makes of a server: null when it logs in. */
function ssh2Alone(config: ConnectConfig): Promise<Error | null> {
  return new Promise((resolve) => {
    const conn = new Client();
    conn.on('ready', () => (conn.end(), resolve(null))).on('error', (e) => resolve(e));
    conn.connect({ readyTimeout: 10_000, ...config });
  });
}

/** A lab host of its own for one test: started, handed to `use`, stopped. */
async function withHost(o: LabSshHostOptions, use: (h: LabSshHost) => Promise<void>): Promise<void> {
  const h = new LabSshHost(o);
  await h.start();
  try {
    await use(h);
  } finally {
    await h.stop();
  }
}

/** What `hostname` prints in the host, over an SshClient login with these options. */
async function hostnameOver(o: SshConnectOptions): Promise<string> {
  const c = await SshClient.connect(o);
  try {
    return (await c.exec('hostname')).stdout;
  } finally {
    c.close();
  }
}

async function failure(p: Promise<unknown>): Promise<SshError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(SshError);
  return err as SshError;
}

describe('SSH client', () => {
  const host = new LabSshHost({ address: labAddress(), identity: LINUX_HOSTS.app01 });
  let client: SshClient;
  const opts = (extra: Partial<SshConnectOptions> = {}): SshConnectOptions => ({
    host: host.address, port: host.port, username: host.credentials.username, timeoutMs: 10_000, hostKeys: new RecordingVerifier(), ...extra,
  });

  beforeAll(async () => {
    await host.start();
    client = await SshClient.connect(opts({ privateKey: host.credentials.privateKey }));
  });
  afterAll(async () => {
    client?.close();
    await host.stop();
  });

  it('logs in with a password, a key, or an encrypted key and its passphrase, and runs a command in the host', async () => {
    const { password, privateKey, encryptedKey } = host.credentials;
    for (const login of [{ password }, { privateKey }, { privateKey: encryptedKey.privateKey, passphrase: encryptedKey.passphrase }]) {
      const c = await SshClient.connect(opts(login));
      try {
        const r = await c.exec('hostname; cat /etc/machine-id');
        expect(r).toMatchObject({ code: 0, stdout: `lab-app01\n${LINUX_HOSTS.app01.machineId}\n`, truncated: false, timedOut: false });
        expect(c.serverSoftware).toMatch(/^OpenSSH_/);
      } finally {
        c.close();
      }
    }
  });

  it('logs in with a password where sshd takes it only through PAM\'s keyboard-interactive prompts', () =>
    withHost({ address: labAddress(), identity: LINUX_HOSTS.db01, sharedDpkg: true, passwordVia: 'keyboard-interactive' }, async (pam) => {
      const at = { host: pam.address, port: pam.port, username: pam.credentials.username, timeoutMs: 10_000, hostKeys: new RecordingVerifier() };
      // the server refuses the password method itself (ssh2 without keyboard-interactive)
      const plain = await ssh2Alone({ ...at, password: pam.credentials.password, tryKeyboard: false });
      expect(plain?.message).toMatch(/authentication methods failed/);
      expect(await hostnameOver({ ...at, password: pam.credentials.password })).toBe('lab-db01\n');
      expect((await failure(SshClient.connect({ ...at, password: 'not-the-lab-password' }))).reason).toBe('auth');
    }));

  it('logs in where sshd wants the key and then the password (AuthenticationMethods publickey,password), and says which step is missing', () =>
    withHost({ address: labAddress(), identity: LINUX_HOSTS.db01, sharedDpkg: true, keyThenPassword: true }, async (twoStep) => {
      const { username, password, privateKey } = twoStep.credentials;
      const at = { host: twoStep.address, port: twoStep.port, username, timeoutMs: 10_000, hostKeys: new RecordingVerifier() };
      // ssh2 alone, with both: the password is tried first (not yet allowed), the key passes, and nothing is left to try
      const plain = await ssh2Alone({ ...at, password, privateKey });
      expect(plain?.message).toMatch(/authentication methods failed/);
      expect(await hostnameOver({ ...at, password, privateKey })).toBe('lab-db01\n');
      const keyOnly = await failure(SshClient.connect({ ...at, privateKey }));
      expect(keyOnly.reason).toBe('auth');
      expect(keyOnly.message).toBe(`${twoStep.address}:22 accepted the public key of user ${username} and then wants another login step (password), which the credential does not have`);
      const passwordOnly = await failure(SshClient.connect({ ...at, password }));
      expect(passwordOnly.reason).toBe('auth');
      expect(passwordOnly.message).toBe(`${twoStep.address}:22 refused the login of user ${username}: the credential has a password, the server takes public key`);
      const wrongPassword = await failure(SshClient.connect({ ...at, privateKey, password: 'not-the-lab-password' }));
      expect(wrongPassword.message).toBe(`${twoStep.address}:22 accepted the public key of user ${username} and then refused the next login step (tried password)`);
      expect(wrongPassword.message).not.toContain('not-the-lab-password');
    }));

  it('reaches a server that speaks only what old network devices speak (SHA-1 key exchange, CBC ciphers, ssh-rsa)', () =>
    withHost({ address: labAddress(), identity: LINUX_HOSTS.web01, sharedDpkg: true, legacyOnly: true }, async (old) => {
      const at = { host: old.address, port: old.port, username: old.credentials.username, password: old.credentials.password, timeoutMs: 10_000 };
      // ssh2's own defaults get nowhere with it
      const plain = await ssh2Alone(at);
      expect(plain?.message).toMatch(/no matching key exchange algorithm/);
      const verifier = new RecordingVerifier();
      expect(await hostnameOver({ ...at, hostKeys: verifier })).toBe('lab-web01\n');
      expect(verifier.seen).toEqual([expect.objectContaining({ keyType: 'ssh-rsa', fingerprint: old.hostKeyFingerprint() })]);
      // turned off (TEKNISI_SSH_LEGACY_ALGORITHMS=off), the failure says what is missing and how to allow it
      const refused = await failure(SshClient.connect({ ...at, hostKeys: new RecordingVerifier(), legacyAlgorithms: false }));
      expect(refused.reason).toBe('protocol');
      expect(refused.message).toBe(`${old.address}:22: the server and Teknisi have no SSH algorithms in common: Handshake failed: no matching key exchange algorithm (old devices need TEKNISI_SSH_LEGACY_ALGORITHMS=on)`);
    }));

  it('hands the verifier the host key fingerprint exactly as ssh-keygen prints it', async () => {
    const verifier = new RecordingVerifier();
    const c = await SshClient.connect(opts({ password: host.credentials.password, hostKeys: verifier }));
    c.close();
    expect(verifier.seen).toEqual([{ host: host.address, port: host.port, keyType: 'ssh-ed25519', fingerprint: host.hostKeyFingerprint() }]);
  });

  it('refuses a host whose key the verifier rejects, with the verifier\'s explanation', async () => {
    const verifier = new RecordingVerifier({ ok: false, message: 'host key for the lab host changed' });
    const err = await failure(SshClient.connect(opts({ password: host.credentials.password, hostKeys: verifier })));
    expect(err).toMatchObject({ reason: 'host-key', message: 'host key for the lab host changed' });
  });

  it('says "auth" for a wrong password or key, naming the user but never the secret', async () => {
    const wrongPassword = `not-the-password-${crypto.randomBytes(6).toString('hex')}`;
    const err = await failure(SshClient.connect(opts({ password: wrongPassword })));
    expect(err.reason).toBe('auth');
    expect(err.message).toContain('teknisi-lab');
    expect(err.message).not.toContain(wrongPassword);

    const other = crypto.generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect((await failure(SshClient.connect(opts({ privateKey: other })))).reason).toBe('auth');

    const { encryptedKey } = host.credentials;
    const badPassphrase = await failure(SshClient.connect(opts({ privateKey: encryptedKey.privateKey, passphrase: 'wrong-passphrase-123' })));
    expect(badPassphrase.reason).toBe('auth');
    expect(badPassphrase.message).not.toContain('wrong-passphrase-123');
    expect(badPassphrase.message).not.toContain(encryptedKey.privateKey.split('\n')[1]);
  });

  it('says "refused" when nothing listens on the port', async () => {
    const err = await failure(SshClient.connect(opts({ port: await freePort(), password: host.credentials.password })));
    expect(err.reason).toBe('refused');
  });

  it('says "timeout" for a server that accepts but never speaks SSH, "protocol" for one that speaks something else', async () => {
    // the servers' ends of the connections are destroyed afterwards: nothing reads them, so
    // they never see the client's close and kept jest's worker from exiting
    const accepted: net.Socket[] = [];
    const silent = net.createServer((s) => accepted.push(s));
    const http = net.createServer((s) => accepted.push(s.end('HTTP/1.1 400 Bad Request\r\n\r\n')));
    const listen = (srv: net.Server) => new Promise<number>((r) => srv.listen(0, '127.0.0.1', () => r((srv.address() as net.AddressInfo).port)));
    try {
      const err = await failure(SshClient.connect(opts({ host: '127.0.0.1', port: await listen(silent), password: 'x', timeoutMs: 500 })));
      expect(err).toMatchObject({ reason: 'timeout', message: expect.stringContaining('did not complete the SSH handshake and login within 500 ms') });
      expect((await failure(SshClient.connect(opts({ host: '127.0.0.1', port: await listen(http), password: 'x' })))).reason).toBe('protocol');
    } finally {
      for (const s of accepted) s.destroy();
      silent.close();
      http.close();
    }
  });

  it('reports exit status and keeps stdout and stderr apart', async () => {
    const r = await client.exec('echo out; echo err >&2; exit 3');
    expect(r).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n', truncated: false, timedOut: false });
  });

  it('feeds stdin to the command', async () => {
    const r = await client.exec('tr a-z A-Z', { stdin: 'hello lab\n' });
    expect(r.stdout).toBe('HELLO LAB\n');
  });

  it('caps output at maxBytes and says it was truncated', async () => {
    const r = await client.exec('head -c 5000000 /dev/zero | tr "\\0" x', { maxBytes: 1000 });
    expect(r).toMatchObject({ truncated: true, code: null });
    expect(r.stdout).toBe('x'.repeat(1000));
  });

  it('gives up on a command that runs past its time limit and says so', async () => {
    // 3 s, not 0.5: on a loaded machine the channel alone took longer to open and print
    const r = await client.exec('echo started; sleep 30; echo never', { timeoutMs: 3000 });
    expect(r).toMatchObject({ timedOut: true, code: null, stdout: 'started\n' });
    // the connection is still usable afterwards
    expect((await client.exec('echo still here')).stdout).toBe('still here\n');
  });

  it('decodes UTF-8 and replaces invalid bytes instead of failing', async () => {
    const r = await client.exec("printf 'caf\\303\\251 \\377\\376 end'");
    expect(r.stdout).toBe('café \ufffd\ufffd end');
  });

  it('runs commands in an interactive shell and returns each one\'s output', async () => {
    const outputs = await client.shellEach(['hostname', 'echo one; echo two', 'true']);
    expect(outputs).toEqual(['lab-app01', 'one\ntwo', '']);
    const transcript = await client.shell(['hostname']);
    expect(transcript).toMatch(/lab-app01[^\n]*[$#] hostname\nlab-app01\n/);
  });

  // last: it stops the host
  it('fails a command whose connection is lost instead of passing off partial output as its answer', async () => {
    // the lab user's home is the real one, so the test can see when the command is under way
    const marker = `started-${crypto.randomBytes(6).toString('hex')}`;
    // `&&`: when the lab's stop kills the sleep before its shell, the shell must not go on to
    // finish the command (CI once saw it print 'rest' and exit 0 under a dying sshd)
    const running = client.exec(`echo partial; touch ~/${marker}; sleep 20 && echo rest`);
    const markerPath = path.join(LAB_USER_HOME, marker);
    while (!fs.existsSync(markerPath)) await new Promise((r) => setTimeout(r, 50));
    fs.rmSync(markerPath);
    await host.stop();
    // either the connection went first (an error), or sshd reported the command killed by a
    // signal as it stopped, or the command's shell outlived its sleep and said it failed (128 +
    // the signal): never a plain result that passes for the command's answer
    const outcome = await running.then((r) => r, (e: unknown) => e);
    if (outcome instanceof SshError) {
      expect(outcome).toMatchObject({ reason: 'protocol', message: `${host.address}:22: the connection closed before the command finished` });
    } else {
      const r = outcome as { code: number | null; signal?: string; stdout: string };
      if (r.code === null) expect(r.signal).toMatch(/^[A-Z]+$/);
      else expect(r.code).toBeGreaterThan(128);
      expect(r.stdout).not.toContain('rest');
    }
  });
});
