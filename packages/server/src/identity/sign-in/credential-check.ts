import { EntraError } from '../../http/errors.js';
import type { CounterStore } from '../../store/interfaces.js';
import type { Clock } from '../../clock.js';
import { verifyPassword } from '../password-hashing.js';
import type { Tenant } from '../tenant-service.js';
import type { User } from '../users/user-model.js';
import type { UserService } from '../users/user-service.js';

/**
 * Smart lockout, as Entra's defaults: 10 wrong passwords for one account within a minute lock it
 * until the minute is over. Counted in the shared counters, so every process sees them.
 */
export const LOCKOUT_THRESHOLD = 10;
const LOCKOUT_WINDOW_MS = 60_000;

export interface CredentialDeps {
  users: UserService;
  counters: CounterStore;
  clock: Clock;
}

/**
 * Checks a user name and password. `tenant` restricts the user to one tenant (tenant endpoints);
 * undefined lets the user name choose it (`common`, `organizations`). Unknown users and wrong
 * passwords get the same error (AADSTS50126), as Entra's default.
 */
export async function checkUserCredentials(
  deps: CredentialDeps,
  tenant: Tenant | undefined,
  username: string,
  password: string,
): Promise<User> {
  const user = await deps.users.findBySignInName(username);
  if (!user || (tenant && user.tenantId !== tenant.id)) {
    // Same cost as a real check, so that timing does not tell which user names exist.
    await verifyPassword(password, 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    throw new EntraError('invalidUsernameOrPassword');
  }
  const key = `user-sign-in:${user.id}`;
  const now = deps.clock.now();
  if ((await deps.counters.peek(key, LOCKOUT_WINDOW_MS, now)) >= LOCKOUT_THRESHOLD) throw new EntraError('accountLocked');
  if (!(await verifyPassword(password, user.passwordHash))) {
    await deps.counters.hit(key, LOCKOUT_WINDOW_MS, now);
    throw new EntraError('invalidUsernameOrPassword');
  }
  if (!user.accountEnabled) throw new EntraError('accountDisabled');
  if (user.forceChangePasswordNextSignIn) throw new EntraError('passwordExpired');
  return user;
}
