import type { CloudAppsActivityRow } from '../../store/schema.js';
import { DocumentError, obj, optBool, optInt, optString, reqInt, reqString, stringList, type Doc } from '../document-fields.js';

// Most tag lists are empty.
const json = (xs: string[]) => (xs.length === 0 ? '[]' : JSON.stringify(xs));

/**
 * Validates an activity in its wire shape (reference §7.2) and derives its row (field -> filter
 * mapping of §7.2: service/instance <- appId/saasId, ip.address <- device.clientIP, ...).
 * `ipTags`, `impersonated`, `adminEvent`, `takenAction`, `policies` and `fileLabels` are optional
 * top-level keys Appwarden reads when present (the real payload does not show where they live).
 */
export function activityRowFromDocument(tenantId: string, doc: Doc): CloudAppsActivityRow {
  const id = reqString(doc, '_id');
  const timestamp = reqInt(doc, 'timestamp');
  const device = obj(doc.device);
  const location = obj(doc.location);
  const user = obj(doc.user);
  const ua = obj(doc.userAgent);
  const actor = obj(doc.resolvedActor);
  const mainInfo = obj(doc.mainInfo);
  const raw = obj(doc.rawDataJson);
  const username = optString(user, 'userName');
  const objects = Array.isArray(mainInfo?.eventObjects) ? mainInfo.eventObjects.map(obj).filter((o): o is Doc => !!o) : [];
  const actorKeys: string[] = [];
  if (actor && typeof actor.id === 'string') {
    actorKeys.push(actor.id);
    if (actor.saasId !== undefined) actorKeys.push(`${actor.id}|${String(actor.saasId)}|${String(actor.instanceId ?? 0)}`);
  }
  const appId = optInt(doc, 'appId');
  const eventTypeValue = optString(doc, 'eventTypeValue');
  const operation = optString(mainInfo, 'rawOperationName');
  const objectUrl =
    optString(raw, 'ObjectId') ?? objects.map((o) => o.name).find((n): n is string => typeof n === 'string' && /^https?:/.test(n)) ?? null;
  const impersonated = optBool(doc, 'impersonated');
  const admin = optBool(doc, 'adminEvent');
  if (doc.created !== undefined && typeof doc.created !== 'number') throw new DocumentError("'created' must be epoch milliseconds");
  return {
    tenant_id: tenantId,
    id,
    timestamp,
    created: typeof doc.created === 'number' ? doc.created : timestamp,
    app_id: appId,
    instance_id: optInt(doc, 'saasId'),
    source: optInt(doc, 'source'),
    event_type_name: optString(doc, 'eventTypeName'),
    event_type_value: eventTypeValue,
    action_type:
      optString(doc, 'actionType') ??
      (appId !== null && eventTypeValue ? [appId, eventTypeValue, operation].filter((x) => x !== null).join(':') : null),
    username,
    user_domain: username && username.includes('@') ? username.slice(username.lastIndexOf('@') + 1) : null,
    user_org_unit: optString(user, 'orgUnit'),
    user_tags: json(stringList(user?.userTags, 'user.userTags')),
    actor_keys: json(actorKeys),
    ip: optString(device, 'clientIP'),
    ip_category: optInt(location, 'category'),
    ip_tags: json(stringList(doc.ipTags, 'ipTags')),
    country: optString(location, 'countryCode'),
    organization: optString(location, 'organizationSearchable'),
    device_type: optString(ua, 'deviceType'),
    device_tags: json(stringList(device?.tags, 'device.tags')),
    user_agent: optString(device, 'userAgent'),
    ua_tags: json(stringList(ua?.tags, 'userAgent.tags')),
    impersonated: impersonated ? 1 : 0,
    is_admin: admin ? 1 : 0,
    taken_action: optString(doc, 'takenAction'),
    policy_ids: json(stringList(doc.policies, 'policies')),
    file_ids: json(objects.filter((o) => o.objType === 1 || o.objType === 2).map((o) => String(o.id))),
    file_labels: json(stringList(doc.fileLabels, 'fileLabels')),
    object_ids: json(objects.filter((o) => o.id !== undefined).map((o) => String(o.id))),
    object_url: objectUrl,
    description: optString(doc, 'description'),
    feedback: null,
    doc: JSON.stringify(doc),
  };
}
