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
/** A well-formed scrypt hash with the parameters of real ones, that no password matches in practice. */
const UNKNOWN_USER_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

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
  const known = user && (!tenant || user.tenantId === tenant.id) ? user : undefined;
  // An unknown user name does the same work as a real one (a counter read, one scrypt, a counter
  // write), so that neither timing nor the lockout tells which user names exist.
  const key = known ? `user-sign-in:${known.id}` : `user-sign-in-unknown:${username.trim().toLowerCase()}`;
  const now = deps.clock.now();
  if ((await deps.counters.peek(key, LOCKOUT_WINDOW_MS, now)) >= LOCKOUT_THRESHOLD) throw new EntraError('accountLocked');
  if (!(await verifyPassword(password, known?.passwordHash ?? UNKNOWN_USER_HASH)) || !known) {
    await deps.counters.hit(key, LOCKOUT_WINDOW_MS, now);
    throw new EntraError('invalidUsernameOrPassword');
  }
  if (!known.accountEnabled) throw new EntraError('accountDisabled');
  if (known.forceChangePasswordNextSignIn) throw new EntraError('passwordExpired');
  return known;
}
