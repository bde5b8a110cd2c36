// SSH collection end to end against the lab: two namespaced Linux hosts and an emulated Cisco
// router, each behind its own sshd. Collected with passwords and keys through pinned host keys,
// ingested as separate devices, refused on a changed key until a technician forgets it, and a
// package removed on one host recorded as exactly that change; a host whose ~/.bashrc greets
// read as the machine it is, greeting left out.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collectSsh, SshCollectOptions } from '../src/discovery/ssh.collector';
import { HostKeysRepository } from '../src/discovery/host-keys.repository';
import { IngestService } from '../src/inventory/ingest.service';
import { SshClient, SshConnectOptions, SshError } from '../src/protocols/ssh/ssh.client';
import { generatedIdentity, LINUX_HOSTS } from './lab/identities';
import { LAB_IOS, LabIosHost } from './lab/ios';
import { LabSshHost } from './lab/sshd';
import { bearer, createTestApp, TestApp } from './support/app';

// one random /16-free block per run, so parallel runs on one machine do not meet
const block = crypto.randomInt(1, 250);
const web = new LabSshHost({ address: `127.77.${block}.11`, identity: LINUX_HOSTS.web01, osRelease: 'debian12' });
const db = new LabSshHost({ address: `127.77.${block}.12`, identity: LINUX_HOSTS.db01, osRelease: 'ubuntu2204' });
const rtr = new LabIosHost({ address: `127.78.${block}.1` });
// a firewall whose pager says it the ASA's way
const asa = new LabIosHost({ address: `127.78.${block}.2`, hostname: 'lab-fw01', serial: 'JAD2140A0XY', pager: '<--- More --->' });
// what many hosts' ~/.bashrc do; the JSON-looking line would break `ip -j addr` read with it
const greeter = new LabSshHost({
  address: `127.77.${block}.13`, identity: generatedIdentity('lab-greeter', 0x7713), sharedDpkg: true,
  bashrc: 'echo "Welcome to $(hostname)! /srv is 91% full."\necho \'{"motd": "patch night is Friday"\'\n',
});
// an account whose login shell is fish, which reads `for …; do` and `if …; then` as errors
const fishy = new LabSshHost({ address: `127.77.${block}.14`, identity: generatedIdentity('lab-fish', 0x7714), sharedDpkg: true, loginShell: '/usr/bin/fish' });
// and one whose login shell is tcsh (FreeBSD's root, macOS's csh), which has no printf builtin and its own quoting
const cshy = new LabSshHost({ address: `127.77.${block}.16`, identity: generatedIdentity('lab-tcsh', 0x7716), sharedDpkg: true, loginShell: '/usr/bin/tcsh' });
// a hardened sshd: one channel at a time on a connection (MaxSessions 1)
const hardened = new LabSshHost({ address: `127.77.${block}.15`, identity: generatedIdentity('lab-hardened', 0x7715), sharedDpkg: true, maxSessions: 1 });

