// database/: every entity, for the data source and for migration generation.
import { AgentToken } from '../agents/agent-token.entity';
import { ApiToken } from '../auth/api-token.entity';
import { Session } from '../auth/session.entity';
import { User } from '../auth/user.entity';
import { AuditEntry } from '../audit/audit-entry.entity';
import { Credential } from '../credentials/credential.entity';
import { DeviceAddress } from '../devices/device-address.entity';
import { DeviceSource } from '../devices/device-source.entity';
import { DeviceTag } from '../devices/device-tag.entity';
import { Device } from '../devices/device.entity';
import { HardwareComponent } from '../devices/hardware-component.entity';
import { NetworkInterface } from '../devices/network-interface.entity';
import { HistoryEntry } from '../devices/history-entry.entity';
import { DeviceCredential } from '../devices/device-credential.entity';
import { DeviceDistinctPair } from '../devices/device-distinct.entity';
import { DeviceMerge } from '../devices/device-merge.entity';
import { DeviceNeighbour } from '../devices/device-neighbour.entity';
import { Scan, ScanChunk, ScanResult, ScanSchedule } from '../discovery/scan.entity';
import { SshHostKey } from '../discovery/ssh-host-key.entity';
import { DeviceLease, Job, JobRun, JobRunTarget, JobTargetLog, JobWindow } from '../jobs/job.entity';
import { InstalledSoftware } from '../software/installed-software.entity';
import { Software } from '../software/software.entity';
import { MaintenanceWindow, MaintenanceWindowTag } from '../jobs/windows/maintenance-window.entity';
import { SavedFilter } from '../saved-filters/saved-filter.entity';
import { ConfigBaseline, ConfigGeneration, ConfigNormalizationRule, ConfigRule, ConfigRuleResult, ConfigVersion, DeviceConfig } from '../configs/config.entities';

export const ENTITIES = [
  User, Session, ApiToken, AuditEntry, Credential,
  Device, DeviceTag, DeviceSource, DeviceAddress, NetworkInterface, HardwareComponent,
  Software, InstalledSoftware, HistoryEntry,
  DeviceCredential, DeviceDistinctPair, DeviceMerge, DeviceNeighbour,
  Scan, ScanChunk, ScanResult, ScanSchedule, SshHostKey,
  Job, JobWindow, JobRun, JobRunTarget, JobTargetLog, DeviceLease,
  MaintenanceWindow, MaintenanceWindowTag,
  ConfigVersion, DeviceConfig, ConfigNormalizationRule, ConfigBaseline, ConfigRule, ConfigRuleResult, ConfigGeneration,
  AgentToken,
  SavedFilter,
];
