import type { CloudAppsEndpoint } from '@appwarden/protocol';
import { encodeEntityKey } from '../../src/cloudapps/entities/model.js';
import { builtInRuleId } from '../../src/detection/alert-document.js';
import type { InProcessHarness } from '../../../../test/support/harness.js';

export interface Sample {
  endpoint: CloudAppsEndpoint;
  method: 'GET' | 'POST';
  url: string;
  payload?: unknown;
}

/** One real request per implemented route, built on the harness' data. */
export async function sampleRequests(h: InProcessHarness): Promise<Sample[]> {
  const alert = (
    await h.services.stores.alerts.list(h.tenantId, { conditions: [], sortField: 'date', sortDirection: 'desc', skip: 0, limit: 1 })
  ).rows[0]!;
  const activity = (
    await h.services.stores.activities.list(h.tenantId, { conditions: [], sortField: 'date', sortDirection: 'desc', skip: 0, limit: 1 })
  ).rows[0]!;
  const entity = (
    await h.services.stores.entities.list(h.tenantId, {
      conditions: [{ field: 'type', op: 'eq', values: [2] }],
      sortField: 'displayName',
      sortDirection: 'asc',
      skip: 0,
      limit: 1,
    })
  ).rows[0]!;
  const file = (
    await h.services.stores.files.list(h.tenantId, { conditions: [], sortField: 'modifiedDate', sortDirection: 'desc', skip: 0, limit: 1 })
  ).rows[0]!;
  const key = encodeEntityKey({ id: entity.id, saas: entity.saas, inst: entity.inst });
  const none = { filters: { id: { eq: ['ffffffffffffffffffffffff'] } } };
  return [
    { endpoint: 'alerts.list', method: 'POST', url: '/api/v1/alerts/', payload: { limit: 1 } },
    { endpoint: 'alerts.fetch', method: 'GET', url: `/api/v1/alerts/${alert.id}/` },
    { endpoint: 'alerts.read', method: 'POST', url: `/api/v1/alerts/${alert.id}/read/` },
    { endpoint: 'alerts.unread', method: 'POST', url: `/api/v1/alerts/${alert.id}/unread/` },
    { endpoint: 'alerts.close', method: 'POST', url: '/api/v1/alerts/close_benign/', payload: none },
    { endpoint: 'alerts.close', method: 'POST', url: '/api/v1/alerts/close_false_positive/', payload: none },
    { endpoint: 'alerts.close', method: 'POST', url: '/api/v1/alerts/close_true_positive', payload: none },
    { endpoint: 'alerts.close', method: 'POST', url: '/api/v1/alerts/dismiss_bulk/', payload: none },
    { endpoint: 'alerts.close', method: 'POST', url: '/api/v1/alerts/resolve/', payload: none },
    { endpoint: 'alerts.close', method: 'POST', url: '/api/v1/alerts/reopen/', payload: none },
    { endpoint: 'activities.list', method: 'POST', url: '/api/v1/activities/', payload: { limit: 1 } },
    { endpoint: 'activities.fetch', method: 'GET', url: `/api/v1/activities/${activity.id}` },
    { endpoint: 'activities.feedback', method: 'POST', url: `/api/v1/activities/${activity.id}/feedback`, payload: { feedbackValue: '0' } },
    { endpoint: 'entities.list', method: 'POST', url: '/api/v1/entities/', payload: { limit: 1 } },
    { endpoint: 'entities.fetch', method: 'GET', url: `/api/v1/entities/${key}/` },
    { endpoint: 'entities.tree', method: 'GET', url: `/api/v1/entities/${key}/retrieve_tree/` },
    { endpoint: 'entities.tree', method: 'GET', url: `/api/v1/entities/${key}/tree/` },
    { endpoint: 'entities.list', method: 'POST', url: '/api/v1/accounts/', payload: { limit: 1 } },
    { endpoint: 'files.list', method: 'POST', url: '/api/v1/files/', payload: { limit: 1 } },
    { endpoint: 'files.list', method: 'GET', url: '/api/v1/files/?limit=1' },
    { endpoint: 'files.fetch', method: 'GET', url: `/api/v1/files/${file.oid}/` },
    {
      endpoint: 'policies.list',
      method: 'POST',
      url: '/cas/api/v1/policies/',
      payload: { filters: { type: { eq: 'ANOMALY_DETECTION' } } },
    },
    { endpoint: 'policies.fetch', method: 'GET', url: `/cas/api/v1/policies/${builtInRuleId(h.tenantId, 'massShare')}/` },
    { endpoint: 'policies.fetch', method: 'GET', url: `/cas/api/v1/policies/ANOMALY_DETECTION/${builtInRuleId(h.tenantId, 'massShare')}/` },
    { endpoint: 'policies.disable', method: 'POST', url: `/cas/api/v1/policies/${builtInRuleId(h.tenantId, 'massShare')}/disable/` },
  ];
}
