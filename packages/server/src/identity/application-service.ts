import crypto from 'node:crypto';
import { SIGN_IN_AUDIENCES, type AppRole } from '@appwarden/protocol';
import { errors } from '../http/errors.js';
import type { ApplicationFilter, Stores } from '../store/interfaces.js';
import type { ApplicationRow, KeyCredentialRow } from '../store/schema.js';
import {
  toApplication,
  toKeyCredential,
  toPasswordCredential,
  type Application,
  type KeyCredential,
  type PasswordCredential,
  type RequiredResourceAccess,
} from './application-model.js';
import type { Clock } from '../clock.js';
import type { MasterKey } from './master-key.js';
import { GUID_RE } from './tenant-service.js';

/** Client secrets last two years unless asked otherwise, like Graph's addPassword. */
export const DEFAULT_SECRET_LIFETIME_MS = 2 * 365 * 86400_000;
/** Longest lifetime accepted for a client secret. */
export const MAX_SECRET_LIFETIME_MS = 10 * 365 * 86400_000;

const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.~';

/**
 * A 40-character secret in Entra's style (three random characters, the `8Q~` marker, 34 random
 * characters): 37 random symbols from a 66-character alphabet, about 223 bits of entropy.
 */
export function generateClientSecret(): string {
  const pick = (n: number) => {
    let s = '';
    for (const b of crypto.randomBytes(n * 2)) {
      if (s.length === n) break;
      if (b < 198) s += SECRET_ALPHABET[b % 66]; // 198 = 3 * 66: no modulo bias
    }
    while (s.length < n) s += SECRET_ALPHABET[crypto.randomInt(66)];
    return s;
  };
  return `${pick(3)}8Q~${pick(34)}`;
}

export interface ApplicationInput {
  displayName?: unknown;
  signInAudience?: unknown;
  identifierUris?: unknown;
  appRoles?: unknown;
  requiredResourceAccess?: unknown;
  web?: unknown;
  spa?: unknown;
  publicClient?: unknown;
  isFallbackPublicClient?: unknown;
  api?: unknown;
  keyCredentials?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function stringArray(v: unknown, name: string): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    throw errors.invalidInput(`Property '${name}' must be an array of strings.`);
  return v as string[];
}

function parseAppRoles(v: unknown): AppRole[] {
  if (!Array.isArray(v)) throw errors.invalidInput("Property 'appRoles' must be an array.");
  const roles = v.map((r, i) => {
    if (!isObject(r)) throw errors.invalidInput(`appRoles[${i}] must be an object.`);
    const value = r.value;
    if (typeof value !== 'string' || value.length === 0 || /\s/.test(value)) {
      throw errors.invalidInput(`appRoles[${i}].value must be a non-empty string without spaces.`);
    }
    const id = typeof r.id === 'string' && GUID_RE.test(r.id) ? r.id.toLowerCase() : crypto.randomUUID();
    const members =
      r.allowedMemberTypes === undefined ? ['Application'] : stringArray(r.allowedMemberTypes, `appRoles[${i}].allowedMemberTypes`);
    return {
      id,
      value,
      displayName: typeof r.displayName === 'string' ? r.displayName : value,
      description: typeof r.description === 'string' ? r.description : '',
      allowedMemberTypes: members,
      isEnabled: r.isEnabled === undefined ? true : r.isEnabled === true,
      origin: 'Application',
    } satisfies AppRole;
  });
  const values = new Set<string>();
  const ids = new Set<string>();
  for (const r of roles) {
    if (values.has(r.value)) throw errors.invalidInput(`App role value '${r.value}' is used more than once.`);
    if (ids.has(r.id)) throw errors.invalidInput(`App role id '${r.id}' is used more than once.`);
    values.add(r.value);
    ids.add(r.id);
  }
  return roles;
}

