// The device lab's package hosts and apt repository, checked through OpenSSH's own client only:
// a real `sudo apt-get install`, upgrade and removal inside one host, none of it visible on
// this machine or on a second host, and what a root process inside cannot reach.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { labPackageVersionFile, publishLabPackage, unpublishLabPackage } from './lab/apt-repo';
import { LabFleet, labAddresses } from './lab/fleet';
import { generatedIdentity } from './lab/identities';
import { LabPackageHost } from './lab/package-host';
import { until } from './support/until';

jest.setTimeout(120_000);

const PKG = 'teknisi-hello';
const FILE = labPackageVersionFile(PKG);
const one = new LabPackageHost({ address: '127.93.0.11', identity: generatedIdentity('lab-pkg01', 0x9301) });
const two = new LabPackageHost({ address: '127.93.0.12', identity: generatedIdentity('lab-pkg02', 0x9302), osRelease: 'ubuntu2204' });

/** `sudo -S` inside the host, the lab password on stdin, as the jobs code sends it. */
function sudo(host: LabPackageHost, command: string): Promise<string> {
  return host.run(`sudo -S -p '' ${command}`, `${host.sudoPassword}\n`);
}

async function fails(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return String((err as { stderr?: string }).stderr ?? err);
  }
  throw new Error('expected the command to fail');
}

