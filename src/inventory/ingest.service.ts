// inventory/: ingest. A report is matched to a known device (serial, then MACs, then hostname
// with address, then hostname with machine-id; junk identifiers never match), then only what
// changed is written, each change as a history row. MySQL named locks on every identifier of
// the report (serial, MACs, hostname@address, hostname@machine-id) make two reports of one new machine, on two workers at once, end as one
// device even when they share only one identifier (SNMP sees the MAC, SSH the serial too).
// Devices a technician marked distinct are never given each other's reports, nor an agent's
// report network gear or a computer with another OS installation id. When several
// sources see one machine, each group of fields keeps the best recent source's view (see
// source-precedence.ts), so that alternating SNMP and SSH scans don't rewrite each other; a
// report collected before its source's last one of the device is a sighting only.
import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/env';
import { addressKey } from '../devices/device-address.entity';
import { Device, DEVICE_TYPES, PLATFORMS } from '../devices/device.entity';
import { HARDWARE_KINDS } from '../devices/hardware-component.entity';
import { DevicesRepository } from '../devices/devices.repository';
import { DeviceCountsService } from '../software/device-counts.service';
import { fieldHistoryKind, HistoryEntry, HistoryKind } from '../devices/history-entry.entity';
import { calendarDay } from '../common/calendar';
import { normalizeMac } from '../common/mac';
import { cleanText, isStorableIp, isUsefulMac, isUsefulSerial, normalizedTitle, usefulMachineId } from './identity';
import { agentMayLand, disambiguate, hasDistinctPair, MatchedBy } from './identity-match';
import { IngestResult, InventoryReport } from './inventory-report';
import { InventoryRepository, TitleKey, titleKey } from './inventory.repository';
import { addressesOthersReach, deviceClass, FieldGroup, GROUP_FIELDS, outrankedBy, ReportSource, Sighting } from './source-precedence';
import { createHash } from 'node:crypto';
import { compareVersions } from '../common/versions';
import { databaseTag } from '../database/named-lock';

type History = Omit<HistoryEntry, 'id' | 'device'>;
type InstalledVersion = { softwareId: number; version: string; architecture: string };
/** The groups a report leaves alone, each with the better source whose view stands. */
type Held = Partial<Record<FieldGroup, ReportSource>>;

const REPORTED_FIELDS = ['hostname', 'fqdn', 'serial', 'vendor', 'model', 'osFamily', 'osName', 'osVersion'] as const;
const LIMITS: Record<(typeof REPORTED_FIELDS)[number], number> = {
  hostname: 255, fqdn: 255, serial: 128, vendor: 128, model: 255, osFamily: 32, osName: 255, osVersion: 128,
};

interface CleanReport {
  source: InventoryReport['source'];
  at: Date;
  fields: Partial<Record<(typeof REPORTED_FIELDS)[number], string>>;
  type?: Device['type'];
  platform?: Device['platform'];
  macs: string[];
  addresses: string[];
  /** the OS installation's id (a hardware row {kind: other, name: machine-id}), lower case, when it is one */
  machineId?: string;
  report: InventoryReport;
}

