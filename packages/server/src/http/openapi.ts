import { CLOUD_APPS_PERMISSION_MATRIX, type CloudAppsEndpoint } from '@appwarden/protocol';
import type { FastifyInstance } from 'fastify';
import { CLOUD_APPS_ROUTES, PATH_PREFIXES, ROOT_PATH_PREFIXES } from '../cloudapps/routes.js';
import { escapeHtml } from '../identity/consent-pages.js';
import { registerApiDocs } from './api-docs.js';

interface Operation {
  method: string;
  path: string;
  tag: 'Identity' | 'Management (Graph v1.0)' | 'Operator' | 'Cloud Apps API' | 'Azure Resource Manager' | 'Operations';
  summary: string;
  security?: string;
  permissions?: readonly string[];
  requestBody?: 'form' | 'json';
  /** A JSON request-body schema (a $ref into components.schemas) instead of a free object. */
  requestSchema?: Record<string, unknown>;
  /** Extra text after the permission sentence. */
  notes?: string;
}

/** Request bodies described in detail, by `<method> <Cloud Apps route path>`. */
const CLOUD_APPS_BODIES: Record<string, { schema?: Record<string, unknown>; notes: string }> = {
  'post discovery/data_sources': {
    schema: { $ref: '#/components/schemas/DiscoveryDataSourceCreate' },
    notes:
      'Creates a data source and its syslog receiver. With logType CUSTOM_PARSER (167) it needs customParser; an invalid definition is a 400 naming the field (customParser.fields.srcIp...).',
  },
  'get discovery/upload_url': {
    notes:
      'Query: filename, source (log-type name or code). source=CUSTOM_PARSER needs a data source with a custom parser (400 otherwise); done_upload then names it as inputStreamName.',
  },
  'post policies': {
    notes:
      'Undocumented API (clients call it under /cas/api/v1/): {"skip":0,"limit":100,"filters":{"type":{"eq":"ANOMALY_DETECTION"}}} -> the list envelope of activity policies (AUDIT) and built-in detections (ANOMALY_DETECTION). Object shape and permissions inferred (docs/detection.md).',
  },
  'get policies/:policyType/:id': { notes: 'One policy; a policy of another type is a 404 here.' },
  'post policies/:id/disable': { notes: 'Switches the policy off (idempotent) and answers it; permission inferred.' },
  'post discovery/done_upload': {
    schema: { $ref: '#/components/schemas/DiscoveryDoneUpload' },
    notes:
      'For a CUSTOM_PARSER upload, inputStreamName must be a data source with a custom parser (400 otherwise, the upload stays usable); the file then feeds that data source (or a snapshot of that name).',
  },
};

const CUSTOM_PARSER_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['layout', 'fields'],
  properties: {
    layout: { enum: ['csv', 'keyvalue'] },
    delimiter: { type: 'string', minLength: 1, maxLength: 1, description: 'csv only; default ","' },
    header: {
      oneOf: [{ const: 'first-line' }, { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, uniqueItems: true }],
      description: 'csv only: column names, or first-line; without it fields name 0-based column numbers',
    },
    fields: {
      type: 'object',
      additionalProperties: false,
      required: ['timestamp', 'srcIp'],
      description: 'field -> column name or key (case-sensitive); needs destHost, url or destIp',
      properties: {
        timestamp: { oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 4 }] },
        ...Object.fromEntries(
          ['srcIp', 'user', 'machine', 'destHost', 'destIp', 'destPort', 'url', 'bytesUp', 'bytesDown', 'bytesTotal', 'action'].map((f) => [
            f,
            { type: 'string' },
          ]),
        ),
      },
    },
    timestampFormat: { type: 'string', description: 'auto (default), epoch, or a pattern of yyyy MM MMM dd HH mm ss SSS Z' },
    blockedValues: { type: 'array', items: { type: 'string' }, minItems: 1 },
  },
};

