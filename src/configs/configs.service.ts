// configs/: backups (fetch → normalize → a new version only when the SHA-256 changes), the
// evaluation of each new version against its baseline (drift) and the compliance rules, and
// what the API reads and edits (searching every configuration is config-search.service.ts).
// MySQL holds everything; any worker may back up any device.
import { ConflictException, Injectable, Logger, NotFoundException, OnModuleInit } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { DataSource, EntityManager } from 'typeorm';
import { cutUtf8 } from '../common/utf8';
import { badRequest, FieldError } from '../common/validation';
import { withNamedLock } from '../database/named-lock';
import { BackupTrigger, ConfigBaseline, ConfigNormalizationRule, ConfigRule, ConfigVersion, DeviceConfig } from './config.entities';
import { evaluateRule, validateComplianceRule } from './compliance';
import { diffConfigs } from './diff';
import { DEFAULT_NORMALIZATION_RULES, MASK, normalize } from './normalize';
import { compilePattern, LinePattern, PatternError, validateRulePattern } from './patterns';
import { missingLines, Remediation } from './remediation';
import { configSourceFor } from './sources';
import { renderTemplate, templateVars } from './template';
import { CONFIG_PLATFORMS, ComplianceRule, ConfigPlatform, ConfigSession, NormalizationRule } from './types';

/** the raw configuration's cap; more fails the backup rather than storing half a config */
export const CONFIG_MAX_BYTES = 8 * 1024 * 1024;
export const CONFIG_FETCH_TIMEOUT_MS = 120_000;
const RULES_CACHE_MS = 5_000;
/** how long an evaluation waits for another of the same device (a 5 MB configuration's takes well under a second) */
const EVALUATE_WAIT_S = 60;
/** a rule result's detail, in bytes: its column is a TEXT (65,535 bytes, whatever the characters) */
const DETAIL_MAX_BYTES = 60_000;

export interface BackupResult {
  changed: boolean;
  versionId: string;
  previousId: string | null;
  added: number;
  removed: number;
  dropped: number;
  masked: number;
  source: string;
}

export interface VersionView {
  id: number;
  deviceId: number;
  sha256: string;
  bytes: number;
  lines: number;
  source: string;
  trigger: BackupTrigger;
  jobRunId: number | null;
  collectedAt: Date;
}

interface DeviceRow {
  id: number;
  hostname: string | null;
  platform: string;
  primaryIp: string | null;
  serial: string | null;
  model: string | null;
  vendor: string | null;
  location: string | null;
}

export interface ResolvedBaseline {
  baseline: ConfigBaseline;
  /** the text compared with, normalized like a backup */
  text: string;
  label: string;
}

const toVersionView = (v: ConfigVersion): VersionView => ({
  id: Number(v.id), deviceId: v.deviceId, sha256: v.sha256, bytes: v.bytes, lines: v.lines, source: v.source, trigger: v.trigger, jobRunId: v.jobRunId, collectedAt: v.collectedAt,
});

@Injectable()
export class ConfigsService implements OnModuleInit {
  private readonly logger = new Logger('Configs');
  private rulesCache?: { at: number; rules: NormalizationRule[] };
  /** re-evaluations asked for by rule and template changes, run one after another in the background */
  private background: Promise<void> = Promise.resolve();
  private backgroundQueued = 0;

  constructor(private readonly ds: DataSource) {}

  /** The default normalization rules, once: an admin may disable or edit them afterwards. */
  async onModuleInit(): Promise<void> {
    const [{ n }] = await this.ds.query('SELECT COUNT(*) AS n FROM config_normalization_rules WHERE builtin = 1');
    if (Number(n) > 0) return;
    const now = new Date();
    await this.ds.getRepository(ConfigNormalizationRule).insert(DEFAULT_NORMALIZATION_RULES.map((r) => ({
      platform: r.platform, action: r.action, pattern: r.pattern, description: r.description.slice(0, 255), enabled: r.enabled, builtin: true, createdAt: now, updatedAt: now,
    })));
  }

  // --- normalization rules ------------------------------------------------------------------

  async normalizationRules(): Promise<NormalizationRule[]> {
    if (this.rulesCache && Date.now() - this.rulesCache.at < RULES_CACHE_MS) return this.rulesCache.rules;
    const rows = await this.ds.getRepository(ConfigNormalizationRule).find({ order: { id: 'ASC' } });
    const rules = rows.map((r) => ({ id: r.id, platform: r.platform, action: r.action, pattern: r.pattern, description: r.description, enabled: r.enabled }));
    this.rulesCache = { at: Date.now(), rules };
    return rules;
  }

