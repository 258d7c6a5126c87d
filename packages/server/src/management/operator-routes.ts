import type { FastifyInstance } from 'fastify';
import { errors } from '../http/errors.js';
import { mountRoutes, RouteResponse, sendJson, type Route, type RouteArea } from '../http/route-table.js';
import type { SigningKeyService } from '../identity/signing-keys.js';
import type { Tenant, TenantService } from '../identity/tenant-service.js';
import type { SiemTargetService } from '../siem/targets.js';
import { isOperatorKey } from './graph-auth.js';
import { SIEM_OPERATOR_ROUTES } from './siem-routes.js';

/** What the operator endpoints use. */
export interface OperatorDeps {
  tenants: Pick<TenantService, 'list' | 'create' | 'find'>;
  signingKeys: Pick<SigningKeyService, 'rotate' | 'keys'>;
  siem: { targets: Pick<SiemTargetService, 'add' | 'list' | 'get' | 'remove'> };
}

export interface OperatorCall {
  path: Record<string, string>;
  body: Record<string, unknown>;
  services: OperatorDeps;
}

/** An installation-level operation. The only permission is the operator key itself. */
export interface OperatorRoute extends Route<OperatorCall> {
  permission: 'operator-key';
}

const denied = () =>
  errors.unauthenticated('The operator key is missing or wrong.', undefined, {
    'WWW-Authenticate': 'Bearer realm="appwarden-operator"',
  });

const tenantJson = (t: Tenant) => ({
  tenantId: t.id,
  name: t.name,
  domain: t.domain,
  displayName: t.displayName,
  createdDateTime: new Date(t.createdAt).toISOString(),
});

async function createTenant(call: OperatorCall) {
  const { body } = call;
  if (typeof body.name !== 'string') throw errors.invalidInput("Property 'name' is required (e.g. 'contoso').");
  const t = await call.services.tenants.create({
    name: body.name,
    ...(typeof body.displayName === 'string' ? { displayName: body.displayName } : {}),
  });
  return new RouteResponse(201, tenantJson(t));
}

async function rotateKeys(call: OperatorCall) {
  const t = await call.services.tenants.find(call.path.tenant!);
  if (!t) throw errors.notFound(`Tenant '${call.path.tenant}' was not found.`);
  const kid = await call.services.signingKeys.rotate(t.id, { immediate: call.body.immediate === true });
  const keys = await call.services.signingKeys.keys(t.id);
  return {
    newKid: kid,
    keys: keys.map((k) => ({
      kid: k.kid,
      activeFrom: new Date(k.activeFrom).toISOString(),
      retiredAt: k.retiredAt ? new Date(k.retiredAt).toISOString() : null,
    })),
  };
}

/** Appwarden's own administration: tenants and signing-key rotation. */
export const OPERATOR_ROUTES: OperatorRoute[] = [
  {
    methods: ['GET'],
    paths: ['/admin/tenants'],
    permission: 'operator-key',
    handle: async (call) => ({ value: (await call.services.tenants.list()).map(tenantJson) }),
  },
  { methods: ['POST'], paths: ['/admin/tenants'], permission: 'operator-key', handle: createTenant },
  { methods: ['POST'], paths: ['/admin/tenants/:tenant/keys/rotate'], permission: 'operator-key', handle: rotateKeys },
  ...SIEM_OPERATOR_ROUTES,
];

/** The operator key as `Authorization: Bearer awop_…` (401 otherwise); it holds every operator permission. */
export function operatorArea(deps: OperatorDeps, operatorKey: () => string | undefined): RouteArea<OperatorRoute, true, OperatorCall> {
  return {
    async authenticate({ req }) {
      const m = req.headers.authorization ? /^bearer\s+(\S+)\s*$/i.exec(req.headers.authorization) : null;
      if (!m || !isOperatorKey(m[1]!, operatorKey())) throw denied();
      return true;
    },
    authorize: () => undefined,
    call: (_caller, { req, path }) => ({ path, body: (req.body ?? {}) as Record<string, unknown>, services: deps }),
    send: sendJson,
  };
}

export function registerOperatorRoutes(app: FastifyInstance, deps: OperatorDeps, operatorKey: () => string | undefined): void {
  mountRoutes(app, operatorArea(deps, operatorKey), OPERATOR_ROUTES, (route) => [...route.paths]);
}
