import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FilterOperator } from '@appwarden/protocol';
import { evaluateFilters, type ItemFieldMap } from '../../src/cloudapps/filters/evaluate.js';
import type { FilterCondition, FilterValue } from '../../src/cloudapps/filters/index.js';
import { compileFilters, type ColumnMap } from '../../src/store/kysely/filter-sql.js';
import { sqliteFilters } from '../../src/store/sqlite/filter-dialect.js';
import { SeededRandom } from '../../src/demo/seeded-random.js';

/** One in-memory item and the row a store would keep for it. */
interface Item {
  id: number;
  name: string | null;
  n: number | null;
  flag: boolean | null;
  tags: string[];
}

const FIELDS: ItemFieldMap<Item> = {
  name: { read: (x) => x.name },
  n: { read: (x) => x.n },
  flag: { read: (x) => x.flag },
  tags: { read: (x) => x.tags },
};

const COLUMNS: ColumnMap = {
  name: { kind: 'scalar', column: 'name' },
  n: { kind: 'scalar', column: 'n' },
  flag: { kind: 'scalar', column: 'flag' },
  tags: { kind: 'array', column: 'tags' },
};

// Values chosen to meet case folding, LIKE wildcards (% and _ are literal in filters), paths.
const WORDS = ['Sales', 'sales', 'SALES/emea', 'Sales/EMEA/north', 'eng', 'Eng/web', '50%_off', '50x', 'a_b', 'aXb', ''];

function randomItems(rnd: SeededRandom, count: number): Item[] {
  return Array.from({ length: count }, (_, id) => ({
    id,
    name: rnd.chance(0.2) ? null : rnd.pick(WORDS),
    n: rnd.chance(0.2) ? null : rnd.int(-3, 12),
    flag: rnd.chance(0.2) ? null : rnd.chance(0.5),
    tags: Array.from({ length: rnd.int(0, 3) }, () => rnd.pick(WORDS)),
  }));
}

const STRING_OPS: FilterOperator[] = [
  'eq',
  'neq',
  'deq',
  'contains',
  'ncontains',
  'startswith',
  'doesnotstartwith',
  'endswith',
  'startswithsingle',
  'text',
  'descendantof',
  'ndescendantof',
  'isset',
  'isnotset',
];
const SINGLE: FilterOperator[] = ['startswithsingle', 'text', 'gt', 'gte', 'lt', 'lte'];

/** A validated-shaped condition (what filters/validate.ts hands on) on a random field. */
function randomCondition(rnd: SeededRandom): FilterCondition {
  const field = rnd.pick(['name', 'n', 'flag', 'tags']);
  const ops: FilterOperator[] =
    field === 'n'
      ? ['eq', 'neq', 'deq', 'gt', 'gte', 'lt', 'lte', 'range', 'isset', 'isnotset']
      : field === 'flag'
        ? ['eq', 'neq', 'isset', 'isnotset']
        : field === 'name'
          ? [...STRING_OPS, 'gt', 'lt']
          : STRING_OPS;
  const op = rnd.pick(ops);
  if (op === 'isset' || op === 'isnotset') return { field, op, values: [] };
  if (op === 'range') {
    const a = rnd.int(-3, 12);
    return { field, op, values: [{ start: a, end: a + rnd.int(0, 5) }] };
  }
  const one = (): FilterValue => (field === 'n' ? rnd.int(-3, 12) : field === 'flag' ? rnd.chance(0.5) : rnd.pick(WORDS));
  if (SINGLE.includes(op)) return { field, op, values: [one()] };
  const values: FilterValue[] = Array.from({ length: rnd.int(1, 3) }, one);
  // Only the list operators of eq/neq/deq can carry null ("no value").
  if (['eq', 'neq', 'deq'].includes(op) && rnd.chance(0.25)) values.push(null);
  return { field, op, values };
}

let db: Kysely<Record<string, Record<string, unknown>>>;
let items: Item[];

