import type { AdmissionGate } from './admission-gate.js';
import type { Config } from '../../config.js';
import type { CounterStore, Stores } from '../../store/interfaces.js';
import type { MasterKey } from '../master-key.js';
import type { DirectoryRoleService } from '../users/directory-role-service.js';
import type { PermissionGrantService } from '../users/permission-grant-service.js';
import type { UserService } from '../users/user-service.js';
import type { ServicePrincipalRow } from '../../store/schema.js';
import type { Application } from '../application-model.js';
import type { Clock } from '../../clock.js';
import type { DirectoryReadCache } from '../directory-read-cache.js';
import type { ServicePrincipalService } from '../service-principal-service.js';
import type { SigningKeyService } from '../signing-keys.js';
import type { Tenant } from '../tenant-service.js';
import type { TokenRequest } from './token-request.js';

export type TokenResponse = Record<string, string | number>;

export interface GrantServices {
  stores: Stores;
  master: MasterKey;
  users: UserService;
  directoryRoles: DirectoryRoleService;
  permissionGrants: PermissionGrantService;
  /** Lockout counters of user sign-in (shared by every process). */
  counters: CounterStore;
  /** Password checks per source address (credential-check.ts). */
  passwordChecks: AdmissionGate;
  servicePrincipals: ServicePrincipalService;
  signingKeys: SigningKeyService;
  clock: Clock;
  directoryCache: DirectoryReadCache;
}

export interface AuthenticatedClient {
  app: Application;
  servicePrincipal: ServicePrincipalRow;
  /** "0" public client (no credential), "1" secret, "2" certificate. */
  authMethod: '0' | '1' | '2';
}

export interface GrantContext {
  request: TokenRequest;
  tenant: Tenant;
  client: AuthenticatedClient;
  requestedResource: string;
  services: GrantServices;
  config: Pick<Config, 'tokenLifetimeSeconds' | 'tokenBackdateSeconds'>;
}

/** One module per grant type: `{ grantType, parameters, handler }`. */
export interface Grant {
  grantType: string;
  /** Other `grant_type` values Entra accepts for the same grant (msal-node sends `device_code`). */
  aliases?: readonly string[];
  /** Required parameters per endpoint version, for documentation and OpenAPI. */
  parameters: { v1: string[]; v2: string[] };
  /** Validates the grant's own parameters before the client is authenticated; returns the resource. */
  requestedResource(ctx: { request: TokenRequest }): string;
  /**
   * User grants only: on `/common` and `/organizations`, the tenant the grant itself names (the
   * user's, or that of the code or refresh token), as Entra redeems there; undefined: refused.
   */
  tenantOnAlias?(ctx: { request: TokenRequest; services: GrantServices }): Promise<string | undefined>;
  handler(ctx: GrantContext): Promise<TokenResponse>;
  /**
   * User grants only: whether this request comes from a public client (no credential allowed),
   * a confidential one (credential required), or either. Absent: confidential.
   */
  clientKind?(ctx: {
    request: TokenRequest;
    client: AuthenticatedClient;
    services: GrantServices;
    origin: string;
  }): Promise<'public' | 'confidential' | 'either'>;
}
