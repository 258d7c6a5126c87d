import {
  SECURITY_ALERT_CLASSIFICATIONS,
  SECURITY_ALERT_DETERMINATIONS,
  SECURITY_ALERT_STATUSES,
  type GraphPermission,
  type SecurityAlert,
} from '@appwarden/protocol';
import { MAX_ALERT_COMMENT_LENGTH, type TriageChange } from '../cloudapps/alerts/alert-state-service.js';
import { cloudAppsAlertId, commentsOf, graphAlertOf } from '../cloudapps/alerts/graph-alert.js';
import { errors } from '../http/errors.js';
import type { GraphCaller } from './graph-auth.js';
import { odataContext, type GraphCall, type GraphRoute } from './route-definition.js';
import { readAlertsV2Options } from './security-alert-query.js';

// Microsoft Graph's security alerts (alerts_v2) over the tenant's Defender for Cloud Apps alerts:
// list, get, update (status, classification, determination, assignedTo) and comments. The state is
// the Cloud Apps alert's own (AlertStateService); docs/graph-security.md has the mapping.

const READ_ALERTS: readonly GraphPermission[] = ['SecurityAlert.Read.All', 'SecurityAlert.ReadWrite.All'];
const WRITE_ALERTS: readonly GraphPermission[] = ['SecurityAlert.ReadWrite.All'];
const UPDATABLE = ['status', 'classification', 'determination', 'assignedTo'];

/** Who a change is recorded as: the signed-in user, else the calling application. */
const actorOf = (caller: GraphCaller) => caller.userPrincipalName ?? caller.clientAppId;

const notFound = (id: string) => errors.notFound(`Alert '${id}' was not found.`);

function project(alert: SecurityAlert, select: string[] | undefined): Record<string, unknown> {
  if (!select) return alert as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = { '@odata.type': alert['@odata.type'], id: alert.id };
  for (const name of select) {
    const key = Object.keys(alert).find((k) => k.toLowerCase() === name.toLowerCase());
    if (!key) throw errors.invalidInput(`Could not find a property named '${name}' on type 'microsoft.graph.security.alert'.`);
    out[key] = alert[key as keyof SecurityAlert];
  }
  return out;
}

async function list(call: GraphCall) {
  const { query, select } = readAlertsV2Options(call.query);
  const tenantId = call.caller.tenant.id;
  const page = await call.services.stores.alerts.statePage(tenantId, query);
  const params = new URLSearchParams(call.query);
  for (const k of [...params.keys()]) if (k.toLowerCase() === '$skip' || k.toLowerCase() === '$top') params.delete(k);
  params.set('$top', String(query.limit));
  params.set('$skip', String(query.skip + query.limit));
  return {
    '@odata.context': odataContext(call.origin, 'security/alerts_v2'),
    ...(query.count ? { '@odata.count': page.count } : {}),
    ...(page.more ? { '@odata.nextLink': `${call.origin}/v1.0/security/alerts_v2?${params.toString()}` } : {}),
    value: page.rows.map((row) => project(graphAlertOf(row, call.origin, tenantId), select)),
  };
}

async function get(call: GraphCall) {
  const select = call.query.$select
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const row = await call.services.stores.alerts.get(call.caller.tenant.id, cloudAppsAlertId(call.path.id!));
  if (!row) throw notFound(call.path.id!);
  return {
    '@odata.context': odataContext(call.origin, 'security/alerts_v2/$entity'),
    ...project(graphAlertOf(row, call.origin, call.caller.tenant.id), select),
  };
}

function enumMember<T extends string>(body: Record<string, unknown>, name: string, allowed: readonly T[]): T | undefined {
  const v = body[name];
  if (v === undefined) return undefined;
  const hit = typeof v === 'string' ? allowed.find((a) => a.toLowerCase() === v.toLowerCase()) : undefined;
  if (!hit) throw errors.invalidInput(`Invalid value '${String(v)}' for property '${name}'. Allowed: ${allowed.join(', ')}.`);
  return hit;
}

async function update(call: GraphCall) {
  const body = call.body;
  for (const key of Object.keys(body)) {
    if (key === '@odata.type') continue;
    if (!UPDATABLE.includes(key)) {
      throw errors.invalidInput(
        `Property '${key}' cannot be updated; alerts_v2 updates ${UPDATABLE.join(', ')}. Post comments to /comments.`,
      );
    }
  }
  const change: TriageChange = {
    status: enumMember(body, 'status', SECURITY_ALERT_STATUSES),
    classification: enumMember(body, 'classification', SECURITY_ALERT_CLASSIFICATIONS),
    determination: enumMember(body, 'determination', SECURITY_ALERT_DETERMINATIONS),
  };
  if (body.assignedTo !== undefined) {
    if (body.assignedTo !== null && (typeof body.assignedTo !== 'string' || body.assignedTo.length > 256)) {
      throw errors.invalidInput("Property 'assignedTo' must be a string of at most 256 characters, or null.");
    }
    change.assignedTo = body.assignedTo === '' ? null : (body.assignedTo as string | null);
  }
  const row = await call.services.cloudApps.alertStates.triage(
    call.caller.tenant.id,
    cloudAppsAlertId(call.path.id!),
    change,
    actorOf(call.caller),
  );
  if (!row) throw notFound(call.path.id!);
  return {
    '@odata.context': odataContext(call.origin, 'security/alerts_v2/$entity'),
    ...graphAlertOf(row, call.origin, call.caller.tenant.id),
  };
}

async function listComments(call: GraphCall) {
  const row = await call.services.stores.alerts.get(call.caller.tenant.id, cloudAppsAlertId(call.path.id!));
  if (!row) throw notFound(call.path.id!);
  return { '@odata.context': odataContext(call.origin, `security/alerts_v2('${call.path.id}')/comments`), value: commentsOf(row) };
}

async function addComment(call: GraphCall) {
  const text = call.body.comment;
  if (typeof text !== 'string' || text.trim() === '') throw errors.invalidInput("The request body needs a non-empty 'comment' string.");
  if (text.length > MAX_ALERT_COMMENT_LENGTH) throw errors.invalidInput(`A comment has at most ${MAX_ALERT_COMMENT_LENGTH} characters.`);
  const row = await call.services.cloudApps.alertStates.addComment(
    call.caller.tenant.id,
    cloudAppsAlertId(call.path.id!),
    text,
    actorOf(call.caller),
  );
  if (!row) throw notFound(call.path.id!);
  return { '@odata.context': odataContext(call.origin, `security/alerts_v2('${call.path.id}')/comments`), value: commentsOf(row) };
}

export const SECURITY_ALERT_ROUTES: GraphRoute[] = [
  { methods: ['GET'], paths: ['security/alerts_v2'], permissions: READ_ALERTS, handle: list },
  { methods: ['GET'], paths: ['security/alerts_v2/:id'], permissions: READ_ALERTS, handle: get },
  { methods: ['PATCH'], paths: ['security/alerts_v2/:id'], permissions: WRITE_ALERTS, handle: update },
  { methods: ['GET'], paths: ['security/alerts_v2/:id/comments'], permissions: READ_ALERTS, handle: listComments },
  { methods: ['POST'], paths: ['security/alerts_v2/:id/comments'], permissions: WRITE_ALERTS, handle: addComment },
];
