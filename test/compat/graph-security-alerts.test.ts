import { ConfidentialClientApplication } from '@azure/msal-node';
import { ClientSecretCredential, ManagementClient, PermissionError } from '@appwarden/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPH_APP_ID, listening, type GraphAuth, type ListeningHarness } from '../support/harness.js';
import { networkClientTrusting } from './msal-network-client.js';

// Microsoft Graph's security alerts (alerts_v2) over the Defender for Cloud Apps alerts, as a SIEM
// connector uses it: a daemon app granted SecurityAlert.Read.All (or ReadWrite.All) on Microsoft
// Graph, a token from @azure/msal-node (client credentials, the Graph .default scope), then the
// list with $filter / $top / nextLink, get, update and comments, over real HTTPS.

const READ_ROLE = '472e4a4d-bb4a-4026-98d1-0b0d74cb74a5';
const WRITE_ROLE = 'ed4fca05-be46-441f-9803-1873825f8fdb';

interface Alert {
  '@odata.type': string;
  id: string;
  providerAlertId: string;
  status: string;
  severity: string;
  classification: string;
  determination: string;
  serviceSource: string;
  detectionSource: string;
  tenantId: string;
  title: string;
  assignedTo: string | null;
  alertWebUrl: string;
  incidentId: string;
  category: string | null;
  mitreTechniques: string[];
  createdDateTime: string;
  lastUpdateDateTime: string;
  resolvedDateTime: string | null;
  comments: { comment: string; createdByDisplayName: string; createdDateTime: string }[];
  evidence: Record<string, unknown>[];
}
interface Page {
  '@odata.context': string;
  '@odata.nextLink'?: string;
  '@odata.count'?: number;
  value: Alert[];
}

