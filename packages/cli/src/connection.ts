import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import {
  ApiError,
  AppwardenError,
  AuthenticationError,
  ClientSecretCredential,
  CloudAppsClient,
  GRAPH_SCOPE,
  ManagementClient,
  PermissionError,
  RequestPipeline,
  type CloudAppsAuth,
  type FetchLike,
  type PipelineAuth,
  type PipelineOptions,
  type RetryEvent,
} from '@appwarden/sdk';
import { Agent, fetch as undiciFetch } from 'undici';
import { isTty } from './output.js';
import { selectProfile, type Profile } from './profiles.js';
import { signedInAccount, SignedInUserCredential } from './signed-in-user-credential.js';

// Connection of every server-facing command: where the server is, which CA to trust and how to
// authenticate, from flags, then the environment, then (Cloud Apps commands) the profile.

/** Options shared by every command that talks to a server. */
export interface ConnectionOptions {
  url?: string;
  dataDir?: string;
  ca?: string;
  tenant?: string;
  clientId?: string;
  clientSecret?: string;
  operatorKey?: string;
  json?: boolean;
}

export const DEFAULT_URL = 'https://localhost:8443';

export function serverUrl(o: ConnectionOptions): string {
  return (o.url ?? process.env.APPWARDEN_URL ?? DEFAULT_URL).replace(/\/+$/, '');
}

export function dataDir(o: ConnectionOptions): string {
  return path.resolve(o.dataDir ?? process.env.APPWARDEN_DATA_DIR ?? './.appwarden');
}

/**
 * fetch that trusts Appwarden's CA: `--ca`, APPWARDEN_CA, or `<data-dir>/ca.pem` when present
 * (NODE_EXTRA_CA_CERTS works too, as for any Node program).
 */
export function fetchFor(o: ConnectionOptions): FetchLike {
  const caFile =
    o.ca ?? process.env.APPWARDEN_CA ?? (fs.existsSync(path.join(dataDir(o), 'ca.pem')) ? path.join(dataDir(o), 'ca.pem') : undefined);
  if (!caFile) return (input, init) => fetch(input, init);
  const ca = fs.readFileSync(caFile, 'utf8');
  const extra =
    process.env.NODE_EXTRA_CA_CERTS && fs.existsSync(process.env.NODE_EXTRA_CA_CERTS)
      ? [fs.readFileSync(process.env.NODE_EXTRA_CA_CERTS, 'utf8')]
      : [];
  const dispatcher = new Agent({ connect: { ca: [...tls.rootCertificates, ca, ...extra] } });
  return ((input: string, init?: RequestInit) => undiciFetch(input, { ...(init as object), dispatcher } as never)) as unknown as FetchLike;
}

/** The operator key: --operator-key, APPWARDEN_OPERATOR_KEY, or `<data-dir>/operator.key` of a local server. */
export function operatorKeyOf(o: ConnectionOptions): string | undefined {
  const keyFile = path.join(dataDir(o), 'operator.key');
  return (
    o.operatorKey ?? process.env.APPWARDEN_OPERATOR_KEY ?? (fs.existsSync(keyFile) ? fs.readFileSync(keyFile, 'utf8').trim() : undefined)
  );
}

/**
 * How admin commands authenticate to the management API, in this order:
 * 1. client credentials of a Graph-permitted app: --tenant/--client-id/--client-secret or
 *    AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET (a Graph token, as any Graph script);
 * 2. the operator key: --operator-key, APPWARDEN_OPERATOR_KEY, or `<data-dir>/operator.key`
 *    (local installations), acting in the tenant named by --tenant.
 */
