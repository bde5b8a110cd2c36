// devices/: a technician's word on identity. Merging folds two records of one machine into
// one, so its past, software and identifiers live on the survivor (and later reports of
// either identity land there); marking two devices distinct tells ingest never to give one
// machine's report to the other, even when they share a cloned MAC or a reused serial.
import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { addressKey } from './device-address.entity';
import { DeviceDetailView, MANUAL_SOURCE } from './device.dto';
import { Device, DeviceStatus } from './device.entity';
import { DevicesMergeRepository } from './devices-merge.repository';
import { DevicesRepository } from './devices.repository';
import { Actor, DevicesService } from './devices.service';
import { fieldHistoryKind, HistoryEntry } from './history-entry.entity';

type History = Omit<HistoryEntry, 'id' | 'device'>;

/** Fields the survivor takes from the merged device when it has none of its own. */
const FILLED = ['hostname', 'fqdn', 'vendor', 'model', 'serial', 'osFamily', 'osName', 'osVersion', 'primaryIp', 'location', 'assignedTo', 'notes'] as const;
const LIVELINESS: Record<DeviceStatus, number> = { retired: 0, stale: 1, active: 2 };

@Injectable()
export class DevicesMergeService {
  constructor(
    private readonly devices: DevicesService,
    private readonly repo: DevicesRepository,
    private readonly merges: DevicesMergeRepository,
  ) {}

  /** Merges device `otherId` into device `id` in one transaction; `otherId` is deleted. */
  async merge(id: number, otherId: number, actor: Actor): Promise<DeviceDetailView> {
    if (id === otherId) throw sameDevice('A device cannot be merged into itself');
    await retryOnDeadlock(() => this.repo.transaction((m) => this.mergeIn(m, id, otherId, actor)));
    return this.devices.get(id);
  }

  async markDistinct(id: number, otherId: number, actor: Actor): Promise<DeviceDetailView> {
    if (id === otherId) throw sameDevice('A device cannot be distinct from itself');
    await this.repo.transaction(async (m) => {
      const [self, other] = await this.both(m, id, otherId);
      const now = new Date();
      if (await this.merges.markDistinct(m, id, otherId, actor.username, now)) {
        await this.repo.insertHistory(m, [
          note(id, now, 'added', `distinct from #${otherId} (${nameOf(other)})`, actor),
          note(otherId, now, 'added', `distinct from #${id} (${nameOf(self)})`, actor),
        ]);
      }
    });
    return this.devices.get(id);
  }

  async unmarkDistinct(id: number, otherId: number, actor: Actor): Promise<void> {
    await this.repo.transaction(async (m) => {
      const [self, other] = await this.both(m, id, otherId);
      if (!(await this.merges.unmarkDistinct(m, id, otherId))) throw new NotFoundException(`Devices ${id} and ${otherId} are not marked as distinct`);
      const now = new Date();
      await this.repo.insertHistory(m, [
        note(id, now, 'removed', `distinct from #${otherId} (${nameOf(other)})`, actor),
        note(otherId, now, 'removed', `distinct from #${id} (${nameOf(self)})`, actor),
      ]);
    });
  }

