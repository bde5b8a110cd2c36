// devices/: the rules for reading and editing devices by hand. Every change to a device
// becomes a history row naming who made it.
import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/env';
import { normalizeMac } from '../common/mac';
import { Page, parseSort } from '../common/pagination';
import { badRequest, FieldError } from '../common/validation';
import {
  AddressDto, CreateDeviceDto, DEVICE_SORT, DeviceDetailView, DeviceFieldsDto, DeviceFilterQuery, DeviceView,
  HistoryView, MANUAL_SOURCE, TagList, TagsQuery, UpdateDeviceDto,
} from './device.dto';
import { addressKey } from './device-address.entity';
import { Device } from './device.entity';
import { DeviceFilter, DeviceRow, DevicesRepository } from './devices.repository';
import { fieldHistoryKind, HistoryEntry, HistoryKind } from './history-entry.entity';

export function toDeviceView(d: DeviceRow): DeviceView {
  return {
    id: d.id, hostname: d.hostname, fqdn: d.fqdn, type: d.type, platform: d.platform, vendor: d.vendor, model: d.model,
    serial: d.serial, osFamily: d.osFamily, osName: d.osName, osVersion: d.osVersion, primaryIp: d.primaryIp,
    addresses: d.addressList, tags: d.tagList, location: d.location, assignedTo: d.assignedTo, status: d.status,
    sources: d.sourceList, firstSeen: d.firstSeen, lastSeen: d.lastSeen,
  };
}

/** The filter fields of a device list query (or of a bulk edit's filter, which has no page or sort). */
export function filterOf(q: Omit<DeviceFilterQuery, 'page' | 'limit' | 'sort'>): DeviceFilter {
  const { q: text, type, platform, osFamily, vendor, tag, location, softwareId, softwareVersion, status, lastSeenBefore, lastSeenAfter } = q;
  return { q: text, type, platform, osFamily, vendor, tag, location, softwareId, softwareVersion, status, lastSeenBefore, lastSeenAfter };
}

/** Scalar fields compared and recorded one by one; os* fields are history kind `os`. */
const SCALAR_FIELDS = [
  'hostname', 'fqdn', 'type', 'platform', 'vendor', 'model', 'serial', 'osFamily', 'osName', 'osVersion',
  'primaryIp', 'location', 'assignedTo', 'notes',
] as const satisfies ReadonlyArray<keyof DeviceFieldsDto & keyof Device>;

export interface Actor {
  username: string;
}

