// database/: what a migration generated from the entities would contain, against a migrated database.
import { DataSource } from 'typeorm';

export interface PendingSchema {
  up: string[];
  down: string[];
}

export async function pendingSchemaChanges(ds: DataSource): Promise<PendingSchema> {
  const log = await ds.driver.createSchemaBuilder().log();
  return {
    up: log.upQueries.map((q) => q.query),
    down: log.downQueries.map((q) => q.query).reverse(),
  };
}