const SCHEMAS = {
  DiscoveryCustomParser: CUSTOM_PARSER_SCHEMA,
  DiscoveryDataSourceCreate: {
    type: 'object',
    required: ['displayName', 'logType'],
    properties: {
      displayName: { type: 'string' },
      logType: { oneOf: [{ type: 'integer' }, { type: 'string' }], description: 'log-type code or name (reference §8.14)' },
      receiverType: { enum: ['syslog', 'ftp', 'ftps'], description: 'syslog (default), or ftp with receiverTypeFull ftp or ftps' },
      receiverTypeFull: {
        enum: ['syslog-udp', 'syslog-tcp', 'syslog-tls', 'ftp', 'ftps'],
        description:
          'syslog-udp (default). ftp/ftps: a login on the FTP server (discoveryFtpPort); the response carries ftp.host, ftp.port, ftp.user and, this once, ftp.password',
      },
      port: { type: 'integer', minimum: 0, maximum: 65535, description: 'syslog receivers only' },
      anonymizeUsers: { type: 'boolean' },
      utcOffsetMinutes: { type: 'integer' },
      customParser: {
        oneOf: [{ $ref: '#/components/schemas/DiscoveryCustomParser' }, { type: 'string', description: 'the same, as JSON text' }],
      },
    },
  },
  DiscoveryDoneUpload: {
    type: 'object',
    required: ['uploadUrl', 'inputStreamName'],
    properties: {
      uploadUrl: { type: 'string' },
      inputStreamName: { type: 'string' },
      uploadAsSnapshot: { type: 'boolean' },
    },
  },
};

