import { CLOUD_APPS_PERMISSION_MATRIX, type CloudAppsEndpoint } from '@appwarden/protocol';
import { errors } from '../http/errors.js';
import type { CloudAppsCaller } from './auth.js';

/** Whether the caller may perform the operation (reference §2.3). */
export function isAllowed(caller: CloudAppsCaller, endpoint: CloudAppsEndpoint): boolean {
  return CLOUD_APPS_PERMISSION_MATRIX[endpoint].some((p) => caller.permissions.has(p)) && roleAllows(caller, endpoint);
}

/** A user token also needs the user's directory role to allow the operation (the portal's rule). */
const roleAllows = (caller: CloudAppsCaller, endpoint: CloudAppsEndpoint) => !caller.userAccess || caller.userAccess.has(endpoint);

/** 403 naming the permissions that would allow the call. */
export function authorize(caller: CloudAppsCaller, endpoint: CloudAppsEndpoint): void {
  if (isAllowed(caller, endpoint)) return;
  if (CLOUD_APPS_PERMISSION_MATRIX[endpoint].some((p) => caller.permissions.has(p))) {
    throw errors.denied(
      'Permission denied: your role does not allow this action. Ask an administrator for a role that does (for example Security Operator or Security Administrator).',
      `${endpoint} denied by the user's directory roles`,
    );
  }
  const allowed = CLOUD_APPS_PERMISSION_MATRIX[endpoint];
  const message = caller.legacyToken
    ? `Permission denied: this call needs a full-access API token or one of the permissions ${allowed.join(', ')}.`
    : `Permission denied: this call requires one of the following permissions: ${allowed.join(', ')}.`;
  throw errors.denied(message, `${endpoint} denied`);
}