function realDpkgKnows(name: string): boolean {
  try {
    execFileSync('dpkg', ['-s', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  unpublishLabPackage(PKG);
  publishLabPackage({ name: PKG, version: '1.0', command: true });
  await Promise.all([one.start(), two.start()]);
});

afterAll(async () => {
  await Promise.allSettled([one.stop(), two.stop()]);
  unpublishLabPackage(PKG);
});

describe('lab package hosts', () => {
  it('are the hosts they claim to be', async () => {
    expect((await one.run('hostname; cat /etc/machine-id; . /etc/os-release; echo $ID $VERSION_ID; cat /sys/class/net/eth0/address')).split('\n')).toEqual([
      'lab-pkg01', one.identity.machineId, 'debian 12', one.identity.macs[0], '',
    ]);
    expect(await two.run('hostname; . /etc/os-release; echo $ID $VERSION_ID')).toBe('lab-pkg02\nubuntu 22.04\n');
  });

  it("know only the lab repository: apt-get update reads nothing else", async () => {
    const out = await sudo(one, 'apt-get update');
    expect(out).toMatch(/file:\/var\/lib\/teknisi-lab-repo/);
    expect(out).not.toMatch(/https?:|cdrom:/);
    const policy = await one.run(`apt-cache policy ${PKG}`);
    expect(policy).toMatch(/Candidate: 1\.0/);
    expect(policy.replace(/\/var\/lib\/dpkg\/status/g, '')).not.toMatch(/https?:/);
  });

  it('install a package with sudo and the password on stdin, in that host only', async () => {
    await sudo(one, `apt-get install -y -q ${PKG}`);
    // a later session of the same host sees it
    expect(await one.run(`dpkg -s ${PKG} | grep -E '^(Status|Version):'`)).toBe('Status: install ok installed\nVersion: 1.0\n');
    expect(await one.run(`cat ${FILE}; ${PKG}`)).toBe(`1.0\n${PKG} 1.0\n`);
    // not on this machine
    expect(realDpkgKnows(PKG)).toBe(false);
    expect(fs.existsSync(FILE)).toBe(false);
    // not on the other host
    expect(await fails(two.run(`dpkg -s ${PKG}`))).toMatch(/not installed/);
    expect(await two.run(`test -e ${FILE} && echo present || echo absent`)).toBe('absent\n');
  });

  it('are each one machine across sessions, as a real host is: its /tmp is kept, the other host has its own', async () => {
    const file = `/tmp/teknisi-lab-kept-${process.pid}`;
    await one.run(`echo kept > ${file}`);
    expect(await one.run(`cat ${file}`)).toBe('kept\n');
    expect(await two.run(`test -e ${file} && echo present || echo absent`)).toBe('absent\n');
    expect(fs.existsSync(file)).toBe(false);
  });

  it('refuse sudo without the password, or with a wrong one', async () => {
    // asked every time: a right password given in an earlier session (the install's) is not remembered
    expect(await fails(one.run('sudo -n true'))).toMatch(/password is required/);
    expect(await fails(one.run("sudo -S -p '' true", 'not-the-password\n'))).toMatch(/incorrect password|try again/i);
    expect(await sudo(one, 'id -u')).toBe('0\n');
  });

  it("keep root inside away from this machine's files, devices and kernel settings", async () => {
    const marker = `/teknisi-lab-probe-${process.pid}`;
    await sudo(one, `sh -c 'touch ${marker} /usr/${marker.slice(1)} /tmp/${marker.slice(1)}; echo ok'`);
    expect(fs.existsSync(marker)).toBe(false);
    expect(fs.existsSync(`/usr${marker}`)).toBe(false);
    expect(fs.existsSync(`/tmp${marker}`)).toBe(false);
    const probe = await sudo(
      one,
      `sh -c 'ls / | tr "\\n" " "; echo; ls /dev | tr "\\n" " "; echo;
        mount -t tmpfs x /mnt 2>/dev/null && echo mounted || echo no-mount;
        echo 1 > /proc/sys/vm/drop_caches 2>/dev/null && echo sysctl || echo no-sysctl;
        mknod /tmp/disk b 8 0 2>/dev/null && echo mknod || echo no-mknod;
        ps -e -o comm= | grep -c . ;
        ls /run/teknisi-lab 2>/dev/null || echo no-lab-dirs'`,
    );
    const [root, dev, mount, sysctl, mknod, processes, labDirs] = probe.trim().split('\n').map((l) => l.trim());
    expect(root.split(' ')).not.toContain('work');
    expect(dev.split(' ').sort()).toEqual(expect.arrayContaining(['null', 'pts', 'tty', 'urandom', 'zero']));
    expect(dev).not.toMatch(/\b(sd|vd|nvme|loop|mem|kmsg)/);
    expect([mount, sysctl, mknod, labDirs]).toEqual(['no-mount', 'no-sysctl', 'no-mknod', 'no-lab-dirs']);
    // its own PID namespace: the session's few processes, nothing of this machine's
    expect(Number(processes)).toBeLessThan(10);
  });

  it("give the lab user's sudo rule on this machine nothing but a session in a host, whatever the arguments", () => {
    const realHostname = execFileSync('hostname', { encoding: 'utf8' });
    const out = execFileSync(
      'runuser',
      ['-u', 'teknisi-lab', '--', 'sudo', '-n', '/run/teknisi-lab/package-session', one.runDir.split('/').pop()!, '--inside'],
      { encoding: 'utf8', env: { ...process.env, SSH_ORIGINAL_COMMAND: 'hostname; id -un' } },
    );
    expect(out).toBe('lab-pkg01\nteknisi-lab\n');
    expect(execFileSync('hostname', { encoding: 'utf8' })).toBe(realHostname);
    expect(() => execFileSync('runuser', ['-u', 'teknisi-lab', '--', 'sudo', '-n', '/bin/true'], { stdio: 'pipe' })).toThrow();
  });

  it('upgrade to a version published later', async () => {
    publishLabPackage({ name: PKG, version: '1.1', command: true });
    await sudo(one, 'apt-get update -q');
    expect(await one.run(`apt list --upgradable 2>/dev/null | grep ${PKG}`)).toMatch(/1\.1 all \[upgradable from: 1\.0\]/);
    await sudo(one, `apt-get install -y -q --only-upgrade ${PKG}`);
    expect(await one.run(`dpkg-query -W -f='\${Version}' ${PKG}; echo; cat ${FILE}`)).toBe('1.1\n1.1\n');
    expect(fs.existsSync(FILE)).toBe(false);
  });

  it('remove a package', async () => {
    await sudo(one, `apt-get remove -y -q ${PKG}`);
    expect(await fails(one.run(`dpkg -s ${PKG}`))).toMatch(/not installed|is not installed/);
    expect(await one.run(`test -e ${FILE} && echo present || echo absent; command -v ${PKG} || echo gone`)).toBe('absent\ngone\n');
  });

  it('keep their machine across a new host key', async () => {
    await one.rotateHostKey();
    expect(await one.run('hostname; cat /etc/machine-id')).toBe(`lab-pkg01\n${one.identity.machineId}\n`);
  });

  it('end their machine with the process that started it, and leave nothing mounted on this machine when stopped', async () => {
    // the machine lives until its standard input closes, as it does when this process is gone
    const machine = (two as unknown as { machine: { pid: number; stdin: { destroy(): void } } }).machine;
    machine.stdin.destroy();
    await until('the machine to end', async () => !fs.existsSync(`/proc/${machine.pid}`), 10_000, 50);
    expect(await fails(two.run('true'))).toMatch(/package host .* is not running/);
    await two.stop();
    const name = two.runDir.split('/').pop()!;
    const left = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
      try {
        return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(name);
      } catch {
        return false;
      }
    });
    expect(left).toEqual([]);
    expect(fs.existsSync(two.runDir)).toBe(false);
    expect(fs.readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(two.runDir);
    expect(fs.readFileSync('/proc/self/mountinfo', 'utf8')).toContain(one.runDir);
  });
});

describe('a lab fleet', () => {
  it('starts many hosts at once, each its own machine, all reached with one credential', async () => {
    const fleet = await LabFleet.start({ addresses: labAddresses('127.93.1.1', 5), hostnamePrefix: 'lab-fleet' });
    try {
      const seen = await Promise.all(fleet.hosts.map((h) => h.run('hostname; cat /etc/machine-id /sys/class/net/eth0/address')));
      expect(seen.map((s) => s.split('\n')[0])).toEqual(['lab-fleet001', 'lab-fleet002', 'lab-fleet003', 'lab-fleet004', 'lab-fleet005']);
      expect(new Set(seen.map((s) => s.split('\n')[1])).size).toBe(5);
      expect(new Set(seen.map((s) => s.split('\n')[2])).size).toBe(5);
      expect(new Set(fleet.hosts.map((h) => h.hostKeyFingerprint())).size).toBe(5);
      expect(new Set(fleet.hosts.map((h) => h.credentials.privateKey)).size).toBe(1);
      // the machine's own package database, read-only
      expect(await fleet.hosts[0].dpkgInstalledCount()).toBeGreaterThan(100);
      expect(() => fleet.hosts[0].removePackage('sudo')).toThrow(/sharedDpkg/);
    } finally {
      await fleet.stop();
    }
  });
});
