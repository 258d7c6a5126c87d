import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILTER_FIELDS, type FilterResource } from '@appwarden/protocol';
import type { EntityPk, FilterCondition, FilterValue, TimeRange } from '../../src/cloudapps/filters/model.js';
import { parseFilters } from '../../src/cloudapps/filters/parse.js';
import { validateFilters } from '../../src/cloudapps/filters/validate.js';
import { SeededRandom } from '../../src/demo/seeded-random.js';
import { activityColumns, alertColumns, entityColumns, fileColumns } from '../../src/store/kysely/cloudapps-columns.js';
import { entityPkKey, sqlValue, type ColumnMap } from '../../src/store/kysely/filter-sql.js';
import { sqliteFilters } from '../../src/store/sqlite/filter-dialect.js';
import { inProcess, T0, type InProcessHarness } from '../../../../test/support/harness.js';

type Row = Record<string, unknown>;

// ---- The reference evaluator: the documented semantics, written plainly over rows in memory. ----

const lower = (v: unknown) => String(v).toLowerCase();
const plainValues = (c: FilterCondition) => c.values.map(sqlValue).filter((v): v is string | number => v !== null);

function scalarMatch(v: unknown, c: FilterCondition): boolean {
  const L = plainValues(c);
  const strs = L.map(lower);
  const has = v !== null && v !== undefined;
  const eq = (has && L.includes(v as string | number)) || (!has && c.values.includes(null));
  const s = has ? lower(v) : '';
  switch (c.op) {
    case 'eq':
    case 'cabinetmatchedrulesequals':
      return eq;
    case 'neq':
      return !eq;
    case 'deq':
      return has && !L.includes(v as string | number);
    case 'contains':
    case 'text':
      return has && strs.some((x) => s.includes(x));
    case 'ncontains':
      return !(has && strs.some((x) => s.includes(x)));
    case 'startswith':
    case 'startswithsingle':
      return has && strs.some((x) => s.startsWith(x));
    case 'doesnotstartwith':
      return !(has && strs.some((x) => s.startsWith(x)));
    case 'endswith':
      return has && strs.some((x) => s.endsWith(x));
    case 'descendantof':
      return eq || (has && strs.some((x) => s.startsWith(`${x}/`)));
    case 'ndescendantof':
      return !((has && L.includes(v as string | number)) || (has && strs.some((x) => s.startsWith(`${x}/`))));
    case 'gt':
      return has && (v as number) > (L[0] as number);
    case 'gte':
      return has && (v as number) >= (L[0] as number);
    case 'lt':
      return has && (v as number) < (L[0] as number);
    case 'lte':
      return has && (v as number) <= (L[0] as number);
    case 'range':
      return has && (c.values as TimeRange[]).some((r) => (v as number) >= r.start && (v as number) <= r.end);
    case 'isset':
      return has;
    case 'isnotset':
      return !has;
    default:
      throw new Error(c.op);
  }
}

function arrayMatch(all: string[], prefix: string, c: FilterCondition): boolean {
  const A = all.filter((a) => a.startsWith(prefix)).map((a) => a.slice(prefix.length));
  const L = plainValues(c).map(String);
  const strs = L.map(lower);
  const any = (p: (a: string) => boolean) => A.some(p);
  switch (c.op) {
    case 'eq':
      return any((a) => L.includes(a)) || (c.values.includes(null) && A.length === 0);
    case 'cabinetmatchedrulesequals':
      return any((a) => L.includes(a));
    case 'neq':
      return !any((a) => L.includes(a));
    case 'deq':
      return any((a) => !L.includes(a));
    case 'contains':
      return any((a) => strs.some((x) => lower(a).includes(x)));
    case 'ncontains':
      return !any((a) => strs.some((x) => lower(a).includes(x)));
    case 'startswith':
      return any((a) => strs.some((x) => lower(a).startsWith(x)));
    case 'doesnotstartwith':
      return !any((a) => strs.some((x) => lower(a).startsWith(x)));
    case 'isset':
      return A.length > 0;
    case 'isnotset':
      return A.length === 0;
    default:
      throw new Error(`array ${c.op}`);
  }
}

type Custom = (row: Row, c: FilterCondition) => boolean;

function evaluate(rows: Row[], conditions: FilterCondition[], columns: ColumnMap, custom: Record<string, Custom>): Set<string> {
  const out = new Set<string>();
  for (const row of rows) {
    const ok = conditions.every((c) => {
      const spec = columns[c.field]!;
      if (spec.kind === 'custom') return custom[c.field]!(row, c);
      if (spec.kind === 'array') return arrayMatch(JSON.parse(row[spec.column] as string) as string[], spec.prefix ?? '', c);
      return scalarMatch(row[spec.column], c);
    });
    if (ok) out.add((row.oid ?? row.id) as string);
  }
  return out;
}

const boolCustom =
  (column: string, truth: (v: number) => boolean): Custom =>
  (row, c) =>
    c.values.some((b) => truth(row[column] as number) === b);