  private async mergeIn(m: EntityManager, id: number, otherId: number, actor: Actor): Promise<void> {
    const [survivor, other] = await this.both(m, id, otherId);
    if (await this.merges.isDistinct(m, id, otherId)) {
      throw new ConflictException(
        `Devices ${id} and ${otherId} are marked as distinct machines; if they are one machine after all, undo that first with DELETE /api/devices/${id}/distinct/${otherId}`,
      );
    }
    const now = new Date();
    const patch = mergedFields(survivor, other, now);
    // what the survivor gains besides its fields, named in its history as an edit would name it
    const gained = await this.gainedTagsAndAddresses(m, id, otherId);
    await this.moveSoftware(m, survivor, other, (patch.status ?? survivor.status) !== 'retired');
    for (const table of ['device_addresses', 'device_tags', 'device_neighbours'] as const) await this.merges.moveRows(m, table, otherId, id);
    // interfaces and hardware describe one machine as one source saw it: never a mix of two
    for (const table of ['network_interfaces', 'hardware_components'] as const) {
      if ((await this.merges.countRows(m, table, id)) === 0) await this.merges.moveRows(m, table, otherId, id);
    }
    await this.merges.mergeSources(m, otherId, id);
    await this.merges.mergeCredentials(m, otherId, id);
    await this.merges.repoint(m, otherId, id);
    await this.merges.repointJobs(m, otherId, id);
    const distinctFrom = await this.merges.moveDistinctPairs(m, otherId, id, now);
    // a serial the survivor does not take (it keeps its own) would be lost with the merged row,
    // and the next report carrying it, matched by nothing else (a report with a serial never
    // lands on a device with another), would make the duplicate again
    const keptSerial = other.serial !== null && other.serial !== (patch.serial ?? survivor.serial) ? other.serial : null;
    await this.merges.recordMerge(m, otherId, id, now, keptSerial);
    await this.merges.deleteDevice(m, otherId);
    await this.repo.updateDevice(m, id, patch);

    const history: History[] = [];
    for (const f of FILLED) {
      if (patch[f] !== undefined) {
        const before = survivor[f] === null ? null : String(survivor[f]);
        history.push({ deviceId: id, at: now, kind: fieldHistoryKind(f), action: before === null ? 'added' : 'changed', subject: f, beforeValue: before, afterValue: String(patch[f]), source: MANUAL_SOURCE, actor: actor.username });
      }
    }
    for (const f of ['type', 'platform', 'status'] as const) {
      if (patch[f] !== undefined) history.push({ deviceId: id, at: now, kind: 'field', action: 'changed', subject: f, beforeValue: survivor[f], afterValue: patch[f]!, source: MANUAL_SOURCE, actor: actor.username });
    }
    for (const t of gained.tags) history.push({ deviceId: id, at: now, kind: 'field', action: 'added', subject: `tag ${t}`, beforeValue: null, afterValue: t, source: MANUAL_SOURCE, actor: actor.username });
    for (const a of gained.addresses) history.push({ deviceId: id, at: now, kind: 'address', action: 'added', subject: a, beforeValue: null, afterValue: a, source: MANUAL_SOURCE, actor: actor.username });
    // a device the merged one was marked distinct from is now distinct from the survivor: said on
    // it (the survivor has the mark's line among the merged device's past), or its history would
    // go on naming a device that no longer exists
    for (const c of distinctFrom) {
      history.push(note(c, now, 'removed', `distinct from #${otherId} (${nameOf(other)})`, actor), note(c, now, 'added', `distinct from #${id} (${nameOf(survivor)}), into which #${otherId} was merged`, actor));
    }
    // last, so that it heads the history (newest first) above the fields it filled
    history.push({
      deviceId: id, at: now, kind: 'field', action: 'changed', subject: `merged device #${otherId} (${nameOf(other)})`.slice(0, 255),
      beforeValue: describe(other), afterValue: null, source: MANUAL_SOURCE, actor: actor.username,
    });
    await this.repo.insertHistory(m, history);
  }

  /**
   * Installs move (the survivor keeps its own where both have one), and each title's device
   * count changes by what the merge changes: a title both had loses a device, a title only
   * the merged device had moves with it, and retired devices count for nothing.
   */
  private async moveSoftware(m: EntityManager, survivor: Device, other: Device, countedAfter: boolean): Promise<void> {
    const mine = new Set(await this.merges.titlesOf(m, survivor.id));
    const theirs = new Set(await this.merges.titlesOf(m, other.id));
    const added: number[] = [];
    const removed: number[] = [];
    for (const t of new Set([...mine, ...theirs])) {
      const before = (survivor.status !== 'retired' && mine.has(t) ? 1 : 0) + (other.status !== 'retired' && theirs.has(t) ? 1 : 0);
      const delta = (countedAfter ? 1 : 0) - before;
      if (delta > 0) added.push(t);
      else if (delta < 0) removed.push(t);
    }
    await this.merges.keepEarliestInstalls(m, other.id, survivor.id);
    await this.merges.moveRows(m, 'installed_software', other.id, survivor.id);
    await this.merges.adjustDeviceCounts(m, added, removed);
  }

