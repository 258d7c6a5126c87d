import type { Kysely } from 'kysely';

// FTP and FTPS receivers of Cloud Discovery data sources (issue 13): each such data source has a
// login of its own on Appwarden's FTP server. The user name is unique across tenants (the server
// finds the data source by it); the password is stored only as the master key's keyed hash.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('disc_streams').addColumn('receiver_user', 'text').execute();
  await db.schema.alterTable('disc_streams').addColumn('receiver_secret_hash', 'text').execute();
  // NULLs are distinct on both backends: syslog data sources and reports have none.
  await db.schema.createIndex('disc_streams_receiver_user').unique().on('disc_streams').column('receiver_user').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('disc_streams_receiver_user').execute();
  await db.schema.alterTable('disc_streams').dropColumn('receiver_secret_hash').execute();
  await db.schema.alterTable('disc_streams').dropColumn('receiver_user').execute();
}