/** Identity, management and operator operations; the Cloud Apps ones come from the route table. */
const STATIC_OPERATIONS: Operation[] = [
  {
    method: 'post',
    path: '/{tenant}/oauth2/v2.0/token',
    tag: 'Identity',
    summary: 'v2 token endpoint: client credentials with scope=<resource>/.default (secret, Basic or certificate assertion)',
    requestBody: 'form',
  },
  {
    method: 'post',
    path: '/{tenant}/oauth2/token',
    tag: 'Identity',
    summary: 'v1 token endpoint: client credentials with resource=<appId or identifier URI>; string-valued answer',
    requestBody: 'form',
  },
  {
    method: 'get',
    path: '/{tenant}/v2.0/.well-known/openid-configuration',
    tag: 'Identity',
    summary: 'v2 OpenID provider metadata (also for common and organizations)',
  },
  { method: 'get', path: '/{tenant}/.well-known/openid-configuration', tag: 'Identity', summary: 'v1 OpenID provider metadata' },
  { method: 'get', path: '/{tenant}/discovery/v2.0/keys', tag: 'Identity', summary: 'v2 JWKS (entries carry issuer)' },
  { method: 'get', path: '/{tenant}/discovery/keys', tag: 'Identity', summary: 'v1 JWKS' },
  { method: 'get', path: '/common/discovery/instance', tag: 'Identity', summary: 'Instance discovery for this host' },
  { method: 'get', path: '/{tenant}/adminconsent', tag: 'Identity', summary: 'Admin consent page (client_id, redirect_uri, state)' },
  {
    method: 'get',
    path: '/{tenant}/v2.0/adminconsent',
    tag: 'Identity',
    summary: 'v2 admin consent page (client_id, scope, redirect_uri, state)',
  },
  { method: 'get', path: '/{tenant}/oauth2/authorize', tag: 'Identity', summary: 'Consent link (prompt=consent or admin_consent)' },
  ...(
    [
      ['get', '/v1.0/organization', 'The caller’s tenant', ['Organization.Read.All', 'Application.Read.All', 'Application.ReadWrite.All']],
      [
        'get',
        '/v1.0/applications',
        'List applications ($filter appId/displayName eq, startswith(displayName,…); $top)',
        ['Application.Read.All', 'Application.ReadWrite.All'],
      ],
      ['post', '/v1.0/applications', 'Create an application', ['Application.ReadWrite.All']],
      [
        'get',
        '/v1.0/applications/{id}',
        "Get an application (also applications(appId='…'))",
        ['Application.Read.All', 'Application.ReadWrite.All'],
      ],
      ['patch', '/v1.0/applications/{id}', 'Update an application (204)', ['Application.ReadWrite.All']],
      ['delete', '/v1.0/applications/{id}', 'Delete an application and its service principals (204)', ['Application.ReadWrite.All']],
      ['post', '/v1.0/applications/{id}/addPassword', 'Add a client secret; secretText is returned once', ['Application.ReadWrite.All']],
      ['post', '/v1.0/applications/{id}/removePassword', 'Remove a client secret by keyId (204)', ['Application.ReadWrite.All']],
      [
        'get',
        '/v1.0/servicePrincipals',
        'List service principals ($filter appId eq)',
        ['Application.Read.All', 'Application.ReadWrite.All'],
      ],
      ['post', '/v1.0/servicePrincipals', 'Create a service principal {appId}', ['Application.ReadWrite.All']],
      [
        'get',
        '/v1.0/servicePrincipals/{id}',
        "Get a service principal (also servicePrincipals(appId='…'))",
        ['Application.Read.All', 'Application.ReadWrite.All'],
      ],
      ['patch', '/v1.0/servicePrincipals/{id}', 'Update accountEnabled, appRoleAssignmentRequired (204)', ['Application.ReadWrite.All']],
      ['delete', '/v1.0/servicePrincipals/{id}', 'Delete a service principal (204)', ['Application.ReadWrite.All']],
      [
        'get',
        '/v1.0/servicePrincipals/{id}/appRoleAssignedTo',
        'Assignments granted on this resource',
        ['Application.Read.All', 'Application.ReadWrite.All', 'AppRoleAssignment.ReadWrite.All'],
      ],
      [
        'post',
        '/v1.0/servicePrincipals/{id}/appRoleAssignedTo',
        'Grant an application permission {principalId, resourceId, appRoleId}',
        ['AppRoleAssignment.ReadWrite.All'],
      ],
      [
        'get',
        '/v1.0/servicePrincipals/{id}/appRoleAssignments',
        'Assignments held by this client',
        ['Application.Read.All', 'Application.ReadWrite.All', 'AppRoleAssignment.ReadWrite.All'],
      ],
      [
        'post',
        '/v1.0/servicePrincipals/{id}/appRoleAssignments',
        'Grant an application permission to this client',
        ['AppRoleAssignment.ReadWrite.All'],
      ],
      [
        'delete',
        '/v1.0/servicePrincipals/{id}/appRoleAssignedTo/{assignmentId}',
        'Revoke an assignment (204)',
        ['AppRoleAssignment.ReadWrite.All'],
      ],
      [
        'post',
        '/v1.0/appwarden.adminConsent',
        'Appwarden extension: grant admin consent {clientId} in the caller’s tenant',
        ['AppRoleAssignment.ReadWrite.All'],
      ],
      [
        'get',
        '/v1.0/security/alerts_v2',
        'List security alerts (the Defender for Cloud Apps alerts; $filter, $top, $skip, $count, $orderby, $select)',
        ['SecurityAlert.Read.All', 'SecurityAlert.ReadWrite.All'],
      ],
      ['get', '/v1.0/security/alerts_v2/{id}', 'Get a security alert', ['SecurityAlert.Read.All', 'SecurityAlert.ReadWrite.All']],
      [
        'patch',
        '/v1.0/security/alerts_v2/{id}',
        'Update status, classification, determination, assignedTo (the Cloud Apps alert’s own state)',
        ['SecurityAlert.ReadWrite.All'],
      ],
      [
        'get',
        '/v1.0/security/alerts_v2/{id}/comments',
        'List the comments of a security alert',
        ['SecurityAlert.Read.All', 'SecurityAlert.ReadWrite.All'],
      ],
      ['post', '/v1.0/security/alerts_v2/{id}/comments', 'Add a comment {comment}; returns every comment', ['SecurityAlert.ReadWrite.All']],
    ] as const
  ).map(([method, path, summary, permissions]) => ({
    method,
    path,
    tag: 'Management (Graph v1.0)' as const,
    summary,
    security: 'graphToken',
    permissions,
  })),
  { method: 'get', path: '/admin/tenants', tag: 'Operator', summary: 'List tenants', security: 'operatorKey' },
  {
    method: 'post',
    path: '/admin/tenants',
    tag: 'Operator',
    summary: 'Create a tenant {name, displayName}',
    security: 'operatorKey',
    requestBody: 'json',
  },
  {
    method: 'post',
    path: '/admin/tenants/{tenant}/keys/rotate',
    tag: 'Operator',
    summary: 'Rotate signing keys {immediate}',
    security: 'operatorKey',
    requestBody: 'json',
  },
  ...(
    [
      ['get', '/admin/tenants/{tenant}/cloud-apps/policies', 'List activity policies and built-in detections (docs/detection.md)'],
      [
        'post',
        '/admin/tenants/{tenant}/cloud-apps/policies',
        'Create an activity policy {name, filters, matchParameters, severity, alertsPerDay}',
      ],
      ['get', '/admin/tenants/{tenant}/cloud-apps/policies/{id}', 'Get a policy (an activity policy id, a built-in detection id or name)'],
      ['put', '/admin/tenants/{tenant}/cloud-apps/policies/{id}', 'Replace an activity policy'],
      ['delete', '/admin/tenants/{tenant}/cloud-apps/policies/{id}', 'Delete an activity policy'],
      ['post', '/admin/tenants/{tenant}/cloud-apps/policies/{id}/enable', 'Enable a policy or built-in detection'],
      ['post', '/admin/tenants/{tenant}/cloud-apps/policies/{id}/disable', 'Disable a policy or built-in detection'],
    ] as const
  ).map(([method, path, summary]) => ({
    method,
    path,
    tag: 'Operator' as const,
    summary,
    security: 'operatorKey',
    ...(method === 'post' || method === 'put' ? { requestBody: 'json' as const } : {}),
  })),
  {
    method: 'get',
    path: '/admin/tenants/{tenant}/siem/targets',
    tag: 'Operator',
    summary: 'List the SIEM export targets of a tenant, with pending, delivered, dropped and rejected counts',
    security: 'operatorKey',
  },
  {
    method: 'post',
    path: '/admin/tenants/{tenant}/siem/targets',
    tag: 'Operator',
    summary:
      'Add a SIEM export target {url: udp|tcp|tls://host:port or https://..., alerts, activities, format, framing, ca}; a webhook answer carries its signing secret once',
    security: 'operatorKey',
    requestBody: 'json',
  },
  {
    method: 'get',
    path: '/admin/tenants/{tenant}/siem/targets/{target}',
    tag: 'Operator',
    summary: 'One SIEM export target',
    security: 'operatorKey',
  },
  {
    method: 'delete',
    path: '/admin/tenants/{tenant}/siem/targets/{target}',
    tag: 'Operator',
    summary: 'Remove a SIEM export target and its pending items',
    security: 'operatorKey',
  },
  {
    method: 'put',
    path: '/blob/discovery-uploads/{id}',
    tag: 'Cloud Apps API',
    summary: 'Cloud Discovery upload URL (Azure Put Blob, Put Block, Put Block List; SAS-style signature in the query)',
  },
  ...(
    [
      ['/subscriptions', 'Subscriptions - List: always empty (a tenant-level login, az login --allow-no-subscriptions)'],
      ['/subscriptions/{subscriptionId}', 'Any subscription-scoped path: 404 SubscriptionNotFound'],
      ['/tenants', 'Tenants - List: the token’s tenant'],
      ['/providers', 'Providers - List at tenant scope: empty'],
      ['/providers/{namespace}', 'Any provider path: 404 InvalidResourceNamespace'],
    ] as const
  ).map(([path, summary]) => ({
    method: 'get',
    path,
    tag: 'Azure Resource Manager' as const,
    summary: `${summary}. Needs ?api-version=yyyy-mm-dd`,
    security: 'armToken',
  })),
  {
    method: 'get',
    path: '/metadata/endpoints',
    tag: 'Azure Resource Manager',
    summary: 'Cloud metadata (login endpoint, audiences, Resource Manager and Graph endpoints), no token',
  },
  { method: 'get', path: '/healthz', tag: 'Operations', summary: 'Liveness' },
  { method: 'get', path: '/readyz', tag: 'Operations', summary: 'Readiness: 503 until migrations and seeding are done' },
  { method: 'get', path: '/openapi.json', tag: 'Operations', summary: 'This document' },
];

