/**
 * AADSTS errors of user context (sign-in, authorization code, refresh token, device code, ROPC),
 * as Entra sends them (reference user-context §2.3, §3, §4, §5.2, §6.2). Where the code or the
 * status is inferred, the reference says so. Spread into AADSTS (aadsts.ts).
 */
const def = (code: number, error: string, status: number, message: string) => ({ code, error, status, message });

export const USER_CONTEXT_AADSTS = {
  // Authorize leg (rendered on the error page or sent to the redirect URI).
  loginRequired: def(50058, 'login_required', 400, 'A silent sign-in request was sent but no user is signed in.'),
  interactionRequired: def(
    50076,
    'interaction_required',
    400,
    'Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access this resource.',
  ),
  consentRequiredForUser: def(
    65001,
    'consent_required',
    400,
    "The user or administrator has not consented to use the application with ID '{clientId}' named '{displayName}'. Send an interactive authorization request for this user and resource.",
  ),
  userCancelled: def(65004, 'access_denied', 400, 'User declined to consent to access the app.'),
  adminApprovalRequired: def(
    90094,
    'access_denied',
    400,
    "The grant requires admin permission. An administrator must consent to the permissions '{scopes}' for the application '{displayName}'.",
  ),
  redirectUriMismatch: def(
    50011,
    'invalid_request',
    400,
    "The redirect URI '{redirectUri}' specified in the request does not match the redirect URIs configured for the application '{clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal.",
  ),
  unsupportedResponseType: def(
    700054,
    'unsupported_response_type',
    400,
    "response_type '{responseType}' is not enabled for the application.",
  ),
  unsupportedResponseMode: def(
    900144,
    'invalid_request',
    400,
    "The request body must contain the following parameter: 'response_mode' with a supported value.",
  ),
  missingRequestParameter: def(900144, 'invalid_request', 400, "The request body must contain the following parameter: '{name}'."),
  pkceRequiredForSpa: def(
    9002325,
    'invalid_request',
    400,
    'Proof Key for Code Exchange is required for cross-origin authorization code redemption.',
  ),
  invalidCodeChallengeMethod: def(50149, 'invalid_request', 400, 'Invalid Code_Challenge_method parameter. Only S256 is supported.'),
  invalidCodeChallenge: def(
    50147,
    'invalid_request',
    400,
    'The code_challenge parameter is not a valid S256 challenge (43 base64url characters).',
  ),
  loginHintWithSelectAccount: def(
    900144,
    'invalid_request',
    400,
    "The parameters 'login_hint' and 'prompt=select_account' cannot be combined.",
  ),
  userNotInTenant: def(
    50020,
    'invalid_request',
    400,
    "User account '{username}' from identity provider does not exist in tenant '{tenantName}' and cannot access the application '{clientId}'({displayName}) in that tenant.",
  ),
  // Credentials (ROPC and the sign-in page).
  invalidUsernameOrPassword: def(50126, 'invalid_grant', 400, 'Error validating credentials due to invalid username or password.'),
  accountLocked: def(
    50053,
    'invalid_grant',
    400,
    "Your account is locked because you've tried to sign in too many times with an incorrect user ID or password.",
  ),
  accountDisabled: def(50057, 'invalid_grant', 400, 'The user account is disabled. The account has been disabled by an administrator.'),
  passwordExpired: def(50055, 'invalid_grant', 400, 'The password is expired. The user must change the password before signing in.'),
  ropcOnCommon: def(
    9001023,
    'invalid_request',
    400,
    "The grant type isn't supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.",
  ),
  // Token endpoint: clients.
  publicClientSentSecret: def(
    700025,
    'invalid_client',
    401,
    "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
  ),
  spaRequiresCrossOrigin: def(
    9002327,
    'invalid_request',
    400,
    "Tokens issued for the 'Single-Page Application' client-type may only be redeemed via cross-origin requests.",
  ),
  crossOriginOnlyForSpa: def(
    9002326,
    'invalid_request',
    400,
    "Cross-origin token redemption is permitted only for the 'Single-Page Application' client-type. Request origin: '{origin}'.",
  ),
  // Token endpoint: codes and refresh tokens.
  invalidCode: def(70000, 'invalid_grant', 400, "The provided value for the 'code' parameter is not valid."),
  codeExpired: def(
    70008,
    'invalid_grant',
    400,
    'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
  ),
  codeRedeemed: def(
    54005,
    'invalid_grant',
    400,
    'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
  ),
  codeForAnotherClient: def(
    70000,
    'invalid_grant',
    400,
    "The provided authorization code was issued to another client; client_id '{clientId}' cannot redeem it.",
  ),
  codeForAnotherTenant: def(
    700005,
    'invalid_grant',
    400,
    'Provided Authorization Code is intended to use against other tenant, thus rejected.',
  ),
  codeRedirectMismatch: def(
    70000,
    'invalid_grant',
    400,
    "The 'redirect_uri' parameter does not match the redirect URI of the authorization request.",
  ),
  pkceMismatch: def(
    501481,
    'invalid_grant',
    400,
    'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
  ),
  pkceVerifierMissing: def(
    9002325,
    'invalid_request',
    400,
    "Proof Key for Code Exchange is required: the request must contain 'code_verifier'.",
  ),
  invalidRefreshToken: def(
    9002313,
    'invalid_grant',
    400,
    "Invalid request. Request is malformed or invalid. The 'refresh_token' is not valid.",
  ),
  refreshTokenRotated: def(
    70008,
    'invalid_grant',
    400,
    'The provided authorization code or refresh token has expired due to inactivity. The refresh token was already used: use the refresh token returned with it.',
  ),
  refreshTokenExpired: def(
    700082,
    'invalid_grant',
    400,
    'The refresh token has expired due to inactivity. The token was issued on {issued} and was inactive for {inactive}.',
  ),
  spaRefreshTokenExpired: def(
    700084,
    'invalid_grant',
    400,
    'The refresh token was issued to a single page app (SPA), and therefore has a fixed, limited lifetime of 1.00:00:00, which cannot be extended. It is now expired and a new sign in request must be sent by the SPA to the sign in page. The token was issued on {issued}.',
  ),
  refreshTokenRevoked: def(
    50173,
    'invalid_grant',
    400,
    "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '{issued}' and the TokensValidFrom date for this user is '{validFrom}'.",
  ),
  refreshTokenOtherClient: def(70000, 'invalid_grant', 400, 'The refresh token was issued to a different client.'),
  // Scopes.
  scopeNotConsented: def(
    65001,
    'invalid_grant',
    400,
    "The user or administrator has not consented to use the application with ID '{clientId}' named '{displayName}'. Send an interactive authorization request for this user and resource.",
  ),
  scopeUnknown: def(
    70011,
    'invalid_scope',
    400,
    "The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope {scope} is not valid.",
  ),
  // Device code.
  authorizationPending: def(
    70016,
    'authorization_pending',
    400,
    'OAuth 2.0 device flow error. Authorization is pending. Continue polling.',
  ),
  authorizationDeclined: def(70000, 'authorization_declined', 400, 'The end user denied the authorization request.'),
  deviceCodeExpired: def(
    70020,
    'expired_token',
    400,
    "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
  ),
  badVerificationCode: def(70000, 'bad_verification_code', 400, "The provided value for the input parameter 'device_code' is not valid."),
  deviceCodeUsed: def(90120, 'invalid_grant', 400, 'The device code was already redeemed.'),
} as const;