@Injectable()
export class IngestService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: InventoryRepository,
    private readonly devices: DevicesRepository,
    private readonly counts: DeviceCountsService,
    // optional for callers outside Nest (bench/): they get TEKNISI_STALE_DAYS's default
    @Optional() @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'staleDays'> = { staleDays: 30 },
  ) {}

  /** this database's part of every ingest lock's name (lockScopeOf) */
  private get lockScope(): string {
    return (this.scope ??= lockScopeOf(this.ds));
  }
  private scope?: string;

  async ingest(report: InventoryReport): Promise<IngestResult> {
    const r = clean(report);
    const runner = this.ds.createQueryRunner();
    await runner.connect();
    let held: string[] = [];
    try {
      const software = r.report.software ? await this.prepareSoftware(runner, r) : undefined;
      // in one global order, so that two reports sharing identifiers never wait on each other in
      // a cycle; one statement for all (a switch's report has up to 25), which stops at the first
      // that times out: then every name is released, whichever were taken
      const locks = lockNames(r, this.lockScope);
      if (locks.length) {
        held = locks;
        const [{ got }] = await runner.query(`SELECT ${locks.map(() => 'GET_LOCK(?, ?)').join(' AND ')} AS got`, locks.flatMap((l) => [l, INGEST_LOCKS.waitSeconds]));
        if (Number(got) !== 1) throw new IngestBusy(`timed out after ${INGEST_LOCKS.waitSeconds} s waiting for another report of the same machine to be stored`);
      }
      const { result, counts } = await committed(runner, async () => {
        const counts: CountDelta = { added: [], removed: [] };
        return { result: await this.ingestIn(runner.manager, r, counts, software), counts };
      });
      // only what committed; written in batches about a second later, not by this report
      // (titles every machine shares, updated by every report, cost a tenth of ingest)
      this.counts.add(counts.added, counts.removed);
      return result;
    } finally {
      // released after the commit, so the next report of this machine sees this one's device
      // (RELEASE_LOCK of a name this session does not hold changes nothing)
      if (held.length) await runner.query(`SELECT ${held.map(() => 'RELEASE_LOCK(?)').join(', ')}`, held).catch(() => undefined);
      await runner.release();
    }
  }

  private async ingestIn(m: EntityManager, r: CleanReport, counts: CountDelta, software: PreparedSoftware | undefined): Promise<IngestResult> {
    const { id: matched, by } = await this.match(m, r);
    /** created by this report: it has no rows of its own yet, and its first sighting is one history line */
    const isNew = matched === null;
    const history: History[] = [];
    const record = (deviceId: number, kind: HistoryKind, action: History['action'], subject: string, before: string | null, after: string | null) =>
      history.push({ deviceId, at: r.at, kind, action, subject: subject.slice(0, 255), beforeValue: before, afterValue: after, source: r.source, actor: null });

    let id: number;
    let held: Held = {};
    /** addresses other sources reach this machine at, which this report leaves in place */
    let othersReach = new Set<string>();
    /** where this report's source last reached the machine */
    let reachedBefore: string | null = null;
    if (isNew) {
      id = await this.devices.insertDevice(m, {
        ...r.fields, type: r.type ?? 'other', platform: r.platform ?? 'other', status: 'active',
        primaryIp: r.addresses[0] ?? null, firstSeen: r.at, lastSeen: r.at, createdAt: r.at, updatedAt: r.at, retiredAt: null,
      });
      record(id, 'field', 'added', 'device', null, r.fields.hostname ?? r.fields.serial ?? r.addresses[0] ?? null);
    } else {
      id = matched;
      const current = await this.devices.lockDevice(m, id);
      // merged away, or retired, between matching and locking: match again (a retired device is
      // never matched; writing into it brought its software back into the catalogue's counts)
      if (!current || current.status === 'retired') throw new DeviceVanished(id);
      const sightings = await this.repo.sightingsOf(m, current.id);
      const own = sightings.find((s) => s.kind === r.source);
      // collected before this source's last report of the machine (a scan slower than the next
      // one, a report held up on its way, a dry run uploaded later): it says the machine was
      // there then, and nothing newer than what the device knows, so it writes nothing
      if (own && own.lastSeen > r.at) {
        await this.devices.touchSource(m, id, r.source, r.at);
        return { deviceId: id, created: false, matchedBy: by, changes: 0, olderThanKnown: true };
      }
      held = await this.heldGroups(m, current, r, sightings);
      othersReach = addressesOthersReach(r.source, r.at, sightings, this.config.staleDays);
      reachedBefore = own?.address ?? null;
      // the OS's name and version only make sense together; vendor, model and serial are
      // separate facts (and a serial is identity too), so a lower source still fills an empty one
      const heldFields = new Set<string>([...(held.os ? GROUP_FIELDS.os : []), ...(held.device ? GROUP_FIELDS.device.filter((f) => current[f] !== null) : [])]);
      const patch: Partial<Device> = {};
      for (const [field, value] of Object.entries(r.fields) as Array<[keyof Device, string]>) {
        if (heldFields.has(field)) continue;
        const before = (current[field] as string | null) ?? null;
        if (value === before) continue;
        (patch as Record<string, unknown>)[field] = value;
        record(id, fieldHistoryKind(field), before === null ? 'added' : 'changed', field, before, value);
      }
      // a technician's type or platform stands; a report fills them only when unknown
      if (r.type && current.type === 'other') (patch.type = r.type), record(id, 'field', 'changed', 'type', 'other', r.type);
      if (r.platform && current.platform === 'other') (patch.platform = r.platform), record(id, 'field', 'changed', 'platform', 'other', r.platform);
      if (current.status === 'stale') (patch.status = 'active'), record(id, 'field', 'changed', 'status', 'stale', 'active');
      // the primary address moves only when the known one is gone: a router reached over
      // several of its addresses must not flap between them scan after scan, nor a machine that
      // one source reaches at an address of its own and another source at a second one
      const reported = new Set([...r.addresses, ...(r.report.interfaces ?? []).flatMap((i) => i.addresses ?? []), ...othersReach]);
      if (r.addresses[0] && current.primaryIp !== r.addresses[0] && !(current.primaryIp && reported.has(current.primaryIp))) {
        patch.primaryIp = r.addresses[0];
        record(id, 'address', current.primaryIp ? 'changed' : 'added', 'primaryIp', current.primaryIp, r.addresses[0]);
      }
      await this.devices.updateDevice(m, id, { ...patch, lastSeen: r.at > current.lastSeen ? r.at : current.lastSeen, ...(Object.keys(patch).length ? { updatedAt: r.at } : {}) });
    }
    await this.syncAddresses(m, id, r, isNew, !!held.interfaces, othersReach, record);
    if (software && !held.software) await this.syncSoftware(m, id, r, software, isNew, record, counts);
    if (r.report.hardware && !held.hardware) await this.syncHardware(m, id, r, isNew, record);
    if (r.report.interfaces && !held.interfaces) await this.syncInterfaces(m, id, r, isNew);
    if (r.report.neighbours) await this.syncNeighbours(m, id, r, isNew);
    await this.devices.touchSource(m, id, r.source, r.at, r.addresses[0] ?? null, reachedBefore);
    // a thousand rows a statement: 20,000 upgraded packages in one held the event loop for a second
    for (let i = 0; i < history.length; i += 1000) await this.devices.insertHistory(m, history.slice(i, i + 1000));
    return { deviceId: id, created: isNew, matchedBy: by, changes: history.length, outrankedBy: held };
  }

  /**
   * The groups this report must not write: a source ranked above it saw the device within the
   * stale window, and the device already knows something of the group (what nobody better has
   * told, a lower source still fills). Held only for groups this report carries.
   */
  private async heldGroups(m: EntityManager, current: Device, r: CleanReport, sightings: Sighting[]): Promise<Held> {
    const platform = current.platform !== 'other' ? current.platform : r.platform;
    const type = current.type !== 'other' ? current.type : r.type;
    const outranked = outrankedBy(r.source, r.at, deviceClass(platform, type), sightings, this.config.staleDays);
    const carried: Record<FieldGroup, boolean> = {
      os: GROUP_FIELDS.os.some((f) => r.fields[f] !== undefined),
      device: GROUP_FIELDS.device.some((f) => r.fields[f] !== undefined),
      hardware: !!r.report.hardware,
      software: !!r.report.software,
      interfaces: !!r.report.interfaces,
    };
    const held: Held = {};
    for (const [group, by] of Object.entries(outranked) as Array<[FieldGroup, ReportSource]>) if (carried[group]) held[group] = by;
    if (!Object.keys(held).length) return held;
    const lists = held.hardware || held.software || held.interfaces ? await this.repo.listsKnown(m, current.id) : null;
    const known: Record<FieldGroup, boolean> = {
      os: GROUP_FIELDS.os.some((f) => current[f] !== null),
      device: GROUP_FIELDS.device.some((f) => current[f] !== null),
      hardware: !!lists?.hardware,
      software: !!lists?.software,
      interfaces: !!lists?.interfaces,
    };
    for (const group of Object.keys(held) as FieldGroup[]) if (!known[group]) delete held[group];
    return held;
  }

  /**
   * Serial, then MACs, then hostname with address, then — for a report with neither serial nor
   * MAC — hostname with the OS installation's id (an agent that can read neither its addresses
   * nor a serial made a new device at every report; the hostname guards against cloned images
   * that kept one machine-id): the first
   * identifier that finds devices decides, and the oldest of them wins. When those devices
   * include two that a technician marked distinct, the rest of the evidence picks between them
   * (see disambiguate); when it cannot, the report becomes a device of its own rather than one
   * machine's data on another. A report with a serial is never given to a device with another,
   * nor an agent's report to network gear or to a computer with another OS installation id.
   */
  private async match(m: EntityManager, r: CleanReport): Promise<{ id: number | null; by: MatchedBy | null }> {
    const identity = { serial: r.fields.serial, macs: r.macs.filter(isUsefulMac), hostname: r.fields.hostname, addresses: r.addresses };
    const finders: Array<[MatchedBy, () => Promise<number[]>]> = [
      ['serial', async () => (identity.serial && isUsefulSerial(identity.serial) ? this.repo.idsBySerial(m, identity.serial) : [])],
      // past the serial, a device with another serial is another machine (see idsByMacs)
      ['mac', async () => (identity.macs.length ? this.repo.idsByMacs(m, identity.macs, identity.serial) : [])],
      ['hostname', async () => (identity.hostname && identity.addresses.length ? this.repo.idsByHostnameAndAddress(m, identity.hostname, identity.addresses, identity.serial) : [])],
      // only for a report with nothing stronger: one whose own serial or MACs found no device is
      // a machine of its own, even a clone that kept the image's hostname and machine-id
      ['machine-id', async () => (identity.hostname && r.machineId && !identity.serial && !identity.macs.length ? this.repo.idsByHostnameAndMachineId(m, identity.hostname, r.machineId) : [])],
    ];
    for (const [by, find] of finders) {
      let ids = await find();
      // an agent's report never lands on network gear, nor on a computer with another OS
      // installation id (see agentMayLand): such candidates are left out, and when none is
      // left the next identifier looks further (a device of its own, made by an earlier report)
      if (r.source === 'agent' && ids.length) {
        const allowed = new Set((await this.repo.agentCandidates(m, ids)).filter((c) => agentMayLand(c, r.machineId)).map((c) => c.id));
        ids = ids.filter((id) => allowed.has(id));
      }
      if (!ids.length) continue;
      const pairs = await this.repo.distinctPairsAmong(m, ids);
      if (!hasDistinctPair(ids, pairs)) return { id: ids[0], by };
      const facts = await this.repo.identityFacts(m, ids, identity.macs, identity.addresses);
      return disambiguate(ids, pairs, facts, identity, by);
    }
    return { id: null, by: null };
  }

  /**
   * Only a report that lists interfaces, from a source that is not outranked for them, is the
   * whole picture. Any other adds the addresses it reached the device at (and, when it listed no
   * interfaces, its MACs) that the device does not have yet on any row, and removes nothing but
   * a moved address: when its own interface table puts a new address on a MAC the device already
   * has, the address joins that MAC's row, replacing an address of it that the report no longer
   * sees anywhere (a new DHCP lease), so that the better source's next report finds its own rows.
   * An outranked report's MACs stay out: the better source lists the machine's own, and one it
   * does not list (a base MAC, a Windows pseudo-adapter) would be added and removed by turns.
   * Nor does the whole picture remove an address another source reaches the machine at
   * (`othersReach`): it lists what the machine carries, not how else it can be reached.
   */
  private async syncAddresses(m: EntityManager, id: number, r: CleanReport, isNew: boolean, outranked: boolean, othersReach: Set<string>, record: RecordFn): Promise<void> {
    type Row = { ip: string | null; mac: string | null; interfaceName: string | null };
    // a device created by this report has no rows of its own yet: nothing to read or delete
    const known = isNew ? [] : await this.repo.addressesOf(m, id);
    let unique: Row[];
    if (!outranked && r.report.interfaces?.length) {
      const next: Row[] = [];
      for (const i of r.report.interfaces) {
        const mac = i.mac ? normalizeMac(i.mac) : null;
        const ips = (i.addresses ?? []).filter(isStorableIp);
        if (!ips.length && mac) next.push({ ip: null, mac, interfaceName: cleanText(i.name) ?? null });
        for (const ip of ips) next.push({ ip, mac, interfaceName: cleanText(i.name) ?? null });
      }
      // sets, not lookups in the list: an interface table may carry tens of thousands of addresses
      const ips = new Set(next.map((a) => a.ip));
      const macs = new Set(next.map((a) => a.mac));
      for (const ip of r.addresses) if (!ips.has(ip)) next.push({ ip, mac: null, interfaceName: null });
      for (const mac of r.macs) if (!macs.has(mac)) next.push({ ip: null, mac, interfaceName: null });
      for (const a of known) if (a.ip && othersReach.has(a.ip) && !ips.has(a.ip)) next.push({ ip: a.ip, mac: a.mac, interfaceName: a.interfaceName });
      const seen = new Set<string>();
      unique = next.filter((a) => !seen.has(addressKey(a)) && seen.add(addressKey(a)));
    } else {
      unique = known.map((a) => ({ ip: a.ip, mac: a.mac, interfaceName: a.interfaceName }));
      // every address the report sees the machine at: the ones it reached, and its interfaces'
      const seen = new Set([...r.addresses, ...(r.report.interfaces ?? []).flatMap((i) => i.addresses ?? [])]);
      const has = new Set(unique.map((a) => a.ip));
      for (const ip of r.addresses) {
        if (has.has(ip)) continue;
        has.add(ip);
        // the report's own interface table puts the new address on a MAC the device already
        // has (the better source listed it): it goes on that MAC's row, not on an IP-only row
        // beside it. A row of that MAC whose address the report sees nowhere is the old lease
        // (a VM that moved to a new DHCP address): replaced, as the primary address is
        const ifMac = (r.report.interfaces ?? []).find((i) => i.mac && (i.addresses ?? []).includes(ip))?.mac;
        const mac = ifMac ? normalizeMac(ifMac) : null;
        const same = mac ? unique.filter((a) => a.mac === mac) : [];
        if (!mac || !same.length) {
          unique.push({ ip, mac: null, interfaceName: null });
          continue;
        }
        const gone = same.filter((a) => !a.ip || !seen.has(a.ip));
        const row = { ip, mac, interfaceName: (gone[0] ?? same[0]).interfaceName };
        if (!gone.length) unique.push(row);
        else unique = unique.flatMap((a) => (a === gone[0] ? [row] : gone.includes(a) ? [] : [a]));
      }
      const macs = new Set(unique.map((a) => a.mac));
      if (!outranked) for (const mac of r.macs) if (!macs.has(mac)) unique.push({ ip: null, mac, interfaceName: null });
    }
    const before = new Set(known.map(addressKey));
    const after = new Set(unique.map(addressKey));
    const added = [...after].filter((a) => !before.has(a));
    const removed = [...before].filter((a) => !after.has(a));
    // the same set, and no row twice: nothing to write
    if (!added.length && !removed.length && known.length === unique.length) return;
    if (!isNew) {
      for (const a of added) record(id, 'address', 'added', a, null, a);
      for (const a of removed) record(id, 'address', 'removed', a, a, null);
    }
    await this.repo.replaceRows(m, 'device_addresses', id, unique.map((a) => ({ ip: a.ip, mac: a.mac, interface_name: a.interfaceName })), isNew);
  }

  /**
   * The report's software, cleaned, and its titles with their catalogue ids — unless a few new
   * titles are left for the device's transaction to insert (syncSoftware).
   */
  private async prepareSoftware(runner: QueryRunner, r: CleanReport): Promise<PreparedSoftware> {
    const items = (r.report.software ?? [])
      .map((s) => {
        const name = cleanText(s.name);
        return {
          name,
          // the catalogue's key, once a package (titles and syncSoftware look it up)
          normalizedName: name ? normalizedTitle(name) : '',
          publisher: cleanText(s.publisher) ?? '',
          version: cleanText(s.version, 128) ?? '',
          architecture: cleanText(s.architecture, 32) ?? '',
          installDate: isCalendarDate(s.installDate, r.at) ? s.installDate : null,
        };
      })
      .filter((s): s is PreparedSoftware['items'][number] => !!s.name);
    const titles = [...new Map(items.map((s) => [titleKey(s.normalizedName, s.publisher), { name: s.name, normalizedName: s.normalizedName, publisher: s.publisher }])).values()];
    // titles this process has read before (most, after the first machines) need no query at all
    const known = this.repo.knownTitleIds(titles);
    if (known.size === titles.length) return { items, titles, ids: known };
    // A few new titles are this machine's own rarities: found or inserted in the device's
    // transaction, with its one commit. Many are a kind of machine not seen before, whose
    // siblings are likely being ingested right now (a first scan of an office): those go in a
    // short transaction of their own, before the device's locks and transaction, since a new
    // title's row locked until this device committed made every sibling wait for this one, in
    // turn. Titles are shared by every machine and never deleted.
    if (titles.length - known.size < MANY_NEW_TITLES) return { items, titles };
    // Siblings ingested at once share the work: a title another report is inserting is waited
    // for, not inserted again behind its locks.
    return { items, titles, ids: await this.repo.sharedTitleIds(titles, (todo) => committed(runner, () => this.repo.titleIds(runner.manager, todo, r.at))) };
  }

  private async syncSoftware(m: EntityManager, id: number, r: CleanReport, prepared: PreparedSoftware, isNew: boolean, record: RecordFn, counts: CountDelta): Promise<void> {
    const { items } = prepared;
    const ids = prepared.ids ?? (await this.repo.titleIds(m, prepared.titles, r.at));
    const wanted = new Map<string, { softwareId: number; version: string; architecture: string; installDate: string | null }>();
    for (const s of items) {
      const softwareId = ids.get(titleKey(s.normalizedName, s.publisher));
      if (softwareId) wanted.set(`${softwareId}|${s.version}|${s.architecture}`, { softwareId, version: s.version, architecture: s.architecture, installDate: s.installDate });
    }
    const current = isNew ? [] : await this.repo.installedOf(m, id);
    const have = new Map(current.map((c) => [`${c.softwareId}|${c.version}|${c.architecture}`, c]));
    const toAdd = [...wanted.entries()].filter(([k]) => !have.has(k)).map(([, v]) => v);
    const toRemove = [...have.entries()].filter(([k]) => !wanted.has(k)).map(([, v]) => v);
    if (!toAdd.length && !toRemove.length) return;
    await this.repo.deleteInstalled(m, toRemove.map((c) => c.id));
    await this.repo.insertInstalled(m, id, toAdd, r.source, r.at);
    const titlesBefore = new Set(current.map((c) => c.softwareId));
    const titlesAfter = new Set([...wanted.values()].map((w) => w.softwareId));
    counts.added.push(...[...titlesAfter].filter((t) => !titlesBefore.has(t)));
    counts.removed.push(...[...titlesBefore].filter((t) => !titlesAfter.has(t)));
    if (isNew) return; // a first sighting is one "device added", not a line per package
    const touched = [...new Set([...toAdd, ...toRemove].map((x) => x.softwareId))];
    const names = await this.repo.namesOf(m, touched);
    // each side grouped by title once: a list scanned per touched title took seconds for a
    // machine whose 20,000 packages all changed
    const byTitle = (rows: Iterable<InstalledVersion>) => {
      const out = new Map<number, InstalledVersion[]>();
      for (const x of rows) {
        const list = out.get(x.softwareId);
        if (list) list.push(x);
        else out.set(x.softwareId, [x]);
      }
      return out;
    };
    const had = byTitle(current);
    const has = byTitle(wanted.values());
    // versions alone, unless they are all that stayed the same: then with their architectures
    // (7-Zip 23.01 reinstalled as x64 over x86 is a change worth a line)
    const versions = (rows: InstalledVersion[] = [], withArch = false) =>
      rows.map((x) => (withArch && x.architecture ? `${x.version} (${x.architecture})` : x.version)).sort((a, b) => compareVersions(a, b)).join(', ');
    for (const t of touched) {
      const name = names.get(t) ?? `software ${t}`;
      let was = versions(had.get(t));
      let now = versions(has.get(t));
      if (was === now) (was = versions(had.get(t), true)), (now = versions(has.get(t), true));
      if (!titlesBefore.has(t)) record(id, 'software', 'added', name, null, now);
      else if (!titlesAfter.has(t)) record(id, 'software', 'removed', name, was, null);
      else if (was !== now) record(id, 'software', 'changed', name, was, now);
    }
  }

  private async syncHardware(m: EntityManager, id: number, r: CleanReport, isNew: boolean, record: RecordFn): Promise<void> {
    const rows = (r.report.hardware ?? []).map((h) => ({
      kind: (HARDWARE_KINDS as readonly unknown[]).includes(h.kind) ? h.kind : 'other', name: cleanText(h.name) ?? null, manufacturer: cleanText(h.manufacturer) ?? null, model: cleanText(h.model) ?? null,
      serial: cleanText(h.serial, 128) ?? null, capacity_bytes: count(h.capacityBytes, Number.MAX_SAFE_INTEGER), speed_mhz: count(h.speedMhz), cores: count(h.cores), slot: cleanText(h.slot, 64) ?? null,
    }));
    const describe = (h: { kind: string; name: string | null; model: string | null; slot: string | null; capacity_bytes: number | null }) =>
      [h.kind, h.slot, h.name ?? h.model, h.capacity_bytes ? `${Math.round(Number(h.capacity_bytes) / 2 ** 20)} MiB` : null].filter(Boolean).join(' ');
    const stored = isNew ? [] : await this.repo.rowsOf<(typeof rows)[number]>(m, 'hardware_components', id);
    // the memory a system reports moves by a few hundred KiB with a kernel update (Linux's
    // MemTotal, which every source reads, is what the kernel leaves of the RAM): within
    // MEMORY_DRIFT it is the memory known, not a module swapped in a "removed … added" pair
    for (const row of rows) {
      if (row.kind !== 'memory' || row.capacity_bytes === null) continue;
      const known = stored.find((s) => s.kind === 'memory' && s.name === row.name && s.slot === row.slot && s.capacity_bytes !== null);
      if (known && Math.abs(Number(known.capacity_bytes) - Number(row.capacity_bytes)) <= Math.max(MEMORY_DRIFT.bytes, Number(known.capacity_bytes) * MEMORY_DRIFT.share)) {
        row.capacity_bytes = Number(known.capacity_bytes);
      }
    }
    // every column counts but the clock speed, which some CPUs report as it runs at the moment:
    // a disk or power supply swapped for one of the same model differs only in its serial
    if (sameList(stored.map(hardwareKey).sort(), rows.map(hardwareKey).sort())) return;
    if (!isNew) {
      const before = stored.map(describe);
      const after = rows.map(describe);
      for (const a of after.filter((a) => !before.includes(a))) record(id, 'hardware', 'added', a, null, a);
      for (const b of before.filter((b) => !after.includes(b))) record(id, 'hardware', 'removed', b, b, null);
      const serials = (list: typeof rows, d: string) => list.filter((h) => describe(h) === d).map((h) => (h.serial ? `serial ${h.serial}` : 'no serial')).sort().join(', ');
      for (const d of new Set(after.filter((a) => before.includes(a)))) {
        const was = serials(stored, d);
        const now = serials(rows, d);
        if (was.toLowerCase() !== now.toLowerCase()) record(id, 'hardware', 'changed', d, was, now);
      }
    }
    await this.repo.replaceRows(m, 'hardware_components', id, rows, isNew);
  }

  private async syncInterfaces(m: EntityManager, id: number, r: CleanReport, isNew: boolean): Promise<void> {
    const rows = (r.report.interfaces ?? []).slice(0, 4096).map((i) => ({
      name: cleanText(i.name) ?? '?', description: cleanText(i.description) ?? null, if_index: count(i.ifIndex),
      mac: i.mac ? normalizeMac(i.mac) : null, speed_mbps: count(i.speedMbps), mtu: count(i.mtu),
      admin_status: cleanText(i.adminStatus, 16) ?? null, oper_status: cleanText(i.operStatus, 16) ?? null,
    }));
    // most rescans find the same interfaces: their rows stay (a switch's 48 were deleted and
    // written again at every scan)
    const key = (row: Record<string, unknown>) => JSON.stringify(INTERFACE_COLUMNS.map((c) => (row[c] === null || row[c] === undefined ? null : String(row[c]))));
    if (await this.sameRows(m, 'network_interfaces', id, isNew, rows, key)) return;
    await this.repo.replaceRows(m, 'network_interfaces', id, rows, isNew);
  }

  /** Neighbours come and go with cabling; the table is replaced only when it changed, without history. */
  private async syncNeighbours(m: EntityManager, id: number, r: CleanReport, isNew: boolean): Promise<void> {
    const rows = (r.report.neighbours ?? []).slice(0, 4096).map((n) => ({
      protocol: n.protocol === 'cdp' ? 'cdp' : 'lldp', local_port: cleanText(n.localPort) ?? null, remote_name: cleanText(n.remoteName) ?? null,
      remote_port: cleanText(n.remotePort) ?? null, remote_address: isStorableIp(n.remoteAddress) ? n.remoteAddress : null,
      remote_platform: cleanText(n.remotePlatform) ?? null, remote_chassis_id: cleanText(n.remoteChassisId) ?? null,
    }));
    const key = (n: Record<string, unknown>) => JSON.stringify([n.protocol, n.local_port, n.remote_name, n.remote_port, n.remote_address, n.remote_platform, n.remote_chassis_id]);
    if (await this.sameRows(m, 'device_neighbours', id, isNew, rows, key)) {
      await this.repo.touchNeighbours(m, id, r.at);
      return;
    }
    await this.repo.replaceRows(m, 'device_neighbours', id, rows.map((n) => ({ ...n, last_seen: r.at })), isNew);
  }

  /** Whether the device's rows of the table (none when it is new) are the report's, in any order, compared by key. */
  private async sameRows<T extends Record<string, unknown>>(
    m: EntityManager, table: 'network_interfaces' | 'device_neighbours', id: number, isNew: boolean, rows: T[], key: (row: Record<string, unknown>) => string,
  ): Promise<boolean> {
    const before = (isNew ? [] : await this.repo.rowsOf<Record<string, unknown>>(m, table, id)).map(key).sort();
    return sameList(before, rows.map(key).sort());
  }
}

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * A hardware row as compared between reports: without speed_mhz, capacities as text (BIGINT
 * comes back as a string), the rest case-folded (an agent prints a Windows MachineGuid in capitals).
 */
