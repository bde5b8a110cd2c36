// inventory/: the one normalized report that every source produces (SNMP and SSH collectors,
// endpoint agents) and that ingest turns into device rows and history.
import { DeviceType, Platform } from '../devices/device.entity';
import { SourceKind } from '../devices/device-source.entity';
import { HardwareKind } from '../devices/hardware-component.entity';
import { MatchedBy } from './identity-match';
import { FieldGroup, ReportSource } from './source-precedence';

export interface InventoryReport {
  source: Exclude<SourceKind, 'manual'>;
  /** when the source collected it; ingest time when absent */
  collectedAt?: Date;
  identity: {
    hostname?: string;
    fqdn?: string;
    /** chassis / BIOS serial */
    serial?: string;
    /** MACs of the machine's physical interfaces */
    macs?: string[];
    /** the address the source reached it at, then any others */
    addresses?: string[];
    /**
     * the OS installation's id (Linux's /etc/machine-id, Windows' MachineGuid): what finds the
     * device of a report that has neither serial nor MACs (WMI or lsblk failed) by host name
     */
    machineId?: string;
  };
  device?: {
    type?: DeviceType;
    platform?: Platform;
    vendor?: string;
    model?: string;
    osFamily?: string;
    osName?: string;
    osVersion?: string;
  };
  hardware?: Array<{
    kind: HardwareKind;
    name?: string;
    manufacturer?: string;
    model?: string;
    serial?: string;
    capacityBytes?: number;
    speedMhz?: number;
    cores?: number;
    slot?: string;
  }>;
  interfaces?: Array<{
    name: string;
    description?: string;
    ifIndex?: number;
    mac?: string;
    speedMbps?: number;
    mtu?: number;
    adminStatus?: string;
    operStatus?: string;
    addresses?: string[];
  }>;
  software?: Array<{ name: string; version?: string; publisher?: string; architecture?: string; installDate?: string }>;
  /** LLDP / CDP neighbours: present (even empty) only when the source read those tables */
  neighbours?: Array<{
    protocol: 'lldp' | 'cdp';
    localPort?: string;
    remoteName?: string;
    remotePort?: string;
    remoteAddress?: string;
    remotePlatform?: string;
    remoteChassisId?: string;
  }>;
}

export interface IngestResult {
  deviceId: number;
  created: boolean;
  /** what identified an existing device: serial, mac, hostname+address or hostname+machine-id */
  matchedBy: MatchedBy | null;
  changes: number;
  /** groups where a better source's recent view stood, by that source: the report only filled what was empty (source-precedence.ts) */
  outrankedBy?: Partial<Record<FieldGroup, ReportSource>>;
  /** the report was collected before its source's last report of the device: it changed nothing */
  olderThanKnown?: boolean;
}