describe('SSH collection into the inventory', () => {
  let t: TestApp;
  let ingest: IngestService;
  let technician: string;
  const clients: SshClient[] = [];

  const connect = async (host: LabSshHost | LabIosHost, login: Partial<SshConnectOptions>) => {
    const c = await SshClient.connect({
      host: host.address, port: host.port, username: host.credentials.username, timeoutMs: 15_000,
      hostKeys: t.app.get(HostKeysRepository).verifier(), ...login,
    });
    clients.push(c);
    return c;
  };
  const collect = async (host: LabSshHost | LabIosHost, login: Partial<SshConnectOptions>) => (await collectNoting(host, login)).report;
  /** the report, and the parts it left out (collectSsh's problems) */
  const collectNoting = async (host: LabSshHost | LabIosHost, login: Partial<SshConnectOptions>, opts: SshCollectOptions = {}) => {
    const c = await connect(host, login);
    const problems: string[] = [];
    try {
      return { report: await collectSsh(c, host.address, opts, problems), problems };
    } finally {
      c.close();
    }
  };
  const refusal = async (p: Promise<unknown>) => {
    const err = await p.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(SshError);
    return err as SshError;
  };
  const hostKeys = async (q: string) => (await t.http.get(`/api/discovery/host-keys?q=${q}`).set(bearer(t.adminToken))).body.items;

  beforeAll(async () => {
    await Promise.all([web.start(), db.start(), rtr.start(), asa.start(), greeter.start(), fishy.start(), cshy.start(), hardened.start()]);
    t = await createTestApp();
    ingest = t.app.get(IngestService);
    technician = await t.tokenFor('technician');
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await Promise.all([web.stop(), db.stop(), rtr.stop(), asa.stop(), greeter.stop(), fishy.stop(), cshy.stop(), hardened.stop()]);
    await t?.close();
  });

  it('collects each Linux host as the machine it is, over password and key logins', async () => {
    for (const [host, login] of [[web, { password: web.credentials.password }], [db, { privateKey: db.credentials.privateKey }]] as const) {
      const report = await collect(host, login);
      const id = host.identity;
      expect(report.identity).toMatchObject({ hostname: id.hostname, macs: id.macs, addresses: [host.address, id.innerAddresses[0].split('/')[0]] });
      expect(report.hardware).toContainEqual({ kind: 'other', name: 'machine-id', serial: id.machineId });
      expect(report.interfaces).toEqual([expect.objectContaining({ name: 'eth0', mac: id.macs[0], operStatus: 'up', addresses: [id.innerAddresses[0].split('/')[0]] })]);
      expect(report.software).toHaveLength(await host.dpkgInstalledCount());
    }
    expect((await collect(web, { password: web.credentials.password })).device).toMatchObject({ platform: 'linux', osFamily: 'linux', osName: 'Debian GNU/Linux', osVersion: expect.stringMatching(/^12(\.\d+)?$/) });
    expect((await collect(db, { privateKey: db.credentials.privateKey })).device).toMatchObject({ platform: 'linux', osName: 'Ubuntu', osVersion: '22.04.4' });
  });

  it('leaves out what a command could not finish saying, and says so', async () => {
    // the package list (~800 lines) is the one output over 16 KiB
    const { report, problems } = await collectNoting(web, { password: web.credentials.password }, { maxBytes: 16 * 1024 });
    expect(problems).toEqual(['packages not read: the command printed more than 16384 bytes']);
    expect(report.software).toBeUndefined();
    expect(report.identity).toMatchObject({ hostname: web.identity.hostname, macs: web.identity.macs });
    expect(report.device).toMatchObject({ osName: 'Debian GNU/Linux' });
  });

  it('reads a host whose ~/.bashrc greets at every login as the machine it is, greeting left out', async () => {
    // the greeting is really there: OpenSSH's own client gets it before any command's output
    expect(await greeter.run('hostname')).toBe('Welcome to lab-greeter! /srv is 91% full.\n{"motd": "patch night is Friday"\nlab-greeter\n');
    const { report, problems } = await collectNoting(greeter, { password: greeter.credentials.password });
    const id = greeter.identity;
    expect(problems).toEqual([]);
    expect(report.device).toMatchObject({ platform: 'linux', osName: 'Debian GNU/Linux' });
    expect(report.identity).toMatchObject({ hostname: 'lab-greeter', macs: id.macs });
    expect(report.hardware).toContainEqual({ kind: 'other', name: 'machine-id', serial: id.machineId });
    expect(report.interfaces).toEqual([expect.objectContaining({ name: 'eth0', mac: id.macs[0] })]);
    expect(report.software).toHaveLength(await greeter.dpkgInstalledCount());
  });

  it.each([
    ['fish', () => fishy, 'echo $FISH_VERSION', /^3\.\d+/],
    ['tcsh', () => cshy, 'echo $tcsh', /^6\.\d+/],
  ] as const)('reads a host whose account logs in to %s as fully as one with bash', async (_, host, versionCommand, version) => {
    // the login shell really is that one
    expect(await host().run(versionCommand)).toMatch(version);
    const { report, problems } = await collectNoting(host(), { privateKey: host().credentials.privateKey });
    const id = host().identity;
    expect(problems).toEqual([]);
    expect(report.device).toMatchObject({ platform: 'linux', osName: 'Debian GNU/Linux', osVersion: expect.stringMatching(/^12\.\d+$/) });
    expect(report.hardware).toContainEqual({ kind: 'other', name: 'machine-id', serial: id.machineId });
    expect(report.identity).toMatchObject({ hostname: id.hostname, macs: id.macs });
    expect(report.software).toHaveLength(await host().dpkgInstalledCount());
  });

  it('reads a host that allows one channel at a time as fully as any other', async () => {
    // the host really refuses a second channel while one is open
    const c = await connect(hardened, { password: hardened.credentials.password });
    try {
      const [slow, second] = await Promise.allSettled([c.exec('sleep 1'), c.exec('true')]);
      expect(slow.status).toBe('fulfilled');
      expect(second).toMatchObject({ status: 'rejected', reason: expect.objectContaining({ name: 'ChannelRefused' }) });
    } finally {
      c.close();
    }
    const { report, problems } = await collectNoting(hardened, { password: hardened.credentials.password });
    expect(problems).toEqual([]);
    expect(report.identity).toMatchObject({ hostname: 'lab-hardened', macs: hardened.identity.macs });
    expect(report.hardware).toContainEqual({ kind: 'other', name: 'machine-id', serial: hardened.identity.machineId });
    expect(report.software).toHaveLength(await hardened.dpkgInstalledCount());
  });

  it('logs in with an encrypted key and its passphrase', async () => {
    const { privateKey, passphrase } = web.credentials.encryptedKey;
    expect((await collect(web, { privateKey, passphrase })).identity.hostname).toBe('lab-web01');
  });

  it('pinned each host key on first contact, as ssh-keygen prints it', async () => {
    expect(await hostKeys(web.address)).toEqual([expect.objectContaining({ host: web.address, port: 22, keyType: 'ssh-ed25519', fingerprint: web.hostKeyFingerprint(), rejectedFingerprint: null })]);
    expect((await hostKeys(db.address))[0].fingerprint).toBe(db.hostKeyFingerprint());
  });

  it('ingests the two hosts as two devices that stay two', async () => {
    const first = [await ingest.ingest(await collect(web, { password: web.credentials.password })), await ingest.ingest(await collect(db, { password: db.credentials.password }))];
    expect(first.map((r) => r.created)).toEqual([true, true]);
    expect(first[0].deviceId).not.toBe(first[1].deviceId);
    const again = [await ingest.ingest(await collect(web, { privateKey: web.credentials.privateKey })), await ingest.ingest(await collect(db, { privateKey: db.credentials.privateKey }))];
    expect(again).toEqual([
      expect.objectContaining({ deviceId: first[0].deviceId, created: false, changes: 0 }),
      expect.objectContaining({ deviceId: first[1].deviceId, created: false, changes: 0 }),
    ]);
    const device = (await t.http.get(`/api/devices/${first[1].deviceId}`).set(bearer(t.adminToken))).body;
    expect(device).toMatchObject({ hostname: 'lab-db01', platform: 'linux', osName: 'Ubuntu', osVersion: '22.04.4', primaryIp: db.address, sources: [expect.objectContaining({ kind: 'ssh' })] });
    expect(device.interfaces).toEqual([expect.objectContaining({ name: 'eth0', mac: LINUX_HOSTS.db01.macs[0] })]);
    const software = await t.http.get(`/api/devices/${first[1].deviceId}/software?limit=1`).set(bearer(t.adminToken));
    expect(software.body.total).toBe(await db.dpkgInstalledCount());
  });

  it('says "auth" for a wrong password or another host\'s key, and "refused" for a closed port', async () => {
    expect((await refusal(connect(web, { password: 'not-the-lab-password' }))).reason).toBe('auth');
    expect((await refusal(connect(web, { privateKey: db.credentials.privateKey }))).reason).toBe('auth');
    const closed = await refusal(SshClient.connect({ host: web.address, port: 2222, username: 'teknisi-lab', password: 'x', timeoutMs: 5000, hostKeys: t.app.get(HostKeysRepository).verifier() }));
    expect(closed.reason).toBe('refused');
  });

  it('refuses a host whose key changed until a technician forgets the pinned key', async () => {
    const pinned = db.hostKeyFingerprint();
    await db.rotateHostKey();
    const offered = db.hostKeyFingerprint();
    expect(offered).not.toBe(pinned);

    const err = await refusal(connect(db, { privateKey: db.credentials.privateKey }));
    expect(err.reason).toBe('host-key');
    expect(err.message).toBe(
      `host key for ${db.address}:22 changed: pinned ${pinned}, offered ${offered}; if the machine was reinstalled, ` +
        `compare the offered key with the one its console shows (ssh-keygen -l) and accept it (POST /api/discovery/host-keys/${db.address}/22/accept with the offered fingerprint)`,
    );
    expect(await hostKeys(db.address)).toEqual([expect.objectContaining({ fingerprint: pinned, rejectedFingerprint: offered, rejectedAt: expect.any(String) })]);

    const forget = await t.http.delete(`/api/discovery/host-keys/${db.address}/22`).set(bearer(technician));
    expect(forget.status).toBe(204);
    expect((await collect(db, { privateKey: db.credentials.privateKey })).identity.hostname).toBe('lab-db01');
    expect(await hostKeys(db.address)).toEqual([expect.objectContaining({ fingerprint: offered, rejectedFingerprint: null })]);
  });

  it('a lab host started again with its kept host key is the same machine, not a reinstalled one (npm run lab -- up, restarted)', async () => {
    const keep = fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-kept-keys-'));
    const address = `127.77.${block}.17`;
    const identity = generatedIdentity('lab-kept', 0x7717);
    const once = new LabSshHost({ address, identity, sharedDpkg: true, keepHostKeyIn: keep });
    const again = new LabSshHost({ address, identity, sharedDpkg: true, keepHostKeyIn: keep });
    try {
      await once.start();
      const first = once.hostKeyFingerprint();
      expect((await collect(once, { password: once.credentials.password })).identity.hostname).toBe('lab-kept');
      await once.stop();
      await again.start(); // a directory of its own, as every start of the lab has
      expect(again.hostKeyFingerprint()).toBe(first);
      expect((await collect(again, { password: again.credentials.password })).identity.hostname).toBe('lab-kept');
      expect(await hostKeys(address)).toEqual([expect.objectContaining({ fingerprint: first, rejectedFingerprint: null })]);
    } finally {
      await Promise.all([once.stop(), again.stop()]);
      fs.rmSync(keep, { recursive: true, force: true });
    }
  });

  it('records a package removed on one host as exactly that one change, on that host only', async () => {
    const before = await ingest.ingest(await collect(web, { password: web.credentials.password }));
    const dbBefore = await db.dpkgInstalledCount();
    const installed = await web.dpkgInstalledCount();
    web.removePackage('openssh-server');
    expect(await web.dpkgInstalledCount()).toBe(installed - 1);
    expect(await db.dpkgInstalledCount()).toBe(dbBefore);

    const report = await collect(web, { password: web.credentials.password });
    expect(report.software).toHaveLength(installed - 1);
    const after = await ingest.ingest(report);
    expect(after).toMatchObject({ deviceId: before.deviceId, created: false, changes: 1 });
    const history = await t.http.get(`/api/devices/${before.deviceId}/history?kind=software&limit=500`).set(bearer(t.adminToken));
    expect(history.body.items).toEqual([expect.objectContaining({ kind: 'software', action: 'removed', subject: 'openssh-server', source: 'ssh' })]);
  });

  describe('the Cisco router', () => {
    it.each([['an interactive shell', 'shell'], ['exec channels', 'exec']] as const)('gives hostname, model, serial and version over %s', async (_how, iosMode) => {
      const c = await connect(rtr, { password: rtr.credentials.password });
      try {
        const report = await collectSsh(c, rtr.address, { iosMode });
        expect(report.identity).toMatchObject({ hostname: LAB_IOS.hostname, serial: LAB_IOS.serial, macs: [...LAB_IOS.macs] });
        expect(report.device).toMatchObject({ vendor: 'Cisco', type: 'router', platform: 'cisco-ios', model: LAB_IOS.model, osName: LAB_IOS.osName, osVersion: LAB_IOS.osVersion });
        expect(report.interfaces!.map((i) => i.name)).toEqual(['GigabitEthernet0/0/0', 'GigabitEthernet0/0/1', 'GigabitEthernet0/0/2', 'GigabitEthernet0', 'Loopback0']);
      } finally {
        c.close();
      }
    });

    it('is ingested as a router of its own', async () => {
      const r = await ingest.ingest(await collect(rtr, { privateKey: rtr.credentials.privateKey }));
      expect(r.created).toBe(true);
      const device = (await t.http.get(`/api/devices/${r.deviceId}`).set(bearer(t.adminToken))).body;
      expect(device).toMatchObject({ hostname: 'lab-rtr01', serial: LAB_IOS.serial, platform: 'cisco-ios', type: 'router', model: LAB_IOS.model, vendor: 'Cisco' });
    });

    it('answers an ASA\'s <--- More ---> pager too (the ASA refuses `terminal length 0`: its own is `terminal pager 0`)', async () => {
      const c = await connect(asa, { password: asa.credentials.password });
      const [config, version] = await c.shellEach(['show running-config', 'show version'], { timeoutMs: 10_000 });
      const steady = (text: string) => text.replace(/^ntp clock-period \d+$/m, 'ntp clock-period N').trimEnd(); // it drifts at each show
      expect(steady(config)).toBe(steady(asa.device.showRunningConfig()));
      expect(config).not.toContain('More');
      expect(version).toContain('Processor board ID JAD2140A0XY');
    });

    it('answers --More-- pagers when the terminal length was not set, and rejects unknown commands as IOS does', async () => {
      const c = await connect(rtr, { password: rtr.credentials.password });
      const [config, bogus] = await c.shellEach(['show running-config', 'show bogus']);
      expect(config).toBe(LabIosHost.fixture('show-running-config').replace(/\n$/, ''));
      expect(bogus).toMatch(/^\s*\^\n% Invalid input detected at '\^' marker\.\n?$/);
    });
  });
});
