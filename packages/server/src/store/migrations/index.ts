import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as m0001 from './0001-identity.js';
import * as m0002 from './0002-change-notify.js';
import * as m0003 from './0003-cloudapps.js';
import * as m0004 from './0004-discovery.js';
import * as m0005scale from './0005-scale-postgres.js';
import * as m0005sqlite from './0005-sqlite-alert-list-indexes.js';
import * as m0006scale from './0006-scale-postgres-lists.js';
import * as m0006lz4 from './0006-scale-postgres-lz4.js';
import * as m0007disc from './0007-scale-postgres-disc-partitions.js';
import * as m0008user from './0008-user-context.js';
import * as m0009files from './0009-cloudapps-files.js';
import * as m0010detection from './0010-detection.js';
import * as m0011siem from './0011-siem-export.js';
import * as m0013ftp from './0013-discovery-ftp.js';
import * as m0014triage from './0014-alert-triage-state.js';
import * as m0015usage from './0015-discovery-usage-labels.js';
import * as m0017uploads from './0017-disc-uploads-tenant.js';

/**
 * Migrations, compiled in (not read from disk) so that the built package runs anywhere. Names sort
 * in order. Shared by both backends; a dialect-specific step checks the dialect itself.
 */
export const MIGRATIONS: Record<string, Migration> = {
  '0001-identity': m0001,
  '0002-change-notify': m0002,
  '0003-cloudapps': m0003,
  '0004-discovery': m0004,
  '0005-scale-postgres': m0005scale,
  '0005-sqlite-alert-list-indexes': m0005sqlite,
  '0006-scale-postgres-lists': m0006scale,
  '0006-scale-postgres-lz4': m0006lz4,
  '0007-scale-postgres-disc-partitions': m0007disc,
  '0008-user-context': m0008user,
  '0009-cloudapps-files': m0009files,
  '0010-detection': m0010detection,
  '0011-siem-export': m0011siem,
  '0013-discovery-ftp': m0013ftp,
  '0014-alert-triage-state': m0014triage,
  '0015-discovery-usage-labels': m0015usage,
  '0017-disc-uploads-tenant': m0017uploads,
};

class StaticMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

/** Brings a database up to date; Kysely's migrator locks, so concurrent processes migrate once. */
export async function migrateToLatest<T>(db: Kysely<T>, schema?: string): Promise<void> {
  // With a schema, Kysely's bookkeeping tables go there too (else it may find another schema's).
  const migrator = new Migrator({ db, provider: new StaticMigrationProvider(), ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}
