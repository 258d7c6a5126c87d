import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { ClientSecretCredential, ManagementClient, type FetchLike } from '@appwarden/sdk';
import { Agent, fetch as undiciFetch } from 'undici';

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

function dataDir(o: ConnectionOptions): string {
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
  const keyFile = path.join(dataDir(o), 'operator.key');
  const operatorKey =
    o.operatorKey ?? process.env.APPWARDEN_OPERATOR_KEY ?? (fs.existsSync(keyFile) ? fs.readFileSync(keyFile, 'utf8').trim() : undefined);
  if (!operatorKey) {
    throw new UsageError(
      'No credentials: set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (a management app), or use the operator key (--operator-key, APPWARDEN_OPERATOR_KEY, or --data-dir of a local server).',
    );
  }
  if (needTenant && !tenant) throw new UsageError('--tenant (or AZURE_TENANT_ID) is required: the tenant id or domain to act in.');
  return new ManagementClient(url, { operatorKey, ...(tenant ? { tenant } : {}) }, { fetch: fetchImpl });
}

export class UsageError extends Error {}
