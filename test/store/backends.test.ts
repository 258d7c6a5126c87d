import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OpenBackend, StoreBackend } from '../../packages/server/src/store/backend.js';
import type { CounterStore, ListQuery } from '../../packages/server/src/store/interfaces.js';
import type { CloudAppsAlertRow } from '../../packages/server/src/store/schema.js';
import { TIER, workspace, type Workspace } from '../support/harness.js';
import { activityRow } from '../support/activity-row.js';

const STORE_DIR = fileURLToPath(new URL('../../packages/server/src/store', import.meta.url));
const T0 = Date.UTC(2025, 5, 15, 12);

/** The relative imports of a source file, resolved to paths inside src/. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);
  return specs.map((s) => (s.startsWith('.') ? path.resolve(path.dirname(file), s) : s));
}

const filesOf = (dir: string) => fs.readdirSync(path.join(STORE_DIR, dir)).filter((f) => f.endsWith('.ts'));

describe('store backend layout (kysely dialect folders)', () => {
  it('sqlite/ and postgres/ hold the same files, but for PostgreSQL partitions', () => {
    const sqlite = filesOf('sqlite');
    const postgres = filesOf('postgres');
    expect(sqlite.filter((f) => !postgres.includes(f))).toEqual([]);
    expect(postgres.filter((f) => !sqlite.includes(f))).toEqual(['partitions.ts']);
  });

  it('neither backend imports the other, nor the other’s driver', () => {
    for (const [dir, other, drivers] of [
      ['sqlite', 'postgres', ['pg', 'ioredis']],
      ['postgres', 'sqlite', ['better-sqlite3', 'ioredis']],
    ] as const) {
      for (const f of filesOf(dir)) {
        const imports = importsOf(path.join(STORE_DIR, dir, f));
        expect(
          imports.filter((i) => i.startsWith(path.join(STORE_DIR, other) + path.sep) || (drivers as readonly string[]).includes(i)),
          `${dir}/${f}`,
        ).toEqual([]);
      }
    }
  });

  it('the store layer imports nothing of the API layer', () => {
    const src = path.dirname(STORE_DIR);
    const api = ['cloudapps', 'management', 'identity', 'http', 'discovery'].map((d) => path.join(src, d) + path.sep);
    const walk = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    for (const file of walk(STORE_DIR).filter((f) => f.endsWith('.ts'))) {
      expect(
        importsOf(file).filter((i) => api.some((a) => i.startsWith(a))),
        path.relative(src, file),
      ).toEqual([]);
    }
  });
});

// The backend of this run (STORE=postgres or SQLite), opened as wiring.ts opens it.
describe('store backend interface', () => {
  let ws: Workspace;
  let backend: StoreBackend;
  let opened: OpenBackend;

  beforeAll(async () => {
    ws = workspace('aw-backend-');
    backend =
      TIER === 'postgres'
        ? (await import('../../packages/server/src/store/postgres/index.js')).postgresBackend
        : (await import('../../packages/server/src/store/sqlite/index.js')).sqliteBackend;
    opened = await backend.open(ws);
    await opened.stores.tenants.insert({ id: 'tenant-b', name: 'b', domain: 'b.test', display_name: 'B', created_at: T0, settings: '{}' });
  });
  afterAll(async () => {
    await opened?.close();
    fs.rmSync(ws.dataDir, { recursive: true, force: true });
  });

  it('moves the change feed on a write, and the data stamp with it', async () => {
    const stamp = opened.changeFeed.stamp();
    const data = opened.changeFeed.dataStamp();
    expect(opened.stores.changeStamp()).toBe(stamp);
    await opened.stores.activities.upsert([activityRow('tenant-b', 'a1', T0, { actor_keys: '[]' })]);
    expect(opened.changeFeed.dataStamp()).not.toBe(data);
    const before = opened.changeFeed.stamp();
    await opened.stores.tenants.insert({ id: 'tenant-c', name: 'c', domain: 'c.test', display_name: 'C', created_at: T0, settings: '{}' });
    expect(opened.changeFeed.stamp(), 'a directory write moves the stamp').not.toBe(before);
  });

  // Issue 12: one tenant's Cloud Discovery jobs and Cloud Apps writes must not empty every tenant's
  // token-path caches. (SQLite has one stamp for every table: total_changes and data_version.)
  it.runIf(TIER === 'postgres')('leaves the token-path stamp alone on Cloud Apps and Cloud Discovery job writes', async () => {
    // Every directory write comes back as a notification too: wait for this one, then until the
    // stamp has settled (a notification of an earlier test's write may still be on its way: it
    // counted towards s0 + 2 and the insert's own came after, moving the stamp taken below).
    const s0 = Number(opened.changeFeed.stamp());
    await opened.stores.tenants.insert({ id: 'tenant-d', name: 'd', domain: 'd.test', display_name: 'D', created_at: T0, settings: '{}' });
    await vi.waitFor(() => expect(Number(opened.changeFeed.stamp())).toBeGreaterThanOrEqual(s0 + 2));
    for (let last = ''; last !== opened.changeFeed.stamp();) {
      last = opened.changeFeed.stamp();
      await new Promise((r) => setTimeout(r, 300));
    }
    const stamp = opened.changeFeed.stamp();
    const data = opened.changeFeed.dataStamp();
    await opened.stores.activities.upsert([activityRow('tenant-d', 'a2', T0, { actor_keys: '[]' })]);
    await opened.stores.discovery.jobs.insert({
      id: 'job-1',
      tenant_id: 'tenant-d',
      upload_id: 'upload-1',
      stream_id: 'stream-1',
      state: 'queued',
      input: '{}',
      result: null,
      error: null,
      attempts: 0,
      created_at: T0,
      started_at: null,
      heartbeat_at: null,
      finished_at: null,
      claimed_by: null,
    });
    expect(await opened.stores.discovery.jobs.get('tenant-d', 'job-1')).toBeDefined();
    expect(opened.changeFeed.dataStamp()).not.toBe(data);
    expect(opened.changeFeed.stamp()).toBe(stamp);
  });

  it('reads epoch-millisecond times as numbers, without changing pg’s process-wide parsers', async () => {
    const row = await opened.stores.activities.get('tenant-b', 'a1');
    expect(row?.timestamp).toBe(T0);
    // INT8 (oid 20) still reads as text for any other pg user in the process.
    expect(pg.types.getTypeParser(20, 'text')('9007199254740993')).toBe('9007199254740993');
  });

  it('lists alert views: the page of list, with only what the API renders', async () => {
    const alert = (id: string, resolution: number): CloudAppsAlertRow => ({
      tenant_id: 'tenant-b',
      id,
      id_value: 1,
      timestamp: T0,
      severity: 2,
      resolution_status: resolution,
      status_value: 0,
      resolve_time: null,
      handled_by_user: null,
      comment: 'déjà vu',
      reason_id: null,
      threat_score: null,
      alert_type: null,
      source: 'policy',
      entity_keys: '["service:11161"]',
      doc: '{"title":"Café"}',
    });
    await opened.stores.alerts.upsert([alert('open1', 0), alert('closed1', 5)]);
    // alertOpen is compiled by hand from the backend's dialect; entity.service is an array column.
    const query: ListQuery = {
      conditions: [
        { field: 'alertOpen', op: 'eq', values: [true] },
        { field: 'entity.service', op: 'eq', values: [11161] },
      ],
      sortField: '',
      sortDirection: 'desc',
      skip: 0,
      limit: 10,
    };
    const rows = await opened.stores.alerts.list('tenant-b', query);
    const views = await opened.stores.alerts.listViews('tenant-b', query);
    expect(rows.rows.map((r) => r.id)).toEqual(['open1']);
    expect({ ...views, rows: [] }).toEqual({ ...rows, rows: [] });
    const view = views.rows[0]!;
    expect(typeof view.doc === 'string' ? view.doc : Buffer.from(view.doc).toString('utf8')).toBe('{"title":"Café"}');
    expect(view).toMatchObject({ id: 'open1', severity: 2, resolution_status: 0, comment: 'déjà vu', resolve_time: null });
  });

  it('keeps its own counters, or the ones it is given, and closes them with itself', async () => {
    expect(opened.counters.kind).toBe(backend.name);
    expect(await opened.counters.hit('k', 60_000, T0)).toBe(1);
    let closed = false;
    const given: CounterStore = {
      kind: 'redis',
      hit: async () => 7,
      peek: async () => 7,
      close: async () => {
        closed = true;
      },
    };
    const other = await backend.open({ dataDir: path.join(ws.dataDir, 'other'), databaseUrl: workspace().databaseUrl, counters: given });
    expect(other.counters).toBe(given);
    await other.close();
    expect(closed).toBe(true);
  });
});
