import crypto from 'node:crypto';
import type { Config } from '../config.js';
import type { SigningKeyStore } from '../store/interfaces.js';
import type { SigningKeyRow } from '../store/schema.js';
import { generateSelfSignedKey } from '../tls/certificates.js';
import type { Clock } from '../clock.js';
import type { MasterKey } from './master-key.js';

export interface PublicJwk {
  kty: 'RSA';
  use: 'sig';
  kid: string;
  x5t: string;
  n: string;
  e: string;
  x5c: string[];
}

export interface SigningKey {
  kid: string;
  tenantId: string;
  privateKey: crypto.KeyObject;
  publicKey: crypto.KeyObject;
  jwk: PublicJwk;
  activeFrom: number;
  retiredAt: number | null;
  publishedUntil: number | null;
}

/**
 * How long a tenant's key list may be served from memory. The cache is also dropped as soon as the
 * store's change stamp moves (a write by any process), so the TTL only bounds what a stamp cannot see.
 */
export const KEY_CACHE_TTL_MS = 30_000;

/**
 * Per-tenant RSA-2048 signing keys with rotation. A new key is published `keyPublishLeadHours`
 * before it signs; the key it replaces stays published until every token it signed has expired
 * (retirement + token lifetime + 5 minutes of skew).
 */
export class SigningKeyService {
  private readonly cache = new Map<string, { at: number; stamp: string; keys: SigningKey[] }>();
  private readonly pending = new Map<string, Promise<void>>();

  constructor(
    private readonly store: SigningKeyStore,
    private readonly master: MasterKey,
    private readonly config: Pick<Config, 'keyRotationDays' | 'keyPublishLeadHours' | 'tokenLifetimeSeconds' | 'tokenBackdateSeconds'>,
    private readonly clock: Clock,
    private readonly changeStamp: () => string = () => '',
  ) {}

  /** Keys of a tenant, oldest first (cached until a write or KEY_CACHE_TTL_MS). */
  async keys(tenantId: string): Promise<SigningKey[]> {
    const now = this.clock.now();
    const stamp = this.changeStamp();
    const hit = this.cache.get(tenantId);
    if (hit && hit.stamp === stamp && now - hit.at < KEY_CACHE_TTL_MS && now >= hit.at) return hit.keys;
    const rows = await this.store.listForTenant(tenantId);
    const keys = rows.map((r) => this.load(r, hit?.keys));
    this.cache.set(tenantId, { at: now, stamp, keys });
    return keys;
  }

  invalidate(tenantId?: string): void {
    if (tenantId) this.cache.delete(tenantId);
    else this.cache.clear();
  }

  /** The key that signs now: the newest whose activation time has come. */
  async signingKey(tenantId: string): Promise<SigningKey> {
    const now = this.clock.now();
    let keys = await this.keys(tenantId);
    if (keys.length === 0) {
      await this.createKey(tenantId, now);
      keys = await this.keys(tenantId);
    }
    let current: SigningKey | undefined;
    for (const k of keys) if (k.activeFrom <= now && (!current || k.activeFrom >= current.activeFrom)) current = k;
    if (!current) current = keys[0]!;
    if (now - current.activeFrom > this.config.keyRotationDays * 86400_000 && !keys.some((k) => k.activeFrom > now)) {
      // Due for rotation: publish the successor now; it signs after the lead time. Not awaited on the hot path.
      void this.maintain(tenantId).catch(() => undefined);
    }
    return current;
  }

  /** Keys to publish in the JWKS now: current, upcoming and retired-but-still-valid ones. */
  async published(tenantId: string): Promise<SigningKey[]> {
    const now = this.clock.now();
    const keys = await this.keys(tenantId);
    return keys.filter((k) => this.publishedUntil(k, keys) === null || this.publishedUntil(k, keys)! >= now);
  }

  async byKid(tenantId: string, kid: string): Promise<SigningKey | undefined> {
    const find = (ks: SigningKey[]) => ks.find((k) => k.kid === kid);
    const found = find(await this.keys(tenantId));
    if (found) return found;
    // Unknown kid: maybe another process rotated; re-read once.
    this.invalidate(tenantId);
    return find(await this.keys(tenantId));
  }

