// configs/: searching the current configurations of every device for a line, by substring
// or RE2 pattern, at a bounded cost; what GET /api/configs/search answers.
import { Inject, Injectable } from '@nestjs/common';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { badRequest } from '../common/validation';
import { APP_CONFIG, AppConfig } from '../config/env';
import { compilePattern, LinePattern, validateRulePattern } from './patterns';

const SEARCH_BATCH = 200;
/** a search's time, whatever its size budget: past it the search stops and says so */
const SEARCH_MAX_MS = 10_000;
/** text scanned between two turns that a search gives to other requests (/api/health among them) */
const SEARCH_TURN_CHARS = 1024 * 1024;
const SEARCH_MAX_LINES = 50;

@Injectable()
export class ConfigSearchService {
  constructor(
    private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Devices whose current configuration has a line containing `text` (or matching `regex`), with
   * those lines. Its cost is bounded: it scans at most TEKNISI_CONFIG_SEARCH_MAX_MB of text for
   * at most SEARCH_MAX_MS, then stops with `truncated` (and `total` counts what it scanned), and
   * it lets other requests in as it goes. The regex runs in linear time (patterns.ts).
   */
  async search(q: { text?: string; regex?: string; platform?: string; page: number; limit: number }): Promise<{ items: SearchItem[]; total: number; page: number; limit: number; truncated: boolean }> {
    let re: LinePattern | null = null;
    if (q.regex !== undefined) {
      const problem = validateRulePattern(q.regex);
      if (problem) throw badRequest([{ field: 'regex', messages: [problem] }]);
      re = compilePattern(q.regex);
    }
    if (!q.text && !re) throw badRequest([{ field: 'text', messages: ['give text (a substring) or regex'] }]);
    const where = ['c.current_text IS NOT NULL', 'c.device_id > ?'];
    const params: unknown[] = [];
    // the substring narrows in MySQL; the line-by-line match (and a regex) runs here, a batch of
    // devices at a time so that memory stays bounded however many configurations there are
    if (q.text) (where.push('LOCATE(?, c.current_text) > 0'), params.push(q.text));
    if (q.platform) (where.push('d.platform = ?'), params.push(q.platform));
    const items: SearchItem[] = [];
    const skip = (q.page - 1) * q.limit;
    const maxChars = this.config.configSearchMaxMb * 1024 * 1024;
    const deadline = Date.now() + SEARCH_MAX_MS;
    let total = 0;
    let scanned = 0;
    let turnAt = 0;
    let truncated = false;
    scan: for (let after = 0; ;) {
      const rows: Array<{ deviceId: number; hostname: string | null; platform: string; versionId: string; text: string }> = await this.ds.query(
        `SELECT c.device_id AS deviceId, d.hostname, d.platform, c.version_id AS versionId, c.current_text AS text FROM device_configs c JOIN devices d ON d.id = c.device_id
         WHERE ${where.join(' AND ')} ORDER BY c.device_id LIMIT ${SEARCH_BATCH}`, [after, ...params]);
      for (const r of rows) {
        if (scanned >= maxChars || Date.now() >= deadline) {
          truncated = true;
          break scan;
        }
        scanned += r.text.length;
        const lines = matchingLines(r.text, q.text, re);
        if (lines.length) {
          if (total >= skip && items.length < q.limit) items.push({ deviceId: r.deviceId, hostname: r.hostname, platform: r.platform, versionId: Number(r.versionId), lines });
          total++;
        }
        if (scanned - turnAt >= SEARCH_TURN_CHARS) {
          turnAt = scanned;
          await nextTurn();
        }
      }
      if (rows.length < SEARCH_BATCH) break;
      after = rows[rows.length - 1].deviceId;
    }
    return { items, total, page: q.page, limit: q.limit, truncated };
  }
}
interface SearchItem {
  deviceId: number;
  hostname: string | null;
  platform: string;
  versionId: number;
  lines: Array<{ line: number; text: string }>;
}

/** The (1-based) lines of `text` that contain `sub` and match `re`, at most SEARCH_MAX_LINES. */
function matchingLines(text: string, sub: string | undefined, re: LinePattern | null): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length && out.length < SEARCH_MAX_LINES; i++) {
    if ((!sub || lines[i].includes(sub)) && (!re || re.test(lines[i]))) out.push({ line: i + 1, text: lines[i] });
  }
  return out;
}
