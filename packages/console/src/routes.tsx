import type { ReactNode } from 'react';
import { matchPath } from './navigation.js';
import { ActivityLogPage } from './pages/defender/activity-log.js';
import { AlertsPage } from './pages/defender/alerts.js';
import { ApiTokensPage } from './pages/defender/api-tokens.js';
import { CloudDiscoveryPage } from './pages/defender/cloud-discovery.js';
import { IpAddressRangesPage } from './pages/defender/ip-address-ranges.js';
import { UsersAndAccountsPage } from './pages/defender/users-and-accounts.js';
import { AppBlade } from './pages/entra/app-blade.js';
import { AppRegistrationsPage } from './pages/entra/app-registrations.js';
import { EnterpriseApplicationPage, EnterpriseApplicationsPage } from './pages/entra/enterprise-applications.js';
import { NewRegistrationPage } from './pages/entra/new-registration.js';
import { TokenDecoderPage } from './pages/entra/token-decoder.js';
import { UsersPage } from './pages/entra/users.js';

/** Client-side routes; the server serves index.html under /entra and /defender (CONSOLE_ROUTE_PREFIXES). */
const ROUTES: [string, (p: Record<string, string>) => ReactNode][] = [
  ['/entra/app-registrations', () => <AppRegistrationsPage />],
  ['/entra/app-registrations/new', () => <NewRegistrationPage />],
  ['/entra/app-registrations/:id', (p) => <AppBlade id={p.id!} section="overview" />],
  ['/entra/app-registrations/:id/:section', (p) => <AppBlade id={p.id!} section={p.section!} />],
  ['/entra/enterprise-applications', () => <EnterpriseApplicationsPage />],
  ['/entra/enterprise-applications/:id', (p) => <EnterpriseApplicationPage id={p.id!} />],
  ['/entra/users', () => <UsersPage />],
  ['/entra/token-decoder', () => <TokenDecoderPage />],
  ['/defender/alerts', () => <AlertsPage />],
  ['/defender/activity-log', () => <ActivityLogPage />],
  ['/defender/users-and-accounts', () => <UsersAndAccountsPage />],
  ['/defender/ip-address-ranges', () => <IpAddressRangesPage />],
  ['/defender/cloud-discovery', () => <CloudDiscoveryPage />],
  ['/defender/settings/api-tokens', () => <ApiTokensPage />],
];

export function renderRoute(pathname: string): ReactNode | undefined {
  for (const [pattern, render] of ROUTES) {
    const params = matchPath(pattern, pathname);
    if (params) return render(params);
  }
  return undefined;
}