  /** Creates a key for a tenant. With `activeFrom` in the future it is published first and signs later. */
  async createKey(tenantId: string, activeFrom: number): Promise<string> {
    const now = this.clock.now();
    const generated = await generateSelfSignedKey('appwarden.signing.' + tenantId.slice(0, 8), 5, new Date(now));
    const kid = crypto.createHash('sha1').update(generated.certDer).digest('base64url');
    await this.store.insert({
      kid,
      tenant_id: tenantId,
      private_key_enc: this.master.encrypt(generated.privateKeyPem),
      cert_der_b64: generated.certDer.toString('base64'),
      created_at: now,
      active_from: activeFrom,
      retired_at: null,
      published_until: null,
    });
    this.invalidate(tenantId);
    return kid;
  }

  /**
   * Starts a rotation: the successor is published now and signs after the lead time
   * (`immediate` skips the lead, for an emergency roll).
   */
  async rotate(tenantId: string, options: { immediate?: boolean } = {}): Promise<string> {
    const now = this.clock.now();
    const activeFrom = options.immediate ? now : now + this.config.keyPublishLeadHours * 3600_000;
    const kid = await this.createKey(tenantId, activeFrom);
    await this.maintain(tenantId);
    return kid;
  }

  /** Persists retirement of superseded keys, removes keys past their publication window, schedules due rotations. */
  async maintain(tenantId: string): Promise<void> {
    const running = this.pending.get(tenantId);
    if (running) return running;
    const job = this.maintainOnce(tenantId).finally(() => this.pending.delete(tenantId));
    this.pending.set(tenantId, job);
    return job;
  }

  private async maintainOnce(tenantId: string): Promise<void> {
    const now = this.clock.now();
    this.invalidate(tenantId);
    let keys = await this.keys(tenantId);
    const newest = keys.reduce<SigningKey | undefined>((a, k) => (!a || k.activeFrom > a.activeFrom ? k : a), undefined);
    if (newest && newest.activeFrom <= now && now - newest.activeFrom > this.config.keyRotationDays * 86400_000) {
      await this.createKey(tenantId, now + this.config.keyPublishLeadHours * 3600_000);
      keys = await this.keys(tenantId);
    }
    for (const k of keys) {
      const successor = this.successor(k, keys);
      if (k.retiredAt === null && successor && successor.activeFrom <= now) {
        await this.store.retire(k.kid, successor.activeFrom, this.publishedUntil(k, keys)!);
      }
    }
    await this.store.deleteUnpublished(tenantId, now);
    this.invalidate(tenantId);
  }

  private successor(k: SigningKey, keys: SigningKey[]): SigningKey | undefined {
    let next: SigningKey | undefined;
    for (const o of keys) if (o.activeFrom > k.activeFrom && (!next || o.activeFrom < next.activeFrom)) next = o;
    return next;
  }

  /** A key signs until its successor activates; tokens it signed live lifetime + skew after that. */
  private publishedUntil(k: SigningKey, keys: SigningKey[]): number | null {
    if (k.publishedUntil !== null) return k.publishedUntil;
    const next = this.successor(k, keys);
    if (!next || next.activeFrom > this.clock.now()) return null;
    return next.activeFrom + (this.config.tokenLifetimeSeconds + 300) * 1000;
  }

  private load(row: SigningKeyRow, previous: SigningKey[] | undefined): SigningKey {
    const prev = previous?.find((k) => k.kid === row.kid);
    if (prev && prev.retiredAt === row.retired_at && prev.publishedUntil === row.published_until) return prev;
    const privateKey = prev?.privateKey ?? crypto.createPrivateKey(this.master.decrypt(row.private_key_enc));
    const publicKey = crypto.createPublicKey(privateKey);
    const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
    return {
      kid: row.kid,
      tenantId: row.tenant_id,
      privateKey,
      publicKey,
      jwk: { kty: 'RSA', use: 'sig', kid: row.kid, x5t: row.kid, n: jwk.n, e: jwk.e, x5c: [row.cert_der_b64] },
      activeFrom: row.active_from,
      retiredAt: row.retired_at,
      publishedUntil: row.published_until,
    };
  }
}
