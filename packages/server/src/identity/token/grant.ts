import type { Config } from '../../config.js';
import type { Stores } from '../../store/interfaces.js';
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
  servicePrincipals: ServicePrincipalService;
  signingKeys: SigningKeyService;
  clock: Clock;
  directoryCache: DirectoryReadCache;
}

export interface AuthenticatedClient {
  app: Application;
  servicePrincipal: ServicePrincipalRow;
  authMethod: '1' | '2';
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
  /** Required parameters per endpoint version, for documentation and OpenAPI. */
  parameters: { v1: string[]; v2: string[] };
  /** Validates the grant's own parameters before the client is authenticated; returns the resource. */
  requestedResource(ctx: { request: TokenRequest }): string;
  handler(ctx: GrantContext): Promise<TokenResponse>;
}