  listNormalizationRules(): Promise<ConfigNormalizationRule[]> {
    return this.ds.getRepository(ConfigNormalizationRule).find({ order: { id: 'ASC' } });
  }

  async saveNormalizationRule(id: number | null, input: Partial<NormalizationRule>): Promise<ConfigNormalizationRule> {
    const repo = this.ds.getRepository(ConfigNormalizationRule);
    const existing = id === null ? null : await repo.findOneBy({ id });
    if (id !== null && !existing) throw new NotFoundException(`Normalization rule ${id} does not exist`);
    const details: FieldError[] = [];
    const pattern = input.pattern ?? existing?.pattern;
    const problem = pattern === undefined ? 'pattern is required' : validateRulePattern(pattern);
    if (problem) details.push({ field: 'pattern', messages: [problem] });
    if (details.length) throw badRequest(details);
    const now = new Date();
    const row = repo.create({
      ...(existing ?? { builtin: false, createdAt: now, enabled: true, description: '', platform: null, action: 'drop' as const }),
      ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
      updatedAt: now,
    });
    // a template's baseline is normalized with these rules: its devices are evaluated again at their next backup
    const saved = await this.ds.transaction(async (em) => {
      const out = await em.getRepository(ConfigNormalizationRule).save(row);
      await raiseGeneration(em);
      return out;
    });
    this.rulesCache = undefined;
    return saved;
  }

  async deleteNormalizationRule(id: number): Promise<void> {
    await this.ds.transaction(async (em) => {
      const r = await em.getRepository(ConfigNormalizationRule).delete({ id });
      if (!r.affected) throw new NotFoundException(`Normalization rule ${id} does not exist`);
      await raiseGeneration(em);
    });
    this.rulesCache = undefined;
  }

  // --- backups ------------------------------------------------------------------------------

  async device(id: number): Promise<DeviceRow> {
    const [d] = await this.ds.query(
      'SELECT id, hostname, platform, primary_ip AS primaryIp, serial, model, vendor, location FROM devices WHERE id = ?', [id]);
    if (!d) throw new NotFoundException(`Device ${id} does not exist`);
    return d;
  }

  /**
   * Fetches the device's configuration over `session`, normalizes it and stores a new version
   * when it differs from the latest; then evaluates drift and compliance on a new version, and
   * on an unchanged one that was never evaluated (an evaluation failed) or was evaluated before
   * the latest change to rules or baselines (whose background re-evaluation a restart lost).
   * A failure is recorded on the device (lastStatus, lastError) and rethrown.
   */
  async backup(deviceId: number, session: ConfigSession, o: { trigger: BackupTrigger; jobRunId?: number | null; files?: string[] }): Promise<BackupResult> {
    const device = await this.device(deviceId);
    const source = configSourceFor(device.platform);
    if (!source) throw new Error(`no configuration source for platform ${device.platform}`);
    const at = new Date();
    try {
      const fetched = await source.fetch(session, { files: o.files, timeoutMs: CONFIG_FETCH_TIMEOUT_MS, maxBytes: CONFIG_MAX_BYTES });
      const n = normalize(fetched.text, source.platform, await this.normalizationRules());
      if (!n.text.trim()) throw new Error(`${fetched.source} returned an empty configuration`);
      const result = await this.store(deviceId, n.text, { source: fetched.source, trigger: o.trigger, jobRunId: o.jobRunId ?? null, at });
      if (result.changed || (await this.evaluationBehind(deviceId))) await this.evaluate(deviceId);
      return { ...result, dropped: n.dropped, masked: n.masked, source: fetched.source };
    } catch (err) {
      await this.ds.query(
        `INSERT INTO device_configs (device_id, versions, last_attempt_at, last_status, last_error, drift_added, drift_removed) VALUES (?, 0, ?, 'failed', ?, 0, 0)
         ON DUPLICATE KEY UPDATE last_attempt_at = VALUES(last_attempt_at), last_status = 'failed', last_error = VALUES(last_error)`,
        [deviceId, at, oneLine((err as Error).message).slice(0, 1000)]);
      throw err;
    }
  }

