import crypto from 'node:crypto';
import type { ApiTokenKind } from '@appwarden/protocol';
import type { Clock } from '../clock.js';
import type { MasterKey } from '../identity/master-key.js';
import type { Stores } from '../store/interfaces.js';
import type { ApiTokenRow } from '../store/schema.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const TOKEN_LENGTH = 64;

/** 64 characters from [0-9A-Za-z] (the format the MCAS PowerShell module validates), about 381 bits. */
export function generateApiToken(): string {
  let out = '';
  while (out.length < TOKEN_LENGTH) {
    for (const b of crypto.randomBytes(TOKEN_LENGTH)) {
      // Rejection sampling keeps the alphabet uniform (248 = 4 * 62).
      if (b < 248 && out.length < TOKEN_LENGTH) out += ALPHABET[b % 62];
    }
  }
  return out;
}

export interface ApiTokenInfo {
  id: string;
  name: string;
  kind: ApiTokenKind;
  hint: string;
  createdAt: number;
  createdBy: string;
  revokedAt: number | null;
}

const info = (r: ApiTokenRow): ApiTokenInfo => ({
  id: r.id,
  name: r.name,
  kind: r.kind as ApiTokenKind,
  hint: r.hint,
  createdAt: r.created_at,
  createdBy: r.created_by,
  revokedAt: r.revoked_at,
});

/**
 * Legacy `Authorization: Token <key>` API tokens. The token is shown once at creation; only its
 * keyed hash is stored, so lookup is by hash and a stolen database does not yield usable tokens.
 */
export class ApiTokenService {
  constructor(
    private readonly stores: Stores,
    private readonly master: MasterKey,
    private readonly clock: Clock,
  ) {}

  async create(
    tenantId: string,
    input: { name: string; kind: ApiTokenKind; createdBy: string },
  ): Promise<ApiTokenInfo & { token: string }> {
    const token = generateApiToken();
    const row: ApiTokenRow = {
      id: crypto.randomUUID(),
      tenant_id: tenantId,
      name: input.name,
      kind: input.kind,
      token_hash: this.master.hashSecret(token),
      hint: token.slice(-4),
      created_at: this.clock.now(),
      created_by: input.createdBy,
      revoked_at: null,
    };
    await this.stores.apiTokens.insert(row);
    return { ...info(row), token };
  }

  async list(tenantId: string): Promise<ApiTokenInfo[]> {
    return (await this.stores.apiTokens.list(tenantId)).map(info);
  }

  revoke(tenantId: string, id: string): Promise<boolean> {
    return this.stores.apiTokens.revoke(tenantId, id, this.clock.now());
  }

  /** The live token with this value, or undefined (unknown or revoked). */
  async verify(token: string): Promise<(ApiTokenInfo & { tenantId: string }) | undefined> {
    const row = await this.stores.apiTokens.getByHash(this.master.hashSecret(token));
    if (!row || row.revoked_at !== null) return undefined;
    // The lookup is by keyed hash; compare again in constant time so that timing says nothing.
    if (!this.master.verifySecret(token, row.token_hash)) return undefined;
    return { ...info(row), tenantId: row.tenant_id };
  }
}
