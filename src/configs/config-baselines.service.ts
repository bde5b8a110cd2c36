// configs/: the baselines technicians pin and edit — a version of one device, or a golden
// template for a tag or a platform — and the re-evaluation of the devices each change concerns.
// Which baseline a device is compared with, and the comparison, are ConfigsService's.
import { Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { badRequest, FieldError } from '../common/validation';
import { ConfigBaseline } from './config.entities';
import { ConfigsService, raiseGeneration } from './configs.service';
import { normalize } from './normalize';
import { validateRulePattern } from './patterns';
import { validateTemplate } from './template';
import { CONFIG_PLATFORMS, ConfigPlatform, NormalizationRule } from './types';

@Injectable()
export class ConfigBaselinesService {
  constructor(
    private readonly ds: DataSource,
    private readonly configs: ConfigsService,
  ) {}

  /** Every baseline; with `masked`, templates with their secrets masked (for everyone but admins). */
  async listBaselines(o: { masked: boolean }): Promise<ConfigBaseline[]> {
    const rows = await this.ds.getRepository(ConfigBaseline).find({ order: { id: 'ASC' } });
    if (!o.masked) return rows;
    const masks = await this.masks();
    return rows.map((b) => (b.template === null ? b : { ...b, template: maskTemplate(b.template, b.platform, masks) }));
  }

  /** A baseline's request as the audit log keeps it: the template's secrets masked. */
  async auditSummary<T extends { template?: string; platform?: string }>(input: T): Promise<T> {
    if (input.template === undefined) return input;
    const platform = CONFIG_PLATFORMS.includes(input.platform as ConfigPlatform) ? (input.platform as ConfigPlatform) : null;
    return { ...input, template: maskTemplate(input.template, platform, await this.masks()) };
  }

  private async masks(): Promise<NormalizationRule[]> {
    return (await this.configs.normalizationRules()).filter((r) => r.action === 'mask');
  }

  async pinBaseline(input: { deviceId?: number; versionId?: number; tag?: string; platform?: string; template?: string; ignore?: string[] }, by: string | null): Promise<ConfigBaseline> {
    const details: FieldError[] = [];
    const ignore = input.ignore ?? [];
    ignore.forEach((p, i) => {
      const problem = validateRulePattern(p);
      if (problem) details.push({ field: `ignore.${i}`, messages: [problem] });
    });
    const repo = this.ds.getRepository(ConfigBaseline);
    const now = new Date();
    let row: Partial<ConfigBaseline>;
    if (input.deviceId !== undefined) {
      if (input.tag !== undefined || input.platform !== undefined || input.template !== undefined) details.push({ field: 'deviceId', messages: ['a device baseline pins a version: give deviceId and versionId only'] });
      if (input.versionId === undefined) details.push({ field: 'versionId', messages: ['versionId is required with deviceId'] });
      if (details.length) throw badRequest(details);
      await this.configs.device(input.deviceId);
      const [v] = await this.ds.query('SELECT device_id AS deviceId FROM config_versions WHERE id = ?', [input.versionId]);
      if (!v) throw new NotFoundException(`Config version ${input.versionId} does not exist`);
      if (v.deviceId !== input.deviceId) throw badRequest([{ field: 'versionId', messages: [`version ${input.versionId} is a version of device ${v.deviceId}, not ${input.deviceId}`] }]);
      row = { scope: 'device', deviceId: input.deviceId, versionId: input.versionId!, tag: null, platform: null, template: null };
    } else {
      if ((input.tag === undefined) === (input.platform === undefined)) details.push({ field: 'tag', messages: ['a golden template is for one tag or one platform: give tag or platform (or deviceId and versionId to pin a version)'] });
      if (input.platform !== undefined && !CONFIG_PLATFORMS.includes(input.platform as ConfigPlatform)) details.push({ field: 'platform', messages: [`platform must be one of ${CONFIG_PLATFORMS.join(', ')}`] });
      if (input.template === undefined || !input.template.trim()) details.push({ field: 'template', messages: ['template is required (Handlebars text)'] });
      else {
        const problem = validateTemplate(input.template);
        if (problem) details.push({ field: 'template', messages: [problem] });
      }
      if (input.versionId !== undefined) details.push({ field: 'versionId', messages: ['versionId pins a device\'s version: give it with deviceId'] });
      if (details.length) throw badRequest(details);
      row = { scope: input.tag !== undefined ? 'tag' : 'platform', deviceId: null, versionId: null, tag: input.tag ?? null, platform: (input.platform as ConfigPlatform) ?? null, template: input.template! };
    }
    const where = row.scope === 'device' ? { deviceId: row.deviceId! } : row.scope === 'tag' ? { tag: row.tag! } : { platform: row.platform! };
    const existing = await repo.findOneBy(where);
    const saved = await this.ds.transaction(async (em) => {
      const out = await em.getRepository(ConfigBaseline).save(repo.create({ ...(existing ?? { createdAt: now }), ...row, ignore, createdBy: by, updatedAt: now }));
      await raiseGeneration(em);
      return out;
    });
    if (saved.scope === 'device') await this.configs.evaluate(saved.deviceId!);
    else this.configs.inBackground(`${saved.scope} template changed`, () => this.affected(saved));
    return saved;
  }

  async deleteBaseline(id: number): Promise<void> {
    const b = await this.ds.getRepository(ConfigBaseline).findOneBy({ id });
    if (!b) throw new NotFoundException(`Baseline ${id} does not exist`);
    await this.ds.transaction(async (em) => {
      await em.getRepository(ConfigBaseline).delete({ id });
      await raiseGeneration(em);
    });
    if (b.scope === 'device') await this.configs.evaluate(b.deviceId!);
    else this.configs.inBackground(`${b.scope} template deleted`, () => this.affected(b));
  }

  /** The devices with a configuration that a baseline can concern (a pin: one; a template: its tag's or platform's). */
  private async affected(b: ConfigBaseline): Promise<number[]> {
    let ids: Array<{ id: number }>;
    if (b.scope === 'device') ids = [{ id: b.deviceId! }];
    else if (b.scope === 'tag') ids = await this.ds.query('SELECT c.device_id AS id FROM device_configs c JOIN device_tags t ON t.device_id = c.device_id WHERE t.tag = ? AND c.version_id IS NOT NULL ORDER BY c.device_id', [b.tag]);
    else ids = await this.ds.query('SELECT c.device_id AS id FROM device_configs c JOIN devices d ON d.id = c.device_id WHERE d.platform = ? AND c.version_id IS NOT NULL ORDER BY c.device_id', [b.platform]);
    return ids.map((r) => r.id);
  }
}

/**
 * A template's text with the secrets that mask rules find replaced by `<masked>` (no line
 * dropped): a platform's template with its platform's rules; a tag's, whose devices may be of
 * any platform, with every platform's (masking too much is the safe mistake: Junos's
 * ` secret (\S+)` masks IOS's `enable secret 9 …` type too).
 */
export function maskTemplate(template: string, platform: ConfigPlatform | null, masks: NormalizationRule[]): string {
  return platform ? normalize(template, platform, masks).text : normalize(template, 'linux', masks.map((r) => ({ ...r, platform: null }))).text;
}
