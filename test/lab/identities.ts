// The device lab's machine identities, shared by its SNMP side (snmpsimd recordings) and its
// SSH side (namespaced sshd hosts), so that a host answering both is recognisably one machine.
// Every MAC here is a real vendor OUI with made-up low bytes; none is on the junk list.
import { createHash } from 'node:crypto';

export interface LabIdentity {
  hostname: string;
  /** 32 hex digits, as in /etc/machine-id */
  machineId: string;
  /** the MACs of the host's interfaces, first one primary */
  macs: string[];
  /** what the host's own addresses are inside its namespace (never contacted) */
  innerAddresses: string[];
}

/** Linux servers reached over SSH; lab-web01 also answers SNMP from a matching recording. */
export const LINUX_HOSTS: Record<'web01' | 'db01' | 'app01', LabIdentity> = {
  web01: { hostname: 'lab-web01', machineId: '5f1c0a9e3b7d4c21a0e6f4b2d8c91a01', macs: ['52:54:00:7e:01:01'], innerAddresses: ['10.99.0.11/24'] },
  db01: { hostname: 'lab-db01', machineId: '5f1c0a9e3b7d4c21a0e6f4b2d8c91a02', macs: ['52:54:00:7e:01:02'], innerAddresses: ['10.99.0.12/24'] },
  app01: { hostname: 'lab-app01', machineId: '5f1c0a9e3b7d4c21a0e6f4b2d8c91a03', macs: ['52:54:00:7e:01:03'], innerAddresses: ['10.99.0.13/24'] },
};

/** SNMP-only lab devices served by snmpsimd recordings. */
export const SNMP_DEVICES = {
  switch: { hostname: 'lab-sw01', serial: 'FOC2231X0LB', model: 'WS-C2960X-48FPD-L', baseMac: '00:1b:54:aa:10:00' },
  printer: { hostname: 'lab-prn01', serial: 'VNB3K12345', model: 'HP LaserJet Pro M404dn', mac: '3c:d9:2b:41:22:01' },
  windows: { hostname: 'LAB-PC07', serial: '5CG1234XYZ', mac: '00:14:22:5a:07:07' },
} as const;

/**
 * A made-up identity for one of many generated lab hosts (fan-out benchmarks, package hosts):
 * `n` (0–65535) makes the MAC and the inner address unique within `hostname`'s family, the
 * machine-id follows from the hostname. QEMU's OUI, like LINUX_HOSTS, but never 7e:01:xx.
 */
export function generatedIdentity(hostname: string, n: number): LabIdentity {
  if (!Number.isInteger(n) || n < 0 || n > 0xffff) throw new Error(`generated lab identity number out of range: ${n}`);
  const machineId = createHash('sha256').update(`teknisi-lab ${hostname}`).digest('hex').slice(0, 32);
  const hi = (n >> 8).toString(16).padStart(2, '0');
  const lo = (n & 0xff).toString(16).padStart(2, '0');
  // the benchmark range (198.18.0.0/15): an address inside the host's own namespace, never contacted
  return { hostname, machineId, macs: [`52:54:00:9a:${hi}:${lo}`], innerAddresses: [`198.18.${n >> 8}.${n & 0xff}/15`] };
}