const hardwareKey = (h: { kind: string; name: string | null; manufacturer: string | null; model: string | null; serial: string | null; capacity_bytes: number | string | null; cores: number | null; slot: string | null }) =>
  JSON.stringify([h.kind, h.name, h.manufacturer, h.model, h.serial, h.slot].map((v) => v?.toLowerCase() ?? null).concat([h.capacity_bytes === null ? null : String(h.capacity_bytes), h.cores === null ? null : String(h.cores)]));

/** A report's software list, cleaned, its titles, and their catalogue ids unless they are left to the device's transaction. */
interface PreparedSoftware {
  items: Array<{ name: string; normalizedName: string; publisher: string; version: string; architecture: string; installDate: string | null }>;
  titles: TitleKey[];
  ids?: Map<string, number>;
}

/** what syncInterfaces writes of an interface, and compares with what a device has */
const INTERFACE_COLUMNS = ['name', 'description', 'if_index', 'mac', 'speed_mbps', 'mtu', 'admin_status', 'oper_status'] as const;

/** new titles in one report from which they get a transaction of their own (see prepareSoftware) */
const MANY_NEW_TITLES = 100;

/** Catalogue titles that gained or lost this device; handed to DeviceCountsService after the commit. */
interface CountDelta {
  added: number[];
  removed: number[];
}

