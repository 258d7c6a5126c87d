import { USER_CONTEXT_AADSTS } from './aadsts-user-context.js';

/**
 * The Entra (AADSTS) errors that Appwarden's identity endpoints emit, with the OAuth `error`
 * value and HTTP status each one travels with. Messages are templates: `{name}` is replaced.
 * Source: reference/identity-platform.md §2.2 (observed Entra behaviour, some statuses inferred).
 */
export interface AadstsDefinition {
  code: number;
  error: string;
  status: number;
  message: string;
}

const def = (code: number, error: string, status: number, message: string): AadstsDefinition => ({
  code,
  error,
  status,
  message,
});

export const AADSTS = {
  tenantNotFound: def(
    90002,
    'invalid_request',
    400,
    "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.",
  ),
  tenantNotFoundDiscovery: def(
    90002,
    'invalid_tenant',
    400,
    "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.",
  ),
  emptyTenantGuid: def(
    90002,
    'invalid_request',
    400,
    "Requested tenant identifier '00000000-0000-0000-0000-000000000000' is not valid. Tenant identifiers may not be an empty GUID.",
  ),
  invalidTenantIdentifier: def(
    900023,
    'invalid_request',
    400,
    "Specified tenant identifier '{tenant}' is neither a valid DNS name, nor a valid external domain.",
  ),
  noTenantIdentifyingInformation: def(
    50059,
    'invalid_request',
    400,
    'No tenant-identifying information found in either the request or implied by any provided credentials.',
  ),
  applicationNotFound: def(
    700016,
    'unauthorized_client',
    400,
    "Application with identifier '{clientId}' was not found in the directory '{tenantName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
  ),
  invalidApplicationIdentifier: def(700038, 'unauthorized_client', 400, '{clientId} is not a valid application identifier.'),
  invalidClientSecret: def(
    7000215,
    'invalid_client',
    401,
    "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{clientId}'.",
  ),
  expiredClientSecret: def(
    7000222,
    'invalid_client',
    401,
    "The provided client secret keys for app '{clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.",
  ),
  missingClientCredential: def(
    7000218,
    'invalid_client',
    401,
    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  ),
  assertionKeyNotFound: def(
    700027,
    'invalid_client',
    401,
    "Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '{thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '{clientId}'.]",
  ),
  assertionBadSignature: def(
    700027,
    'invalid_client',
    401,
    "Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value., Thumbprint of key used by client: '{thumbprint}']",
  ),
  assertionNoThumbprint: def(50027, 'invalid_client', 401, 'Invalid JWT token. No certificate thumbprint specified in token header.'),
  assertionInvalid: def(50027, 'invalid_client', 401, 'Invalid JWT token. {reason}'),
  assertionSubjectMismatch: def(50048, 'invalid_client', 401, 'Subject mismatches Issuer claim in the client assertion.'),
  assertionAudience: def(
    700212,
    'invalid_client',
    401,
    "No matching federated identity record found for presented assertion audience '{audience}'.",
  ),
  assertionExpired: def(700024, 'invalid_client', 401, 'Client assertion is not within its valid time range. {reason}'),
  assertionReplayed: def(
    700025,
    'invalid_client',
    401,
    'The client assertion was already used. Assertions may be used only once (jti {jti}).',
  ),
  assertionClientMismatch: def(
    700021,
    'invalid_client',
    401,
    "Client assertion application identifier doesn't match 'client_id' parameter.",
  ),
  unsupportedAssertionType: def(
    7000219,
    'invalid_client',
    401,
    "'client_assertion_type' must be 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.",
  ),
  multipleClientAuth: def(
    9002313,
    'invalid_request',
    400,
    'Invalid request. Request is malformed or invalid. More than one client authentication method was used.',
  ),
  serverError: def(
    90033,
    'temporarily_unavailable',
    500,
    'A transient error has occurred. Please try again. The trace id identifies the failure in the server log.',
  ),
  tooManyFailedAttempts: def(
    50196,
    'temporarily_unavailable',
    429,
    'The server terminated an operation because it encountered a client request loop or too many failed client authentication attempts. Retry after {retryAfter} seconds.',
  ),
  scopeWithoutDefault: def(
    1002012,
    'invalid_scope',
    400,
    'The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).',
  ),
  scopeInvalid: def(
    70011,
    'invalid_scope',
    400,
    "The provided value for the input parameter 'scope' is not valid. The scope {scope} is not valid.",
  ),
  scopeMultipleResources: def(
    700022,
    'invalid_scope',
    400,
    'The provided value for the input parameter scope is not valid because it contains more than one resource. Scope {scope} is not valid.',
  ),
  missingParameter: def(900144, 'invalid_request', 400, "The request body must contain the following parameter: '{name}'."),
  resourceNotSupportedOnV2: def(901002, 'invalid_request', 400, "The 'resource' request parameter is not supported."),
  resourceMissing: def(500013, 'invalid_resource', 400, 'Resource identifier is not provided.'),
  resourceNotFound: def(
    500011,
    'invalid_resource',
    400,
    'The resource principal named {resource} was not found in the tenant named {tenantName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.',
  ),
  resourceDisabled: def(
    500014,
    'invalid_resource',
    400,
    "The service principal for resource '{resource}' is disabled. This indicate that a subscription within the tenant has lapsed, or that the administrator for this tenant has disabled the application, preventing tokens from being issued for it.",
  ),
  unsupportedGrantType: def(70003, 'unsupported_grant_type', 400, "The app requested an unsupported grant type '{grantType}'."),
  methodNotAllowed: def(900561, 'invalid_request', 400, 'The endpoint only accepts POST, OPTIONS requests. Received a {method} request.'),
  malformedRequest: def(9002313, 'invalid_request', 400, 'Invalid request. Request is malformed or invalid.'),
  clientDisabled: def(7000112, 'unauthorized_client', 400, "Application '{clientId}'({displayName}) is disabled."),
  notAssignedToRole: def(
    501051,
    'invalid_grant',
    400,
    "Application '{clientId}'({displayName}) is not assigned to a role for the application '{resource}'({resourceName}).",
  ),
  unknownInstance: def(50049, 'invalid_instance', 400, 'Unknown or invalid instance.'),
  consentRequired: def(65004, 'consent_required', 400, 'The resource owner or authorization server denied the request.'),
  misconfiguredApplication: def(
    650056,
    'invalid_client',
    400,
    "Misconfigured application. This could be due to one of the following: the client has not listed any permissions for {resource} in the requested permissions in the client's application registration.",
  ),
  ...USER_CONTEXT_AADSTS,
} as const satisfies Record<string, AadstsDefinition>;

export type AadstsKey = keyof typeof AADSTS;

/** Fills `{name}` placeholders of an AADSTS message template. */
export function formatAadstsMessage(template: string, values: Record<string, string | number | undefined>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = values[name];
    return v === undefined ? whole : String(v);
  });
}