export function managementClient(o: ConnectionOptions, needTenant = true): ManagementClient {
  const url = serverUrl(o);
  const fetchImpl = fetchFor(o);
  const tenant = o.tenant ?? process.env.AZURE_TENANT_ID;
  const clientId = o.clientId ?? process.env.AZURE_CLIENT_ID;
  const clientSecret = o.clientSecret ?? process.env.AZURE_CLIENT_SECRET;
  if (tenant && clientId && clientSecret) {
    const authorityHost = process.env.AZURE_AUTHORITY_HOST ?? url;
    const credential = new ClientSecretCredential(tenant, clientId, clientSecret, { authorityHost, fetch: fetchImpl });
    return new ManagementClient(url, { credential }, { fetch: fetchImpl });
  }
  // Tenant-scoped commands act as the user of `appwarden login` when one is signed in (to that tenant).
  const signedIn = needTenant ? signedInAccount(tenant) : undefined;
  if (signedIn) {
    const userFetch = signedIn.account.ca && !o.ca ? fetchFor({ ...o, ca: signedIn.account.ca }) : fetchImpl;
    const credential = new SignedInUserCredential(signedIn.key, userFetch);
    return new ManagementClient(o.url || process.env.APPWARDEN_URL ? url : signedIn.account.url, { credential }, { fetch: userFetch });
  }
  const operatorKey = operatorKeyOf(o);
  if (!operatorKey) {
    throw new UsageError(
      'No credentials: set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (a management app), or use the operator key (--operator-key, APPWARDEN_OPERATOR_KEY, or --data-dir of a local server).',
    );
  }
  if (needTenant && !tenant) throw new UsageError('--tenant (or AZURE_TENANT_ID) is required: the tenant id or domain to act in.');
  return new ManagementClient(url, { operatorKey, ...(tenant ? { tenant } : {}) }, { fetch: fetchImpl });
}

export class UsageError extends Error {}

/** Options of every Cloud Apps command (withCloudAppsOptions). */
export interface CloudAppsOptions extends ConnectionOptions {
  profile?: string;
  apiToken?: string;
  json?: boolean;
  jsonl?: boolean;
  timeout?: string;
  retries?: string;
}