describe('Graph security alerts_v2 (msal-node daemon, real HTTPS)', () => {
  let s: ListeningHarness;
  let host: string;
  let reader: string;
  let writer: string;
  let fabrikamReader: string;
  let readerAppId: string;
  let writerAppId: string;
  let writerSecret: string;
  let readerSecret: string;

  /** Registers a daemon in a demo tenant with Graph application permissions, consents, and gets its msal-node token. */
  async function daemon(
    tenant: 'contoso' | 'fabrikam',
    roleIds: string[],
  ): Promise<{ token: string; appId: string; secret: string; roles: unknown }> {
    const auth: GraphAuth = { token: await s.graphToken(tenant) };
    const created = await s.graph('POST', '/v1.0/applications', auth, {
      displayName: `SIEM connector ${roleIds.length}`,
      requiredResourceAccess: [{ resourceAppId: GRAPH_APP_ID, resourceAccess: roleIds.map((id) => ({ id, type: 'Role' })) }],
    });
    expect(created.status, created.text).toBe(201);
    const app = created.json<{ id: string; appId: string }>();
    expect((await s.graph('POST', '/v1.0/servicePrincipals', auth, { appId: app.appId })).status).toBe(201);
    const pw = await s.graph('POST', `/v1.0/applications/${app.id}/addPassword`, auth, { passwordCredential: { displayName: 'siem' } });
    const secret = pw.json<{ secretText: string }>().secretText;
    const consent = await s.graph('POST', '/v1.0/appwarden.adminConsent', auth, { clientId: app.appId });
    expect(consent.status, consent.text).toBe(200);
    const cca = new ConfidentialClientApplication({
      auth: {
        clientId: app.appId,
        clientSecret: secret,
        authority: `${s.url}/${s.demo.tenants[tenant].tenantId}`,
        knownAuthorities: [host],
      },
      system: { networkClient: networkClientTrusting(s.ca) },
    });
    const result = await cca.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
    const payload = JSON.parse(Buffer.from(result!.accessToken.split('.')[1]!, 'base64url').toString()) as { roles: unknown };
    return { token: result!.accessToken, appId: app.appId, secret, roles: payload.roles };
  }

  const get = (path: string, token: string) => s.graph('GET', path, { token });

  /** Every alert of a query, following @odata.nextLink. */
  async function walk(first: string, token: string): Promise<{ alerts: Alert[]; pages: number }> {
    const alerts: Alert[] = [];
    let next: string | undefined = first;
    let pages = 0;
    while (next) {
      const res = await get(next.startsWith('http') ? next.slice(s.url.length) : next, token);
      expect(res.status, res.text).toBe(200);
      const page = res.json<Page>();
      alerts.push(...page.value);
      next = page['@odata.nextLink'];
      pages++;
      expect(pages).toBeLessThan(100);
    }
    return { alerts, pages };
  }

  beforeAll(async () => {
    s = await listening();
    host = new URL(s.url).host;
    const r = await daemon('contoso', [READ_ROLE]);
    expect(r.roles).toEqual(['SecurityAlert.Read.All']);
    reader = r.token;
    readerAppId = r.appId;
    readerSecret = r.secret;
    const w = await daemon('contoso', [WRITE_ROLE]);
    expect(w.roles).toEqual(['SecurityAlert.ReadWrite.All']);
    writer = w.token;
    writerAppId = w.appId;
    writerSecret = w.secret;
    fabrikamReader = (await daemon('fabrikam', [READ_ROLE])).token;
    // The demo's alerts are raised by the detection engine, so all are new: triage a few through the
    // Cloud Apps API as an analyst would, so that every status and a classification exist.
    const recent = (await s.api('POST', '/api/v1/alerts/', { limit: 12, sortField: 'date', sortDirection: 'desc' })).json<{
      data: { _id: string }[];
    }>().data;
    expect(recent.length).toBe(12);
    const closed = await s.api('POST', '/api/v1/alerts/close_true_positive/', {
      filters: { id: { eq: recent.slice(0, 4).map((a) => a._id) } },
      comment: 'Confirmed by the SOC',
    });
    expect(closed.status, closed.text).toBe(200);
    for (const a of recent.slice(4, 8)) expect((await s.api('POST', `/api/v1/alerts/${a._id}/read/`)).status).toBe(200);
  });
  afterAll(() => s?.close());

  it('lists the tenant alerts in the alerts_v2 schema, newest first, with user, IP and cloud-app evidence', async () => {
    const res = await get('/v1.0/security/alerts_v2?$top=50', reader);
    expect(res.status, res.text).toBe(200);
    const page = res.json<Page>();
    expect(page['@odata.context']).toBe(`${s.url}/v1.0/$metadata#security/alerts_v2`);
    expect(page.value).toHaveLength(50);
    const a = page.value[0]!;
    expect(a).toMatchObject({
      '@odata.type': '#microsoft.graph.security.alert',
      id: `ca${a.providerAlertId}`,
      serviceSource: 'microsoftDefenderForCloudApps',
      detectionSource: 'cloudAppSecurity',
      tenantId: s.demo.tenants.contoso.tenantId,
    });
    expect(a.providerAlertId).toMatch(/^[0-9a-f]{24}$/);
    expect(['new', 'inProgress', 'resolved']).toContain(a.status);
    expect(['low', 'medium', 'high', 'informational']).toContain(a.severity);
    expect(a.alertWebUrl.startsWith(`${s.url}/defender/alerts?alertId=${a.providerAlertId}`)).toBe(true);
    const types = new Set(page.value.flatMap((x) => x.evidence.map((e) => e['@odata.type'])));
    for (const t of ['userEvidence', 'ipEvidence', 'cloudApplicationEvidence']) expect(types).toContain(`#microsoft.graph.security.${t}`);
    const user = a.evidence.find((e) => e['@odata.type'] === '#microsoft.graph.security.userEvidence') as {
      userAccount: { userPrincipalName: string; domainName: string };
    };
    expect(user.userAccount.userPrincipalName).toContain('@');
    expect(user.userAccount.domainName).toBe(user.userAccount.userPrincipalName.split('@')[1]);
    const times = page.value.map((x) => Date.parse(x.createdDateTime));
    expect(times).toEqual([...times].sort((x, y) => y - x));
  });

  it('pages with $top and @odata.nextLink through every alert once; $count and $skip agree', async () => {
    const total = await s.services.stores.alerts.count(s.demo.tenants.contoso.tenantId);
    expect(total).toBeGreaterThan(50);
    const { alerts, pages } = await walk('/v1.0/security/alerts_v2?$top=40&$count=true', reader);
    expect(alerts).toHaveLength(total);
    expect(new Set(alerts.map((a) => a.id)).size).toBe(total);
    expect(pages).toBe(Math.ceil(total / 40));
    const counted = (await get('/v1.0/security/alerts_v2?$top=1&$count=true', reader)).json<Page>();
    expect(counted['@odata.count']).toBe(total);
    const skipped = (await get('/v1.0/security/alerts_v2?$top=5&$skip=40', reader)).json<Page>();
    expect(skipped.value.map((a) => a.id)).toEqual(alerts.slice(40, 45).map((a) => a.id));
    const asc = (await get('/v1.0/security/alerts_v2?$orderby=createdDateTime asc&$top=3', reader)).json<Page>();
    expect(asc.value.map((a) => a.id)).toEqual(
      [...alerts]
        .sort((x, y) => Date.parse(x.createdDateTime) - Date.parse(y.createdDateTime) || (x.id < y.id ? -1 : 1))
        .slice(0, 3)
        .map((a) => a.id),
    );
  });

  it('$filter on status, severity, serviceSource, createdDateTime with eq, ne, in, ge, le, and, or, not', async () => {
    const all = (await walk('/v1.0/security/alerts_v2', reader)).alerts;
    const ids = (list: Alert[]) => list.map((a) => a.id).sort();
    const check = async (filter: string, expected: (a: Alert) => boolean) => {
      const got = await walk(`/v1.0/security/alerts_v2?$top=25&$filter=${encodeURIComponent(filter)}`, reader);
      const want = all.filter(expected);
      expect(ids(got.alerts), filter).toEqual(ids(want));
      return want.length;
    };
    expect(await check("severity eq 'high'", (a) => a.severity === 'high')).toBeGreaterThan(0);
    expect(await check("status eq 'resolved'", (a) => a.status === 'resolved')).toBeGreaterThan(0);
    expect(await check("status eq 'new'", (a) => a.status === 'new')).toBeGreaterThan(0);
    expect(await check("status eq 'inProgress'", (a) => a.status === 'inProgress')).toBeGreaterThan(0);
    await check(
      "status ne 'resolved' and severity in ('high', 'medium')",
      (a) => a.status !== 'resolved' && ['high', 'medium'].includes(a.severity),
    );
    await check(
      "severity eq 'low' or classification eq 'truePositive'",
      (a) => a.severity === 'low' || a.classification === 'truePositive',
    );
    await check("not (classification eq 'unknown')", (a) => a.classification !== 'unknown');
    await check("serviceSource eq 'microsoftDefenderForCloudApps'", () => true);
    await check("serviceSource eq 'microsoftDefenderForEndpoint'", () => false);
    const mid = all[Math.floor(all.length / 2)]!.createdDateTime;
    const last = all[10]!.createdDateTime;
    expect(
      await check(`createdDateTime ge ${mid} and createdDateTime le ${last}`, (a) => a.createdDateTime >= mid && a.createdDateTime <= last),
    ).toBeGreaterThan(5);
    await check('assignedTo eq null', () => true);
    // ne holds on a missing value, as in OData: nothing is assigned yet.
    await check("assignedTo ne 'nobody@contoso.example'", () => true);
    await check("not (assignedTo eq 'nobody@contoso.example') and determination eq 'unknown'", (a) => a.determination === 'unknown');
  });

  it('answers Graph 400s for filters and options alerts_v2 does not support', async () => {
    const bad = async (query: string, code: string) => {
      const res = await get(`/v1.0/security/alerts_v2?${query}`, reader);
      expect(res.status, `${query}: ${res.text}`).toBe(400);
      expect(res.json<{ error: { code: string; message: string } }>().error.code).toBe(code);
    };
    await bad(`$filter=${encodeURIComponent("title eq 'x'")}`, 'Request_BadRequest');
    await bad(`$filter=${encodeURIComponent("severity gt 'low'")}`, 'Request_UnsupportedQuery');
    await bad(`$filter=${encodeURIComponent("status eq 'closed'")}`, 'Request_BadRequest');
    await bad(`$filter=${encodeURIComponent("status eq 'new' and")}`, 'Request_BadRequest');
    await bad(`$filter=${encodeURIComponent('createdDateTime ge yesterday')}`, 'Request_BadRequest');
    await bad('$top=5000', 'Request_BadRequest');
    await bad('$skip=-1', 'Request_BadRequest');
    await bad('$expand=evidence', 'Request_UnsupportedQuery');
    await bad('$orderby=title', 'Request_UnsupportedQuery');
  });

  it('PATCH needs SecurityAlert.ReadWrite.All: 403 for a reader, with Graph error shape', async () => {
    const one = (await get('/v1.0/security/alerts_v2?$top=1', reader)).json<Page>().value[0]!;
    const res = await s.graph('PATCH', `/v1.0/security/alerts_v2/${one.id}`, { token: reader }, { status: 'resolved' });
    expect(res.status).toBe(403);
    const body = res.json<{ error: { code: string; message: string } }>();
    expect(body.error.code).toBe('Authorization_RequestDenied');
    expect(body.error.message).toContain('SecurityAlert.ReadWrite.All');
    const comment = await s.graph('POST', `/v1.0/security/alerts_v2/${one.id}/comments`, { token: reader }, { comment: 'x' });
    expect(comment.status).toBe(403);
  });

  it('PATCH resolved/truePositive closes the Cloud Apps alert; closing through Cloud Apps resolves it in Graph; one state', async () => {
    const open = (await get(`/v1.0/security/alerts_v2?$top=2&$filter=${encodeURIComponent("status eq 'new'")}`, reader)).json<Page>().value;
    const [first, second] = open;
    const patched = await s.graph(
      'PATCH',
      `/v1.0/security/alerts_v2/${first!.id}`,
      { token: writer },
      { status: 'resolved', classification: 'truePositive', determination: 'maliciousUserActivity', assignedTo: 'secops@contoso.example' },
    );
    expect(patched.status, patched.text).toBe(200);
    const after = patched.json<Alert>();
    expect(after).toMatchObject({
      id: first!.id,
      status: 'resolved',
      classification: 'truePositive',
      determination: 'maliciousUserActivity',
      assignedTo: 'secops@contoso.example',
    });
    expect(after.resolvedDateTime).not.toBeNull();
    const cas = await s.api('GET', `/api/v1/alerts/${first!.providerAlertId}/`);
    expect(cas.status).toBe(200);
    expect(cas.json()).toMatchObject({ resolutionStatusValue: 5, handledByUser: writerAppId });
    // The Cloud Apps filter sees the same state.
    const closedList = await s.api('POST', '/api/v1/alerts/', {
      filters: { id: { eq: [first!.providerAlertId] }, alertOpen: { eq: false } },
    });
    expect(closedList.json<{ total: number }>().total).toBe(1);
    const assigned = await walk(`/v1.0/security/alerts_v2?$filter=${encodeURIComponent("assignedTo eq 'secops@contoso.example'")}`, reader);
    expect(assigned.alerts.map((a) => a.id)).toEqual([first!.id]);
    const recent = await walk(
      `/v1.0/security/alerts_v2?$filter=${encodeURIComponent(`lastUpdateDateTime ge ${first!.lastUpdateDateTime} and determination eq 'maliciousUserActivity'`)}`,
      reader,
    );
    expect(recent.alerts.map((a) => a.id)).toContain(first!.id);

    // The reverse: close benign in the Cloud Apps API (reason "triggered by test").
    const closed = await s.api('POST', '/api/v1/alerts/close_benign/', {
      filters: { id: { eq: [second!.providerAlertId] } },
      reasonId: 6,
      comment: 'Red team exercise',
    });
    expect(closed.json()).toEqual({ closed_benign: 1 });
    const g = (await get(`/v1.0/security/alerts_v2/${second!.id}`, reader)).json<Alert>();
    expect(g).toMatchObject({ status: 'resolved', classification: 'informationalExpectedActivity', determination: 'securityTesting' });
    expect(g.comments.map((c) => c.comment)).toEqual(['Red team exercise']);
    expect(Date.parse(g.lastUpdateDateTime)).toBeGreaterThanOrEqual(Date.parse(g.createdDateTime));
    // The bare Cloud Apps id addresses it too.
    expect((await get(`/v1.0/security/alerts_v2/${second!.providerAlertId}`, reader)).json<Alert>().id).toBe(second!.id);

    // Reopen through Graph (inProgress): open and read in Cloud Apps, the classification kept.
    // The classification survives a reopen and is filterable while the alert is open.
    const reopened = await s.graph('PATCH', `/v1.0/security/alerts_v2/${second!.id}`, { token: writer }, { status: 'inProgress' });
    expect(reopened.json<Alert>()).toMatchObject({ status: 'inProgress', classification: 'informationalExpectedActivity' });
    expect((await s.api('GET', `/api/v1/alerts/${second!.providerAlertId}/`)).json()).toMatchObject({
      resolutionStatusValue: 0,
      statusValue: 1,
    });
    // Cloud Apps "unread" makes it new again.
    await s.api('POST', `/api/v1/alerts/${second!.providerAlertId}/unread/`);
    expect((await get(`/v1.0/security/alerts_v2/${second!.id}`, reader)).json<Alert>().status).toBe('new');
    const pending = await walk(
      `/v1.0/security/alerts_v2?$filter=${encodeURIComponent("status eq 'new' and classification eq 'informationalExpectedActivity'")}`,
      reader,
    );
    expect(pending.alerts.map((a) => a.id)).toEqual([second!.id]);
    const selected = (await get(`/v1.0/security/alerts_v2/${second!.id}?$select=status,classification`, reader)).json<
      Record<string, unknown>
    >();
    expect(Object.keys(selected).sort()).toEqual(['@odata.context', '@odata.type', 'classification', 'id', 'status']);
  });

  it('comments: POST appends (ReadWrite), the alert and /comments list them', async () => {
    const one = (await get('/v1.0/security/alerts_v2?$top=1&$skip=3', reader)).json<Page>().value[0]!;
    const path = `/v1.0/security/alerts_v2/${one.id}/comments`;
    const a = await s.graph(
      'POST',
      path,
      { token: writer },
      { '@odata.type': 'microsoft.graph.security.alertComment', comment: 'Looking into it' },
    );
    expect(a.status, a.text).toBe(200);
    const b = await s.graph('POST', path, { token: writer }, { comment: 'Contained' });
    const list = b.json<{ value: Alert['comments'] }>().value;
    expect(list.slice(-2).map((c) => c.comment)).toEqual(['Looking into it', 'Contained']);
    expect(list.at(-1)!.createdByDisplayName).toBe(writerAppId);
    expect((await get(`/v1.0/security/alerts_v2/${one.id}`, reader)).json<Alert>().comments.slice(-2)).toEqual(list.slice(-2));
    // Concurrent comments are all kept.
    const burst = await Promise.all(
      Array.from({ length: 10 }, (_, i) => s.graph('POST', path, { token: writer }, { comment: `parallel ${i}` })),
    );
    expect(burst.map((r) => r.status)).toEqual(Array(10).fill(200));
    const all = (await get(path, reader)).json<{ value: Alert['comments'] }>().value.map((c) => c.comment);
    for (let i = 0; i < 10; i++) expect(all).toContain(`parallel ${i}`);
    const empty = await s.graph('POST', path, { token: writer }, { comment: '' });
    expect(empty.status).toBe(400);
    const readOnly = await s.graph('PATCH', `/v1.0/security/alerts_v2/${one.id}`, { token: writer }, { title: 'renamed' });
    expect(readOnly.status).toBe(400);
    const badEnum = await s.graph('PATCH', `/v1.0/security/alerts_v2/${one.id}`, { token: writer }, { status: 'closed' });
    expect(badEnum.status).toBe(400);
  });

  it('SDK: ManagementClient.securityAlerts lists with a filter, updates and comments', async () => {
    const tenantId = s.demo.tenants.contoso.tenantId;
    const credential = new ClientSecretCredential(tenantId, writerAppId, writerSecret, { authorityHost: s.url, fetch: s.fetch });
    const client = new ManagementClient(s.url, { credential }, { fetch: s.fetch });
    // Pages of 7 through every alert that is not resolved (the demo's engine raises a varying mix of severities).
    const open = await client.securityAlerts.list({ filter: "status ne 'resolved'", top: 7 });
    expect(open.length).toBeGreaterThan(7);
    expect(open.every((a) => a.status !== 'resolved')).toBe(true);
    const page = await client.securityAlerts.page({ top: 2, count: true, select: ['status', 'title'] });
    expect(page.value).toHaveLength(2);
    expect(Object.keys(page.value[0]!).sort()).toEqual(['@odata.type', 'id', 'status', 'title']);
    expect(page['@odata.count']).toBeGreaterThan(50);
    const target = open[0]!;
    const updated = await client.securityAlerts.update(target.id, {
      status: 'resolved',
      classification: 'falsePositive',
      determination: 'clean',
    });
    expect(updated).toMatchObject({ status: 'resolved', classification: 'falsePositive', determination: 'clean' });
    expect((await s.api('GET', `/api/v1/alerts/${target.providerAlertId}/`)).json()).toMatchObject({ resolutionStatusValue: 3 });
    const comments = await client.securityAlerts.addComment(target.id, 'Not accurate');
    expect(comments.at(-1)).toMatchObject({ comment: 'Not accurate', createdByDisplayName: writerAppId });
    expect((await client.securityAlerts.get(target.id)).comments.at(-1)!.comment).toBe('Not accurate');
    // A reader's SDK call gets the typed 403.
    const readerClient = new ManagementClient(
      s.url,
      { credential: new ClientSecretCredential(tenantId, readerAppId, readerSecret, { authorityHost: s.url, fetch: s.fetch }) },
      { fetch: s.fetch },
    );
    await expect(readerClient.securityAlerts.update(target.id, { status: 'new' })).rejects.toBeInstanceOf(PermissionError);
  });

  it('tenant isolation: another tenant never sees these alerts', async () => {
    const contoso = (await walk('/v1.0/security/alerts_v2', reader)).alerts;
    const fabrikam = (await walk('/v1.0/security/alerts_v2', fabrikamReader)).alerts;
    const mine = new Set(contoso.map((a) => a.id));
    expect(fabrikam.every((a) => !mine.has(a.id) && a.tenantId === s.demo.tenants.fabrikam.tenantId)).toBe(true);
    const res = await get(`/v1.0/security/alerts_v2/${contoso[0]!.id}`, fabrikamReader);
    expect(res.status).toBe(404);
    const patch = await s.graph('PATCH', `/v1.0/security/alerts_v2/${contoso[0]!.id}`, { token: fabrikamReader }, { status: 'resolved' });
    expect(patch.status).toBe(403);
  });
});
