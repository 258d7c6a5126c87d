import type { AppRole } from '@appwarden/protocol';
import type { ApplicationRow, KeyCredentialRow, PasswordCredentialRow } from '../store/schema.js';

export interface ResourceAccess {
  id: string;
  type: 'Role' | 'Scope';
}
export interface RequiredResourceAccess {
  resourceAppId: string;
  resourceAccess: ResourceAccess[];
}

export interface ApiSettings {
  requestedAccessTokenVersion: number | null;
  [key: string]: unknown;
}

/** An application object as the services see it (Graph `application` names). */
export interface Application {
  id: string;
  appId: string;
  tenantId: string;
  displayName: string;
  signInAudience: string;
  identifierUris: string[];
  appRoles: AppRole[];
  requiredResourceAccess: RequiredResourceAccess[];
  web: { redirectUris: string[]; [key: string]: unknown };
  /** Single-page-app redirect URIs: code redemption must be cross-origin with PKCE. */
  spa: { redirectUris: string[] };
  /** Mobile and desktop (public client) redirect URIs. */
  publicClient: { redirectUris: string[] };
  /** Public client when no redirect URI decides it (device code, ROPC). */
  isFallbackPublicClient: boolean;
  api: ApiSettings;
  builtIn: boolean;
  createdAt: number;
}

export function toApplication(r: ApplicationRow): Application {
  const api = JSON.parse(r.api) as Partial<ApiSettings>;
  const web = JSON.parse(r.web) as Partial<Application['web']>;
  return {
    id: r.id,
    appId: r.app_id,
    tenantId: r.tenant_id,
    displayName: r.display_name,
    signInAudience: r.sign_in_audience,
    identifierUris: JSON.parse(r.identifier_uris) as string[],
    appRoles: JSON.parse(r.app_roles) as AppRole[],
    requiredResourceAccess: JSON.parse(r.required_resource_access) as RequiredResourceAccess[],
    web: { ...web, redirectUris: web.redirectUris ?? [] },
    spa: { redirectUris: (JSON.parse(r.spa ?? '{}') as { redirectUris?: string[] }).redirectUris ?? [] },
    publicClient: { redirectUris: (JSON.parse(r.public_client ?? '{}') as { redirectUris?: string[] }).redirectUris ?? [] },
    isFallbackPublicClient: r.is_fallback_public_client === 1,
    api: { ...api, requestedAccessTokenVersion: api.requestedAccessTokenVersion ?? null },
    builtIn: r.built_in === 1,
    createdAt: r.created_at,
  };
}

export interface PasswordCredential {
  keyId: string;
  displayName: string | null;
  hint: string;
  startDateTime: string;
  endDateTime: string;
  customKeyIdentifier: null;
  secretText: null;
}

export const toPasswordCredential = (r: PasswordCredentialRow): PasswordCredential => ({
  customKeyIdentifier: null,
  displayName: r.display_name,
  endDateTime: new Date(r.end_at).toISOString(),
  hint: r.hint,
  keyId: r.key_id,
  secretText: null,
  startDateTime: new Date(r.start_at).toISOString(),
});

export interface KeyCredential {
  customKeyIdentifier: string;
  displayName: string | null;
  endDateTime: string;
  key: null;
  keyId: string;
  startDateTime: string;
  type: string;
  usage: string;
}

export const toKeyCredential = (r: KeyCredentialRow): KeyCredential => ({
  customKeyIdentifier: Buffer.from(r.thumbprint_sha1, 'hex').toString('base64'),
  displayName: r.display_name,
  endDateTime: new Date(r.end_at).toISOString(),
  key: null,
  keyId: r.key_id,
  startDateTime: new Date(r.start_at).toISOString(),
  type: r.type,
  usage: r.usage,
});