beforeAll(async () => {
  db = new Kysely({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
  await db.schema
    .createTable('t')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('name', 'text')
    .addColumn('n', 'integer')
    .addColumn('flag', 'integer')
    .addColumn('tags', 'text', (c) => c.notNull())
    .execute();
  items = randomItems(new SeededRandom('evaluate-items'), 120);
  await db
    .insertInto('t')
    .values(items.map((x) => ({ ...x, flag: x.flag === null ? null : x.flag ? 1 : 0, tags: JSON.stringify(x.tags) })))
    .execute();
});
afterAll(() => db.destroy());

describe('evaluateFilters (in memory) agrees with compileFilters (SQL)', () => {
  it('600 random filters of one to three conditions select the same items', async () => {
    const rnd = new SeededRandom('evaluate-filters');
    let selective = 0;
    for (let i = 0; i < 600; i++) {
      const conditions = Array.from({ length: rnd.int(1, 3) }, () => randomCondition(rnd));
      const rows = await db
        .selectFrom('t')
        .select('id')
        .where(compileFilters(conditions, COLUMNS, sqliteFilters))
        .execute();
      const expected = rows.map((r) => r.id as number).sort((a, b) => a - b);
      const got = items.filter(evaluateFilters(conditions, FIELDS)).map((x) => x.id);
      expect(got, JSON.stringify(conditions)).toEqual(expected);
      if (got.length > 0 && got.length < items.length) selective += 1;
    }
    // The generator must exercise selective filters, not only all-or-nothing ones.
    expect(selective).toBeGreaterThan(200);
  });
});

describe('evaluateFilters', () => {
  const item = (over: Partial<Item>): Item => ({ id: 0, name: null, n: null, flag: null, tags: [], ...over });
  const run = (c: FilterCondition, xs: Item[]) => xs.filter(evaluateFilters([c], FIELDS)).map((x) => x.id);

  it('negations hold on a missing value; eq with null asks for no value', () => {
    const xs = [item({ id: 1, name: 'a' }), item({ id: 2 }), item({ id: 3, name: 'b' })];
    expect(run({ field: 'name', op: 'neq', values: ['a'] }, xs)).toEqual([2, 3]);
    expect(run({ field: 'name', op: 'ncontains', values: ['a'] }, xs)).toEqual([2, 3]);
    expect(run({ field: 'name', op: 'deq', values: ['a'] }, xs)).toEqual([3]);
    expect(run({ field: 'name', op: 'eq', values: ['a', null] }, xs)).toEqual([1, 2]);
    expect(run({ field: 'name', op: 'neq', values: [null] }, xs)).toEqual([1, 3]);
  });

  it('list fields match element-wise; an empty list is "not set"', () => {
    const xs = [item({ id: 1, tags: ['x', 'y'] }), item({ id: 2, tags: [] }), item({ id: 3, tags: ['y'] })];
    expect(run({ field: 'tags', op: 'eq', values: ['x'] }, xs)).toEqual([1]);
    expect(run({ field: 'tags', op: 'neq', values: ['x'] }, xs)).toEqual([2, 3]);
    expect(run({ field: 'tags', op: 'deq', values: ['y'] }, xs)).toEqual([1]);
    expect(run({ field: 'tags', op: 'isnotset', values: [] }, xs)).toEqual([2]);
    expect(run({ field: 'tags', op: 'eq', values: [null] }, xs)).toEqual([2]);
  });

  it('text operators fold ASCII case and take % and _ literally; eq is exact', () => {
    const xs = [item({ id: 1, name: 'Sales/EMEA' }), item({ id: 2, name: '50%_off' }), item({ id: 3, name: '50x' })];
    expect(run({ field: 'name', op: 'descendantof', values: ['sales'] }, xs)).toEqual([1]);
    // The value itself is matched exactly, as `eq` (SQL: IN, not LIKE).
    expect(run({ field: 'name', op: 'descendantof', values: ['sales/emea'] }, xs)).toEqual([]);
    expect(run({ field: 'name', op: 'descendantof', values: ['Sales/EMEA'] }, xs)).toEqual([1]);
    expect(run({ field: 'name', op: 'contains', values: ['%_'] }, xs)).toEqual([2]);
    expect(run({ field: 'name', op: 'eq', values: ['sales/emea'] }, xs)).toEqual([]);
  });

  it('a field may fold both sides (case, id prefixes) before comparing', () => {
    const fields: ItemFieldMap<{ c: string }> = { c: { read: (x) => x.c, fold: (s) => (s.startsWith('P_') ? s : `P_${s}`).toUpperCase() } };
    const keep = evaluateFilters([{ field: 'c', op: 'eq', values: ['cloud'] }], fields);
    expect([{ c: 'P_CLOUD' }, { c: 'P_OTHER' }].filter(keep)).toEqual([{ c: 'P_CLOUD' }]);
  });

  it('numbers compare as numbers; ranges are inclusive; all conditions must hold', () => {
    const xs = [item({ id: 1, n: 2 }), item({ id: 2, n: 10 }), item({ id: 3, n: 5 })];
    expect(run({ field: 'n', op: 'gt', values: [4] }, xs)).toEqual([2, 3]);
    expect(run({ field: 'n', op: 'range', values: [{ start: 2, end: 5 }] }, xs)).toEqual([1, 3]);
    const both = evaluateFilters(
      [
        { field: 'n', op: 'gte', values: [2] },
        { field: 'n', op: 'lt', values: [10] },
      ],
      FIELDS,
    );
    expect(xs.filter(both).map((x) => x.id)).toEqual([1, 3]);
  });

  it('a condition on a field the map does not read is a programming error', () => {
    expect(() => evaluateFilters([{ field: 'toString', op: 'eq', values: ['x'] }], FIELDS)).toThrow(/no item field/);
  });
});
