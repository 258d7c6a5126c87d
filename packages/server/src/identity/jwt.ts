import type { KeyObject } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { Clock } from '../clock.js';
import { TokenRejected } from './token-rejected.js';

// JOSE behind one wrapper (as node-oidc-provider's lib/helpers/jwt.js): every JWS Appwarden signs
// or verifies goes through here, and through `jose`. Callers say which algorithms, issuers, clock
// and skew they accept and map `JwtRejected` reasons to their own wire errors.

/** Algorithms Appwarden signs with, and verifies its own tokens with. */
export type SigningAlgorithm = 'RS256';
/** Algorithms a verifier may accept: RS256, and PS256 for client assertions (`x5t#S256`). */
export type VerifyAlgorithm = 'RS256' | 'PS256';

/** A private key with the id it is published under in the JWKS. */
export interface JwtSigningKey {
  kid: string;
  privateKey: KeyObject;
}

export interface SignJwtOptions {
  /** Repeat the key id as `x5t` (v1 access tokens and ID tokens do, as Entra's). */
  x5t?: boolean;
}

/**
 * Signs a claim set as a compact RS256 JWS: header `{typ, alg, [x5t], kid}` in Entra's member
 * order, `kid` always from the key. Claims are serialised in the order given.
 */
export async function signJwt(claims: Record<string, unknown>, key: JwtSigningKey, options: SignJwtOptions = {}): Promise<string> {
  const header = { typ: 'JWT', alg: 'RS256' satisfies SigningAlgorithm, ...(options.x5t ? { x5t: key.kid } : {}), kid: key.kid };
  return new SignJWT(claims).setProtectedHeader(header).sign(key.privateKey);
}

/** Why a JWS was refused; the message of a `JwtRejected` is for logs only. */
export type JwtRejectionReason =
  /** Not a compact JWS of three strict base64url parts, or its header or payload is not JSON objects. */
  | 'malformed'
  /** `alg` missing or not among the accepted algorithms. */
  | 'algorithm'
  /** The key is unfit for the algorithm (an RSA key under 2048 bits). */
  | 'key'
  | 'signature'
  /** A registered claim required by the caller is absent. */
  | 'missing-claim'
  /** `exp`, `nbf` or `iat` present but not a number. */
  | 'claim-type'
  | 'issuer'
  | 'expired'
  | 'not-yet-valid';

export interface JwtRejectionDetails {
  /** The unverified header, when the JWS could be decoded. */
  header?: Record<string, unknown>;
  /** The claims, when the signature was verified and a claim check failed. */
  verifiedClaims?: Record<string, unknown>;
  /** The claim a claim check failed on. */
  claim?: string;
}

/** A JWS refused by `verifyJwt`: a rejected token whose `reason` callers map to their own wire errors. */
export class JwtRejected extends TokenRejected {
  readonly header: Record<string, unknown> | undefined;
  readonly verifiedClaims: Record<string, unknown> | undefined;
  readonly claim: string | undefined;
  constructor(
    readonly reason: JwtRejectionReason,
    message: string,
    details: JwtRejectionDetails = {},
  ) {
    super(message);
    this.header = details.header;
    this.verifiedClaims = details.verifiedClaims;
    this.claim = details.claim;
  }
}

/** The decoded, not yet verified, parts of a compact JWS, handed to the key resolver. */
export interface UnverifiedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

export interface JwtVerifyOptions {
  algorithms: readonly VerifyAlgorithm[];
  /**
   * Exact issuers, or a function giving them once the key is resolved (the resolver learns the
   * tenant); unchecked when absent (client assertions compare `iss` with the client id themselves).
   */
  issuer?: readonly string[] | (() => readonly string[]);
  /** Claims that must be present; `exp` belongs here for every caller. */
  requiredClaims: readonly string[];
  clock: Clock;
  /** Tolerance on `nbf` and `exp`, seconds. */
  skewSeconds: number;
}

export interface VerifiedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

