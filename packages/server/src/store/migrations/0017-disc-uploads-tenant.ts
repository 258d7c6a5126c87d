import type { Kysely } from 'kysely';

// The staging quota charges a tenant's pending uploads on its first staging request after a start
// (issue 12): that lists disc_uploads by tenant, which had no index (its foreign key's cascade on
// a tenant's deletion read the whole table too).

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('disc_uploads_tenant').on('disc_uploads').columns(['tenant_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('disc_uploads_tenant').execute();
}