function cloudAppsOperations(): Operation[] {
  const ops: Operation[] = [];
  for (const r of CLOUD_APPS_ROUTES) {
    const full = [...r.paths.map((p) => `${PATH_PREFIXES[0]}${p}`), ...(r.rootPaths ?? []).map((p) => `${ROOT_PATH_PREFIXES[0]}${p}`)];
    for (const p of full) {
      for (const m of r.methods) {
        const body = r.paths.map((x) => CLOUD_APPS_BODIES[`${m.toLowerCase()} ${x}`]).find(Boolean);
        ops.push({
          ...(body?.schema ? { requestSchema: body.schema } : {}),
          ...(body ? { notes: body.notes } : {}),
          method: m.toLowerCase(),
          path: `${p.replace(/:(\w+)/g, '{$1}')}/`,
          tag: 'Cloud Apps API',
          summary: r.endpoint,
          security: 'cloudAppsToken',
          permissions: CLOUD_APPS_PERMISSION_MATRIX[r.endpoint as CloudAppsEndpoint],
          ...(m !== 'GET' ? { requestBody: 'json' as const } : {}),
        });
      }
    }
  }
  return ops;
}

/** The OpenAPI 3.1 description of every HTTP API Appwarden serves. */
export function buildOpenApi(origin: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of [...STATIC_OPERATIONS, ...cloudAppsOperations()]) {
    const params = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const entry: Record<string, unknown> = {
      tags: [op.tag],
      summary: op.summary,
      ...(params.length ? { parameters: params } : {}),
      ...(op.security ? { security: [{ [op.security]: [] }] } : {}),
      ...(op.permissions
        ? {
            'x-permissions': op.permissions,
            description: `Allowed with any of: ${op.permissions.join(', ')}.${op.notes ? ` ${op.notes}` : ''}`,
          }
        : {}),
      ...(op.requestBody === 'form'
        ? {
            requestBody: {
              content: { 'application/x-www-form-urlencoded': { schema: { type: 'object', additionalProperties: { type: 'string' } } } },
            },
          }
        : op.requestSchema
          ? { requestBody: { required: true, content: { 'application/json': { schema: op.requestSchema } } } }
          : op.requestBody === 'json'
            ? {
                requestBody: {
                  required: false,
                  content: {
                    'application/json': { schema: { type: 'object' } },
                    'application/x-www-form-urlencoded': { schema: { type: 'object' } },
                  },
                },
              }
            : {}),
      responses: { default: { description: 'See docs/ for the body shapes and docs/errors.md for errors.' } },
    };
    (paths[op.path] ??= {})[op.method] = entry;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Appwarden',
      version: '0.1.0',
      description:
        'Entra-compatible identity platform and the Defender for Cloud Apps API. Cloud Apps paths are also served under /cas/api/v1/ and without the trailing slash.',
    },
    servers: [{ url: origin }],
    components: {
      schemas: SCHEMAS,
      securitySchemes: {
        graphToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'App-only token for https://graph.microsoft.com (or the operator key with x-appwarden-tenant)',
        },
        cloudAppsToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'App-only token for 05a65629-4c1b-48c1-a78b-804c4abdd4af, or `Authorization: Token <api token>`',
        },
        operatorKey: { type: 'http', scheme: 'bearer', description: 'The operator key (<data-dir>/operator.key)' },
        armToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'App-only or delegated token for https://management.core.windows.net/ (or https://management.azure.com/, 797f4846-ba00-4fd7-ba43-dac1f8f63013)',
        },
      },
    },
    paths,
  };
}

