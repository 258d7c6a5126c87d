import type { UserRow } from '../../store/schema.js';

/** A directory user as the services see it (Graph `user` names). */
export interface User {
  id: string;
  tenantId: string;
  userPrincipalName: string;
  displayName: string;
  mailNickname: string;
  givenName: string | null;
  surname: string | null;
  jobTitle: string | null;
  accountEnabled: boolean;
  forceChangePasswordNextSignIn: boolean;
  /** Refresh tokens and sessions issued before this instant (epoch ms) are revoked. */
  tokensValidFrom: number;
  createdAt: number;
  passwordHash: string;
}

export function toUser(r: UserRow): User {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    userPrincipalName: r.user_principal_name,
    displayName: r.display_name,
    mailNickname: r.mail_nickname ?? r.user_principal_name.split('@')[0]!,
    givenName: r.given_name ?? null,
    surname: r.surname ?? null,
    jobTitle: r.job_title ?? null,
    accountEnabled: (r.account_enabled ?? 1) === 1,
    forceChangePasswordNextSignIn: (r.force_change_password ?? 0) === 1,
    tokensValidFrom: r.tokens_valid_from ?? 0,
    createdAt: r.created_at,
    passwordHash: r.password_hash,
  };
}

/** Graph v1.0 JSON of a user, with Graph's default property set and order. */
export function userJson(u: User) {
  return {
    id: u.id,
    businessPhones: [],
    displayName: u.displayName,
    givenName: u.givenName,
    jobTitle: u.jobTitle,
    mail: null,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: u.surname,
    userPrincipalName: u.userPrincipalName,
    accountEnabled: u.accountEnabled,
    mailNickname: u.mailNickname,
    createdDateTime: new Date(u.createdAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}
