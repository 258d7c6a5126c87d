import { acceptanceWindowMs } from '../identity/access-token-verifier.js';
import type { CloudAppsCaller } from './auth.js';

/** Most verified bearer tokens remembered per process (the cache is emptied when it is full). */
const MAX_CACHED_TOKENS = 10_000;

interface CachedCaller {
  caller: CloudAppsCaller;
  origin: string;
  /** Epoch ms bounds within which the token is accepted (skew included), as in AccessTokenVerifier. */
  notBefore: number;
  notAfter: number;
}

/**
 * Verified bearer tokens, keyed by the whole compact JWS (never by its signature alone: the
 * signature proves nothing about a different header or payload). An entry holds only while
 * `Stores.changeStamp()` stays put, so a deleted tenant or a removed signing key rejects the
 * token on the very next request, as without the cache; `nbf`/`exp` are checked on every hit.
 * Saves the RS256 verification, the JSON decoding and the key lookups on each API call. One per
 * runtime (createCloudAppsRuntime), so two apps in one process never share entries.
 */
export class BearerCache {
  private stamp: string | undefined;
  private readonly entries = new Map<string, CachedCaller>();

  constructor(private readonly changeStamp: () => string) {}

  get(jwt: string, origin: string, now: number): CloudAppsCaller | undefined {
    const stamp = this.changeStamp();
    if (stamp !== this.stamp) {
      this.entries.clear();
      this.stamp = stamp;
      return undefined;
    }
    const e = this.entries.get(jwt);
    if (!e || e.origin !== origin || now < e.notBefore || now > e.notAfter) return undefined;
    return e.caller;
  }

  set(jwt: string, origin: string, caller: CloudAppsCaller, claims: Record<string, unknown>): void {
    const window = acceptanceWindowMs(claims);
    if (!window) return;
    if (this.changeStamp() !== this.stamp) return;
    if (this.entries.size >= MAX_CACHED_TOKENS) this.entries.clear();
    this.entries.set(jwt, { caller, origin, ...window });
  }
}
