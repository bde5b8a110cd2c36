// npm run lab -- up | down | status
// The device lab on fixed loopback addresses, for trying Teknisi by hand: `up` starts every
// daemon and stays in the foreground (Ctrl-C or `down` stops it all), `status` says what
// answers. The test suite starts its own copies of the same daemons on random addresses.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { probeTcp, probeUdp } from '../../src/discovery/probes';
import { LINUX_HOSTS } from './identities';
import { LabIosHost } from './ios';
import { ensureLabPackages } from './packages';
import { linuxProfile, SnmpdAgent } from './snmpd';
import { SnmpsimAgent, snmpsimCredentials } from './snmpsim';
import { LabSshHost } from './sshd';

const STATE = path.join(os.tmpdir(), 'teknisi-lab.json');
/** each SSH host's key, kept from one `up` to the next: a restarted lab's hosts are the same machines, not reinstalled ones */
const HOST_KEYS = '/var/lib/teknisi-lab/host-keys';

/** The fixed lab: every address in 127.0.0.0/24, so one scan of that range finds it all. */
export const LAB_LAYOUT = [
  { address: '127.0.0.11', name: 'lab-linux01', what: 'Linux server, Net-SNMP snmpd (this machine\'s packages)', snmp: true, ssh: false },
  { address: '127.0.0.12', name: 'lab-sw01', what: 'Cisco Catalyst switch, snmpsimd recording (48 ports, LLDP/CDP)', snmp: true, ssh: false },
  { address: '127.0.0.13', name: 'lab-prn01', what: 'HP LaserJet printer, snmpsimd recording', snmp: true, ssh: false },
  { address: '127.0.0.14', name: 'LAB-PC07', what: 'Windows 10 PC, snmpsimd recording (Windows-1252 software names)', snmp: true, ssh: false },
  { address: '127.0.0.15', name: 'lab-web01', what: 'Debian server answering SNMP (snmpsimd) and SSH (namespaced sshd) as one machine', snmp: true, ssh: true },
  { address: '127.0.0.16', name: 'lab-db01', what: 'Debian server, SSH only', snmp: false, ssh: true },
  { address: '127.0.0.17', name: 'lab-app01', what: 'Ubuntu server, SSH only', snmp: false, ssh: true },
  { address: '127.0.0.18', name: 'lab-rtr01', what: 'Cisco ISR router, IOS CLI behind sshd', snmp: false, ssh: true },
];

async function up(): Promise<void> {
  if (fs.existsSync(STATE)) {
    const { pid } = JSON.parse(fs.readFileSync(STATE, 'utf8'));
    if (alive(pid)) throw new Error(`the lab is already up (process ${pid}); stop it with: npm run lab -- down`);
  }
  ensureLabPackages();
  const linux = new SnmpdAgent({ ...linuxProfile('127.0.0.11', 'lab-linux01'), community: 'lab-public' });
  const sims = (['switch', 'printer', 'windows', 'web01'] as const).map((p, i) => new SnmpsimAgent(p, ['127.0.0.12', '127.0.0.13', '127.0.0.14', '127.0.0.15'][i]));
  const keep = (name: string) => path.join(HOST_KEYS, name);
  const ssh = [
    new LabSshHost({ address: '127.0.0.15', identity: LINUX_HOSTS.web01, keepHostKeyIn: keep('lab-web01') }),
    new LabSshHost({ address: '127.0.0.16', identity: LINUX_HOSTS.db01, keepHostKeyIn: keep('lab-db01') }),
    new LabSshHost({ address: '127.0.0.17', identity: LINUX_HOSTS.app01, osRelease: 'ubuntu2204', keepHostKeyIn: keep('lab-app01') }),
  ];
  const ios = new LabIosHost({ address: '127.0.0.18', keepHostKeyIn: keep('lab-rtr01') });
  const all: Array<{ start(): Promise<void>; stop(): Promise<void> }> = [linux, ...sims, ...ssh, ios];
  const stop = async () => {
    await Promise.allSettled(all.map((d) => d.stop()));
    fs.rmSync(STATE, { force: true });
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(0)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(0)));
  try {
    await Promise.all(all.map((d) => d.start()));
  } catch (err) {
    await stop();
    throw err;
  }
  fs.writeFileSync(STATE, JSON.stringify({ pid: process.pid, startedAt: new Date() }));
  const sshCred = ssh[0].credentials;
  const v3 = linux.profile.v3;
  console.log('The device lab is up (Ctrl-C or `npm run lab -- down` stops it):\n');
  for (const d of LAB_LAYOUT) console.log(`  ${d.address.padEnd(12)} ${d.name.padEnd(12)} ${d.what}`);
  console.log('\nCredentials to create (POST /api/credentials, as an admin):');
  const creds = [
    { name: 'lab linux v2c', kind: 'snmp-v2c', community: linux.profile.community },
    { name: 'lab linux v3', kind: 'snmp-v3', username: v3.username, securityLevel: 'authPriv', authProtocol: 'SHA-256', authKey: v3.authKey, privProtocol: 'AES-128', privKey: v3.privKey },
    ...sims.map((s) => ({ name: `lab ${s.profile} v2c`, kind: 'snmp-v2c', community: snmpsimCredentials(s.profile).community })),
    { name: 'lab ssh', kind: 'ssh', username: sshCred.username, password: sshCred.password },
  ];
  for (const c of creds) console.log(`  ${JSON.stringify(c)}`);
  console.log('\nThen scan: POST /api/discovery/scans {"targets":["127.0.0.0/24"],"credentialIds":[…the ids…]} (README, "Try it").');
  await new Promise(() => undefined); // until a signal
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function down(): Promise<void> {
  if (!fs.existsSync(STATE)) return console.log('the lab is not up');
  const { pid } = JSON.parse(fs.readFileSync(STATE, 'utf8'));
  if (!alive(pid)) {
    fs.rmSync(STATE, { force: true });
    return console.log('the lab was not running (stale state removed)');
  }
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  console.log(alive(pid) ? `the lab (process ${pid}) did not stop within 10 s` : 'the lab is down');
}

async function status(): Promise<void> {
  const state = fs.existsSync(STATE) ? JSON.parse(fs.readFileSync(STATE, 'utf8')) : null;
  console.log(state && alive(state.pid) ? `the lab is up (process ${state.pid}, since ${state.startedAt})` : 'the lab is not up');
  for (const d of LAB_LAYOUT) {
    const snmp = d.snmp ? await probeUdp(d.address, 161, 500, 0) : '-';
    const ssh = d.ssh ? await probeTcp(d.address, 22, 500) : '-';
    console.log(`  ${d.address.padEnd(12)} ${d.name.padEnd(12)} snmp: ${String(snmp).padEnd(8)} ssh: ${ssh}`);
  }
}

const command = process.argv[2];
const run = { up, down, status }[command as 'up' | 'down' | 'status'];
if (!run) {
  console.error('usage: npm run lab -- up | down | status');
  process.exit(2);
}
run().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
