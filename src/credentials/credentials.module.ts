// credentials/: SNMP and SSH secrets, encrypted at rest, never returned.
import { Module } from '@nestjs/common';

@Module({})
export class CredentialsModule {}