type RecordFn = (deviceId: number, kind: HistoryKind, action: History['action'], subject: string, before: string | null, after: string | null) => void;

/**
 * A YYYY-MM-DD day that exists (not 2024-02-30, which the DATE column would keep as 0000-00-00),
 * from 1980 to a day past the report's collection, as the collectors read a device's dates: an
 * earlier one is what a zero or garbage timestamp decodes to, a later one a clock gone wrong.
 */
function isCalendarDate(s: unknown, collectedAt: Date): s is string {
  const m = typeof s === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(s) : null;
  return !!m && calendarDay(Number(m[1]), Number(m[2]), Number(m[3]), collectedAt.getTime()) !== undefined;
}

/**
 * A count as its column keeps it; null (unknown) when it is not one or is beyond the column: an
 * INT UNSIGNED for all but a capacity. The agents' report schema refuses such a value with a 400;
 * from a collector (a device's own text, e.g. an IOS "MTU 99999999999 bytes") it is a misreading,
 * not a reason to lose the rest of the report.
 */
function count(n: unknown, max = 4_294_967_295): number | null {
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 && n <= max ? Math.floor(n) : null;
}

function clean(report: InventoryReport): CleanReport {
  const fields: CleanReport['fields'] = {};
  const id = report.identity ?? {};
  const dev = report.device ?? {};
  const raw: Record<(typeof REPORTED_FIELDS)[number], unknown> = {
    hostname: id.hostname, fqdn: id.fqdn, serial: isUsefulSerial(cleanText(id.serial, 128)) ? id.serial : undefined,
    vendor: dev.vendor, model: dev.model, osFamily: dev.osFamily, osName: dev.osName, osVersion: dev.osVersion,
  };
  for (const f of REPORTED_FIELDS) {
    const v = cleanText(raw[f], LIMITS[f]);
    if (v !== undefined) fields[f] = v;
  }
  // a collector's identity MACs are the machine's own: it leaves out bridges, containers and
  // tunnels, whose MACs many machines share (Calico's ee:ee:ee:ee:ee:ee on every node). Only a
  // report without that list (an empty one is a statement) falls back on its interfaces' MACs
  const ownMacs = Array.isArray(id.macs) ? id.macs : (report.interfaces ?? []).map((i) => i.mac ?? '');
  const macs = [...new Set(ownMacs.map((m) => normalizeMac(m)).filter((m): m is string => !!m))];
  const addresses = [...new Set((id.addresses ?? []).filter(isStorableIp))];
  const at = report.collectedAt && !Number.isNaN(new Date(report.collectedAt).getTime()) ? new Date(report.collectedAt) : new Date();
  // what no type or platform Teknisi knows is unknown (a collector's bug must not fail the report on the column);
  // an agent runs on a computer, so its report never makes network gear (which no later agent report would find)
  const known = (DEVICE_TYPES as readonly unknown[]).includes(dev.type) ? dev.type : undefined;
  const type = report.source === 'agent' && deviceClass(undefined, known) === 'network' ? undefined : known;
  const platform = (PLATFORMS as readonly unknown[]).includes(dev.platform) ? dev.platform : undefined;
  return { source: report.source, at, fields, type, platform, macs, addresses, machineId: machineIdOf(report), report };
}

