// What the configs pages read from the API, and the words and colours they say it with. Query
// keys start with 'configs' so that one invalidation after a backup, a pin or a rule change
// refreshes every configs view.
import { useQuery } from '@tanstack/react-query';
import { api, paths, Schemas, unwrap } from '../../api/client';

export type DriftItem = Schemas['DriftItemView'];
export type Baseline = Schemas['BaselineView'];
export type ComplianceRule = Schemas['ComplianceRuleView'];
export type NormalizationRule = Schemas['NormalizationRuleView'];
export type ConfigVersion = Schemas['ConfigVersionView'];
export type ConfigPlatform = NonNullable<NonNullable<paths['/api/configs/search']['get']['parameters']['query']>['platform']>;
export type Severity = ComplianceRule['severity'];

/** The platforms Teknisi backs up (the server's CONFIG_PLATFORMS; the type checks each against the document). */
export const CONFIG_PLATFORMS: ConfigPlatform[] = ['cisco-ios', 'cisco-nxos', 'junos', 'eos', 'procurve', 'routeros', 'fortios', 'linux'];
export const PLATFORM_LABEL: Record<string, string> = {
  'cisco-ios': 'Cisco IOS', 'cisco-nxos': 'Cisco NX-OS', junos: 'Junos', eos: 'Arista EOS', procurve: 'HP ProCurve', routeros: 'MikroTik RouterOS', fortios: 'FortiOS', linux: 'Linux/Unix',
};
export const platformOptions = CONFIG_PLATFORMS.map((p) => ({ value: p, label: PLATFORM_LABEL[p] ?? p }));

export const SEVERITIES: Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
export const SEVERITY_COLOR: Record<string, string> = { info: 'gray', low: 'blue', medium: 'yellow', high: 'orange', critical: 'red' };

export const RULE_KIND_LABEL: Record<string, string> = { 'must-contain': 'Must contain', 'must-not-contain': 'Must not contain', block: 'Every block has' };

/** The drift report's rows fetched whole (it lists only the devices with a problem), at most this many. */
export const DRIFT_CAP = 5_000;
const DRIFT_BATCH = 500;

export interface DriftReport {
  items: DriftItem[];
  total: number;
  /** re-evaluations after a rule or template change still running on the server */
  pendingEvaluations: number;
  truncated: boolean;
}

/**
 * The whole drift report, without diffs, so that filters and sorting cover every drifting device
 * rather than one page of them. While the server re-evaluates after a rule or template change
 * the report refreshes itself until it is up to date.
 */
export function useDriftReport() {
  return useQuery({
    queryKey: ['configs', 'drift', 'all'],
    queryFn: async (): Promise<DriftReport> => {
      const items: DriftItem[] = [];
      let total = 0;
      let pendingEvaluations = 0;
      for (let page = 1; ; page++) {
        const r = await unwrap(api.GET('/api/configs/drift', { params: { query: { page, limit: DRIFT_BATCH, diff: 'false' } } }));
        items.push(...r.items);
        total = r.total ?? items.length;
        pendingEvaluations = r.pendingEvaluations;
        if (r.items.length < DRIFT_BATCH || items.length >= DRIFT_CAP) break;
      }
      return { items, total, pendingEvaluations, truncated: items.length < total };
    },
    refetchInterval: (q) => (q.state.data?.pendingEvaluations ? 2_000 : false),
  });
}

export function useBaselines() {
  return useQuery({ queryKey: ['configs', 'baselines'], queryFn: () => unwrap(api.GET('/api/configs/baselines')) });
}

export function useComplianceRules() {
  return useQuery({ queryKey: ['configs', 'rules'], queryFn: () => unwrap(api.GET('/api/configs/rules')) });
}

export function useVersions(deviceId: number | undefined) {
  return useQuery({
    queryKey: ['configs', 'versions', deviceId],
    queryFn: () => unwrap(api.GET('/api/devices/{id}/configs', { params: { path: { id: deviceId! }, query: { limit: 200 } } })),
    enabled: !!deviceId,
  });
}

/** A device's name for headings and links (a pinned baseline knows only the id). */
export function useDeviceName(deviceId: number | null | undefined) {
  const q = useQuery({
    queryKey: ['devices', deviceId, 'name'],
    queryFn: () => unwrap(api.GET('/api/devices/{id}', { params: { path: { id: deviceId! } } })),
    enabled: !!deviceId,
    staleTime: 5 * 60_000,
  });
  return { name: q.data ? q.data.hostname || q.data.primaryIp || `device ${deviceId}` : deviceId ? `device ${deviceId}` : '', device: q.data, query: q };
}

/**
 * The baseline that applies to a device, as the server resolves it: its own pin, else the
 * template of one of its tags (lowest id), else its platform's. The drift report names it only
 * for devices it lists; a device in line with its baseline is not listed.
 */
export function baselineFor(baselines: Baseline[] | undefined, device: { id: number; platform: string; tags: string[] } | undefined): Baseline | undefined {
  if (!baselines || !device) return undefined;
  return (
    baselines.find((b) => b.scope === 'device' && b.deviceId === device.id) ??
    baselines.filter((b) => b.scope === 'tag' && !!b.tag && device.tags.includes(b.tag)).sort((a, b) => a.id - b.id)[0] ??
    baselines.find((b) => b.scope === 'platform' && b.platform === device.platform)
  );
}

/** What a baseline is, in words: "version 12 of this device", "template for tag core", … */
export function baselineLabel(b: Baseline | undefined): string {
  if (!b) return 'none';
  if (b.scope === 'device') return `pinned version ${b.versionId}`;
  if (b.scope === 'tag') return `template for tag ${b.tag}`;
  return `template for ${PLATFORM_LABEL[b.platform ?? ''] ?? b.platform}`;
}

/** The diff page's URL for a device: its drift against its baseline, or two of its versions. */
export function diffHref(deviceId: number, o: { baseline?: boolean; from?: number; to?: number } = {}): string {
  const q = new URLSearchParams({ deviceId: String(deviceId) });
  if (o.baseline) q.set('baseline', '1');
  if (o.from) q.set('from', String(o.from));
  if (o.to) q.set('to', String(o.to));
  return `/configs/diff?${q}`;
}

/** Lines from a textarea (one regex per line), blanks left out. */
export function linesOf(text: string): string[] {
  return text.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
}
