// The device lab's side of configuration backups, through real sshd daemons: the emulated IOS
// router's running configuration (volatile lines that move on their own, configuration mode
// that really changes it, write memory, paging), a fleet of routers with their own identities,
// and a Linux host's own /etc/ssh/sshd_config.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { Client } from 'ssh2';
import { SshClient } from '../src/protocols/ssh/ssh.client';
import { generatedIdentity } from './lab/identities';
import { initialRunningConfig, iosIdentity, LAB_IOS, LabIosHost } from './lab/ios';
import { LabIosFleet } from './lab/ios-fleet';
import { labAddresses } from './lab/fleet';
import { LAB_SSH_USER, LabSshHost } from './lab/sshd';

const rtr = new LabIosHost({ address: '127.97.0.1' });
const linux = new LabSshHost({ address: '127.97.0.2', identity: generatedIdentity('lab-cfg01', 1), sharedDpkg: true });
const acceptAnyKey = { verify: async () => ({ ok: true as const }) };

/** IOS's volatile lines, as configuration normalization drops them. */
const VOLATILE = /^(?:Building configuration\.\.\.|Current configuration : \d+ bytes|! Last configuration change at .*|! NVRAM config last updated at .*|ntp clock-period \d+)$/;
const stable = (text: string) => text.split('\n').filter((l) => !VOLATILE.test(l));

/** Lines of `after` that are not in `before` and the other way round, in order. */
function changes(before: string, after: string): { added: string[]; removed: string[] } {
  const b = before.split('\n');
  const a = after.split('\n');
  return { added: a.filter((l) => !b.includes(l)), removed: b.filter((l) => !a.includes(l)) };
}