function machineIdOf(report: InventoryReport): string | undefined {
  return usefulMachineId(report.identity?.machineId ?? report.hardware?.find((h) => h?.kind === 'other' && h.name === 'machine-id')?.serial);
}

/** How far a device's total memory may move without being a change of its RAM: 64 MiB, or 1 % of it. */
const MEMORY_DRIFT = { bytes: 64 * 2 ** 20, share: 0.01 };

const MAX_ATTEMPTS = 4;
/** how long a report waits for another ingest of the same machine (specs shorten it) */
export const INGEST_LOCKS = { waitSeconds: 30 };

/** The named locks an ingest of `report` takes, in the order it takes them. */
export function ingestLockNames(report: InventoryReport, ds: DataSource): string[] {
  return lockNames(clean(report), lockScopeOf(ds));
}

const LOCKED_MACS = 16;
const LOCKED_ADDRESSES = 8;

/**
 * The report could not be stored now, through no fault of its own: another report of the same
 * machine held it up past INGEST_LOCKS.waitSeconds, or the database kept choosing it as the
 * victim of a deadlock. Sending it again later stores it.
 */
export class IngestBusy extends Error {}

/** The device matched was deleted (merged into another) or retired before this ingest could lock it. */
class DeviceVanished extends Error {
  constructor(id: number) {
    super(`Device ${id} disappeared or was retired while a report was being ingested`);
  }
}

