import type { Command } from 'commander';
import { decodeJwt } from '@appwarden/sdk';
import { fetchFor, serverUrl, UsageError, type ConnectionOptions } from '../connection.js';
import { emit, printJson } from '../output.js';

/** Cloud App Security: the default resource of `appwarden token`. */
const DEFAULT_RESOURCE = '05a65629-4c1b-48c1-a78b-804c4abdd4af';

/** `appwarden token`: a raw client-credentials request; prints the endpoint's answer as is. */
export function registerToken(program: Command): void {
  program
    .command('token')
    .description('Request a client-credentials token and print the response (v2 by default)')
    .option('--url <url>', 'Appwarden URL (APPWARDEN_URL)')
    .option('--data-dir <dir>', 'local data directory (finds ca.pem)')
    .option('--ca <file>', 'CA certificate to trust (APPWARDEN_CA)')
    .option('--tenant <tenant>', 'tenant id or domain (AZURE_TENANT_ID)')
    .option('--client-id <id>', 'client id (AZURE_CLIENT_ID)')
    .option('--client-secret <secret>', 'client secret (AZURE_CLIENT_SECRET)')
    .option('--resource <resource>', 'resource appId or identifier URI', DEFAULT_RESOURCE)
    .option('--v1', 'use the v1 endpoint (/oauth2/token with resource=)')
    .option('--decode', 'also print the decoded token header and claims')
    .option('--json', 'print JSON only')
    .action(async (opts: ConnectionOptions & { resource: string; v1?: boolean; decode?: boolean }) => {
      const tenant = opts.tenant ?? process.env.AZURE_TENANT_ID;
      const clientId = opts.clientId ?? process.env.AZURE_CLIENT_ID;
      const secret = opts.clientSecret ?? process.env.AZURE_CLIENT_SECRET;
      if (!tenant || !clientId || !secret)
        throw new UsageError(
          '--tenant, --client-id and --client-secret (or AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET) are required.',
        );
      const base = process.env.AZURE_AUTHORITY_HOST ?? serverUrl(opts);
      const url = `${base.replace(/\/+$/, '')}/${tenant}/oauth2/${opts.v1 ? '' : 'v2.0/'}token`;
      const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
      if (opts.v1) form.set('resource', opts.resource);
      else form.set('scope', `${opts.resource.replace(/\/+$/, '')}/.default`);
      const res = await fetchFor(opts)(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
      const body = (await res.json()) as Record<string, unknown>;
      const decoded = opts.decode && typeof body.access_token === 'string' ? decodeJwt(body.access_token) : undefined;
      const out = decoded ? { response: body, decoded } : body;
      emit(opts, out, () => {
        printJson(body);
        if (decoded) {
          process.stdout.write('\nheader:\n');
          printJson(decoded.header);
          process.stdout.write('claims:\n');
          printJson(decoded.payload);
        }
      });
      if (!res.ok) process.exitCode = res.status === 401 ? 3 : 1;
    });
}