  /** Stores normalized text as a new version unless it equals the latest (by SHA-256); the device's row moves on either way. */
  async store(deviceId: number, text: string, o: { source: string; trigger: BackupTrigger; jobRunId: number | null; at: Date }): Promise<Omit<BackupResult, 'dropped' | 'masked' | 'source'>> {
    const sha256 = createHash('sha256').update(text).digest('hex');
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    const stored = await this.ds.transaction(async (em) => {
      // the device's row, locked: two workers backing up one device store one version. Locked
      // exclusively from the start: INSERT IGNORE took a shared lock on an existing row, and two
      // backups that both held one deadlocked on FOR UPDATE (the loser recorded a failed backup)
      await em.query('INSERT INTO device_configs (device_id, versions, drift_added, drift_removed) VALUES (?, 0, 0, 0) ON DUPLICATE KEY UPDATE device_id = device_id', [deviceId]);
      const [state] = await em.query('SELECT version_id AS versionId FROM device_configs WHERE device_id = ? FOR UPDATE', [deviceId]);
      // the hash decides; the previous text is read (and diffed) only after a change, outside the lock
      const [latest]: Array<{ id: string; sha256: string }> = state.versionId ? await em.query('SELECT id, sha256 FROM config_versions WHERE id = ?', [state.versionId]) : [];
      if (latest && latest.sha256 === sha256) {
        await em.query(`UPDATE device_configs SET last_attempt_at = ?, last_status = 'ok', last_error = NULL, checked_at = ? WHERE device_id = ?`, [o.at, o.at, deviceId]);
        return { changed: false as const, versionId: String(latest.id) };
      }
      const ins = await em.query(
        'INSERT INTO config_versions (device_id, sha256, content, bytes, `lines`, source, `trigger`, job_run_id, collected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [deviceId, sha256, gzipSync(text), Buffer.byteLength(text), lines, o.source.slice(0, 1024), o.trigger, o.jobRunId, o.at]);
      await em.query(
        `UPDATE device_configs SET version_id = ?, current_text = ?, versions = versions + 1, last_attempt_at = ?, last_status = 'ok', last_error = NULL, changed_at = ?, checked_at = ?, evaluated_generation = NULL WHERE device_id = ?`,
        [String(ins.insertId), text, o.at, o.at, o.at, deviceId]);
      return { changed: true as const, versionId: String(ins.insertId), previousId: latest ? String(latest.id) : null };
    });
    if (!stored.changed) return { changed: false, versionId: stored.versionId, previousId: stored.versionId, added: 0, removed: 0 };
    if (!stored.previousId) return { changed: true, versionId: stored.versionId, previousId: null, added: lines, removed: 0 };
    const previous = await this.versionText(Number(stored.previousId));
    const d = diffConfigs(previous.content, text, { from: 'a', to: 'b' });
    return { changed: true, versionId: stored.versionId, previousId: stored.previousId, added: d.added, removed: d.removed };
  }

  // --- versions and diffs ---------------------------------------------------------------------

  async versions(deviceId: number, page: number, limit: number): Promise<{ items: VersionView[]; total: number; page: number; limit: number }> {
    await this.device(deviceId);
    const [rows, total] = await this.ds.getRepository(ConfigVersion).findAndCount({ where: { deviceId }, order: { id: 'DESC' }, skip: (page - 1) * limit, take: limit });
    return { items: rows.map(toVersionView), total, page, limit };
  }

  async versionText(id: number): Promise<{ version: VersionView; content: string }> {
    const v = await this.ds.getRepository(ConfigVersion).createQueryBuilder('v').addSelect('v.content').where('v.id = :id', { id }).getOne();
    if (!v) throw new NotFoundException(`Config version ${id} does not exist`);
    return { version: toVersionView(v), content: gunzipSync(v.content).toString('utf8') };
  }

  /**
   * Unified diff of two versions of one device; `to` is the latest by default, and `from` the
   * device's version before `to` (none before the first: the whole of it is added).
   */
  async diff(deviceId: number, from?: number, to?: number): Promise<{ from: VersionView | null; to: VersionView | null; diff: string; added: number; removed: number }> {
    await this.device(deviceId);
    const [latest]: Array<{ id: string }> = to === undefined ? await this.ds.query('SELECT MAX(id) AS id FROM config_versions WHERE device_id = ?', [deviceId]) : [];
    const toId = to ?? (latest?.id != null ? Number(latest.id) : undefined);
    const [before]: Array<{ id: string | null }> = from === undefined && toId !== undefined
      ? await this.ds.query('SELECT MAX(id) AS id FROM config_versions WHERE device_id = ? AND id < ?', [deviceId, toId])
      : [];
    const fromId = from ?? (before?.id != null ? Number(before.id) : undefined);
    if (toId === undefined) return { from: null, to: null, diff: '', added: 0, removed: 0 };
    const b = await this.versionText(toId);
    if (b.version.deviceId !== deviceId) throw badRequest([{ field: 'to', messages: [`version ${toId} is a version of another device than ${deviceId}`] }]);
    if (fromId === undefined) {
      const d = diffConfigs('', b.content, { from: '/dev/null', to: label(b.version) });
      return { from: null, to: b.version, ...d };
    }
    const a = await this.versionText(fromId);
    if (a.version.deviceId !== deviceId) throw badRequest([{ field: 'from', messages: [`version ${fromId} is a version of another device than ${deviceId}`] }]);
    return { from: a.version, to: b.version, ...diffConfigs(a.content, b.content, { from: label(a.version), to: label(b.version) }) };
  }

  // --- the baseline a device is compared with (editing baselines: config-baselines.service.ts) --

  /** The device's baseline: its own pin, else a template of one of its tags (lowest id), else its platform's. */
  async resolveBaseline(device: DeviceRow): Promise<ResolvedBaseline | { error: string; baseline: ConfigBaseline } | null> {
    const [b]: ConfigBaseline[] = await this.ds.getRepository(ConfigBaseline).createQueryBuilder('b')
      .where('b.deviceId = :id', { id: device.id })
      .orWhere('b.tag IN (SELECT t.tag FROM device_tags t WHERE t.device_id = :id)', { id: device.id })
      .orWhere('b.platform = :platform', { platform: device.platform })
      .orderBy(`CASE b.scope WHEN 'device' THEN 0 WHEN 'tag' THEN 1 ELSE 2 END`, 'ASC').addOrderBy('b.id', 'ASC')
      .limit(1).getMany();
    if (!b) return null;
    if (b.scope === 'device') {
      const v = await this.versionText(b.versionId!).catch(() => null);
      if (!v) return { error: `the pinned version ${b.versionId} no longer exists`, baseline: b };
      return { baseline: b, text: v.content, label: `baseline: version ${b.versionId} (${v.version.collectedAt.toISOString()})` };
    }
    const tags: Array<{ tag: string }> = await this.ds.query('SELECT tag FROM device_tags WHERE device_id = ? ORDER BY tag', [device.id]);
    const addresses: Array<{ ip: string | null; mac: string | null; interfaceName: string | null }> = await this.ds.query(
      'SELECT ip, mac, interface_name AS interfaceName FROM device_addresses WHERE device_id = ? ORDER BY id', [device.id]);
    try {
      const rendered = renderTemplate(b.template!, templateVars({ ...device, tags: tags.map((t) => t.tag), addresses }));
      const platform = (CONFIG_PLATFORMS as readonly string[]).includes(device.platform) ? (device.platform as ConfigPlatform) : 'linux';
      const text = normalize(rendered, platform, await this.normalizationRules()).text;
      return { baseline: b, text, label: `baseline: ${b.scope} ${b.scope === 'tag' ? b.tag : b.platform} template #${b.id}` };
    } catch (err) {
      return { error: `the ${b.scope} template #${b.id} does not render: ${(err as Error).message}`, baseline: b };
    }
  }

  // --- compliance rules ---------------------------------------------------------------------------

  listRules(): Promise<ConfigRule[]> {
    return this.ds.getRepository(ConfigRule).find({ order: { id: 'ASC' } });
  }

  async saveRule(id: number | null, body: Record<string, unknown>): Promise<ConfigRule> {
    const repo = this.ds.getRepository(ConfigRule);
    const existing = id === null ? null : await repo.findOneBy({ id });
    if (id !== null && !existing) throw new NotFoundException(`Compliance rule ${id} does not exist`);
    const { scope, enabled, ...ruleInput } = body ?? {};
    const merged = existing
      ? { name: existing.name, kind: existing.kind, pattern: existing.pattern, severity: existing.severity, ...(existing.blockStart ? { block: { start: existing.blockStart, ...(existing.blockWhere ? { where: existing.blockWhere } : {}) } } : {}), ...ruleInput }
      : ruleInput;
    const v = validateComplianceRule(merged);
    const details: FieldError[] = v.problems.map((p) => ({ field: p.field, messages: [p.message] }));
    const sc = (scope ?? (existing ? { platform: existing.platform ?? undefined, tag: existing.tag ?? undefined } : {})) as { platform?: unknown; tag?: unknown };
    if (typeof sc !== 'object' || sc === null || Array.isArray(sc)) details.push({ field: 'scope', messages: ['scope must be {platform?, tag?}'] });
    else {
      for (const k of Object.keys(sc)) if (k !== 'platform' && k !== 'tag') details.push({ field: `scope.${k}`, messages: ['scope takes platform and tag'] });
      if (sc.platform !== undefined && !CONFIG_PLATFORMS.includes(sc.platform as ConfigPlatform)) details.push({ field: 'scope.platform', messages: [`platform must be one of ${CONFIG_PLATFORMS.join(', ')}`] });
      if (sc.tag !== undefined && (typeof sc.tag !== 'string' || !sc.tag || sc.tag.length > 64)) details.push({ field: 'scope.tag', messages: ['tag must be a string of 1 to 64 characters'] });
    }
    if (enabled !== undefined && typeof enabled !== 'boolean') details.push({ field: 'enabled', messages: ['enabled must be true or false'] });
    if (details.length || !v.rule) throw badRequest(details.length ? details : [{ field: '', messages: ['invalid rule'] }]);
    const r = v.rule;
    const now = new Date();
    const row = repo.create({
      ...(existing ?? { createdAt: now, enabled: true }), name: r.name, kind: r.kind, pattern: r.pattern, blockStart: r.block?.start ?? null, blockWhere: r.block?.where ?? null,
      severity: r.severity, platform: (sc.platform as ConfigPlatform) ?? null, tag: (sc.tag as string) ?? null, ...(enabled !== undefined ? { enabled: enabled as boolean } : {}), updatedAt: now,
    });
    const saved = await this.ds.transaction(async (em) => {
      const out = await em.getRepository(ConfigRule).save(row);
      await raiseGeneration(em);
      return out;
    });
    this.inBackground('compliance rule changed', () => this.deviceIdsWithConfig());
    return saved;
  }

  async deleteRule(id: number): Promise<void> {
    await this.ds.transaction(async (em) => {
      const r = await em.getRepository(ConfigRule).delete({ id });
      if (!r.affected) throw new NotFoundException(`Compliance rule ${id} does not exist`);
      await raiseGeneration(em);
    });
  }

  // --- evaluation: drift and compliance -------------------------------------------------------------

  /** Drift and every applicable compliance rule for one device's current configuration. */
  async evaluate(deviceId: number): Promise<void> {
    // one evaluation of a device at a time, across every process, each reading the state inside
    // the lock: a worker's after a backup and the API's background one after a template edit
    // used to overlap, and the one that read the older version could write its drift last
    const done = await withNamedLock(this.ds, `config_eval_${deviceId}`, EVALUATE_WAIT_S, () => this.evaluateNow(deviceId));
    if (!done.got) throw new Error(`another evaluation of device ${deviceId}'s configuration held it for ${EVALUATE_WAIT_S} s`);
  }

  private async evaluateNow(deviceId: number): Promise<void> {
    // read before the rules and baselines: a change committed after it leaves the device behind
    const [{ generation }] = await this.ds.query('SELECT COALESCE(MAX(generation), 0) AS generation FROM config_generation WHERE id = 1');
    const [state] = await this.ds.query('SELECT version_id AS versionId, current_text AS text, drift_since AS driftSince FROM device_configs WHERE device_id = ?', [deviceId]);
    if (!state?.versionId) return;
    const device = await this.device(deviceId);
    const now = new Date();
    const text: string = state.text;

    const resolved = await this.resolveBaseline(device);
    if (!resolved) {
      await this.ds.query('UPDATE device_configs SET baseline_id = NULL, drift_since = NULL, drift_diff = NULL, drift_added = 0, drift_removed = 0, drift_error = NULL, evaluated_at = ? WHERE device_id = ?', [now, deviceId]);
    } else if ('error' in resolved) {
      await this.ds.query('UPDATE device_configs SET baseline_id = ?, drift_error = ?, evaluated_at = ? WHERE device_id = ?', [resolved.baseline.id, resolved.error.slice(0, 1000), now, deviceId]);
    } else {
      const ignore = ignorePatterns(resolved.baseline);
      if (typeof ignore === 'string') {
        await this.ds.query('UPDATE device_configs SET baseline_id = ?, drift_error = ?, evaluated_at = ? WHERE device_id = ?', [resolved.baseline.id, ignore.slice(0, 1000), now, deviceId]);
      } else {
        const d = diffConfigs(keepLines(resolved.text, ignore), keepLines(text, ignore), { from: resolved.label, to: `current: version ${state.versionId}` });
        const drifting = d.diff !== '';
        await this.ds.query(
          'UPDATE device_configs SET baseline_id = ?, drift_since = ?, drift_diff = ?, drift_added = ?, drift_removed = ?, drift_error = NULL, evaluated_at = ? WHERE device_id = ?',
          [resolved.baseline.id, drifting ? state.driftSince ?? now : null, drifting ? d.diff : null, d.added, d.removed, now, deviceId]);
      }
    }

    const rules = await this.applicableRules(deviceId, device.platform);
    const previous = new Map<number, { passed: number; since: Date }>((await this.ds.query('SELECT rule_id AS ruleId, passed, since FROM config_rule_results WHERE device_id = ?', [deviceId]))
      .map((r: { ruleId: number; passed: number; since: Date }) => [r.ruleId, r]));
    for (const rule of rules) {
      const res = evaluateRule(text, toComplianceRule(rule));
      const prev = previous.get(rule.id);
      const since = prev && Boolean(prev.passed) === res.passed ? prev.since : now;
      await this.ds.query(
        `INSERT INTO config_rule_results (device_id, rule_id, passed, detail, \`lines\`, since, evaluated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON DUPLICATE KEY UPDATE passed = VALUES(passed), detail = VALUES(detail), \`lines\` = VALUES(\`lines\`), since = VALUES(since), evaluated_at = VALUES(evaluated_at)`,
        [deviceId, rule.id, res.passed, cutUtf8(res.detail, DETAIL_MAX_BYTES), JSON.stringify(res.lines.slice(0, 1000)), since, now]);
      previous.delete(rule.id);
    }
    // rules that no longer apply (scope changed, disabled) leave no stale result behind
    if (previous.size) await this.ds.query(`DELETE FROM config_rule_results WHERE device_id = ? AND rule_id IN (${[...previous.keys()].map(() => '?').join(', ')})`, [deviceId, ...previous.keys()]);
    // done with this version: not when a backup stored another meanwhile (its own evaluation follows)
    await this.ds.query('UPDATE device_configs SET evaluated_generation = ? WHERE device_id = ? AND version_id = ?', [generation, deviceId, state.versionId]);
  }

  /** Whether the device's current version was never evaluated, or was before the latest change to rules or baselines. */
  private async evaluationBehind(deviceId: number): Promise<boolean> {
    const [r] = await this.ds.query(
      `SELECT c.evaluated_generation IS NULL OR c.evaluated_generation < (SELECT COALESCE(MAX(g.generation), 0) FROM config_generation g WHERE g.id = 1) AS behind
       FROM device_configs c WHERE c.device_id = ? AND c.version_id IS NOT NULL`, [deviceId]);
    return Number(r?.behind ?? 0) === 1;
  }

  private async applicableRules(deviceId: number, platform: string): Promise<ConfigRule[]> {
    return this.ds.getRepository(ConfigRule).createQueryBuilder('r')
      .where('r.enabled = 1')
      .andWhere('(r.platform IS NULL OR r.platform = :platform)', { platform })
      .andWhere('(r.tag IS NULL OR r.tag IN (SELECT t.tag FROM device_tags t WHERE t.device_id = :id))', { id: deviceId })
      .orderBy('r.id').getMany();
  }

  private async deviceIdsWithConfig(): Promise<number[]> {
    return (await this.ds.query('SELECT device_id AS id FROM device_configs WHERE version_id IS NOT NULL ORDER BY device_id')).map((r: { id: number }) => r.id);
  }

  /**
   * Re-evaluates devices after a rule or template changed, in this process's background, one
   * batch after another (a fleet of 100,000 would not fit in a request). Each new backup
   * evaluates its device anyway, so a process that dies part-way leaves results that the next
   * backups correct; `pendingEvaluations` tells the API whether results are still moving.
   */
  inBackground(why: string, ids: () => Promise<number[]>): void {
    this.backgroundQueued++;
    this.background = this.background.then(async () => {
      const started = Date.now();
      try {
        const list = await ids();
        for (const id of list) await this.evaluate(id).catch((err) => this.logger.warn({ deviceId: id, err: (err as Error).message }, 'could not evaluate a device\'s configuration'));
        this.logger.log({ why, devices: list.length, ms: Date.now() - started }, 'configurations re-evaluated');
      } catch (err) {
        this.logger.warn({ why, err: (err as Error).message }, 'could not re-evaluate configurations');
      } finally {
        this.backgroundQueued--;
      }
    });
  }

  /** Re-evaluations queued or running in this process (0: the drift report is up to date with every rule and template). */
  get pendingEvaluations(): number {
    return this.backgroundQueued;
  }

  /** Waits for this process's queued re-evaluations (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.backgroundQueued > 0) await this.background;
  }

  // --- the drift report ------------------------------------------------------------------------------

  /**
   * The devices with a problem — drift, a baseline that cannot be compared, a failing rule, a
   * failing backup (whose results are those of its last good configuration) — or, with
   * `deviceId`, that device whatever its state.
   */
  async drift(q: { page: number; limit: number; deviceId?: number; withDiff?: boolean; withTotal?: boolean }): Promise<{ items: DriftItem[]; total: number | null; page: number; limit: number; pendingEvaluations: number }> {
    const where = q.deviceId
      ? 'c.device_id = ?'
      : `(c.drift_since IS NOT NULL OR c.drift_error IS NOT NULL OR c.last_status = 'failed' OR EXISTS (SELECT 1 FROM config_rule_results r WHERE r.device_id = c.device_id AND r.passed = 0))`;
    const params = q.deviceId ? [q.deviceId] : [];
    // the CSV export pages through everything and needs no total
    const [{ n }] = q.withTotal === false ? [{ n: null }] : await this.ds.query(`SELECT COUNT(*) AS n FROM device_configs c WHERE ${where}`, params);
    const rows: Array<{
      deviceId: number; hostname: string | null; platform: string; versionId: string | null; baselineId: number | null; driftSince: Date | null; driftDiff: string | null; driftAdded: number; driftRemoved: number;
      driftError: string | null; changedAt: Date | null; evaluatedAt: Date | null; lastStatus: 'ok' | 'failed' | null; lastError: string | null; lastAttemptAt: Date | null; checkedAt: Date | null;
    }> = await this.ds.query(
      `SELECT c.device_id AS deviceId, d.hostname, d.platform, c.version_id AS versionId, c.baseline_id AS baselineId, c.drift_since AS driftSince, ${q.withDiff === false ? 'NULL' : 'c.drift_diff'} AS driftDiff,
              c.drift_added AS driftAdded, c.drift_removed AS driftRemoved, c.drift_error AS driftError, c.changed_at AS changedAt, c.evaluated_at AS evaluatedAt,
              c.last_status AS lastStatus, c.last_error AS lastError, c.last_attempt_at AS lastAttemptAt, c.checked_at AS checkedAt
       FROM device_configs c JOIN devices d ON d.id = c.device_id WHERE ${where} ORDER BY c.device_id LIMIT ? OFFSET ?`, [...params, q.limit, (q.page - 1) * q.limit]);
    const ids = rows.map((r) => r.deviceId);
    const failures: Array<{ deviceId: number; ruleId: number; name: string; severity: string; detail: string; since: Date }> = ids.length
      ? await this.ds.query(`SELECT r.device_id AS deviceId, r.rule_id AS ruleId, cr.name, cr.severity, r.detail, r.since FROM config_rule_results r JOIN config_rules cr ON cr.id = r.rule_id WHERE r.passed = 0 AND r.device_id IN (${ids.map(() => '?').join(', ')}) ORDER BY r.rule_id`, ids)
      : [];
    const items = rows.map((r) => {
      const violations = failures.filter((f) => f.deviceId === r.deviceId).map(({ deviceId: _d, ...f }) => f);
      const since = [r.driftSince, ...violations.map((v) => v.since)].filter((x): x is Date => !!x).sort((a, b) => a.getTime() - b.getTime())[0] ?? null;
      return {
        deviceId: r.deviceId, hostname: r.hostname, platform: r.platform, versionId: r.versionId === null ? null : Number(r.versionId), baselineId: r.baselineId,
        drift: r.driftSince ? { since: r.driftSince, added: r.driftAdded, removed: r.driftRemoved, diff: r.driftDiff ?? undefined } : null,
        baselineError: r.driftError, violations, since, changedAt: r.changedAt, evaluatedAt: r.evaluatedAt,
        lastStatus: r.lastStatus, lastError: r.lastError, lastAttemptAt: r.lastAttemptAt, checkedAt: r.checkedAt,
      };
    });
    return { items, total: n === null ? null : Number(n), page: q.page, limit: q.limit, pendingEvaluations: this.pendingEvaluations };
  }

  /**
   * What a remediation would push to bring the device back to its baseline; `inLine`: the device
   * does not differ from it at all (with nothing to push, there may still be extra lines, lines
   * in another order or withheld ones).
   */
  async remediation(deviceId: number): Promise<{ device: DeviceRow; baseline: ResolvedBaseline; plan: Remediation; inLine: boolean }> {
    const device = await this.device(deviceId);
    if (!configSourceFor(device.platform)?.push) throw new ConflictException(`Teknisi cannot push configuration to platform ${device.platform}`);
    const [state] = await this.ds.query('SELECT current_text AS text FROM device_configs WHERE device_id = ? AND version_id IS NOT NULL', [deviceId]);
    if (!state) throw new ConflictException(`Device ${deviceId} has no configuration backup yet`);
    const baseline = await this.resolveBaseline(device);
    if (!baseline) throw new ConflictException(`Device ${deviceId} has no baseline: pin a version or set a template for one of its tags or its platform`);
    if ('error' in baseline) throw new ConflictException(baseline.error);
    // a masked secret cannot be pushed back (its value was never stored): such baseline lines
    // the device lacks are withheld, for the technician to set
    const current = new Set((state.text as string).split('\n'));
    const lines = baseline.text.split('\n');
    const secrets = lines.filter((l) => l.includes(MASK) && !current.has(l));
    const platform = device.platform as ConfigPlatform;
    const { add, withheld, notes } = missingLines(lines.filter((l) => !l.includes(MASK)).join('\n'), state.text, platform);
    const ignore = ignorePatterns(baseline.baseline);
    const inLine = typeof ignore !== 'string' && diffConfigs(keepLines(baseline.text, ignore), keepLines(state.text, ignore), { from: 'baseline', to: 'current' }).diff === '';
    return { device, baseline, plan: { add, extra: missingLines(baseline.text, state.text, platform).extra, withheld: [...secrets, ...withheld], notes }, inLine };
  }
}

export interface DriftItem {
  deviceId: number;
  hostname: string | null;
  platform: string;
  /** null: no backup has worked yet */
  versionId: number | null;
  baselineId: number | null;
  drift: { since: Date; added: number; removed: number; diff?: string } | null;
  baselineError: string | null;
  violations: Array<{ ruleId: number; name: string; severity: string; detail: string; since: Date }>;
  since: Date | null;
  changedAt: Date | null;
  evaluatedAt: Date | null;
  /** the last backup attempt: 'failed' keeps the results of the last good configuration */
  lastStatus: 'ok' | 'failed' | null;
  lastError: string | null;
  lastAttemptAt: Date | null;
  /** the last backup that worked (a new version or the same again) */
  checkedAt: Date | null;
}

/**
 * A baseline's ignore patterns compiled, or why one cannot run: one written before patterns
 * ran in linear time (a lookahead, say) is the baseline's error until someone edits it.
 */
function ignorePatterns(b: ConfigBaseline): LinePattern[] | string {
  const out: LinePattern[] = [];
  for (const p of b.ignore) {
    try {
      out.push(compilePattern(p));
    } catch (err) {
      if (!(err instanceof PatternError)) throw err;
      return `the ignore pattern ${JSON.stringify(p)} of baseline #${b.id} cannot run: ${err.message}; edit the baseline`;
    }
  }
  return out;
}

/** The lines of `text` that no ignore pattern matches: what a drift comparison sees. */
function keepLines(text: string, ignore: LinePattern[]): string {
  return text.split('\n').filter((l) => !ignore.some((re) => re.test(l))).join('\n');
}

export function toComplianceRule(r: ConfigRule): ComplianceRule {
  return { id: r.id, name: r.name, kind: r.kind, pattern: r.pattern, severity: r.severity, ...(r.blockStart ? { block: { start: r.blockStart, ...(r.blockWhere ? { where: r.blockWhere } : {}) } } : {}) };
}

function label(v: VersionView): string {
  return `version ${v.id} (${v.collectedAt.toISOString()})`;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/**
 * Marks a change to what evaluations read besides the configuration (compliance rules,
 * baselines, normalization rules), in the change's transaction: a device evaluated before it
 * is evaluated again at its next backup (see ConfigGeneration).
 */
export async function raiseGeneration(em: EntityManager): Promise<void> {
  await em.query('INSERT INTO config_generation (id, generation) VALUES (1, 1) ON DUPLICATE KEY UPDATE generation = generation + 1');
}

export type { DeviceConfig };
