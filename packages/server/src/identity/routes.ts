import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { EntraError } from '../http/errors.js';
import { NO_STORE_HEADERS } from '../http/entra-error-renderer.js';
import type { Services } from '../wiring.js';
import { instanceDiscovery, jwks, openIdConfigurationV1, openIdConfigurationV2 } from './discovery.js';
import { MULTI_TENANT_ALIASES, GUID_RE, type Tenant } from './tenant-service.js';
import { handleTokenRequest } from './token/token-endpoint.js';
import { v2Issuer } from './token/access-token.js';

type TenantParams = { tenant: string };

/** Grants a single-page app redeems from the browser; only their answers carry CORS headers. */
const USER_GRANTS_WITH_CORS = new Set(['authorization_code', 'refresh_token']);

const DISCOVERY_HEADERS = {
  'cache-control': 'max-age=86400, private',
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, OPTIONS',
};

/** Identity-platform routes: token endpoints (v1, v2), OpenID discovery, JWKS, instance discovery. */
export function registerIdentityRoutes(app: FastifyInstance, services: Services): void {
  const origin = () => services.origin.value;

  const token = (endpoint: 1 | 2) => async (req: FastifyRequest<{ Params: TenantParams }>, reply: FastifyReply) => {
    const form = formOf(req.body);
    const requestOrigin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    // Browsers may read the answer of a user grant (the grant refuses non-SPA clients with an Origin).
    if (requestOrigin && USER_GRANTS_WITH_CORS.has(form.grant_type ?? '')) {
      reply.header('access-control-allow-origin', requestOrigin).header('vary', 'Origin');
    }
    const response = await handleTokenRequest(
      {
        endpoint,
        tenantSegment: req.params.tenant,
        form,
        authorization: req.headers.authorization,
        origin: origin(),
        sourceAddress: req.ip,
        ...(requestOrigin ? { requestOrigin } : {}),
      },
      {
        ...services,
        config: services.config,
      },
    );
    reply.headers(NO_STORE_HEADERS);
    const cid = req.headers['client-request-id'];
    if (typeof cid === 'string') reply.header('client-request-id', cid);
    return reply.type('application/json; charset=utf-8').send(response);
  };
  const onlyPost = (req: FastifyRequest) => {
    throw new EntraError('methodNotAllowed', { method: req.method });
  };
  for (const [path, version] of [
    ['/:tenant/oauth2/token', 1],
    ['/:tenant/oauth2/v2.0/token', 2],
  ] as const) {
    app.post(path, token(version));
    // CORS preflight for single-page apps (msal-browser posts a form, so most browsers skip it).
    app.options(path, async (_req, reply) =>
      reply
        .code(204)
        .headers({
          'access-control-allow-origin': '*',
          'access-control-allow-methods': 'POST, OPTIONS',
          'access-control-allow-headers':
            'content-type, client-request-id, x-client-sku, x-client-ver, x-client-os, x-client-cpu, x-ms-lib-capability',
          'access-control-max-age': '86400',
        })
        .send(),
    );
    app.route({ method: ['GET', 'PUT', 'DELETE', 'PATCH'], url: path, handler: onlyPost });
  }

  /** Discovery accepts a tenant GUID/domain or the multi-tenant aliases. */
  const discoveryTenant = async (segment: string): Promise<{ path: string; alias: boolean; tenant?: Tenant }> => {
    const key = segment.toLowerCase();
    if (MULTI_TENANT_ALIASES.has(key)) return { path: key, alias: true };
    if (key === '00000000-0000-0000-0000-000000000000') throw new EntraError('emptyTenantGuid');
    const tenant = await services.tenants.find(key);
    if (!tenant) {
      if (!GUID_RE.test(key) && !/^[a-z0-9.-]+$/.test(key)) throw new EntraError('invalidTenantIdentifier', { tenant: segment });
      throw new EntraError('tenantNotFoundDiscovery', { tenant: segment });
    }
    return { path: tenant.id, alias: false, tenant };
  };

  app.get<{ Params: TenantParams }>('/:tenant/v2.0/.well-known/openid-configuration', async (req, reply) => {
    const t = await discoveryTenant(req.params.tenant);
    return reply.headers(DISCOVERY_HEADERS).send(openIdConfigurationV2(origin(), t.path, t.alias));
  });
  app.get<{ Params: TenantParams }>('/:tenant/.well-known/openid-configuration', async (req, reply) => {
    const t = await discoveryTenant(req.params.tenant);
    return reply.headers(DISCOVERY_HEADERS).send(openIdConfigurationV1(origin(), t.path, t.alias));
  });

  const keys = (v2: boolean) => async (req: FastifyRequest<{ Params: TenantParams }>, reply: FastifyReply) => {
    const t = await discoveryTenant(req.params.tenant);
    let published;
    if (t.tenant) {
      published = await services.signingKeys.published(t.tenant.id);
    } else {
      // The aliases publish every tenant's keys, as Entra's common endpoint does.
      const all = await services.tenants.list();
      published = (await Promise.all(all.map((x) => services.signingKeys.published(x.id)))).flat();
    }
    const issuer = v2 ? (t.tenant ? v2Issuer(origin(), t.tenant.id) : `${origin()}/{tenantid}/v2.0`) : undefined;
    return reply.headers(DISCOVERY_HEADERS).send(jwks(published, issuer));
  };
  app.get('/:tenant/discovery/v2.0/keys', keys(true));
  app.get('/:tenant/discovery/keys', keys(false));

  app.get<{ Querystring: { authorization_endpoint?: string } }>('/common/discovery/instance', async (req, reply) => {
    const asked = typeof req.query.authorization_endpoint === 'string' ? req.query.authorization_endpoint : undefined;
    return reply.headers(DISCOVERY_HEADERS).send(instanceDiscovery(origin(), asked));
  });

  app.get<{ Querystring: { code?: string } }>('/error', async (req, reply) => {
    const code = String(req.query.code ?? '').replace(/[^0-9]/g, '');
    return reply.send({ code: code ? Number(code) : null, documentation: `${origin()}/docs#aadsts${code}` });
  });
}

function formOf(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
  return out;
}