  /** The merged device's tags (compared ignoring case, as the database does) and addresses that the survivor lacks. */
  private async gainedTagsAndAddresses(m: EntityManager, id: number, otherId: number): Promise<{ tags: string[]; addresses: string[] }> {
    const [mine, theirs, myAddresses, theirAddresses] = await Promise.all([
      this.repo.tagsOf(m, id), this.repo.tagsOf(m, otherId), this.repo.addressesOf(m, id), this.repo.addressesOf(m, otherId),
    ]);
    const known = new Set(mine.map((t) => t.toLowerCase()));
    const have = new Set(myAddresses.map(addressKey));
    return { tags: theirs.filter((t) => !known.has(t.toLowerCase())), addresses: [...new Set(theirAddresses.map(addressKey))].filter((a) => a && !have.has(a)) };
  }

  /** Both devices locked, or a 404 naming the one that is missing. */
  private async both(m: EntityManager, id: number, otherId: number): Promise<[Device, Device]> {
    const rows = await this.merges.lockBoth(m, id, otherId);
    for (const x of [id, otherId]) if (!rows.has(x)) throw new NotFoundException(`Device ${x} does not exist`);
    return [rows.get(id)!, rows.get(otherId)!];
  }
}

/** What the survivor's row becomes: empty fields filled, the wider seen-span, the livelier status. */
export function mergedFields(survivor: Device, other: Device, now: Date): Partial<Device> {
  const patch: Partial<Device> = { updatedAt: now };
  for (const f of FILLED) if (survivor[f] === null && other[f] !== null) (patch as Record<string, unknown>)[f] = other[f];
  // notes are what technicians wrote (a warranty, an order number): both devices' are kept
  if (survivor.notes !== null && other.notes !== null && other.notes.trim() && !survivor.notes.includes(other.notes)) {
    patch.notes = `${survivor.notes}\n\n(from merged device #${other.id}, ${nameOf(other)}:)\n${other.notes}`;
  }
  if (survivor.type === 'other' && other.type !== 'other') patch.type = other.type;
  if (survivor.platform === 'other' && other.platform !== 'other') patch.platform = other.platform;
  if (other.firstSeen < survivor.firstSeen) patch.firstSeen = other.firstSeen;
  if (other.lastSeen > survivor.lastSeen) patch.lastSeen = other.lastSeen;
  // a live sighting merged into a retired record brings it back: ingest never matches retired devices
  if (LIVELINESS[other.status] > LIVELINESS[survivor.status]) (patch.status = other.status), (patch.retiredAt = null);
  return patch;
}

function nameOf(d: Device): string {
  return d.hostname ?? d.serial ?? d.primaryIp ?? `device ${d.id}`;
}

/**
 * The merged device as it was, kept in the history row since its own row is gone: its
 * identifiers, and what a technician wrote on it (location, assigned user, notes), which the
 * survivor's own values replaced and which would otherwise be lost without a trace.
 */
function describe(d: Device): string {
  return [
    d.hostname && `hostname ${d.hostname}`, d.serial && `serial ${d.serial}`, d.primaryIp && `address ${d.primaryIp}`, d.model && `model ${d.model}`,
    d.location && `location ${d.location}`, d.assignedTo && `assigned to ${d.assignedTo}`, d.notes && `notes: ${d.notes}`,
  ].filter(Boolean).join(', ') || `device ${d.id}`;
}

function note(deviceId: number, at: Date, action: 'added' | 'removed', subject: string, actor: Actor): History {
  return { deviceId, at, kind: 'field', action, subject: subject.slice(0, 255), beforeValue: null, afterValue: null, source: MANUAL_SOURCE, actor: actor.username };
}

function sameDevice(message: string): BadRequestException {
  return new BadRequestException({ message, details: [{ field: 'otherId', messages: ['must be another device'] }] });
}

/** A merge touches many rows that concurrent ingests also lock; InnoDB may pick it as a deadlock victim. */
async function retryOnDeadlock<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      const errno = (err as { driverError?: { errno?: number } }).driverError?.errno;
      if (i >= attempts || errno !== 1213) throw err;
    }
  }
}