/**
 * `work` in a READ COMMITTED transaction on the runner, committed; rolled back and done again
 * (up to MAX_ATTEMPTS) after a deadlock or a lock wait timeout. READ COMMITTED: no gap locks
 * between unrelated machines' inserts, and each query sees what was committed before it (a
 * merge that finished while this report waited).
 */
async function committed<T>(runner: QueryRunner, work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    await runner.startTransaction('READ COMMITTED');
    try {
      const result = await work();
      await runner.commitTransaction();
      return result;
    } catch (err) {
      await runner.rollbackTransaction();
      if (!isRetryable(err)) throw err;
      if (attempt >= MAX_ATTEMPTS) throw new IngestBusy(`the database refused it ${attempt} times (${(err as Error).message})`);
      await new Promise((done) => setTimeout(done, attempt * 20 * Math.random()));
    }
  }
}

/** InnoDB deadlocks and lock wait timeouts undo the whole transaction: doing it again is safe. */
function isRetryable(err: unknown): boolean {
  const code = (err as { driverError?: { errno?: number }; errno?: number }).driverError?.errno ?? (err as { errno?: number }).errno;
  return err instanceof DeviceVanished || code === 1213 || code === 1205;
}

/**
 * What sets one database's ingest locks apart: MariaDB's named locks are the server's, and
 * two Teknisi databases on one server (a test and a production install, two sites) made each
 * other's reports of a machine both know wait for each other.
 */