/** Flags, then environment, then the profile. */
export function resolve(o: CloudAppsOptions): { url: string; profile: Profile | undefined; fetchOptions: ConnectionOptions } {
  let profile: Profile | undefined;
  try {
    profile = selectProfile(o.profile);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const url = o.url ?? process.env.APPWARDEN_URL ?? profile?.url;
  const fetchOptions: ConnectionOptions = { ...o, ...(url ? { url } : {}), ...((o.ca ?? profile?.ca) ? { ca: o.ca ?? profile?.ca } : {}) };
  return { url: serverUrl(fetchOptions), profile, fetchOptions };
}

function describeRetry(e: RetryEvent): string {
  const what = e.status === 429 ? 'throttled' : e.status ? `HTTP ${e.status}` : ((e.error as Error)?.name ?? 'error');
  return `appwarden: ${what}; retrying in ${(e.delayMs / 1000).toFixed(1)} s (attempt ${e.attempt + 1})\n`;
}

/**
 * The Cloud Apps client: client credentials (--tenant/--client-id/--client-secret,
 * AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET or the profile) with the server as authority
 * host unless AZURE_AUTHORITY_HOST says otherwise; or a legacy API token (--api-token,
 * APPWARDEN_API_TOKEN, the profile).
 */
export function cloudAppsClient(o: CloudAppsOptions): CloudAppsClient {
  const { url, profile, fetchOptions } = resolve(o);
  let fetchImpl = fetchFor(fetchOptions);
  let serverUrlOf = url;
  const tenant = o.tenant ?? process.env.AZURE_TENANT_ID ?? profile?.tenant;
  const clientId = o.clientId ?? process.env.AZURE_CLIENT_ID ?? profile?.clientId;
  const clientSecret = o.clientSecret ?? process.env.AZURE_CLIENT_SECRET ?? profile?.clientSecret;
  const apiToken = o.apiToken ?? process.env.APPWARDEN_API_TOKEN ?? profile?.apiToken;
  const signedIn = tenant && clientId && clientSecret ? undefined : apiToken ? undefined : signedInAccount(tenant);
  let auth: CloudAppsAuth;
  if (tenant && clientId && clientSecret) {
    const authorityHost = process.env.AZURE_AUTHORITY_HOST ?? profile?.authorityHost ?? url;
    auth = new ClientSecretCredential(tenant, clientId, clientSecret, { authorityHost, fetch: fetchImpl });
  } else if (apiToken) {
    auth = { apiToken };
  } else if (signedIn) {
    // The user of `appwarden login`: its server and CA unless flags, environment or profile say otherwise.
    if (!fetchOptions.ca && signedIn.account.ca) fetchImpl = fetchFor({ ...fetchOptions, ca: signedIn.account.ca });
    if (!(o.url ?? process.env.APPWARDEN_URL ?? profile?.url)) serverUrlOf = signedIn.account.url;
    auth = new SignedInUserCredential(signedIn.key, fetchImpl);
  } else {
    throw new UsageError(
      'No credentials: run appwarden login --tenant <tenant>, set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (an app with Cloud Apps permissions), use --api-token / APPWARDEN_API_TOKEN, or a profile (appwarden profile set).',
    );
  }
  return new CloudAppsClient(serverUrlOf, auth, { ...pipelineOptions(o), fetch: fetchImpl });
}

/** --timeout, --retries and the retry notice on a terminal. */
function pipelineOptions(o: CloudAppsOptions): PipelineOptions {
  const timeoutMs = o.timeout !== undefined ? Number(o.timeout) * 1000 : undefined;
  const maxRetries = o.retries !== undefined ? Number(o.retries) : undefined;
  if (timeoutMs !== undefined && !(timeoutMs >= 0)) throw new UsageError('--timeout must be a number of seconds');
  if (maxRetries !== undefined && !(Number.isInteger(maxRetries) && maxRetries >= 0)) throw new UsageError('--retries must be an integer');
  return {
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(maxRetries !== undefined ? { retry: { maxRetries } } : {}),
    onRetry: (e) => {
      if (isTty(process.stderr)) process.stderr.write(describeRetry(e));
    },
  };
}

/**
 * Authorization for Appwarden's admin endpoints (import, demo): a Graph token of a management app
 * (AZURE_* credentials) or the operator key (--operator-key, APPWARDEN_OPERATOR_KEY, <data-dir>/operator.key).
 */
export async function adminRequest(
  o: CloudAppsOptions,
  tenant: string,
  subpath: string,
  init: { method: string; body?: string; contentType?: string },
): Promise<{ status: number; body: unknown }> {
  const { url, profile, fetchOptions } = resolve(o);
  const fetchImpl = fetchFor(fetchOptions);
  const clientId = o.clientId ?? process.env.AZURE_CLIENT_ID ?? profile?.clientId;
  const clientSecret = o.clientSecret ?? process.env.AZURE_CLIENT_SECRET ?? profile?.clientSecret;
  const operatorKey = operatorKeyOf(o);
  let auth: PipelineAuth;
  if (operatorKey) auth = { operatorKey };
  else if (clientId && clientSecret) {
    const authorityHost = process.env.AZURE_AUTHORITY_HOST ?? profile?.authorityHost ?? url;
    const cred = new ClientSecretCredential(tenant, clientId, clientSecret, { authorityHost, fetch: fetchImpl });
    // Asked here, outside the pipeline, so that a refused token stays an authentication error.
    const token = await cred.getToken(GRAPH_SCOPE);
    auth = { getToken: () => Promise.resolve(token) };
  } else {
    throw new UsageError(
      'Admin endpoints need the operator key (--operator-key, APPWARDEN_OPERATOR_KEY, --data-dir) or a management app (AZURE_*).',
    );
  }
  // The SDK's pipeline, as for every other call: retries after 429 (and 5xx when idempotent), a time limit.
  // No time limit unless --timeout: an import or a large demo data set may take minutes.
  const pipeline = new RequestPipeline(url, auth, { timeoutMs: 0, ...pipelineOptions(o), fetch: fetchImpl, scope: GRAPH_SCOPE });
  try {
    const body = await pipeline.send<unknown>({
      method: init.method,
      url: `/admin/tenants/${encodeURIComponent(tenant)}/cloud-apps${subpath}`,
      ...(init.body !== undefined ? { body: init.body } : {}),
      headers: init.contentType ? { 'content-type': init.contentType } : {},
    });
    return { status: 200, body };
  } catch (e) {
    // The caller reads the answer (import prints the rejected lines of a 400) and picks the exit code.
    if (e instanceof AppwardenError && e.status !== undefined) return { status: e.status, body: e.body };
    throw e;
  }
}

/** The tenant an admin command acts in: --tenant or AZURE_TENANT_ID. */
export function adminTenant(o: CloudAppsOptions): string {
  const t = o.tenant ?? process.env.AZURE_TENANT_ID;
  if (!t) throw new UsageError('--tenant (or AZURE_TENANT_ID) is required');
  return t;
}

/** Turns a non-2xx admin answer into the typed error that picks the exit code. */
export function checkAdminResponse(status: number, body: unknown, what: string): void {
  if (status >= 200 && status < 300) return;
  const msg = (body as { error?: { message?: string } })?.error?.message ?? JSON.stringify(body);
  const text = `${what} → ${status}: ${msg}`;
  if (status === 401) throw new AuthenticationError(text, status, body, undefined, []);
  if (status === 403) throw new PermissionError(text, status, body);
  throw new ApiError(text, status, body);
}