function parseRequiredResourceAccess(v: unknown): RequiredResourceAccess[] {
  if (!Array.isArray(v)) throw errors.invalidInput("Property 'requiredResourceAccess' must be an array.");
  return v.map((e, i) => {
    if (!isObject(e) || typeof e.resourceAppId !== 'string' || !Array.isArray(e.resourceAccess)) {
      throw errors.invalidInput(`requiredResourceAccess[${i}] must have resourceAppId and resourceAccess.`);
    }
    return {
      resourceAppId: e.resourceAppId.toLowerCase(),
      resourceAccess: e.resourceAccess.map((a, j) => {
        if (!isObject(a) || typeof a.id !== 'string' || !GUID_RE.test(a.id) || (a.type !== 'Role' && a.type !== 'Scope')) {
          throw errors.invalidInput(`requiredResourceAccess[${i}].resourceAccess[${j}] must be {id: GUID, type: 'Role'|'Scope'}.`);
        }
        return { id: a.id.toLowerCase(), type: a.type };
      }),
    };
  });
}

/**
 * Identifier URIs name the application as a resource for every tenant of the installation, so, as
 * Entra requires, a host-based one must sit on a verified domain of the owning tenant (its
 * `<name>.onmicrosoft.com` domain or a subdomain): otherwise one tenant could claim
 * `https://graph.microsoft.com/`, the Cloud Apps API's URI or another tenant's domain.
 * `api://` URIs and `urn:` names carry no domain and stay free (unique across the installation).
 */
function parseIdentifierUris(v: unknown, verifiedDomains: readonly string[]): string[] {
  const uris = stringArray(v, 'identifierUris');
  const unverified = (u: string) =>
    errors.unverifiedDomain(`Values of identifierUris property must use a verified domain of the organization or its subdomain: '${u}'`);
  for (const u of uris) {
    let parsed: URL;
    try {
      parsed = new URL(u);
    } catch {
      throw unverified(u);
    }
    if (!['api:', 'https:', 'urn:', 'http:'].includes(parsed.protocol)) {
      throw errors.invalidInput(`Identifier URI '${u}' must use the api, https, http or urn scheme.`);
    }
    if (parsed.protocol === 'https:' || parsed.protocol === 'http:') {
      const host = parsed.hostname.toLowerCase();
      if (!verifiedDomains.some((d) => host === d || host.endsWith(`.${d}`))) throw unverified(u);
    }
  }
  return uris;
}

/** Schemes a browser would run or read locally instead of navigating to: never a redirect URI. */
const SCRIPT_SCHEMES = new Set(['javascript:', 'data:', 'vbscript:', 'file:', 'blob:', 'about:']);

/**
 * Entra's redirect URI rules (reference user-context §2.4): https, or http on loopback; no
 * fragment, no wildcard. Web redirect URIs receive codes and consent answers through a browser,
 * so they allow nothing else; public clients may also use an app's own scheme (`msal<id>://auth`),
 * but no scheme a browser would execute (`javascript:`, `data:`).
 */
function checkRedirectUri(uri: string, name: string, customSchemes: boolean): void {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    throw errors.invalidInput(`Property '${name}' contains an invalid URI: '${uri}'.`);
  }
  const loopback = u.hostname === 'localhost' || u.hostname === '127.0.0.1' || u.hostname === '[::1]';
  const web = u.protocol === 'https:' || (u.protocol === 'http:' && loopback);
  const custom = customSchemes && !['http:', 'https:'].includes(u.protocol) && !SCRIPT_SCHEMES.has(u.protocol);
  if (!(web || custom) || uri.includes('#') || uri.includes('*') || uri.length > 256) {
    throw errors.invalidInput(`Property '${name}' contains an invalid URI: '${uri}'.`);
  }
}

/** `api.oauth2PermissionScopes`: delegated permissions an API exposes (Graph `permissionScope`). */
function parsePermissionScopes(v: unknown): void {
  if (!Array.isArray(v)) throw errors.invalidInput("Property 'api.oauth2PermissionScopes' must be an array.");
  v.forEach((s, i) => {
    if (!isObject(s) || typeof s.id !== 'string' || !GUID_RE.test(s.id)) {
      throw errors.invalidInput(`api.oauth2PermissionScopes[${i}].id must be a GUID.`);
    }
    if (typeof s.value !== 'string' || s.value === '' || /\s/.test(s.value)) {
      throw errors.invalidInput(`api.oauth2PermissionScopes[${i}].value must be a non-empty string without spaces.`);
    }
    if (s.type !== undefined && s.type !== 'User' && s.type !== 'Admin') {
      throw errors.invalidInput(`api.oauth2PermissionScopes[${i}].type must be 'User' or 'Admin'.`);
    }
  });
}

