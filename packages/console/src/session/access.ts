import { jwtClaims } from './jwt-claims.js';
import type { Session } from './session-store.js';

/** Directory role template ids (Entra's) that manage app registrations and enterprise apps. */
const ENTRA_MANAGERS = new Set([
  '62e90394-69f5-4237-9190-012177145e10', // Global Administrator
  '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3', // Application Administrator
  '158c047a-c907-4556-b7ef-446551a6b5f7', // Cloud Application Administrator
]);
/** Roles with full access to Defender for Cloud Apps (manage-admins.md). */
const DEFENDER_MANAGERS = new Set([
  '62e90394-69f5-4237-9190-012177145e10', // Global Administrator
  '194ae4cb-b126-40b2-bd5b-6091b380977d', // Security Administrator
  '892c5842-a9a6-463a-8041-72aa08ca3cf6', // Cloud App Security Administrator
]);

export interface Access {
  /** May change app registrations, consent, users. */
  manageEntra: boolean;
  /** May close alerts, change IP ranges, upload logs, sanction apps, create API tokens. */
  manageDefender: boolean;
}

function claimList(claims: Record<string, unknown>, name: string): string[] {
  const v = claims[name];
  if (Array.isArray(v)) return v.map(String);
  return typeof v === 'string' ? v.split(' ').filter(Boolean) : [];
}

/**
 * What the UI offers follows the signed-in user's directory roles (`wids`), or for an app-only
 * session its application permissions (`roles`). Only a hint: the APIs decide, and a 403 is shown.
 */
export function accessOf(session: Session | undefined): Access {
  const token = session?.tokens.graph?.accessToken;
  if (!token) return { manageEntra: false, manageDefender: false };
  let claims: Record<string, unknown>;
  try {
    claims = jwtClaims(token);
  } catch {
    return { manageEntra: false, manageDefender: false };
  }
  const wids = claimList(claims, 'wids');
  const roles = claimList(claims, 'roles');
  const scp = claimList(claims, 'scp');
  if (wids.length > 0) {
    return { manageEntra: wids.some((w) => ENTRA_MANAGERS.has(w)), manageDefender: wids.some((w) => DEFENDER_MANAGERS.has(w)) };
  }
  const writes = [...roles, ...scp].some((r) => /^(Application\.ReadWrite\.All|Directory\.ReadWrite\.All)$/i.test(r));
  return { manageEntra: writes, manageDefender: writes };
}