/** The tenant's entities, for the files' person filters (a key names a user or account entity). */
let entityRows: Row[] = [];

/** A person filter of files: the stored key, or an entity named by the key whose address the file lists. */
const personMatch =
  (keysColumn: string, addresses: (row: Row) => unknown[]): Custom =>
  (row, c) => {
    const keys = JSON.parse(row[keysColumn] as string) as string[];
    const hit = (c.values as EntityPk[]).some(
      (pk) =>
        keys.includes(entityPkKey(pk)) ||
        entityRows.some(
          (e) =>
            (pk.saas === undefined && pk.inst === undefined
              ? e.id === pk.id || String(e.parent_pk ?? '').startsWith(`${pk.id}|`)
              : e.pk === entityPkKey(pk) || e.parent_pk === entityPkKey(pk)) &&
            e.username !== null &&
            addresses(row).includes(e.username),
        ),
    );
    return c.op === 'neq' ? !hit : hit;
  };

const CUSTOM: Record<FilterResource, Record<string, Custom>> = {
  alerts: {
    alertOpen: boolCustom('resolution_status', (v) => v === 0),
    read: boolCustom('status_value', (v) => v === 1),
  },
  activities: {
    'activity.alertId': () => {
      throw new Error('not generated');
    },
  },
  entities: {
    entity: (row, c) => {
      const hit = (c.values as EntityPk[]).some((pk) =>
        pk.saas === undefined && pk.inst === undefined
          ? row.id === pk.id || String(row.parent_pk ?? '').startsWith(`${pk.id}|`)
          : row.pk === entityPkKey(pk) || row.parent_pk === entityPkKey(pk),
      );
      return c.op === 'neq' ? !hit : hit;
    },
  },
  files: {
    allowDeleted: () => true,
    'owner.entity': personMatch('owner_keys', (row) => [row.owner_username]),
    'collaborators.entity': personMatch('collaborator_users', (row) => JSON.parse(row.collaborator_users as string) as string[]),
  },
};

// Where each field is stored is the same in every dialect; only the custom entries' SQL differs (and CUSTOM below evaluates those).
const COLUMNS: Record<FilterResource, ColumnMap> = {
  alerts: alertColumns(sqliteFilters),
  activities: activityColumns(sqliteFilters),
  entities: entityColumns(sqliteFilters),
  files: fileColumns(sqliteFilters),
};
const TABLES: Record<FilterResource, string> = {
  alerts: 'ca_alerts',
  activities: 'ca_activities',
  entities: 'ca_entities',
  files: 'ca_files',
};

// ---- A tiny random generator of filters, drawing values from the data so that filters select something. ----

function sampleValues(rnd: SeededRandom, rows: Row[], columns: ColumnMap, field: string): unknown[] {
  const spec = columns[field]!;
  const out: unknown[] = [];
  for (let i = 0; i < 4; i++) {
    const row = rnd.pick(rows);
    if (spec.kind === 'scalar') out.push(row[spec.column]);
    else if (spec.kind === 'array') {
      const xs = (JSON.parse(row[spec.column] as string) as string[]).filter((x) => x.startsWith(spec.prefix ?? ''));
      if (xs.length) out.push(rnd.pick(xs).slice((spec.prefix ?? '').length));
    } else if (field === 'owner.entity' || field === 'collaborators.entity') {
      // Stored addresses, and the keys of the entities that stand for them.
      const xs = JSON.parse(row[field === 'owner.entity' ? 'owner_keys' : 'collaborator_users'] as string) as string[];
      if (xs.length) out.push(rnd.pick(xs));
      if (entityRows.length) out.push(rnd.pick(entityRows).pk);
    }
  }
  out.push(rnd.pick(['zz_%', 'A%_\\', '0', 'gmail', 'Sales', 'EVENT_', '11161']));
  return out;
}

