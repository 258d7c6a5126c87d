import { Tab, TabList, makeStyles, tokens } from '@fluentui/react-components';
import { management } from '../../api/clients.js';
import type { ApplicationJson } from '../../api/graph-types.js';
import { navigate } from '../../navigation.js';
import { Page } from '../../shell/page.js';
import { ErrorState, Loading } from '../../shell/page-states.js';
import { useSession } from '../../shell/session-context.js';
import { useAsync } from '../../shell/use-async.js';
import { ApiPermissionsSection } from './api-permissions.js';
import { AuthenticationSection } from './authentication.js';
import { CertificatesSecretsSection } from './certificates-secrets.js';
import { ManifestSection } from './manifest.js';
import { OverviewSection } from './overview.js';

const SECTIONS = {
  overview: 'Overview',
  authentication: 'Authentication',
  'certificates-secrets': 'Certificates & secrets',
  'api-permissions': 'API permissions',
  manifest: 'Manifest',
} as const;
export type AppSection = keyof typeof SECTIONS;

const useStyles = makeStyles({
  blade: { display: 'flex', gap: tokens.spacingHorizontalXL, alignItems: 'flex-start' },
  menu: { flexShrink: 0, width: '200px', borderRight: `1px solid ${tokens.colorNeutralStroke2}` },
  content: { flexGrow: 1, minWidth: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
});

export interface AppSectionProps {
  app: ApplicationJson;
  reload: () => void;
}

/** One application's pages ("blade"): its own menu on the left, the chosen section on the right. */
export function AppBlade({ id, section }: { id: string; section: string }) {
  const s = useStyles();
  const { session } = useSession();
  const app = useAsync(() => management().getApplication(id) as unknown as Promise<ApplicationJson>, [id, session.tenantId]);
  const current = (section in SECTIONS ? section : 'overview') as AppSection;
  const name = app.data?.displayName ?? 'Application';
  return (
    <Page
      title={`${name} | ${SECTIONS[current]}`}
      crumbs={[{ label: 'Home', to: '/' }, { label: 'App registrations', to: '/entra/app-registrations' }, { label: name }]}
    >
      <div className={s.blade}>
        <TabList
          className={s.menu}
          vertical
          selectedValue={current}
          onTabSelect={(_e, d) => navigate(`/entra/app-registrations/${id}/${String(d.value)}`)}
          aria-label="Application menu"
        >
          {Object.entries(SECTIONS).map(([k, v]) => (
            <Tab key={k} value={k}>
              {v}
            </Tab>
          ))}
        </TabList>
        <div className={s.content}>
          {app.status === 'error' ? <ErrorState error={app.error} onRetry={app.reload} /> : null}
          {!app.data && app.status === 'loading' ? <Loading label="Loading the application…" /> : null}
          {app.data ? <SectionView section={current} app={app.data} reload={app.reload} /> : null}
        </div>
      </div>
    </Page>
  );
}

function SectionView({ section, ...props }: AppSectionProps & { section: AppSection }) {
  switch (section) {
    case 'overview':
      return <OverviewSection {...props} />;
    case 'authentication':
      return <AuthenticationSection {...props} />;
    case 'certificates-secrets':
      return <CertificatesSecretsSection {...props} />;
    case 'api-permissions':
      return <ApiPermissionsSection {...props} />;
    case 'manifest':
      return <ManifestSection {...props} />;
  }
}