describe('the device lab for configuration backups', () => {
  let fleet: LabIosFleet | undefined;
  const clients: SshClient[] = [];

  const connect = async (address: string, port: number, password: string) => {
    const c = await SshClient.connect({ host: address, port, username: LAB_SSH_USER, password, timeoutMs: 15_000, hostKeys: acceptAnyKey });
    clients.push(c);
    return c;
  };
  /** One interactive session on the router: each command's output, prompts and echo removed. */
  const shell = async (commands: string[]) => {
    const c = await connect(rtr.address, rtr.port, rtr.credentials.password);
    try {
      return await c.shellEach(commands, { timeoutMs: 15_000 });
    } finally {
      c.close();
    }
  };

  beforeAll(async () => {
    await Promise.all([rtr.start(), linux.start()]);
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await Promise.allSettled([rtr.stop(), linux.stop(), fleet?.stop()]);
  });

  describe('the emulated IOS router', () => {
    it('prints its running configuration with its true size, and two shows differ only in volatile lines', async () => {
      const [, first, second] = await shell(['terminal length 0', 'show running-config', 'show running-config']);
      for (const out of [first, second]) {
        const m = /^Building configuration\.\.\.\n\nCurrent configuration : (\d+) bytes\n([\s\S]*\nend\n)$/.exec(out);
        expect(m).not.toBeNull();
        expect(Number(m![1])).toBe(Buffer.byteLength(m![2]));
      }
      expect(first).not.toBe(second);
      expect(stable(first)).toEqual(stable(second));
      expect(first.match(/^ntp clock-period \d+$/m)![0]).not.toBe(second.match(/^ntp clock-period \d+$/m)![0]);
      // secrets for masking to hide
      expect(first).toMatch(/^enable secret 9 \S+$/m);
      expect(first).toMatch(/^username netadmin privilege 15 secret 9 \S+$/m);
      expect(first).toMatch(/^snmp-server community lab-ro RO$/m);
      expect(first).toMatch(/^ key 7 [0-9A-F]+$/m);
    });

    it('changes the running configuration in configuration mode, and the last-change line with it', async () => {
      const before = rtr.runningConfig();
      const c = await connect(rtr.address, rtr.port, rtr.credentials.password);
      const transcript = await c.shell(['configure terminal', 'interface Loopback5', ' description drift test', 'end']);
      c.close();
      expect(transcript).toContain('Enter configuration commands, one per line.  End with CNTL/Z.');
      expect(transcript).toMatch(/^lab-rtr01\(config\)#interface Loopback5$/m);
      expect(transcript).toMatch(/^lab-rtr01\(config-if\)# description drift test$/m);
      expect(transcript).toMatch(/^lab-rtr01\(config-if\)#end\nlab-rtr01#/m);
      const after = rtr.runningConfig();
      expect(after).toContain('interface Loopback0\n description router id\n ip address 10.255.0.1 255.255.255.255\n!\ninterface Loopback5\n description drift test\n!\n');
      const { added, removed } = changes(before, after);
      expect(removed).toEqual([expect.stringMatching(/^! Last configuration change at /)]);
      expect(added).toEqual([expect.stringMatching(/^! Last configuration change at \d\d:\d\d:\d\d UTC \w{3} \w{3} \d{1,2} \d{4} by teknisi-lab$/), 'interface Loopback5', ' description drift test']);
      const stamp = /at (\d\d:\d\d:\d\d) UTC \w{3} (\w{3}) (\d{1,2}) (\d{4})/.exec(added[0])!;
      expect(Math.abs(Date.parse(`${stamp[2]} ${stamp[3]} ${stamp[4]} ${stamp[1]} UTC`) - Date.now())).toBeLessThan(60_000);
    });

    it('refuses an invalid line as IOS does and changes nothing; an existing line is not doubled', async () => {
      const before = rtr.runningConfig();
      const [, bogus, , again] = await shell(['configure terminal', 'frobnicate the router', 'interface Loopback0', ' description router id', 'end']);
      expect(bogus).toBe("                  ^\n% Invalid input detected at '^' marker.\n");
      expect(again).toBe('');
      expect(rtr.runningConfig()).toBe(before);
    });

    it('removes a line with no, and a whole block with no interface; a top-level line leaves the sub-mode', async () => {
      await shell(['conf t', 'int lo5', 'no description drift test', 'ip route 10.99.0.0 255.255.0.0 10.10.0.2', 'no snmp-server community lab-ro', 'end']);
      let config = rtr.runningConfig();
      expect(config).toContain('interface Loopback5\n!\n');
      expect(config).toContain('ip route vrf Mgmt-intf 0.0.0.0 0.0.0.0 172.16.99.1\nip route 10.99.0.0 255.255.0.0 10.10.0.2\n');
      expect(config).not.toMatch(/snmp-server community/);
      await shell(['conf t', 'no interface Loopback5', 'no ip route 10.99.0.0 255.255.0.0 10.10.0.2', 'snmp-server community lab-ro RO', 'end']);
      // back to the initial configuration, but for the community line's place and the last-change time
      expect(changes(stable(initialRunningConfig(iosIdentity())).join('\n'), stable(rtr.runningConfig()).join('\n'))).toEqual({ added: [], removed: [] });
    });

    it('saves with write memory, and the NVRAM line follows', async () => {
      const [saved, copied] = await shell(['write memory', 'copy running-config startup-config']);
      expect(saved).toBe('Building configuration...\n[OK]');
      expect(copied).toBe('Building configuration...\n[OK]');
      expect(rtr.runningConfig()).toMatch(/^! NVRAM config last updated at \d\d:\d\d:\d\d UTC .* by teknisi-lab$/m);
      const [startup] = await shell(['show startup-config']);
      expect(startup).toContain(rtr.runningConfig().trimEnd());
    });

    it('pages with --More-- until terminal length 0, and Ctrl-Z leaves configuration mode', async () => {
      const expected = rtr.device.showRunningConfig();
      const raw = await rawSession(rtr, ['show running-config', 'terminal length 0', 'show running-config', 'configure terminal', '\x1a']);
      const [paged, unpaged] = [raw[0], raw[2]];
      const pages = paged.split(' --More-- ').length - 1;
      expect(pages).toBe(Math.ceil((expected.split('\n').length - 1) / 23) - 1);
      expect(unpaged).not.toContain('--More--');
      expect(stable(unpaged.replace(/\r/g, ''))).toEqual(stable(`show running-config\n${expected}lab-rtr01#`));
      expect(raw[4]).toMatch(/\^Z\r?\n(?:\r?\n)*lab-rtr01#$/);
    });

    it('applies lines from tests through its own configuration mode, and moves only volatile lines when bumped', async () => {
      const before = rtr.runningConfig();
      rtr.bumpVolatile();
      const bumped = rtr.runningConfig();
      expect(bumped).not.toBe(before);
      expect(stable(bumped)).toEqual(stable(before));
      await rtr.configure(['interface GigabitEthernet0/0/2', ' description spare', 'exit', 'ntp server 10.10.0.124']);
      const configured = rtr.runningConfig();
      expect(changes(stable(bumped).join('\n'), stable(configured).join('\n')).added).toEqual([' description spare', 'ntp server 10.10.0.124']);
      expect(configured).toContain('interface GigabitEthernet0/0/2\n description spare\n no ip address\n');
      await expect(rtr.configure(['frobnicate'])).rejects.toThrow(/Invalid input detected/);
      await expect(rtr.configure(['interface GigabitEthernet0/0/7'])).rejects.toThrow(/Invalid input detected/);
      rtr.setRunningConfig(LabIosHost.fixture('show-running-config'));
      expect(rtr.device.showRunningConfig()).toBe(LabIosHost.fixture('show-running-config'));
    });
  });

  it('runs a fleet of routers behind shared sshd processes, each with its own identity', async () => {
    fleet = await LabIosFleet.start({ addresses: labAddresses('127.97.1.1', 3), hostnamePrefix: 'lab-rtr-t' });
    const answers = await Promise.all(
      fleet.devices.map(async (d) => {
        const c = await connect(d.address, fleet!.port, fleet!.credentials.password);
        const [version, inventory, config] = await Promise.all(['show version', 'show inventory', 'show running-config'].map((cmd) => c.exec(cmd)));
        c.close();
        return { device: d, version: version.stdout, inventory: inventory.stdout, config: config.stdout };
      }),
    );
    expect(answers.map((a) => /^(\S+) uptime is/m.exec(a.version)?.[1])).toEqual(['lab-rtr-t001', 'lab-rtr-t002', 'lab-rtr-t003']);
    expect(new Set(answers.map((a) => a.device.serial)).size).toBe(3);
    for (const a of answers) {
      expect(a.version).toContain(`Processor board ID ${a.device.serial}`);
      expect(a.inventory).toContain(`SN: ${a.device.serial}`);
      expect(a.config).toContain(`\nhostname ${a.device.hostname}\n`);
      expect(a.device.serial).not.toBe(LAB_IOS.serial);
    }
    await fleet.devices[1].configure(['interface Loopback9']);
    expect(fleet.devices[1].runningConfig()).toContain('interface Loopback9');
    expect(fleet.devices[0].runningConfig()).not.toContain('interface Loopback9');
    await expect(LabIosFleet.start({ addresses: ['192.0.2.1'] })).rejects.toThrow(/127\.0\.0\.0\/8/);
  });

  it("gives a Linux host its own sshd_config, edited from the host's directory for the next session", async () => {
    const real = crypto.createHash('sha256').update(fs.readFileSync('/etc/ssh/sshd_config')).digest('hex');
    const seen = await linux.run('cat /etc/ssh/sshd_config');
    expect(seen).toBe(fs.readFileSync(linux.sshdConfigPath, 'utf8'));
    expect(seen).toMatch(/^PasswordAuthentication yes$/m);
    fs.writeFileSync(linux.sshdConfigPath, seen.replace(/^PasswordAuthentication yes$/m, 'PasswordAuthentication no'));
    expect(await linux.run('grep ^PasswordAuthentication /etc/ssh/sshd_config')).toBe('PasswordAuthentication no\n');
    expect(crypto.createHash('sha256').update(fs.readFileSync('/etc/ssh/sshd_config')).digest('hex')).toBe(real);
  });
});

/**
 * A shell session with ssh2 itself, to see what SshClient hides (the --More-- prompts and the
 * echo of Ctrl-Z): each command's raw output up to the next prompt, the pager answered with a space.
 */
async function rawSession(host: LabIosHost, commands: string[]): Promise<string[]> {
  const conn = new Client();
  await new Promise<void>((resolve, reject) => {
    conn.once('ready', resolve).once('error', reject);
    conn.connect({ host: host.address, port: host.port, username: LAB_SSH_USER, password: host.credentials.password, readyTimeout: 15_000 });
  });
  try {
    return await new Promise<string[]>((resolve, reject) => {
      conn.shell({ term: 'vt100', cols: 200, rows: 24 }, (err, ch) => {
        if (err) return reject(err);
        const outputs: string[] = [];
        let buf = '';
        let next = 0;
        const timer = setTimeout(() => reject(new Error(`no prompt after ${commands[next - 1]}: ${JSON.stringify(buf.slice(-200))}`)), 20_000);
        ch.on('data', (d: Buffer) => {
          buf += d.toString('utf8');
          if (buf.endsWith(' --More-- ')) ch.write(' ');
          if (!/(?:^|\n)lab-rtr01(?:\([a-z-]+\))?#$/.test(buf)) return;
          if (next > 0) outputs.push(buf);
          buf = '';
          if (next === commands.length) {
            clearTimeout(timer);
            ch.close();
            return resolve(outputs);
          }
          ch.write(commands[next].endsWith('\x1a') ? commands[next] : `${commands[next]}\n`);
          next++;
        });
      });
    });
  } finally {
    conn.end();
  }
}
