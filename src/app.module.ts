// Composes the feature modules for a role: the API serves HTTP and only produces jobs;
// the worker consumes them; `all` does both in one process.
import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AppConfig } from './config/env';
import { ConfigModule } from './config/config.module';
import { ROOT_KEY, RootKey } from './config/secret-key';
import { DatabaseModule } from './database/database.module';
import { ServerFlavor } from './database/data-source';
import { RedisModule } from './common/redis.module';
import { loggerOptions } from './common/logger';
import { QueueModule } from './queue/queue.module';
import { AuthModule } from './auth/auth.module';
import { AuditModule } from './audit/audit.module';
import { CredentialsModule } from './credentials/credentials.module';
import { DevicesModule } from './devices/devices.module';
import { SoftwareModule } from './software/software.module';
import { InventoryModule } from './inventory/inventory.module';
import { DiscoveryModule } from './discovery/discovery.module';
import { WindowsModule } from './jobs/windows/windows.module';
import { JobsModule } from './jobs/jobs.module';
import { ConfigsModule } from './configs/configs.module';
import { AgentsModule } from './agents/agents.module';
import { SavedFiltersModule } from './saved-filters/saved-filters.module';
import { StatsModule } from './stats/stats.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';

export interface Runtime {
  config: AppConfig;
  flavor: ServerFlavor;
  rootKey: RootKey;
  /** Where log lines go (stdout when absent); tests capture them here. */
  logStream?: DestinationStream;
}

@Module({})
export class AppModule {
  static register(rt: Runtime, consume: boolean): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot(loggerOptions(rt.config, rt.logStream)),
        ConfigModule.register(rt.config),
        DatabaseModule.register(rt.config.databaseUrl, rt.flavor),
        RedisModule.register(rt.config.redisUrl),
        QueueModule.register(rt.config, consume),
        RootKeyModule.register(rt.rootKey),
        AuditModule,
        AuthModule,
        CredentialsModule,
        DevicesModule,
        SoftwareModule,
        InventoryModule,
        DiscoveryModule,
        WindowsModule,
        JobsModule,
        ConfigsModule,
        AgentsModule,
        SavedFiltersModule,
        StatsModule,
        HealthModule,
        MetricsModule,
      ],
    };
  }
}

@Module({})
class RootKeyModule {
  static register(rootKey: RootKey): DynamicModule {
    return { module: RootKeyModule, global: true, providers: [{ provide: ROOT_KEY, useValue: rootKey }], exports: [ROOT_KEY] };
  }
}