/** `/openapi.json` and a readable `/docs` page rendered from it (no external assets). */
export function registerOpenApiRoutes(app: FastifyInstance, origin: () => string): void {
  app.get('/openapi.json', async () => buildOpenApi(origin()));
  // Swagger UI (interactive, from the swagger-ui-dist package) and the same operations as a plain table.
  registerApiDocs(app, () => operationsTableHtml(origin()));
  app.get('/docs/operations', async (_req, reply) => reply.type('text/html; charset=utf-8').send(operationsTableHtml(origin())));
}

/** Every operation in one plain table (no script): `/docs/operations`, and `/docs` without Swagger UI. */
function operationsTableHtml(origin: string): string {
  const doc = buildOpenApi(origin);
  const rows: string[] = [];
  let tag = '';
  const entries = Object.entries(doc.paths).flatMap(([p, ms]) =>
    Object.entries(ms).map(([m, op]) => ({ p, m, op: op as { tags: string[]; summary: string; 'x-permissions'?: string[] } })),
  );
  entries.sort((a, b) => a.op.tags[0]!.localeCompare(b.op.tags[0]!) || a.p.localeCompare(b.p));
  for (const e of entries) {
    if (e.op.tags[0] !== tag) {
      tag = e.op.tags[0]!;
      rows.push(`<tr><th colspan="4"><h2>${escapeHtml(tag)}</h2></th></tr>`);
    }
    rows.push(
      `<tr><td><code>${e.m.toUpperCase()}</code></td><td><code>${escapeHtml(e.p)}</code></td><td>${escapeHtml(e.op.summary)}</td><td>${escapeHtml((e.op['x-permissions'] ?? []).join(', '))}</td></tr>`,
    );
  }
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Appwarden API</title><style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}td,th{text-align:left;padding:4px 8px;vertical-align:top}tr:nth-child(even){background:#f6f6f6}h2{margin:1em 0 0}</style></head><body><h1>Appwarden API</h1><p>Machine-readable: <a href="/openapi.json">/openapi.json</a>. Depth: the docs/ folder of the repository.</p><table><tr><th>method</th><th>path</th><th>what</th><th>permissions (any of)</th></tr>${rows.join('')}</table></body></html>`;
  return html;
}
