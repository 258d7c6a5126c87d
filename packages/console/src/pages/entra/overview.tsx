import {
  Button,
  DrawerBody,
  DrawerHeader,
  DrawerHeaderTitle,
  Field,
  Input,
  Link,
  OverlayDrawer,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { DeleteRegular, DismissRegular, GlobeRegular } from '@fluentui/react-icons';
import { useState } from 'react';
import { management } from '../../api/clients.js';
import { SIGN_IN_AUDIENCE_LABELS } from '../../api/graph-types.js';
import { navigate, onLinkClick } from '../../navigation.js';
import { ConfirmDialog } from '../../shell/confirm-dialog.js';
import { CopyButton } from '../../shell/copy-button.js';
import { ErrorState } from '../../shell/page-states.js';
import { useSession } from '../../shell/session-context.js';
import type { AppSectionProps } from './app-blade.js';

const useStyles = makeStyles({
  commands: {
    display: 'flex',
    gap: tokens.spacingHorizontalS,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
    paddingBottom: tokens.spacingVerticalS,
  },
  essentials: {
    display: 'grid',
    gridTemplateColumns: 'minmax(180px, auto) 1fr minmax(180px, auto) 1fr',
    gap: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
    alignItems: 'center',
  },
  label: { color: tokens.colorNeutralForeground3 },
  value: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS, minWidth: 0, wordBreak: 'break-all' },
  drawerList: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
});

function Pair({ label, value, copy, id }: { label: string; value: React.ReactNode; copy?: string; id?: string }) {
  const s = useStyles();
  return (
    <>
      <Text className={s.label} id={id ? `${id}-label` : undefined}>
        {label}
      </Text>
      <span className={s.value} aria-labelledby={id ? `${id}-label` : undefined} data-testid={id}>
        {typeof value === 'string' ? <Text font={copy ? 'monospace' : undefined}>{value}</Text> : value}
        {copy ? <CopyButton value={copy} label={label} /> : null}
      </span>
    </>
  );
}

export function OverviewSection({ app }: AppSectionProps) {
  const s = useStyles();
  const { session, access } = useSession();
  const [endpointsOpen, setEndpointsOpen] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [error, setError] = useState<unknown>();
  const origin = location.origin;
  const secrets = app.passwordCredentials.length;
  const certs = app.keyCredentials.length;
  const redirects = [...(app.web?.redirectUris ?? []), ...(app.spa?.redirectUris ?? [])];
  const consentLink = `${origin}/common/oauth2/authorize?prompt=consent&client_id=${app.appId}&response_type=code&sso_reload=true`;
  const t = session.tenantId;
  const endpoints: [string, string][] = [
    ['OAuth 2.0 authorization endpoint (v2)', `${origin}/${t}/oauth2/v2.0/authorize`],
    ['OAuth 2.0 token endpoint (v2)', `${origin}/${t}/oauth2/v2.0/token`],
    ['OAuth 2.0 authorization endpoint (v1)', `${origin}/${t}/oauth2/authorize`],
    ['OAuth 2.0 token endpoint (v1)', `${origin}/${t}/oauth2/token`],
    ['OpenID Connect metadata document', `${origin}/${t}/v2.0/.well-known/openid-configuration`],
    ['OpenID Connect metadata document (v1)', `${origin}/${t}/.well-known/openid-configuration`],
    ['Signing keys (JWKS)', `${origin}/${t}/discovery/v2.0/keys`],
    ['Microsoft Graph API endpoint', `${origin}/v1.0`],
  ];
  const credsTo = `/entra/app-registrations/${app.id}/certificates-secrets`;
  const authTo = `/entra/app-registrations/${app.id}/authentication`;
  return (
    <>
      <div className={s.commands} role="toolbar" aria-label="Application commands">
        <Button appearance="subtle" icon={<GlobeRegular />} onClick={() => setEndpointsOpen(true)}>
          Endpoints
        </Button>
        <Button appearance="subtle" icon={<DeleteRegular />} disabled={!access.manageEntra} onClick={() => setConfirmDelete(true)}>
          Delete
        </Button>
      </div>
      {error ? <ErrorState error={error} /> : null}
      <Text as="h2" size={500} weight="semibold">
        Essentials
      </Text>
      <div className={s.essentials}>
        <Pair label="Display name" value={app.displayName} id="display-name" />
        <Pair
          label="Client credentials"
          id="client-credentials"
          value={<Link href={credsTo} onClick={onLinkClick(credsTo)}>{`${certs} certificate, ${secrets} secret`}</Link>}
        />
        <Pair label="Application (client) ID" value={app.appId} copy={app.appId} id="client-id" />
        <Pair
          label="Redirect URIs"
          id="redirect-uris"
          value={
            <Link href={authTo} onClick={onLinkClick(authTo)}>
              {redirects.length ? `${redirects.length} web, spa` : 'Add a Redirect URI'}
            </Link>
          }
        />
        <Pair label="Object ID" value={app.id} copy={app.id} id="object-id" />
        <Pair label="Application ID URI" value={app.identifierUris[0] ?? 'Add an Application ID URI'} id="app-id-uri" />
        <Pair label="Directory (tenant) ID" value={session.tenantId} copy={session.tenantId} id="tenant-id" />
        <Pair
          label="Supported account types"
          value={SIGN_IN_AUDIENCE_LABELS[app.signInAudience] ?? app.signInAudience}
          id="account-types"
        />
      </div>
      {app.signInAudience === 'AzureADMultipleOrgs' ? (
        <Field
          label="Admin consent link"
          hint="An administrator of another organization opens this link to approve the app in their tenant."
        >
          <span className={s.value}>
            <Input readOnly value={consentLink} style={{ flexGrow: 1 }} />
            <CopyButton value={consentLink} label="Admin consent link" />
          </span>
        </Field>
      ) : null}
      <OverlayDrawer position="end" size="medium" open={endpointsOpen} onOpenChange={(_e, d) => setEndpointsOpen(d.open)}>
        <DrawerHeader>
          <DrawerHeaderTitle
            action={<Button appearance="subtle" aria-label="Close" icon={<DismissRegular />} onClick={() => setEndpointsOpen(false)} />}
          >
            Endpoints
          </DrawerHeaderTitle>
        </DrawerHeader>
        <DrawerBody>
          <div className={s.drawerList}>
            {endpoints.map(([label, url]) => (
              <Field key={label} label={label}>
                <span className={s.value}>
                  <Input readOnly value={url} style={{ flexGrow: 1 }} />
                  <CopyButton value={url} label={label} />
                </span>
              </Field>
            ))}
          </div>
        </DrawerBody>
      </OverlayDrawer>
      <ConfirmDialog
        open={confirmDelete}
        title={`Delete app registration ${app.displayName}?`}
        confirmLabel="Yes"
        onClose={() => setConfirmDelete(false)}
        onConfirm={async () => {
          try {
            await management().deleteApplication(app.id);
            navigate('/entra/app-registrations');
          } catch (e) {
            setError(e);
          }
        }}
      >
        The application {app.displayName} ({app.appId}) and its credentials will be deleted. Apps and scripts using its secrets stop getting
        tokens.
      </ConfirmDialog>
    </>
  );
}
