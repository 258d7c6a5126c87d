import { createContext, useContext } from 'react';
import type { Access } from '../session/access.js';
import type { Session } from '../session/session-store.js';

export interface SessionContextValue {
  session: Session;
  sessions: Session[];
  access: Access;
  switchTenant: (tenantId: string) => void;
  signOut: () => void;
  /** Sign in to one more tenant (the user belongs to several). */
  addTenant: () => void;
}

export const SessionContext = createContext<SessionContextValue | undefined>(undefined);

export function useSession(): SessionContextValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside a signed-in shell');
  return v;
}
