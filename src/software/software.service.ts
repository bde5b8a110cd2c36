// software/: the catalogue with who has which version, and each device's installed software.
import { Injectable, NotFoundException } from '@nestjs/common';
import { Page } from '../common/pagination';
import { DevicesService } from '../devices/devices.service';
import { InstalledView, SoftwareDevicesQuery, SoftwareDeviceView, SoftwareQuery, SoftwareView } from './software.dto';
import { SoftwareRepository } from './software.repository';
import { DeviceSoftwareQuery } from '../devices/device.dto';

@Injectable()
export class SoftwareService {
  constructor(
    private readonly repo: SoftwareRepository,
    private readonly devices: DevicesService,
  ) {}

  async catalogue(q: SoftwareQuery): Promise<Page<SoftwareView>> {
    const { rows, total } = await this.repo.catalogue(q.q?.trim() || undefined, q.sort ?? 'name', (q.page - 1) * q.limit, q.limit);
    const usage = await this.repo.usage(rows.map((r: { id: number }) => r.id));
    const items = rows.map((r: { id: number; name: string; publisher: string }) => ({ ...r, ...usage.get(r.id)! }));
    return { items, total, page: q.page, limit: q.limit };
  }

  async onDevice(deviceId: number, q: DeviceSoftwareQuery): Promise<Page<InstalledView>> {
    await this.devices.mustExist(deviceId);
    const { rows, total } = await this.repo.installedOn(deviceId, q.q?.trim() || undefined, q.sort ?? 'name', (q.page - 1) * q.limit, q.limit);
    return { items: rows, total, page: q.page, limit: q.limit };
  }

  async devicesWith(softwareId: number, q: SoftwareDevicesQuery): Promise<Page<SoftwareDeviceView>> {
    if (!(await this.repo.findTitle(softwareId))) throw new NotFoundException(`Software ${softwareId} does not exist`);
    const { rows, total } = await this.repo.devicesWith(softwareId, q.version, q.q?.trim() || undefined, q.sort ?? 'hostname', (q.page - 1) * q.limit, q.limit);
    return { items: rows, total, page: q.page, limit: q.limit };
  }
}
