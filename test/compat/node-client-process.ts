import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');

export interface ClientJob {
  library: 'msal-node' | '@azure/identity';
  credential: 'secret' | 'certificate';
  /** Origin, e.g. https://localhost:8443 (authorityHost for @azure/identity). */
  url: string;
  tenant: string;
  clientId: string;
  clientSecret?: string;
  /** PEM with the certificate and its private key (what @azure/identity reads), or the key alone for msal-node. */
  certificatePem?: string;
  privateKeyPem?: string;
  thumbprintSha256?: string;
  scopes: string[];
}

export type ClientOutcome =
  { ok: true; accessToken: string; expiresOn?: number } | { ok: false; name: string; code?: string; message: string };

/**
 * Runs a real client library in a fresh Node process that trusts Appwarden's CA through
 * NODE_EXTRA_CA_CERTS — what the README tells users — so the libraries' default HTTP stacks are used.
 */
export function runNodeClient(job: ClientJob, caPath: string): Promise<ClientOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(HERE, 'node-client.mjs')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_EXTRA_CA_CERTS: caPath,
        APPWARDEN_CLIENT_JOB: JSON.stringify(job),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line) as ClientOutcome);
      } catch {
        reject(new Error(`client process exited ${code}: ${out}\n${err}`));
      }
    });
  });
}
