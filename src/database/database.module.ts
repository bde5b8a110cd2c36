// database/: provides the one DataSource, initialized and migrated before anything uses it.
import { DynamicModule, Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrations, ServerFlavor } from './data-source';

@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly ds: DataSource) {}

  static register(url: string, flavor: ServerFlavor): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DataSource,
          useFactory: async () => {
            const logger = new Logger('Database');
            const ds = new DataSource(dataSourceOptions(url, flavor));
            await ds.initialize();
            await runMigrations(ds, (msg) => logger.log(msg));
            return ds;
          },
        },
      ],
      exports: [DataSource],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}
