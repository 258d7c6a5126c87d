import crypto from 'node:crypto';
import { errors } from '../../http/errors.js';
import type { Stores, UserFilter } from '../../store/interfaces.js';
import type { UserRow } from '../../store/schema.js';
import type { Clock } from '../../clock.js';
import { hashPassword } from '../password-hashing.js';
import type { Tenant } from '../tenant-service.js';
import { toUser, type User } from './user-model.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** UPN alias characters Entra accepts (reference user-context §9.1). */
const UPN_ALIAS_RE = /^[A-Za-z0-9'._!#^~-]{1,64}$/;
const MAIL_NICKNAME_RE = /^[A-Za-z0-9'._!#^~$%&*+/=?`{|}-]{1,64}$/;

/** Entra's password policy in short: 8 to 256 characters, three of four character classes. */
export function passwordComplexityError(password: string): string | undefined {
  if (password.length < 8 || password.length > 256) return 'The password must be 8 to 256 characters long.';
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) return 'The password must contain three of: lowercase letters, uppercase letters, digits and symbols.';
  return undefined;
}

const invalidValue = (property: string) => errors.invalidInput(`Invalid value specified for property '${property}' of resource 'User'.`);

/** Users of a tenant: the Graph `user` resource, with passwords hashed by scrypt. */
export class UserService {
  constructor(
    private readonly stores: Stores,
    private readonly clock: Clock,
  ) {}

  async create(tenant: Tenant, input: Record<string, unknown>): Promise<User> {
    for (const required of ['accountEnabled', 'displayName', 'mailNickname', 'userPrincipalName', 'passwordProfile']) {
      if (input[required] === undefined || input[required] === null) {
        throw errors.invalidInput(`Property '${required}' is required when creating the object.`);
      }
    }
    const upn = this.parseUpn(tenant, input.userPrincipalName);
    if (await this.stores.users.getByUserPrincipalName(upn)) {
      throw errors.invalidInput('Another object with the same value for property userPrincipalName already exists.');
    }
    const profile = this.parsePasswordProfile(input.passwordProfile, true)!;
    const row: UserRow = {
      id: crypto.randomUUID(),
      tenant_id: tenant.id,
      user_principal_name: upn,
      display_name: '',
      password_hash: await hashPassword(profile.password!),
      created_at: this.clock.now(),
      force_change_password: profile.forceChange ? 1 : 0,
      tokens_valid_from: 0,
      ...this.parseProfile(input),
    };
    await this.stores.users.insert(row);
    return toUser(row);
  }

  /** By object id or userPrincipalName, in the tenant only. */
  async get(tenantId: string, idOrUpn: string): Promise<User | undefined> {
    const key = idOrUpn.toLowerCase();
    const row = key.includes('@') ? await this.stores.users.getByUserPrincipalName(key) : await this.stores.users.getById(key);
    return row && row.tenant_id === tenantId ? toUser(row) : undefined;
  }

  /** A user of any tenant by sign-in name (the `common` endpoints find the tenant this way). */
  async findBySignInName(upn: string): Promise<User | undefined> {
    const row = await this.stores.users.getByUserPrincipalName(upn.trim().toLowerCase());
    return row ? toUser(row) : undefined;
  }

  async getById(id: string): Promise<User | undefined> {
    const row = await this.stores.users.getById(id);
    return row ? toUser(row) : undefined;
  }

  async list(tenantId: string, filter: UserFilter, limit: number): Promise<User[]> {
    return (await this.stores.users.list(tenantId, filter, limit)).map(toUser);
  }

  async update(tenant: Tenant, user: User, input: Record<string, unknown>): Promise<void> {
    const patch: Partial<UserRow> = this.parseProfile(input, false);
    if (input.userPrincipalName !== undefined) {
      const upn = this.parseUpn(tenant, input.userPrincipalName);
      const other = await this.stores.users.getByUserPrincipalName(upn);
      if (other && other.id !== user.id) {
        throw errors.invalidInput('Another object with the same value for property userPrincipalName already exists.');
      }
      patch.user_principal_name = upn;
    }
    if (input.passwordProfile !== undefined) {
      const profile = this.parsePasswordProfile(input.passwordProfile, false);
      if (profile?.password !== undefined) {
        patch.password_hash = await hashPassword(profile.password);
        // A password reset ends every session and refresh token of the user (Entra does the same).
        patch.tokens_valid_from = this.clock.now();
      }
      if (profile?.forceChange !== undefined) patch.force_change_password = profile.forceChange ? 1 : 0;
    }
    if (patch.account_enabled === 0) patch.tokens_valid_from = this.clock.now();
    await this.stores.users.update(user.id, patch);
    if (patch.tokens_valid_from !== undefined) await this.dropSessions(user.id);
  }

  async delete(user: User): Promise<void> {
    // Codes, refresh tokens, sessions and role assignments go with the user (foreign keys cascade).
    await this.stores.users.delete(user.id);
  }

  /** `revokeSignInSessions`: every refresh token and browser session of the user stops working. */
  async revokeSignInSessions(user: User): Promise<void> {
    await this.stores.users.update(user.id, { tokens_valid_from: this.clock.now() });
    await this.dropSessions(user.id);
  }

  private async dropSessions(userId: string): Promise<void> {
    await this.stores.userContext.refreshTokens.deleteForUser(userId);
    await this.stores.userContext.signInSessions.deleteForUser(userId);
  }

  private parseUpn(tenant: Tenant, v: unknown): string {
    if (typeof v !== 'string') throw invalidValue('userPrincipalName');
    const upn = v.trim().toLowerCase();
    const at = upn.lastIndexOf('@');
    const alias = upn.slice(0, at);
    const domain = upn.slice(at + 1);
    if (at <= 0 || !UPN_ALIAS_RE.test(alias) || alias.startsWith('.') || alias.endsWith('.')) {
      throw errors.invalidInput('One or more properties contains invalid values.');
    }
    // Only the tenant's verified domain (its initial domain) may be used.
    if (domain !== tenant.domain) {
      throw errors.invalidInput(
        `The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.`,
      );
    }
    return upn;
  }

  private parsePasswordProfile(v: unknown, creating: boolean): { password?: string; forceChange?: boolean } | undefined {
    if (!isObject(v)) throw invalidValue('passwordProfile');
    const out: { password?: string; forceChange?: boolean } = {};
    if (v.password !== undefined && v.password !== null) {
      if (typeof v.password !== 'string') throw invalidValue('passwordProfile');
      const problem = passwordComplexityError(v.password);
      if (problem) throw errors.invalidInput(`The specified password does not comply with password complexity requirements. ${problem}`);
      out.password = v.password;
    } else if (creating) {
      throw errors.invalidInput("Property 'passwordProfile.password' is required when creating the object.");
    }
    if (v.forceChangePasswordNextSignIn !== undefined) {
      if (typeof v.forceChangePasswordNextSignIn !== 'boolean') throw invalidValue('passwordProfile');
      out.forceChange = v.forceChangePasswordNextSignIn;
    } else if (creating) {
      out.forceChange = true;
    }
    return out;
  }

  private parseProfile(input: Record<string, unknown>, creating = true): Partial<UserRow> {
    const out: Partial<UserRow> = {};
    if (input.displayName !== undefined) {
      if (typeof input.displayName !== 'string' || input.displayName.trim() === '' || input.displayName.length > 256) {
        throw invalidValue('displayName');
      }
      out.display_name = input.displayName;
    }
    if (input.mailNickname !== undefined) {
      if (typeof input.mailNickname !== 'string' || !MAIL_NICKNAME_RE.test(input.mailNickname)) throw invalidValue('mailNickname');
      out.mail_nickname = input.mailNickname;
    }
    if (input.accountEnabled !== undefined) {
      if (typeof input.accountEnabled !== 'boolean') throw invalidValue('accountEnabled');
      out.account_enabled = input.accountEnabled ? 1 : 0;
    }
    for (const [prop, col] of [
      ['givenName', 'given_name'],
      ['surname', 'surname'],
      ['jobTitle', 'job_title'],
    ] as const) {
      if (input[prop] === undefined) continue;
      if (input[prop] !== null && (typeof input[prop] !== 'string' || (input[prop] as string).length > 128)) throw invalidValue(prop);
      out[col] = input[prop] as string | null;
    }
    if (!creating && 'id' in input) throw errors.invalidInput("Property 'id' is read-only and cannot be set.");
    return out;
  }
}
