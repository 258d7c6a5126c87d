import { CAS_APP_ID, type ListeningHarness } from '../support/harness.js';
import { httpsRequest, type HttpsResponse } from './https-client.js';

export const INVESTIGATION_READ = '83bc8d83-2679-44ef-b813-d5f556fc4474';
export const INVESTIGATION_MANAGE = 'a832eaa3-0cfc-4a2b-9af1-27c5b092dd40';
const USER_READ = 'e1fe6dd8-ba31-4d61-89e7-88639da4683d';
const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

export interface DemoSignIn {
  username: string;
  password: string;
}

/** A demo user of Contoso by alias (`reader`, `analyst`, `secadmin`). */
export function demoUser(s: ListeningHarness, alias: string): DemoSignIn {
  const u = s.demo.tenants.contoso.users!.find((x) => x.username.startsWith(`${alias}@`));
  if (!u) throw new Error(`no demo user ${alias}`);
  return { username: u.username, password: u.password };
}

/**
 * Registers an application as a script author does in Contoso (management API): delegated
 * Investigation.read and Investigation.manage on Cloud App Security and User.Read on Graph,
 * admin consent for all of them (oauth2PermissionGrants, AllPrincipals). `web` redirect URIs and a
 * secret make it a confidential client; otherwise it is a public client with `http://localhost`.
 */
export async function registerUserContextApp(
  s: ListeningHarness,
  options: { displayName: string; web?: string[] },
): Promise<{ appId: string; secret?: string }> {
  const graph = { token: await s.graphToken('contoso') };
  const created = await s.graph('POST', '/v1.0/applications', graph, {
    displayName: options.displayName,
    ...(options.web
      ? { web: { redirectUris: options.web } }
      : { publicClient: { redirectUris: ['http://localhost'] }, isFallbackPublicClient: true }),
    requiredResourceAccess: [
      {
        resourceAppId: CAS_APP_ID,
        resourceAccess: [
          { id: INVESTIGATION_READ, type: 'Scope' },
          { id: INVESTIGATION_MANAGE, type: 'Scope' },
        ],
      },
      { resourceAppId: GRAPH_APP_ID, resourceAccess: [{ id: USER_READ, type: 'Scope' }] },
    ],
  });
  if (created.status !== 201) throw new Error(`application: ${created.status} ${created.text}`);
  const app = created.json<{ id: string; appId: string }>();
  const sp = (await s.graph('POST', '/v1.0/servicePrincipals', graph, { appId: app.appId })).json<{ id: string }>();
  for (const [resourceAppId, scope] of [
    [CAS_APP_ID, 'Investigation.read Investigation.manage'],
    [GRAPH_APP_ID, 'User.Read'],
  ] as const) {
    const resource = (await s.graph('GET', `/v1.0/servicePrincipals(appId='${resourceAppId}')`, graph)).json<{ id: string }>();
    const grant = await s.graph('POST', '/v1.0/oauth2PermissionGrants', graph, {
      clientId: sp.id,
      consentType: 'AllPrincipals',
      resourceId: resource.id,
      scope,
    });
    if (grant.status !== 201) throw new Error(`grant: ${grant.status} ${grant.text}`);
  }
  let secret: string | undefined;
  if (options.web) {
    const added = await s.graph('POST', `/v1.0/applications/${app.id}/addPassword`, graph, { passwordCredential: { displayName: 'test' } });
    if (added.status !== 200) throw new Error(`addPassword: ${added.status} ${added.text}`);
    secret = added.json<{ secretText: string }>().secretText;
  }
  return { appId: app.appId, ...(secret ? { secret } : {}) };
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const unescapeHtml = (s: string) => s.replace(/&(amp|lt|gt|quot|#39);/g, (m) => ENTITIES[m]!);

/** The first form of a page: its action and hidden fields. */
export function formOf(html: string): { action: string; hidden: Record<string, string> } {
  const action = /<form method="post" action="([^"]*)"/.exec(html)?.[1];
  if (action === undefined) throw new Error(`no form in page: ${html.slice(0, 400)}`);
  const hidden: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) hidden[unescapeHtml(m[1]!)] = unescapeHtml(m[2]!);
  return { action: unescapeHtml(action), hidden };
}

/**
 * A browser without JavaScript, over HTTPS: follows the pages of the sign-in by their forms and
 * keeps the session cookie, so tests can complete flows that a real client library started.
 */
export class FormBrowser {
  private cookie = '';
  constructor(private readonly s: ListeningHarness) {}

  private remember(res: HttpsResponse) {
    const set = res.headers['set-cookie'];
    for (const c of Array.isArray(set) ? set : set ? [set] : []) {
      const pair = c.split(';')[0]!;
      if (pair.startsWith('aw_session=')) this.cookie = pair.endsWith('=') ? '' : pair;
    }
    return res;
  }

  async get(url: string): Promise<HttpsResponse> {
    return this.remember(await httpsRequest(url, { ca: this.s.ca, headers: this.cookie ? { cookie: this.cookie } : {} }));
  }

  async submit(html: string, fields: Record<string, string>): Promise<HttpsResponse> {
    const form = formOf(html);
    const target = new URL(form.action, this.s.url);
    return this.remember(
      await httpsRequest(target, {
        ca: this.s.ca,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(this.cookie ? { cookie: this.cookie } : {}) },
        body: new URLSearchParams({ ...form.hidden, ...fields }).toString(),
      }),
    );
  }

  /** Opens an authorize URL, signs in (if asked) and accepts consent (if asked); returns the redirect target. */
  async signIn(authorizeUrl: string, user: DemoSignIn): Promise<URL> {
    let res = await this.get(authorizeUrl);
    for (let step = 0; step < 4 && res.status === 200; step++) {
      if (res.text.includes('id="password"')) {
        res = await this.submit(res.text, { username: user.username, password: user.password, decision: 'sign-in' });
      } else if (res.text.includes('value="accept"') || res.text.includes('value="continue"')) {
        res = await this.submit(res.text, { decision: res.text.includes('value="accept"') ? 'accept' : 'continue' });
      } else break;
    }
    if (res.status !== 302) throw new Error(`sign-in did not redirect: ${res.status} ${res.text.slice(0, 600)}`);
    return new URL(String(res.headers.location));
  }

  /** Enters a device code on the /devicelogin page, signs in and confirms. */
  async approveDeviceCode(verificationUri: string, userCode: string, user: DemoSignIn): Promise<void> {
    const entry = await this.get(verificationUri);
    let res = await this.submit(entry.text, { otc: userCode, decision: 'next' });
    if (res.text.includes('id="password"')) res = await this.submit(res.text, { username: user.username, password: user.password });
    if (!res.text.includes('/devicelogin/confirm')) throw new Error(`no confirmation page: ${res.status} ${res.text.slice(0, 600)}`);
    const done = await this.submit(res.text, { decision: 'continue' });
    if (done.status !== 200 || !done.text.includes('You have signed in'))
      throw new Error(`device code not approved: ${done.text.slice(0, 600)}`);
  }
}
