// discovery/: scans of address ranges, the SNMP and SSH collectors, classification, pinned
// SSH host keys. The API starts and reads scans; the worker runs them.
import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module';
import { InventoryModule } from '../inventory/inventory.module';
import { HostKeysController } from './host-keys.controller';
import { HostKeysRepository } from './host-keys.repository';

@Module({
  imports: [CredentialsModule, InventoryModule],
  controllers: [HostKeysController],
  providers: [HostKeysRepository],
  exports: [HostKeysRepository],
})
export class DiscoveryModule {}
