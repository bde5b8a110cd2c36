// software/: the catalogue with who has which version, and each device's installed software.
import { Injectable, NotFoundException } from '@nestjs/common';
import { Page } from '../common/pagination';
import { DevicesService } from '../devices/devices.service';
import { InstalledView, SoftwareDetailView, SoftwareDevicesQuery, SoftwareDeviceView, SoftwareQuery, SoftwareView } from './software.dto';
import { LISTED_VERSIONS, SoftwareRepository } from './software.repository';
import { DeviceSoftwareQuery } from '../devices/device.dto';

@Injectable()
export class SoftwareService {
  constructor(
    private readonly repo: SoftwareRepository,
    private readonly devices: DevicesService,
  ) {}

  async catalogue(q: SoftwareQuery): Promise<Page<SoftwareView>> {
    const { rows, total } = await this.repo.catalogue(q.q?.trim() || undefined, q.sort ?? 'name', (q.page - 1) * q.limit, q.limit);
    const versions = await this.repo.versions(rows.map((r) => r.id));
    return { items: rows.map((r) => ({ ...r, ...versions.get(r.id)! })), total, page: q.page, limit: q.limit };
  }

  /** One title with its version spread: which versions are installed, on how many devices each. */
  async title(id: number): Promise<SoftwareDetailView> {
    const row = await this.repo.findCatalogueRow(id);
    if (!row) throw new NotFoundException(`Software ${id} does not exist`);
    const spread = await this.repo.versionSpread(id);
    return { ...row, versions: spread.slice(0, LISTED_VERSIONS).map((v) => v.version), versionCount: spread.length, spread };
  }

  /** Refreshes every title's device count (the worker's software.recount job). */
  recount(now = new Date()): Promise<number> {
    return this.repo.recountDevices(now);
  }

  async onDevice(deviceId: number, q: DeviceSoftwareQuery): Promise<Page<InstalledView>> {
    await this.devices.mustExist(deviceId);
    const { rows, total } = await this.repo.installedOn(deviceId, q.q?.trim() || undefined, q.sort ?? 'name', (q.page - 1) * q.limit, q.limit);
    return { items: rows, total, page: q.page, limit: q.limit };
  }

  async devicesWith(softwareId: number, q: SoftwareDevicesQuery): Promise<Page<SoftwareDeviceView>> {
    if (!(await this.repo.findTitle(softwareId))) throw new NotFoundException(`Software ${softwareId} does not exist`);
    const { rows, total } = await this.repo.devicesWith(softwareId, q.version, q.q?.trim() || undefined, q.sort === '-hostname', (q.page - 1) * q.limit, q.limit);
    return { items: rows, total, page: q.page, limit: q.limit };
  }
}
