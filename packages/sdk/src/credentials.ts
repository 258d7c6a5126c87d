import { decodeJwt as decodeJwtPayload, decodeProtectedHeader, SignJWT } from 'jose';
import { AuthenticationError } from './errors.js';

/** The shape of @azure/identity's TokenCredential, so either kind of credential can be passed. */
export interface AccessToken {
  token: string;
  expiresOnTimestamp: number;
}
export interface GetTokenOptions {
  abortSignal?: AbortSignal;
}
export interface TokenCredential {
  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null>;
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface CredentialOptions {
  /** Authority host, e.g. https://localhost:8443 for Appwarden; Microsoft's public cloud by default. */
  authorityHost?: string;
  /** fetch implementation (for a custom CA, a proxy, tests). */
  fetch?: FetchLike;
  /** Renew this long before expiry (default 5 minutes, as MSAL does). */
  refreshMarginMs?: number;
  /** The clock the cache reads (default Date.now); tests freeze it. */
  now?: () => number;
}

export const DEFAULT_AUTHORITY_HOST = 'https://login.microsoftonline.com';
const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * Client-credentials token acquisition on the v2 endpoint with a per-scope cache that renews
 * 5 minutes before expiry and keeps one request in flight per scope under concurrency.
 */
abstract class ClientCredentialBase implements TokenCredential {
  private readonly cache = new Map<string, AccessToken>();
  private readonly inflight = new Map<string, Promise<AccessToken>>();
  protected readonly authorityHost: string;
  protected readonly fetchImpl: FetchLike;
  private readonly margin: number;
  protected readonly now: () => number;

  constructor(
    readonly tenantId: string,
    readonly clientId: string,
    options: CredentialOptions = {},
  ) {
    this.authorityHost = (options.authorityHost ?? DEFAULT_AUTHORITY_HOST).replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.margin = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
    this.now = options.now ?? Date.now;
  }

  get tokenEndpoint(): string {
    return `${this.authorityHost}/${this.tenantId}/oauth2/v2.0/token`;
  }

  protected abstract credentialParameters(): Promise<Record<string, string>>;

  async getToken(scopes: string | string[], options: GetTokenOptions = {}): Promise<AccessToken> {
    const scope = (Array.isArray(scopes) ? scopes : [scopes]).join(' ');
    const cached = this.cache.get(scope);
    if (cached && cached.expiresOnTimestamp - this.margin > this.now()) return cached;
    const running = this.inflight.get(scope);
    if (running) return running;
    const p = this.requestToken(scope, options).finally(() => this.inflight.delete(scope));
    this.inflight.set(scope, p);
    return p;
  }

  private async requestToken(scope: string, options: GetTokenOptions): Promise<AccessToken> {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.clientId,
      scope,
      ...(await this.credentialParameters()),
    });
    const started = this.now();
    const res = await this.fetchImpl(this.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: body.toString(),
      ...(options.abortSignal ? { signal: options.abortSignal } : {}),
    });
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // fall through: reported below
    }
    if (!res.ok || typeof json.access_token !== 'string') {
      const description = typeof json.error_description === 'string' ? json.error_description.split('\r\n')[0] : text.slice(0, 200);
      throw new AuthenticationError(
        `Token request to ${this.tokenEndpoint} failed (${res.status}): ${description}`,
        res.status,
        json,
        typeof json.error === 'string' ? json.error : undefined,
        Array.isArray(json.error_codes) ? (json.error_codes as number[]) : [],
      );
    }
    const expiresIn = Number(json.expires_in);
    const token: AccessToken = {
      token: json.access_token,
      expiresOnTimestamp: started + (Number.isFinite(expiresIn) ? expiresIn : 3599) * 1000,
    };
    this.cache.set(scope, token);
    return token;
  }
}

/** Client secret credential: `new ClientSecretCredential(tenantId, clientId, secret, { authorityHost })`. */
export class ClientSecretCredential extends ClientCredentialBase {
  constructor(
    tenantId: string,
    clientId: string,
    private readonly clientSecret: string,
    options?: CredentialOptions,
  ) {
    super(tenantId, clientId, options);
  }
  protected async credentialParameters(): Promise<Record<string, string>> {
    return { client_secret: this.clientSecret };
  }
}

export interface CertificateCredentialOptions extends CredentialOptions {
  /** Sign with PS256 and send `x5t#S256` instead of RS256 + `x5t`. */
  useSha256Thumbprint?: boolean;
}

/**
 * Certificate credential: signs a client assertion with the private key (Node only: uses
 * node:crypto). `certificatePem` holds the certificate and the PKCS#8 or PKCS#1 private key.
 */
export class ClientCertificateCredential extends ClientCredentialBase {
  constructor(
    tenantId: string,
    clientId: string,
    private readonly certificatePem: string,
    private readonly certOptions: CertificateCredentialOptions = {},
  ) {
    super(tenantId, clientId, certOptions);
  }
  protected async credentialParameters(): Promise<Record<string, string>> {
    const crypto = await import('node:crypto');
    const certMatch = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(this.certificatePem);
    const keyMatch = /-----BEGIN (?:RSA )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA )?PRIVATE KEY-----/.exec(this.certificatePem);
    if (!certMatch || !keyMatch) throw new Error('certificatePem must contain a CERTIFICATE and a PRIVATE KEY block');
    const der = new crypto.X509Certificate(certMatch[0]).raw;
    const sha256 = this.certOptions.useSha256Thumbprint === true;
    const header = sha256
      ? { alg: 'PS256', typ: 'JWT', 'x5t#S256': crypto.createHash('sha256').update(der).digest('base64url') }
      : { alg: 'RS256', typ: 'JWT', x5t: crypto.createHash('sha1').update(der).digest('base64url') };
    const now = Math.floor(this.now() / 1000);
    // node:crypto reads PKCS#1 and PKCS#8 alike (jose's importPKCS8 only the latter); jose signs.
    const key = crypto.createPrivateKey(keyMatch[0]);
    const assertion = await new SignJWT({ jti: crypto.randomUUID() })
      .setProtectedHeader(header)
      .setAudience(this.tokenEndpoint)
      .setIssuer(this.clientId)
      .setSubject(this.clientId)
      .setNotBefore(now)
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(key);
    return {
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    };
  }
}

/** Decodes a JWT's header and payload without verifying it (for display: `appwarden jwt decode`). */
export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const parts = token.trim().split('.');
  if (parts.length < 2 || parts.length > 3 || !parts[0] || !parts[1]) throw new Error('not a JWT: expected header.payload.signature');
  // A token pasted without its signature still decodes, as it did before jose.
  const compact = `${parts[0]}.${parts[1]}.${parts[2] ?? ''}`;
  try {
    return {
      header: decodeProtectedHeader(compact) as Record<string, unknown>,
      payload: decodeJwtPayload(compact) as Record<string, unknown>,
    };
  } catch (e) {
    throw new Error(`not a JWT: ${(e as Error).message}`);
  }
}