/** Application registrations: validation and persistence of the Graph `application` resource. */
export class ApplicationService {
  constructor(
    private readonly stores: Stores,
    private readonly master: MasterKey,
    private readonly clock: Clock,
  ) {}

  async create(tenantId: string, input: ApplicationInput): Promise<Application> {
    if (typeof input.displayName !== 'string' || input.displayName.trim() === '') {
      throw errors.invalidInput("Property 'displayName' is required and must be a non-empty string.");
    }
    const now = this.clock.now();
    const row: ApplicationRow = {
      id: crypto.randomUUID(),
      app_id: crypto.randomUUID(),
      tenant_id: tenantId,
      display_name: input.displayName,
      sign_in_audience: 'AzureADMyOrg',
      identifier_uris: '[]',
      app_roles: '[]',
      required_resource_access: '[]',
      web: JSON.stringify({ redirectUris: [] }),
      api: JSON.stringify({ requestedAccessTokenVersion: null }),
      built_in: 0,
      created_at: now,
    };
    const patch = await this.validatePatch(row, input);
    const merged = { ...row, ...patch.row };
    await this.stores.transaction(async (tx) => {
      await tx.applications.insert(merged);
      if (patch.keys) await tx.credentials.replaceKeys(merged.id, patch.keys);
    });
    return toApplication(merged);
  }

  async get(tenantId: string, id: string): Promise<Application | undefined> {
    const r = await this.stores.applications.getById(id.toLowerCase());
    return r && r.tenant_id === tenantId && r.built_in === 0 ? toApplication(r) : undefined;
  }

  async getByAppId(tenantId: string, appId: string): Promise<Application | undefined> {
    const r = await this.stores.applications.getByAppId(appId.toLowerCase());
    return r && r.tenant_id === tenantId && r.built_in === 0 ? toApplication(r) : undefined;
  }

  /** Any application (any home tenant, built-ins included), by appId: the identity platform's global view. */
  async findAnyByAppId(appId: string): Promise<Application | undefined> {
    const r = await this.stores.applications.getByAppId(appId.toLowerCase());
    return r ? toApplication(r) : undefined;
  }

  async list(tenantId: string, filter: ApplicationFilter, limit = 999): Promise<Application[]> {
    return (await this.stores.applications.list(tenantId, filter, limit)).map(toApplication);
  }

  async update(app: Application, input: ApplicationInput): Promise<Application> {
    const current = await this.stores.applications.getById(app.id);
    if (!current) throw errors.notFound();
    const patch = await this.validatePatch(current, input);
    await this.stores.transaction(async (tx) => {
      await tx.applications.update(app.id, patch.row);
      if (patch.keys) await tx.credentials.replaceKeys(app.id, patch.keys);
    });
    return toApplication({ ...current, ...patch.row });
  }

  async delete(app: Application): Promise<void> {
    await this.stores.transaction(async (tx) => {
      await tx.servicePrincipals.deleteByAppId(app.appId);
      await tx.applications.delete(app.id);
    });
  }

  async passwordCredentials(app: Application): Promise<PasswordCredential[]> {
    return (await this.stores.credentials.listPasswords(app.id)).map(toPasswordCredential);
  }

  async keyCredentials(app: Application): Promise<KeyCredential[]> {
    return (await this.stores.credentials.listKeys(app.id)).map(toKeyCredential);
  }

