import type { ReactNode } from 'react';
import { matchPath } from './navigation.js';
import { AppBlade } from './pages/entra/app-blade.js';
import { AppRegistrationsPage } from './pages/entra/app-registrations.js';
import { NewRegistrationPage } from './pages/entra/new-registration.js';

/** Client-side routes; the server serves index.html under /entra and /defender (CONSOLE_ROUTE_PREFIXES). */
const ROUTES: [string, (p: Record<string, string>) => ReactNode][] = [
  ['/entra/app-registrations', () => <AppRegistrationsPage />],
  ['/entra/app-registrations/new', () => <NewRegistrationPage />],
  ['/entra/app-registrations/:id', (p) => <AppBlade id={p.id!} section="overview" />],
  ['/entra/app-registrations/:id/:section', (p) => <AppBlade id={p.id!} section={p.section!} />],
];

export function renderRoute(pathname: string): ReactNode | undefined {
  for (const [pattern, render] of ROUTES) {
    const params = matchPath(pattern, pathname);
    if (params) return render(params);
  }
  return undefined;
}