function randomOperand(rnd: SeededRandom, resource: FilterResource, rows: Row[], field: string, op: string): unknown {
  const spec = FILTER_FIELDS[resource][field]!;
  const columns = COLUMNS[resource];
  const pool = sampleValues(rnd, rows, columns, field).filter(
    (v) => v !== undefined && (spec.type !== 'int' || v === null || /^-?\d+$/.test(String(v))),
  );
  const pickSome = () => pool.filter(() => rnd.chance(0.5)).slice(0, 3);
  if (op === 'isset' || op === 'isnotset') return rnd.chance(0.7);
  if (op === 'gte_ndays' || op === 'lte_ndays') return rnd.int(0, 40);
  if (spec.type === 'timestamp' || (spec.type === 'int' && ['gt', 'lt', 'gte', 'lte'].includes(op))) {
    const nums = pool.filter((v): v is number => typeof v === 'number');
    const n = nums.length ? rnd.pick(nums) + rnd.int(-5, 5) : T0 - rnd.int(0, 40 * 86_400_000);
    if (op === 'range')
      return [
        { start: n - rnd.int(0, 10 * 86_400_000), end: n },
        { start: n + 1, end: n + rnd.int(0, 86_400_000) },
      ].slice(0, rnd.int(1, 2));
    if (op === 'eq') return [n];
    return rnd.chance(0.3) ? String(n) : n;
  }
  if (spec.type === 'bool') return rnd.chance(0.5) ? rnd.chance(0.5) : [rnd.chance(0.5)];
  if (spec.type === 'nullableBool') return rnd.pick([true, false, null]);
  if (spec.type === 'entityType') return rnd.pick([1, 2, 'user', 'account', '2']);
  if (spec.type === 'entityPk') {
    const ids = pool.map((v) => String(v).split('|'));
    const [id, saas, inst] = ids.length ? rnd.pick(ids) : ['nobody'];
    if (op === 'startswith') return [String(id).slice(0, rnd.int(1, 8))];
    return rnd.chance(0.5) && saas ? [{ id, saas: Number(saas), inst: Number(inst ?? 0) }] : { id };
  }
  const stringOp = !['eq', 'neq', 'deq'].includes(op);
  const values = pickSome()
    .filter((v) => !(stringOp && v === null))
    .map((v) => (typeof v === 'string' && rnd.chance(0.3) ? v.slice(0, rnd.int(1, Math.max(1, v.length))) : v));
  if (['startswithsingle', 'text', 'gt', 'gte', 'lt', 'lte'].includes(op)) return values[0] ?? 'x';
  if (spec.type === 'int') return values.length === 1 && typeof values[0] === 'number' && rnd.chance(0.5) ? String(values[0]) : values;
  return values.length === 1 && rnd.chance(0.5) ? values[0] : values;
}

let h: InProcessHarness;
beforeAll(async () => {
  h = await inProcess({ cloudApps: { activities: 400, alerts: 60 } });
});
afterAll(() => h.close());

describe('filter compiler vs reference evaluator', () => {
  for (const resource of ['alerts', 'activities', 'entities', 'files'] as FilterResource[]) {
    it(`${resource}: 250 random filters select the same records`, async () => {
      const raw = h.services.stores as unknown as { alerts: { db: Kysely<Record<string, Row>> } };
      entityRows = (await raw.alerts.db.selectFrom('ca_entities').selectAll().where('tenant_id', '=', h.tenantId).execute()) as Row[];
      const rows = (await raw.alerts.db.selectFrom(TABLES[resource]).selectAll().where('tenant_id', '=', h.tenantId).execute()) as Row[];
      const rnd = new SeededRandom(`property-${resource}`);
      const fields = Object.keys(FILTER_FIELDS[resource]).filter((f) => f !== 'activity.alertId');
      let nonEmpty = 0;
      for (let i = 0; i < 250; i++) {
        const filters: Record<string, Record<string, unknown>> = {};
        for (let k = rnd.int(1, 3); k > 0; k--) {
          const field = rnd.pick(fields);
          const op = rnd.pick(FILTER_FIELDS[resource][field]!.operators);
          (filters[field] ??= {})[op] = randomOperand(rnd, resource, rows, field, op);
        }
        const json = JSON.stringify(filters);
        const conditions = validateFilters(parseFilters(rnd.chance(0.3) ? json : JSON.parse(json)), resource, T0);
        const expected = evaluate(rows, conditions, COLUMNS[resource], CUSTOM[resource]);
        const store = h.services.stores[resource];
        const page = await store.list(h.tenantId, { conditions, sortField: '', sortDirection: 'asc', skip: 0, limit: 100_000 });
        const got = new Set(page.rows.map((r) => ('oid' in r ? r.oid : r.id)));
        expect([...got].sort(), json).toEqual([...expected].sort());
        if (got.size > 0 && got.size < rows.length) nonEmpty += 1;
      }
      // The generator must exercise selective filters, not only all-or-nothing ones.
      expect(nonEmpty).toBeGreaterThan(40);
    });
  }

  it('rejects unknown fields, unsupported operators and wrong types with the field named', () => {
    const bad: [FilterResource, unknown][] = [
      ['alerts', { bogus: { eq: 1 } }],
      ['alerts', { severity: { contains: ['x'] } }],
      ['alerts', { severity: { eq: ['high'] } }],
      ['alerts', { date: { gte: 'yesterday-ish' } }],
      ['alerts', { read: { eq: 'maybe' } }],
      ['activities', { 'ip.address': 'not-an-object' }],
      ['entities', { entity: { eq: [{ saas: 1 }] } }],
      ['alerts', '{not json'],
    ];
    for (const [resource, filters] of bad) {
      let message = '';
      try {
        validateFilters(parseFilters(filters), resource, T0);
      } catch (e) {
        message = (e as Error).message;
      }
      const field = typeof filters === 'string' ? 'filters' : Object.keys(filters as object)[0]!;
      expect(message, JSON.stringify(filters)).toContain(field);
    }
  });
});

export type { FilterValue };
