// The ordered list of migrations. Files are named <unix-ms>-<PascalVerbNoun>.ts and never edited once landed.
import { InitialSchema1795822020250 } from './1795822020250-InitialSchema';
import { AddDiscovery1795829154729 } from './1795829154729-AddDiscovery';
import { AddMaintenanceWindows1795890000000 } from './1795890000000-AddMaintenanceWindows';
import { AddJobs1795890100000 } from './1795890100000-AddJobs';
import { AddConfigs1795890200000 } from './1795890200000-AddConfigs';
import { AddSavedFilters1795900000000 } from './1795900000000-AddSavedFilters';
import { AddAgentTokens1795910000000 } from './1795910000000-AddAgentTokens';
import { AddStoredCounts1795920000000 } from './1795920000000-AddStoredCounts';
import { AddScanExclusions1795930000000 } from './1795930000000-AddScanExclusions';
import { WidenLongColumns1795940000000 } from './1795940000000-WidenLongColumns';
import { RewriteBuiltinKeyRule1795950000000 } from './1795950000000-RewriteBuiltinKeyRule';
import { AddScanDeviceChanges1795996592044 } from './1795996592044-AddScanDeviceChanges';
import { AddDeviceMerges1795999010519 } from './1795999010519-AddDeviceMerges';
import { AddSourceAddress1796007646896 } from './1796007646896-AddSourceAddress';
import { AddScanRangeKey1796010291883 } from './1796010291883-AddScanRangeKey';
import { AddScanFirings1796029528693 } from './1796029528693-AddScanFirings';
import { AddJobRunSkippedFirings1796060683490 } from './1796060683490-AddJobRunSkippedFirings';
import { AddMergedSerials1796107235680 } from './1796107235680-AddMergedSerials';
import { AddSecretMaskRules1796122555379 } from './1796122555379-AddSecretMaskRules';
import { AddLookupIndexes1796134163464 } from './1796134163464-AddLookupIndexes';
import { AddDeviceSecretMaskRules1796140000000 } from './1796140000000-AddDeviceSecretMaskRules';
import { AddConfigGeneration1796140100000 } from './1796140100000-AddConfigGeneration';

// eslint-disable-next-line @typescript-eslint/ban-types
export const MIGRATIONS: Function[] = [InitialSchema1795822020250, AddDiscovery1795829154729, AddMaintenanceWindows1795890000000, AddJobs1795890100000, AddConfigs1795890200000, AddSavedFilters1795900000000, AddAgentTokens1795910000000, AddStoredCounts1795920000000, AddScanExclusions1795930000000, WidenLongColumns1795940000000, RewriteBuiltinKeyRule1795950000000, AddScanDeviceChanges1795996592044, AddDeviceMerges1795999010519, AddSourceAddress1796007646896, AddScanRangeKey1796010291883, AddScanFirings1796029528693, AddJobRunSkippedFirings1796060683490, AddMergedSerials1796107235680, AddSecretMaskRules1796122555379, AddLookupIndexes1796134163464, AddDeviceSecretMaskRules1796140000000, AddConfigGeneration1796140100000];