function lockScopeOf(ds: DataSource): string {
  return databaseTag(ds, 12);
}

/**
 * A named lock for each identifier that matching may use, so that any two reports that could
 * match one device (or create it) run one after the other. Case-folded as the database
 * compares them; hashed to fit MySQL's 64-character lock names; sorted for one global order.
 */
function lockNames(r: CleanReport, scope: string): string[] {
  const keys: string[] = [];
  if (r.fields.serial) keys.push(`serial:${r.fields.serial.toLowerCase()}`);
  for (const mac of r.macs.filter(isUsefulMac).sort().slice(0, LOCKED_MACS)) keys.push(`mac:${mac}`);
  if (r.fields.hostname) for (const a of r.addresses.slice(0, LOCKED_ADDRESSES)) keys.push(`host:${r.fields.hostname.toLowerCase()}@${a}`);
  if (r.fields.hostname && r.machineId) keys.push(`machine:${r.fields.hostname.toLowerCase()}@${r.machineId}`);
  // teknisi_ingest_ (15) + scope (12) + _ + 32: 60 of MariaDB's 64 characters
  const names = keys.map((k) => `teknisi_ingest_${scope}_${createHash('sha256').update(k).digest('hex').slice(0, 32)}`);
  return [...new Set(names)].sort();
}
