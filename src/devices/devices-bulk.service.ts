// devices/: edits to many devices at once (the device grid's selection, or everything a filter
// matches). Works through the devices a batch at a time, each batch one short transaction with
// multi-row SQL, so that 100,000 devices take seconds and never hold locks for long; every
// change is a history row naming who made it, as with a single edit.
import { Injectable, InternalServerErrorException, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { badRequest, FieldError } from '../common/validation';
import { isDeadlock } from '../database/driver-errors';
import { BulkTagDto, BulkTagResult, MANUAL_SOURCE } from './device.dto';
import { DevicesRepository } from './devices.repository';
import { Actor, filterOf } from './devices.service';
import { HistoryEntry } from './history-entry.entity';

const BATCH = 2000;

type HistoryRow = Omit<HistoryEntry, 'id' | 'device'>;

/** Tags trimmed and without duplicates, compared as the database compares them (ignoring case). */
function tagSet(tags: string[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of tags ?? []) if (!out.has(t.trim().toLowerCase())) out.set(t.trim().toLowerCase(), t.trim());
  return out;
}

/**
 * A batch that failed, the ones before it kept: the answer says how many devices were done (the
 * client said "No tags changed" when thousands had been), and that trying again is safe, since
 * each batch is worked out again from what is stored. The log has the cause.
 */
function stoppedAfter(done: number, of: number, updated: number, cause: unknown): InternalServerErrorException {
  const again = 'Trying again is safe: devices that have the change already are left as they are.';
  const message = done === 0
    ? `No tags were changed: an error stopped the edit (the server's log says why). ${again}`
    : `Only ${done.toLocaleString('en')} of the ${of.toLocaleString('en')} devices were done (${updated.toLocaleString('en')} of them changed) before an error stopped the edit (the server's log says why); the other ${(of - done).toLocaleString('en')} were not changed. ${again}`;
  return new InternalServerErrorException(message, { cause });
}

@Injectable()
export class DevicesBulkService {
  private readonly logger = new Logger('DevicesBulk');

  constructor(private readonly repo: DevicesRepository) {}

  async tags(dto: BulkTagDto, actor: Actor): Promise<BulkTagResult> {
    const add = tagSet(dto.addTags);
    const remove = tagSet(dto.removeTags);
    this.check(dto, add, remove);
    const started = Date.now();
    const ids = dto.ids ? [...new Set(dto.ids)].sort((a, b) => a - b) : await this.repo.idsMatching(filterOf(dto.filter!));
    let matched = 0;
    let updated = 0;
    for (let i = 0; i < ids.length; i += BATCH) {
      const batch = ids.slice(i, i + BATCH);
      try {
        const r = await this.retryDeadlocks(() => this.repo.transaction((m) => this.tagBatch(m, batch, [...add.values()], [...remove.values()], actor)));
        matched += r.matched;
        updated += r.updated;
      } catch (err) {
        throw stoppedAfter(i, ids.length, updated, err);
      }
    }
    this.logger.log({ matched, updated, addTags: [...add.values()], removeTags: [...remove.values()], actor: actor.username, ms: Date.now() - started }, 'devices tagged in bulk');
    return { matched, updated };
  }

  private check(dto: BulkTagDto, add: Map<string, string>, remove: Map<string, string>): void {
    const details: FieldError[] = [];
    if (dto.ids && dto.filter) details.push({ field: 'filter', messages: ['give ids or filter, not both'] });
    if (!dto.ids && !dto.filter) details.push({ field: 'ids', messages: ['give ids or filter'] });
    if (!add.size && !remove.size) details.push({ field: 'addTags', messages: ['give at least one tag in addTags or removeTags'] });
    const both = [...add.keys()].filter((k) => remove.has(k)).map((k) => add.get(k)!);
    if (both.length) details.push({ field: 'removeTags', messages: [`a tag cannot be both added and removed: ${both.join(', ')}`] });
    if (details.length) throw badRequest(details);
  }

  /** One batch: lock the devices, compare their tags with the request, write the differences and their history. */
  private async tagBatch(m: EntityManager, ids: number[], add: string[], remove: string[], actor: Actor): Promise<BulkTagResult> {
    const existing = await this.repo.lockExisting(m, ids);
    if (!existing.length) return { matched: 0, updated: 0 };
    const stored = await this.repo.tagsAmong(m, existing, [...add, ...remove]);
    const has = new Set(stored.map((s) => `${s.deviceId} ${s.tag.toLowerCase()}`));
    const now = new Date();
    const history: HistoryRow[] = [];
    const record = (deviceId: number, action: 'added' | 'removed', tag: string) =>
      history.push({
        deviceId, at: now, kind: 'field', action, subject: `tag ${tag}`, beforeValue: action === 'removed' ? tag : null,
        afterValue: action === 'added' ? tag : null, source: MANUAL_SOURCE, actor: actor.username,
      });
    const toAdd = existing.flatMap((deviceId) => add.filter((t) => !has.has(`${deviceId} ${t.toLowerCase()}`)).map((tag) => ({ deviceId, tag })));
    const removeKeys = new Set(remove.map((t) => t.toLowerCase()));
    const toRemove = stored.filter((s) => removeKeys.has(s.tag.toLowerCase()));
    for (const p of toAdd) record(p.deviceId, 'added', p.tag);
    for (const p of toRemove) record(p.deviceId, 'removed', p.tag);
    if (!history.length) return { matched: existing.length, updated: 0 };
    if (toRemove.length) await this.repo.deleteTagsAmong(m, [...new Set(toRemove.map((p) => p.deviceId))], remove);
    await this.repo.insertTagPairs(m, toAdd);
    const changed = [...new Set(history.map((h) => h.deviceId))];
    await this.repo.touchDevices(m, changed, now);
    await this.repo.insertHistoryBatch(m, history);
    return { matched: existing.length, updated: changed.length };
  }

  /** A batch is recomputed from what is stored, so running it again after a deadlock is safe. */
  private async retryDeadlocks<T>(fn: () => Promise<T>): Promise<T> {
    for (let i = 0; ; i++) {
      try {
        return await fn();
      } catch (err) {
        if (!isDeadlock(err) || i >= 3) throw err;
        await new Promise((r) => setTimeout(r, 50 * (i + 1)));
      }
    }
  }
}
