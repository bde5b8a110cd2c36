// credentials/: SNMP and SSH secrets, encrypted at rest, never returned. Other modules (discovery,
// jobs, configs) inject CredentialsService and call reveal(id) inside the worker.
import { Module } from '@nestjs/common';
import { CredentialsController } from './credentials.controller';
import { CredentialsRepository } from './credentials.repository';
import { CredentialsService } from './credentials.service';

@Module({
  controllers: [CredentialsController],
  providers: [CredentialsRepository, CredentialsService],
  exports: [CredentialsService],
})
export class CredentialsModule {}
