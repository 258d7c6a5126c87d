import type { SigningKey } from './signing-keys.js';

/**
 * OpenID Provider metadata in Entra's shape (reference §4). `tenantPath` is the GUID for a real
 * tenant, or `common`/`organizations` whose issuer is the `{tenantid}` template.
 */
export function openIdConfigurationV2(origin: string, tenantPath: string, isAlias: boolean) {
  const issuerTenant = isAlias ? '{tenantid}' : tenantPath;
  return {
    token_endpoint: `${origin}/${tenantPath}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${origin}/${tenantPath}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${origin}/${issuerTenant}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${origin}/oidc/userinfo`,
    authorization_endpoint: `${origin}/${tenantPath}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${origin}/${tenantPath}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${origin}/${tenantPath}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub',
      'iss',
      'cloud_instance_name',
      'cloud_instance_host_name',
      'cloud_graph_host_name',
      'msgraph_host',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'acr',
      'nonce',
      'preferred_username',
      'name',
      'tid',
      'ver',
      'at_hash',
      'c_hash',
      'email',
    ],
    kerberos_endpoint: `${origin}/${tenantPath}/kerberos`,
    tenant_region_scope: isAlias ? null : 'WW',
    cloud_instance_name: new URL(origin).host,
    cloud_graph_host_name: new URL(origin).host,
    msgraph_host: new URL(origin).host,
    rbac_url: origin,
  };
}

export function openIdConfigurationV1(origin: string, tenantPath: string, isAlias: boolean) {
  const issuerTenant = isAlias ? '{tenantid}' : tenantPath;
  return {
    token_endpoint: `${origin}/${tenantPath}/oauth2/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${origin}/${tenantPath}/discovery/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${origin}/${tenantPath}/oauth2/logout`,
    response_types_supported: ['code', 'id_token', 'code id_token', 'token id_token', 'token'],
    scopes_supported: ['openid'],
    issuer: `${origin}/${issuerTenant}/`,
    claims_supported: [
      'sub',
      'iss',
      'cloud_instance_name',
      'cloud_instance_host_name',
      'cloud_graph_host_name',
      'msgraph_host',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'acr',
      'amr',
      'nonce',
      'email',
      'given_name',
      'family_name',
      'nickname',
    ],
    microsoft_multi_refresh_token: true,
    check_session_iframe: `${origin}/${tenantPath}/oauth2/checksession`,
    userinfo_endpoint: `${origin}/${tenantPath}/openid/userinfo`,
    authorization_endpoint: `${origin}/${tenantPath}/oauth2/authorize`,
    device_authorization_endpoint: `${origin}/${tenantPath}/oauth2/devicecode`,
    kerberos_endpoint: `${origin}/${tenantPath}/kerberos`,
    tenant_region_scope: isAlias ? null : 'WW',
    cloud_instance_name: new URL(origin).host,
    cloud_graph_host_name: new URL(origin).host,
    msgraph_host: new URL(origin).host,
    rbac_url: origin,
  };
}

/** JWKS; v2 entries carry `issuer` (the tenant's v2 issuer, or the template for `common`). */
export function jwks(keys: SigningKey[], v2Issuer: string | undefined) {
  return {
    keys: keys.map((k) => ({ ...k.jwk, ...(v2Issuer ? { issuer: v2Issuer } : {}) })),
  };
}

/**
 * Instance discovery, as MSAL expects it, for this host. Like Entra, the tenant discovery endpoint
 * names the tenant and v1/v2 flavour of the `authorization_endpoint` asked about (MSAL Python
 * fetches exactly that document next); without one it is the `{tenant}` template.
 */
export function instanceDiscovery(origin: string, authorizationEndpoint?: string) {
  const host = new URL(origin).host;
  let tenantDiscovery = `${origin}/{tenant}/v2.0/.well-known/openid-configuration`;
  const m = authorizationEndpoint ? /^(https:\/\/[^/?#]+)\/([^/?#]+)\/oauth2\/(v2\.0\/)?authorize\/?$/i.exec(authorizationEndpoint) : null;
  // MSAL Python drops the port from the endpoint it asks about, so the answer names this origin.
  if (m) tenantDiscovery = `${origin}/${m[2]}${m[3] ? '/v2.0' : ''}/.well-known/openid-configuration`;
  return {
    tenant_discovery_endpoint: tenantDiscovery,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  };
}