  /** Adds a client secret; the only time its text is ever returned. */
  async addPassword(app: Application, input: { displayName?: unknown; startDateTime?: unknown; endDateTime?: unknown }) {
    const now = this.clock.now();
    const start = input.startDateTime === undefined || input.startDateTime === null ? now : Date.parse(String(input.startDateTime));
    const end =
      input.endDateTime === undefined || input.endDateTime === null
        ? start + DEFAULT_SECRET_LIFETIME_MS
        : Date.parse(String(input.endDateTime));
    if (!Number.isFinite(start) || !Number.isFinite(end))
      throw errors.invalidInput('startDateTime and endDateTime must be ISO 8601 date-times.');
    if (end <= start) throw errors.invalidInput('endDateTime must be later than startDateTime.');
    if (end - start > MAX_SECRET_LIFETIME_MS) throw errors.invalidInput('Client secrets may be valid for at most 10 years.');
    if (input.displayName !== undefined && input.displayName !== null && typeof input.displayName !== 'string') {
      throw errors.invalidInput("Property 'displayName' must be a string.");
    }
    const secret = generateClientSecret();
    const row = {
      key_id: crypto.randomUUID(),
      application_id: app.id,
      display_name: (input.displayName as string | undefined) ?? null,
      hint: secret.slice(0, 3),
      secret_hash: this.master.hashSecret(secret),
      start_at: start,
      end_at: end,
    };
    await this.stores.credentials.insertPassword(row);
    return { ...toPasswordCredential(row), secretText: secret };
  }

  async removePassword(app: Application, keyId: unknown): Promise<void> {
    if (typeof keyId !== 'string' || !GUID_RE.test(keyId)) throw errors.invalidInput("Property 'keyId' must be a GUID.");
    const removed = await this.stores.credentials.deletePassword(app.id, keyId.toLowerCase());
    if (!removed) throw errors.invalidInput(`No password credential found with keyId '${keyId}'.`);
  }

  private async validatePatch(
    current: ApplicationRow,
    input: ApplicationInput,
  ): Promise<{ row: Partial<ApplicationRow>; keys?: KeyCredentialRow[] }> {
    if (!isObject(input)) throw errors.invalidInput('The request body must be a JSON object.');
    const row: Partial<ApplicationRow> = {};
    if (input.displayName !== undefined) {
      if (typeof input.displayName !== 'string' || input.displayName.trim() === '')
        throw errors.invalidInput("Property 'displayName' must be a non-empty string.");
      row.display_name = input.displayName;
    }
    if (input.signInAudience !== undefined) {
      if (!SIGN_IN_AUDIENCES.includes(input.signInAudience as never)) {
        throw errors.invalidInput(`Property 'signInAudience' must be one of ${SIGN_IN_AUDIENCES.join(', ')}.`);
      }
      row.sign_in_audience = input.signInAudience as string;
    }
    if (input.identifierUris !== undefined) {
      const tenant = await this.stores.tenants.getById(current.tenant_id);
      const uris = parseIdentifierUris(input.identifierUris, tenant ? [tenant.domain.toLowerCase()] : []);
      for (const uri of uris) {
        const owners = await this.stores.applications.findByIdentifierUri(uri);
        if (owners.some((o) => o.id !== current.id)) {
          throw errors.invalidInput(`Another object with the same value for property identifierUris already exists: '${uri}'.`);
        }
      }
      row.identifier_uris = JSON.stringify(uris);
    }
    if (input.appRoles !== undefined) row.app_roles = JSON.stringify(parseAppRoles(input.appRoles));
    if (input.requiredResourceAccess !== undefined) {
      row.required_resource_access = JSON.stringify(parseRequiredResourceAccess(input.requiredResourceAccess));
    }
    if (input.web !== undefined) {
      if (!isObject(input.web)) throw errors.invalidInput("Property 'web' must be an object.");
      const web = { ...(JSON.parse(current.web) as object), ...input.web };
      if ('redirectUris' in input.web) {
        for (const u of stringArray(input.web.redirectUris, 'web.redirectUris')) checkRedirectUri(u, 'web.redirectUris', false);
      }
      row.web = JSON.stringify(web);
    }
    for (const [prop, col] of [
      ['spa', 'spa'],
      ['publicClient', 'public_client'],
    ] as const) {
      const v = input[prop];
      if (v === undefined) continue;
      if (!isObject(v)) throw errors.invalidInput(`Property '${prop}' must be an object.`);
      const uris = v.redirectUris === undefined ? [] : stringArray(v.redirectUris, `${prop}.redirectUris`);
      for (const u of uris) checkRedirectUri(u, `${prop}.redirectUris`, true);
      row[col] = JSON.stringify({ redirectUris: uris });
    }
    if (input.isFallbackPublicClient !== undefined) {
      if (input.isFallbackPublicClient !== null && typeof input.isFallbackPublicClient !== 'boolean') {
        throw errors.invalidInput("Property 'isFallbackPublicClient' must be a boolean.");
      }
      row.is_fallback_public_client = input.isFallbackPublicClient ? 1 : 0;
    }
    if (input.api !== undefined) {
      if (!isObject(input.api)) throw errors.invalidInput("Property 'api' must be an object.");
      if (input.api.oauth2PermissionScopes !== undefined) parsePermissionScopes(input.api.oauth2PermissionScopes);
      const v = input.api.requestedAccessTokenVersion;
      if (v !== undefined && v !== null && v !== 1 && v !== 2) {
        throw errors.invalidInput("Property 'api.requestedAccessTokenVersion' must be null, 1 or 2.");
      }
      row.api = JSON.stringify({ ...(JSON.parse(current.api) as object), ...input.api });
    }
    const audience = row.sign_in_audience ?? current.sign_in_audience;
    const version = (JSON.parse(row.api ?? current.api) as { requestedAccessTokenVersion?: number | null }).requestedAccessTokenVersion;
    if (audience === 'AzureADandPersonalMicrosoftAccount' && version !== 2) {
      throw errors.invalidInput(
        "Property 'api.requestedAccessTokenVersion' must be 2 when signInAudience is AzureADandPersonalMicrosoftAccount.",
      );
    }
    let keys: KeyCredentialRow[] | undefined;
    if (input.keyCredentials !== undefined) keys = await this.parseKeyCredentials(current, input.keyCredentials);
    return keys ? { row, keys } : { row };
  }