/**
 * Three base64url parts in the URL-safe alphabet without padding (RFC 7515 §2, §3.1). Node's
 * decoder (and jose's `atob` fallback on Node < 25) would accept `=`, `+`, `/` and whitespace; a
 * token must have exactly one spelling, because the bearer cache keys on its text.
 */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

function decodeStrictJson(part: string): Record<string, unknown> | undefined {
  // A length of 1 modulo 4 cannot be base64url: Buffer would silently drop the last character.
  if (part.length % 4 === 1) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Decodes a compact JWS without verifying it, with the same strict syntax `verifyJwt` requires;
 * undefined when it is not one. For routing decisions (which tenant, which client) only.
 */
export function decodeUnverifiedJwt(token: string): UnverifiedJwt | undefined {
  if (!COMPACT_JWS.test(token)) return undefined;
  const dot = token.indexOf('.');
  const header = decodeStrictJson(token.slice(0, dot));
  const payload = decodeStrictJson(token.slice(dot + 1, token.indexOf('.', dot + 1)));
  return header && payload ? { header, payload } : undefined;
}

/**
 * Verifies a compact JWS with `jose.jwtVerify`: algorithms pinned, the caller's clock as
 * `currentDate`, `exp`/`nbf`/`iat` numeric when present. `resolveKey` sees the unverified header
 * and payload (to find the tenant and the key) and throws the caller's own error when it cannot;
 * its errors pass through unchanged. Audience is the caller's to check: v1 tokens carry the
 * resource exactly as the client spelt it, which an exact match would refuse.
 */
export async function verifyJwt(
  token: string,
  resolveKey: (jwt: UnverifiedJwt) => Promise<KeyObject>,
  options: JwtVerifyOptions,
): Promise<VerifiedJwt> {
  const unverified = decodeUnverifiedJwt(token);
  if (!unverified) throw new JwtRejected('malformed', 'not a compact JWS of base64url JSON objects');
  const alg = unverified.header.alg;
  if (typeof alg !== 'string' || !(options.algorithms as readonly string[]).includes(alg)) {
    throw new JwtRejected('algorithm', `alg ${String(alg)} is not accepted`, { header: unverified.header });
  }
  const key = await resolveKey(unverified);
  const issuer = typeof options.issuer === 'function' ? options.issuer() : options.issuer;
  try {
    const { payload, protectedHeader } = await jwtVerify(token, key, {
      algorithms: [...options.algorithms],
      ...(issuer !== undefined ? { issuer: [...issuer] } : {}),
      requiredClaims: [...options.requiredClaims],
      currentDate: new Date(options.clock.now()),
      clockTolerance: options.skewSeconds,
    });
    return { header: protectedHeader as Record<string, unknown>, payload: payload as Record<string, unknown> };
  } catch (e) {
    throw rejection(e, unverified.header);
  }
}

function rejection(e: unknown, header: Record<string, unknown>): unknown {
  if (e instanceof errors.JWTExpired) return new JwtRejected('expired', e.message, { header, verifiedClaims: e.payload, claim: e.claim });
  if (e instanceof errors.JWTClaimValidationFailed) {
    const reason: JwtRejectionReason =
      e.reason === 'missing'
        ? 'missing-claim'
        : e.reason === 'invalid'
          ? 'claim-type'
          : e.claim === 'nbf'
            ? 'not-yet-valid'
            : e.claim === 'iss'
              ? 'issuer'
              : 'claim-type';
    return new JwtRejected(reason, e.message, { header, verifiedClaims: e.payload, claim: e.claim });
  }
  if (e instanceof errors.JWSSignatureVerificationFailed) return new JwtRejected('signature', e.message, { header });
  if (e instanceof errors.JOSEAlgNotAllowed) return new JwtRejected('algorithm', e.message, { header });
  if (e instanceof errors.JOSEError) return new JwtRejected('malformed', e.message, { header });
  // jose throws TypeError for a key it will not use with the algorithm (RSA under 2048 bits).
  if (e instanceof TypeError) return new JwtRejected('key', e.message, { header });
  return e;
}