@Injectable()
export class DevicesService {
  constructor(
    private readonly repo: DevicesRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async tags(q: TagsQuery): Promise<TagList> {
    return { items: await this.repo.tagCounts(q.q?.trim() || undefined, q.limit) };
  }

  async list(q: DeviceFilterQuery): Promise<Page<DeviceView>> {
    const sort = parseSort(q.sort, DEVICE_SORT, 'hostname');
    const { ids, total } = await this.repo.pageIds(filterOf(q), sort, (q.page - 1) * q.limit, q.limit);
    const rows = await this.repo.loadRows(ids);
    return { items: rows.map(toDeviceView), total, page: q.page, limit: q.limit };
  }

  async get(id: number): Promise<DeviceDetailView> {
    const row = await this.repo.findRow(id);
    if (!row) throw new NotFoundException(`Device ${id} does not exist`);
    const [hardware, interfaces, neighbours, distinctFrom] = await Promise.all([
      this.repo.findHardware(id), this.repo.findInterfaces(id), this.repo.neighboursOf(id), this.repo.distinctFrom(id),
    ]);
    return {
      ...toDeviceView(row), notes: row.notes, retiredAt: row.retiredAt, createdAt: row.createdAt, updatedAt: row.updatedAt,
      hardware: hardware.map(({ kind, name, manufacturer, model, serial, capacityBytes, speedMhz, cores, slot }) => ({
        kind, name, manufacturer, model, serial, capacityBytes: capacityBytes === null ? null : Number(capacityBytes), speedMhz, cores, slot,
      })),
      interfaces: interfaces.map(({ name, description, ifIndex, mac, speedMbps, mtu, adminStatus, operStatus }) => ({
        name, description, ifIndex, mac, speedMbps, mtu, adminStatus, operStatus,
      })),
      neighbours, distinctFrom,
    };
  }

  async create(dto: CreateDeviceDto, actor: Actor): Promise<DeviceDetailView> {
    const id = await this.repo.transaction((m) => this.createIn(m, dto, actor));
    return this.get(id);
  }

  /** Creates a device by hand inside a transaction (also used by CSV import). */
  async createIn(m: EntityManager, dto: CreateDeviceDto, actor: Actor): Promise<number> {
    if (!dto.hostname && !dto.serial && !dto.primaryIp && !dto.addresses?.length) {
      throw new BadRequestException({
        message: 'A device needs at least a hostname, a serial, a primaryIp or an address',
        details: [{ field: 'hostname', messages: ['give a hostname, serial, primaryIp or addresses'] }],
      });
    }
    const now = new Date();
    const fields = pickScalars(dto);
    fields.primaryIp ??= dto.addresses?.find((a) => a.ip)?.ip ?? null;
    const id = await this.repo.insertDevice(m, {
      ...fields, type: dto.type ?? 'other', platform: dto.platform ?? 'other', status: 'active',
      firstSeen: now, lastSeen: now, createdAt: now, updatedAt: now, retiredAt: null,
    });
    if (dto.tags?.length) await this.repo.replaceTags(m, id, uniqueTags(dto.tags));
    const addresses = this.addressesFrom(dto.addresses, dto.primaryIp);
    if (addresses.length) await this.repo.replaceAddresses(m, id, addresses);
    await this.repo.touchSource(m, id, MANUAL_SOURCE, now);
    await this.repo.insertHistory(m, [{ deviceId: id, at: now, kind: 'field', action: 'added', subject: 'device', beforeValue: null, afterValue: fields.hostname ?? fields.serial ?? fields.primaryIp ?? null, source: MANUAL_SOURCE, actor: actor.username }]);
    return id;
  }

  async update(id: number, dto: UpdateDeviceDto, actor: Actor): Promise<DeviceDetailView> {
    await this.repo.transaction((m) => this.updateIn(m, id, dto, actor));
    return this.get(id);
  }

  /** Applies the fields present in `dto`, recording one history row per real change. */
  async updateIn(m: EntityManager, id: number, dto: UpdateDeviceDto, actor: Actor): Promise<void> {
    const current = await this.repo.lockDevice(m, id);
    if (!current) throw new NotFoundException(`Device ${id} does not exist`);
    const now = new Date();
    const history: Array<Omit<HistoryEntry, 'id' | 'device'>> = [];
    const record = (kind: HistoryKind, action: 'added' | 'removed' | 'changed', subject: string, before: string | null, after: string | null) =>
      history.push({ deviceId: id, at: now, kind, action, subject, beforeValue: before, afterValue: after, source: MANUAL_SOURCE, actor: actor.username });

    const patch: Partial<Device> = {};
    for (const [field, value] of Object.entries(pickScalars(dto)) as Array<[keyof Device, string | null]>) {
      const before = (current[field] as string | null) ?? null;
      if (value === before) continue;
      (patch as Record<string, unknown>)[field] = value;
      record(fieldHistoryKind(field), before === null ? 'added' : value === null ? 'removed' : 'changed', field, before, value);
    }
    if (dto.status && dto.status !== current.status) {
      patch.status = dto.status;
      patch.retiredAt = dto.status === 'retired' ? now : null;
      record('field', 'changed', 'status', current.status, dto.status);
      // a title's device count leaves retired devices out: retiring one (or bringing it back)
      // moves the count of each title it has, at once rather than at the hourly recount
      if ((dto.status === 'retired') !== (current.status === 'retired')) await this.repo.countTitlesOf(m, id, dto.status === 'retired' ? -1 : 1);
    }
    if (dto.tags || dto.addTags || dto.removeTags) {
      checkTagChanges(dto);
      const before = await this.repo.tagsOf(m, id);
      const after = dto.tags ? uniqueTags(dto.tags) : withTagChanges(before, dto.addTags ?? [], dto.removeTags ?? []);
      for (const t of after.filter((t) => !before.includes(t))) record('field', 'added', `tag ${t}`, null, t);
      for (const t of before.filter((t) => !after.includes(t))) record('field', 'removed', `tag ${t}`, t, null);
      if (history.some((h) => h.subject.startsWith('tag '))) await this.repo.replaceTags(m, id, after);
    }
    if (dto.addresses) {
      // each address by its "ip mac", with the interface it is on: a new interface name for the
      // same address is a change too (it was compared by "ip mac" alone, and dropped unsaid)
      const before = new Map((await this.repo.addressesOf(m, id)).map((a) => [addressKey(a), a.interfaceName] as const));
      const next = this.addressesFrom(dto.addresses, dto.primaryIp ?? current.primaryIp ?? undefined);
      const after = new Map(next.map((a) => [addressKey(a), a.interfaceName] as const));
      const count = history.length;
      for (const [a, iface] of after) {
        if (!before.has(a)) record('address', 'added', a, null, a);
        else if ((before.get(a) ?? null) !== iface) record('address', 'changed', a, before.get(a) ?? null, iface);
      }
      for (const a of before.keys()) if (!after.has(a)) record('address', 'removed', a, a, null);
      if (history.length > count) await this.repo.replaceAddresses(m, id, next);
    }
    if (!history.length) return;
    await this.repo.updateDevice(m, id, { ...patch, updatedAt: now });
    await this.repo.insertHistory(m, history);
  }

  /** DELETE retires: the device leaves default lists and keeps its history. */
  async retire(id: number, actor: Actor): Promise<void> {
    await this.repo.transaction((m) => this.updateIn(m, id, { status: 'retired' }, actor));
  }

  async history(id: number, kind: string | undefined, q: string | undefined, page: number, limit: number): Promise<Page<HistoryView>> {
    await this.mustExist(id);
    const [rows, total] = await this.repo.history(id, kind, q, (page - 1) * limit, limit);
    const items = rows.map((h) => ({
      at: h.at, kind: h.kind, action: h.action, subject: h.subject, source: h.source, actor: h.actor,
      ...(h.beforeValue !== null ? { before: h.beforeValue } : {}),
      ...(h.afterValue !== null ? { after: h.afterValue } : {}),
    }));
    return { items, total, page, limit };
  }

  async mustExist(id: number): Promise<void> {
    if (!(await this.repo.exists(id))) throw new NotFoundException(`Device ${id} does not exist`);
  }

  async markStale(): Promise<number> {
    return this.repo.markStale(this.config.staleDays);
  }

  private addressesFrom(addrs: AddressDto[] | undefined, primaryIp: string | undefined) {
    const out = (addrs ?? [])
      .filter((a) => a.ip || a.mac)
      .map((a) => ({ ip: a.ip ?? null, mac: a.mac ? normalizeMac(a.mac) : null, interfaceName: a.interfaceName ?? null }));
    if (primaryIp && !out.some((a) => a.ip === primaryIp)) out.unshift({ ip: primaryIp, mac: null, interfaceName: null });
    const seen = new Set<string>();
    return out.filter((a) => !seen.has(addressKey(a)) && seen.add(addressKey(a)));
  }
}

/**
 * Tags trimmed and each once, compared as the database compares them (device_tags.tag is
 * utf8mb4_unicode_ci: "floor" and "FLOOR" are one key); the first spelling given wins.
 */
export function uniqueTags(tags: string[]): string[] {
  const byKey = new Map<string, string>();
  for (const t of tags.map((x) => x.trim())) if (!byKey.has(t.toLowerCase())) byKey.set(t.toLowerCase(), t);
  return [...byKey.values()].sort();
}

/** tags (the list) or addTags and removeTags (changes to it), and no tag both added and removed. */
function checkTagChanges(dto: UpdateDeviceDto): void {
  const details: FieldError[] = [];
  if (dto.tags && (dto.addTags || dto.removeTags)) details.push({ field: 'tags', messages: ['give tags (the whole list) or addTags and removeTags (changes to it), not both'] });
  const removed = new Set((dto.removeTags ?? []).map((t) => t.trim().toLowerCase()));
  const both = uniqueTags(dto.addTags ?? []).filter((t) => removed.has(t.toLowerCase()));
  if (both.length) details.push({ field: 'removeTags', messages: [`a tag cannot be both added and removed: ${both.join(', ')}`] });
  if (details.length) throw badRequest(details);
}

/** The stored tags less `remove`, plus those of `add` it lacks, compared as the database compares tags (case aside). */
export function withTagChanges(stored: string[], add: string[], remove: string[]): string[] {
  const removed = new Set(remove.map((t) => t.trim().toLowerCase()));
  const kept = stored.filter((t) => !removed.has(t.toLowerCase()));
  return uniqueTags([...kept, ...add]);
}

/** The scalar fields present in a DTO; an empty string clears a field. */
function pickScalars(dto: DeviceFieldsDto): Partial<Record<(typeof SCALAR_FIELDS)[number], string | null>> {
  const out: Partial<Record<(typeof SCALAR_FIELDS)[number], string | null>> = {};
  for (const f of SCALAR_FIELDS) {
    const v = dto[f];
    if (v !== undefined) out[f] = v === '' ? null : v;
  }
  return out;
}