  /**
   * keyCredentials replace the whole collection, as in Graph: a new entry carries `key` (base64
   * DER certificate); an existing one may be sent back with only its keyId to keep it.
   */
  private async parseKeyCredentials(current: ApplicationRow, v: unknown): Promise<KeyCredentialRow[]> {
    if (!Array.isArray(v)) throw errors.invalidInput("Property 'keyCredentials' must be an array.");
    const existing = await this.stores.credentials.listKeys(current.id);
    return v.map((k, i) => {
      if (!isObject(k)) throw errors.invalidInput(`keyCredentials[${i}] must be an object.`);
      if ((k.key === undefined || k.key === null) && typeof k.keyId === 'string') {
        const kept = existing.find((e) => e.key_id === String(k.keyId).toLowerCase());
        if (kept) return kept;
      }
      if (typeof k.key !== 'string') throw errors.invalidInput(`keyCredentials[${i}].key must be the base64 DER of an X.509 certificate.`);
      let cert: crypto.X509Certificate;
      try {
        const text = k.key.includes('BEGIN CERTIFICATE') ? k.key : Buffer.from(k.key, 'base64');
        cert = new crypto.X509Certificate(text);
      } catch {
        throw errors.invalidInput(`keyCredentials[${i}].key is not a valid X.509 certificate.`);
      }
      if (cert.publicKey.asymmetricKeyType !== 'rsa') throw errors.invalidInput(`keyCredentials[${i}] must be an RSA certificate.`);
      const type = k.type ?? 'AsymmetricX509Cert';
      const usage = k.usage ?? 'Verify';
      if (type !== 'AsymmetricX509Cert' || usage !== 'Verify') {
        throw errors.invalidInput(`keyCredentials[${i}] must have type 'AsymmetricX509Cert' and usage 'Verify'.`);
      }
      const start = typeof k.startDateTime === 'string' ? Date.parse(k.startDateTime) : Date.parse(cert.validFrom);
      const end = typeof k.endDateTime === 'string' ? Date.parse(k.endDateTime) : Date.parse(cert.validTo);
      return {
        key_id: typeof k.keyId === 'string' && GUID_RE.test(k.keyId) ? k.keyId.toLowerCase() : crypto.randomUUID(),
        application_id: current.id,
        display_name: typeof k.displayName === 'string' ? k.displayName : cert.subject.replace(/\n/g, ', '),
        type,
        usage,
        cert_der_b64: cert.raw.toString('base64'),
        thumbprint_sha1: crypto.createHash('sha1').update(cert.raw).digest('hex'),
        thumbprint_sha256: crypto.createHash('sha256').update(cert.raw).digest('hex'),
        start_at: start,
        end_at: end,
      };
    });
  }
}
