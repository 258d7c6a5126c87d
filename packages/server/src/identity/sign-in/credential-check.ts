import { EntraError } from '../../http/errors.js';
import type { CounterStore } from '../../store/interfaces.js';
import type { Clock } from '../../clock.js';
import type { AdmissionGate } from '../token/admission-gate.js';
import { lockoutSource } from '../token/client-auth-throttle.js';
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
/**
 * Password checks (one scrypt each, ~50 ms of a thread-pool thread) of one source (an IPv4 address,
 * an IPv6 /64) running at once, and waiting; past the queue 429 AADSTS50196. A spray of wrong
 * passwords for random user names from one source then holds at most this many of the thread
 * pool's four threads (shared with file I/O, zlib and other crypto) instead of queueing hundreds
 * of hashes in front of everyone else's work.
 */
export const PASSWORD_CHECKS_PER_SOURCE = 2;
export const PASSWORD_CHECK_QUEUE_PER_SOURCE = 64;

export interface CredentialDeps {
  users: UserService;
  counters: CounterStore;
  clock: Clock;
  passwordChecks: AdmissionGate;
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
  source: string | undefined,
): Promise<User> {
  const user = await deps.users.findBySignInName(username);
  const known = user && (!tenant || user.tenantId === tenant.id) ? user : undefined;
  // An unknown user name does the same work as a real one (a counter read, one scrypt, a counter
  // write), so that neither timing nor the lockout tells which user names exist.
  const key = known ? `user-sign-in:${known.id}` : `user-sign-in-unknown:${username.trim().toLowerCase()}`;
  const now = deps.clock.now();
  if ((await deps.counters.peek(key, LOCKOUT_WINDOW_MS, now)) >= LOCKOUT_THRESHOLD) throw new EntraError('accountLocked');
  const hash = known?.passwordHash ?? UNKNOWN_USER_HASH;
  const matches = await deps.passwordChecks.run(lockoutSource(source), () => verifyPassword(password, hash));
  if (!matches || !known) {
    await deps.counters.hit(key, LOCKOUT_WINDOW_MS, now);
    throw new EntraError('invalidUsernameOrPassword');
  }
  if (!known.accountEnabled) throw new EntraError('accountDisabled');
  if (known.forceChangePasswordNextSignIn) throw new EntraError('passwordExpired');
  return known;
}
