// configs/sources: the one place that maps a platform to the source that reads (and, where
// Teknisi pushes, writes) its configuration.
import { CONFIG_PLATFORMS, type ConfigPlatform, type ConfigSource } from '../types';
import { ciscoIosSource } from './cisco-ios';
import { ciscoNxosSource } from './cisco-nxos';
import { eosSource } from './eos';
import { fortiosSource } from './fortios';
import { junosSource } from './junos';
import { linuxSource } from './linux';
import { procurveSource } from './procurve';
import { routerosSource } from './routeros';

export const CONFIG_SOURCES: Record<ConfigPlatform, ConfigSource> = {
  'cisco-ios': ciscoIosSource,
  'cisco-nxos': ciscoNxosSource,
  junos: junosSource,
  eos: eosSource,
  procurve: procurveSource,
  routeros: routerosSource,
  fortios: fortiosSource,
  linux: linuxSource,
};

/** The source for a device's `platform`; undefined for a platform whose configuration Teknisi does not back up. */
export function configSourceFor(platform: string | null): ConfigSource | undefined {
  if (platform === null || !(CONFIG_PLATFORMS as readonly string[]).includes(platform)) return undefined;
  return CONFIG_SOURCES[platform as ConfigPlatform];
}
