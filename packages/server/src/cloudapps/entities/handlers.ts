import { OBJECT_ID_PATTERN } from '@appwarden/protocol';
import type { CloudAppsEntityRow } from '../../store/schema.js';
import { invalidParameter, notFound } from '../errors.js';
import { envelopeText, readListRequest } from '../list-envelope.js';
import { RawJson, type CloudAppsCall, type CloudAppsRoute } from '../route-definition.js';
import { decodeEntityKey, entityJson, pkString } from './model.js';

async function list(call: CloudAppsCall) {
  const q = readListRequest(call.params, 'entities', call.now);
  const page = await call.services.stores.entities.list(call.caller.tenant.id, q);
  return envelopeText(
    page,
    q.max,
    page.rows.map((r) => r.doc),
  );
}

/** An entity by its base64 key (decoded tolerantly) or by its 24-hex `_id`. */
async function find(call: CloudAppsCall, key: string): Promise<CloudAppsEntityRow> {
  const store = call.services.stores.entities;
  const tenantId = call.caller.tenant.id;
  const pk = decodeEntityKey(key);
  const row = pk
    ? await store.getByPk(tenantId, pkString(pk))
    : OBJECT_ID_PATTERN.test(key)
      ? await store.getByOid(tenantId, key)
      : undefined;
  if (!row) throw notFound();
  return row;
}

/**
 * The entity tree: a user and its accounts; for an account, its user and the user's accounts.
 * The shape is undocumented (reference open question 4): the root entity object with `children`.
 */
async function tree(call: CloudAppsCall) {
  const key = call.path.pk ?? [call.params.id, call.params.pk, call.params.entity].find((v): v is string => typeof v === 'string');
  if (!key) throw invalidParameter('id', 'id: the base64 entity key is required');
  const store = call.services.stores.entities;
  const tenantId = call.caller.tenant.id;
  let root = await find(call, key);
  if (root.parent_pk) root = (await store.getByPk(tenantId, root.parent_pk)) ?? root;
  const children = root.type === 2 ? await store.children(tenantId, root.pk) : [];
  return { ...entityJson(root), children: children.map(entityJson) };
}

export const ENTITY_ROUTES: CloudAppsRoute[] = [
  // `accounts` is the name the MCAS PowerShell module used before 2019 (wild-clients §1.6, inferred
  // alias: never documented). Only the list answers there; `accounts/<id>/` stays not found.
  { methods: ['GET', 'POST'], paths: ['entities', 'accounts'], endpoint: 'entities.list', handle: list },
  { methods: ['GET', 'POST'], paths: ['entities/tree'], endpoint: 'entities.tree', handle: tree },
  {
    methods: ['GET', 'POST'],
    paths: ['entities/:pk'],
    endpoint: 'entities.fetch',
    handle: async (call) => new RawJson((await find(call, call.path.pk!)).doc),
  },
  { methods: ['GET', 'POST'], paths: ['entities/:pk/retrieve_tree', 'entities/:pk/tree'], endpoint: 'entities.tree', handle: tree },
];
