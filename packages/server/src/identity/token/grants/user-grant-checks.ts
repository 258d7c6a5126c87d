import { EntraError } from '../../../http/errors.js';
import type { User } from '../../users/user-model.js';
import type { GrantServices } from '../grant.js';

/** The user behind a code, refresh token or device code, still present and enabled in the tenant. */
export async function loadSignedInUser(services: GrantServices, userId: string, tenantId: string): Promise<User> {
  const user = await services.users.getById(userId);
  // A deleted user's codes and tokens are gone with it (cascade); a moved one is not the same grant.
  if (!user || user.tenantId !== tenantId) throw new EntraError('invalidCode');
  if (!user.accountEnabled) throw new EntraError('accountDisabled');
  return user;
}
