import {
  Badge,
  Button,
  Checkbox,
  DrawerBody,
  DrawerFooter,
  DrawerHeader,
  DrawerHeaderTitle,
  Link,
  MessageBar,
  MessageBarBody,
  OverlayDrawer,
  SearchBox,
  Tab,
  TabList,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import {
  AddRegular,
  ArrowClockwiseRegular,
  CheckmarkCircleFilled,
  CheckmarkRegular,
  DismissRegular,
  WarningFilled,
} from '@fluentui/react-icons';
import { FIRST_PARTY_TENANT_ID } from '@appwarden/protocol';
import { useMemo, useState } from 'react';
import { management } from '../../api/clients.js';
import type { AppRole, AppRoleAssignmentJson, RequiredResourceAccess, ServicePrincipalJson } from '../../api/graph-types.js';
import { ConfirmDialog } from '../../shell/confirm-dialog.js';
import { Empty, ErrorState, Loading } from '../../shell/page-states.js';
import { useSession } from '../../shell/session-context.js';
import { useAsync } from '../../shell/use-async.js';
import type { AppSectionProps } from './app-blade.js';

const useStyles = makeStyles({
  commands: {
    display: 'flex',
    gap: tokens.spacingHorizontalS,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
    paddingBottom: tokens.spacingVerticalS,
  },
  group: { fontWeight: tokens.fontWeightSemibold },
  status: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS },
  granted: { color: tokens.colorPaletteGreenForeground1 },
  notGranted: { color: tokens.colorPaletteDarkOrangeForeground1 },
  drawerBody: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  apiList: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS },
  apiButton: { justifyContent: 'flex-start', textAlign: 'left' },
  kinds: { display: 'grid', gridTemplateColumns: '1fr 1fr', gap: tokens.spacingHorizontalM },
  kind: {
    height: 'auto',
    padding: tokens.spacingHorizontalM,
    flexDirection: 'column',
    alignItems: 'flex-start',
    textAlign: 'left',
    gap: tokens.spacingVerticalXS,
  },
  roleRow: { display: 'flex', flexDirection: 'column', paddingLeft: tokens.spacingHorizontalXXL, color: tokens.colorNeutralForeground3 },
});

interface PermissionsData {
  resources: ServicePrincipalJson[];
  ownSp: ServicePrincipalJson | undefined;
  assignments: AppRoleAssignmentJson[];
}

export function ApiPermissionsSection({ app, reload }: AppSectionProps) {
  const s = useStyles();
  const { session, access } = useSession();
  const tenant = session.tenantName;
  const data = useAsync(async (): Promise<PermissionsData> => {
    const m = management();
    const [resources, ownSp] = await Promise.all([
      m.listServicePrincipals() as unknown as Promise<ServicePrincipalJson[]>,
      m.findServicePrincipalByAppId(app.appId) as Promise<ServicePrincipalJson | undefined>,
    ]);
    const assignments = ownSp ? ((await m.listAppRoleAssignments(ownSp.id)) as unknown as AppRoleAssignmentJson[]) : [];
    return { resources, ownSp, assignments };
  }, [app]);
  const [adding, setAdding] = useState(false);
  const [confirmGrant, setConfirmGrant] = useState(false);
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string>();

  const rows = useMemo(() => {
    if (!data.data) return [];
    return app.requiredResourceAccess.map((rra) => {
      const resource = data.data!.resources.find((r) => r.appId.toLowerCase() === rra.resourceAppId.toLowerCase());
      return {
        rra,
        resource,
        permissions: rra.resourceAccess.map((ra) => {
          const role = resource?.appRoles.find((r) => r.id === ra.id);
          const granted = data.data!.assignments.some((a) => a.resourceId === resource?.id && a.appRoleId === ra.id);
          return { ra, role, granted };
        }),
      };
    });
  }, [app, data.data]);

  const grant = async () => {
    setError(undefined);
    try {
      await management().grantAdminConsent(app.appId);
      setNotice(`Successfully granted admin consent for the requested permissions.`);
      data.reload();
    } catch (e) {
      setError(e);
    }
  };

  const removePermission = async (resourceAppId: string, id: string) => {
    setError(undefined);
    try {
      const next = app.requiredResourceAccess
        .map((r) => (r.resourceAppId === resourceAppId ? { ...r, resourceAccess: r.resourceAccess.filter((a) => a.id !== id) } : r))
        .filter((r) => r.resourceAccess.length > 0);
      await management().updateApplication(app.id, { requiredResourceAccess: next });
      reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <>
      <Text as="h2" size={500} weight="semibold">
        Configured permissions
      </Text>
      <Text>
        Applications are authorized to call APIs when they are granted permissions by users/admins as part of the consent process. The list
        of configured permissions should include all the permissions the application needs.
      </Text>
      {notice ? (
        <MessageBar intent="success">
          <MessageBarBody>{notice}</MessageBarBody>
        </MessageBar>
      ) : null}
      {error ? <ErrorState error={error} /> : null}
      <div className={s.commands} role="toolbar" aria-label="Permission commands">
        <Button appearance="subtle" icon={<AddRegular />} disabled={!access.manageEntra} onClick={() => setAdding(true)}>
          Add a permission
        </Button>
        <Button
          appearance="subtle"
          icon={<CheckmarkRegular />}
          disabled={!access.manageEntra || app.requiredResourceAccess.length === 0}
          onClick={() => setConfirmGrant(true)}
        >
          Grant admin consent for {tenant}
        </Button>
        <Button appearance="subtle" icon={<ArrowClockwiseRegular />} onClick={data.reload}>
          Refresh
        </Button>
      </div>
      {data.status === 'error' ? <ErrorState error={data.error} onRetry={data.reload} /> : null}
      {!data.data && data.status === 'loading' ? <Loading label="Loading permissions…" /> : null}
      {data.data && rows.length === 0 ? (
        <Empty title="No permissions added">Select Add a permission to request API permissions.</Empty>
      ) : null}
      {data.data && rows.length > 0 ? (
        <Table aria-label="Configured permissions" size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>API / Permissions name</TableHeaderCell>
              <TableHeaderCell>Type</TableHeaderCell>
              <TableHeaderCell>Description</TableHeaderCell>
              <TableHeaderCell>Admin consent required</TableHeaderCell>
              <TableHeaderCell>Status</TableHeaderCell>
              <TableHeaderCell>
                <span className="visually-hidden">Actions</span>
              </TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {rows.flatMap(({ rra, resource, permissions }) => [
              <TableRow key={rra.resourceAppId}>
                <TableCell className={s.group}>
                  {resource?.displayName ?? rra.resourceAppId} ({permissions.length})
                </TableCell>
                <TableCell />
                <TableCell />
                <TableCell />
                <TableCell />
                <TableCell />
              </TableRow>,
              ...permissions.map(({ ra, role, granted }) => (
                <TableRow key={rra.resourceAppId + ra.id}>
                  <TableCell>
                    <Link inline>{role?.value ?? ra.id}</Link>
                  </TableCell>
                  <TableCell>{ra.type === 'Role' ? 'Application' : 'Delegated'}</TableCell>
                  <TableCell>{role?.displayName ?? ''}</TableCell>
                  <TableCell>Yes</TableCell>
                  <TableCell>
                    {granted ? (
                      <span className={s.status}>
                        <CheckmarkCircleFilled className={s.granted} aria-hidden="true" />
                        Granted for {tenant}
                      </span>
                    ) : (
                      <span className={s.status}>
                        <WarningFilled className={s.notGranted} aria-hidden="true" />
                        Not granted for {tenant}
                      </span>
                    )}
                  </TableCell>
                  <TableCell>
                    <Button
                      appearance="subtle"
                      size="small"
                      disabled={!access.manageEntra}
                      aria-label={`Remove permission ${role?.value ?? ra.id}`}
                      onClick={() => void removePermission(rra.resourceAppId, ra.id)}
                    >
                      Remove
                    </Button>
                  </TableCell>
                </TableRow>
              )),
            ])}
          </TableBody>
        </Table>
      ) : null}
      {adding && data.data ? (
        <RequestApiPermissions
          resources={data.data.resources.filter((r) => r.appRoles.length > 0 && r.appId !== app.appId)}
          current={app.requiredResourceAccess}
          onClose={() => setAdding(false)}
          onAdd={async (resourceAppId, ids) => {
            const existing = app.requiredResourceAccess.find((r) => r.resourceAppId === resourceAppId);
            const merged: RequiredResourceAccess = {
              resourceAppId,
              resourceAccess: [
                ...(existing?.resourceAccess ?? []),
                ...ids.filter((id) => !existing?.resourceAccess.some((a) => a.id === id)).map((id) => ({ id, type: 'Role' as const })),
              ],
            };
            await management().updateApplication(app.id, {
              requiredResourceAccess: [...app.requiredResourceAccess.filter((r) => r.resourceAppId !== resourceAppId), merged],
            });
            setAdding(false);
            reload();
          }}
        />
      ) : null}
      <ConfirmDialog
        open={confirmGrant}
        title="Grant admin consent confirmation."
        confirmLabel="Yes"
        onClose={() => setConfirmGrant(false)}
        onConfirm={grant}
      >
        Do you want to grant consent for the requested permissions for all accounts in {tenant}? This will update any existing admin consent
        records this application already has to match what is listed below.
      </ConfirmDialog>
    </>
  );
}

/** "Request API permissions": pick an API of the organization, then its application permissions. */
function RequestApiPermissions(props: {
  resources: ServicePrincipalJson[];
  current: RequiredResourceAccess[];
  onClose: () => void;
  onAdd: (resourceAppId: string, roleIds: string[]) => Promise<void>;
}) {
  const s = useStyles();
  const [tab, setTab] = useState<'microsoft' | 'organization' | 'mine'>('microsoft');
  const [query, setQuery] = useState('');
  const [api, setApi] = useState<ServicePrincipalJson>();
  const [kind, setKind] = useState<'application' | 'delegated'>();
  const [checked, setChecked] = useState<Set<string>>(new Set());
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const firstParty = (r: ServicePrincipalJson) => r.appOwnerOrganizationId === FIRST_PARTY_TENANT_ID;
  const q = query.trim().toLowerCase();
  // As in Entra, "APIs my organization uses" lists an API only once its name or ID is typed.
  const orgApis = q ? props.resources.filter((r) => r.displayName.toLowerCase().includes(q) || r.appId.toLowerCase().startsWith(q)) : [];
  const microsoftApis = props.resources.filter((r) => firstParty(r) && /graph/i.test(r.displayName));
  const myApis = props.resources.filter((r) => !firstParty(r));
  const list = tab === 'organization' ? orgApis : tab === 'microsoft' ? microsoftApis : myApis;
  const already = new Set(props.current.find((r) => r.resourceAppId === api?.appId)?.resourceAccess.map((a) => a.id) ?? []);

  const roles: AppRole[] = (api?.appRoles ?? []).filter((r) => !r.allowedMemberTypes || r.allowedMemberTypes.includes('Application'));
  return (
    <OverlayDrawer position="end" size="large" open onOpenChange={(_e, d) => !d.open && props.onClose()}>
      <DrawerHeader>
        <DrawerHeaderTitle action={<Button appearance="subtle" aria-label="Close" icon={<DismissRegular />} onClick={props.onClose} />}>
          Request API permissions
        </DrawerHeaderTitle>
      </DrawerHeader>
      <DrawerBody>
        <div className={s.drawerBody}>
          {error ? <ErrorState error={error} /> : null}
          {!api ? (
            <>
              <Text>Select an API</Text>
              <TabList selectedValue={tab} onTabSelect={(_e, d) => setTab(d.value as typeof tab)} aria-label="API sources">
                <Tab value="microsoft">Microsoft APIs</Tab>
                <Tab value="organization">APIs my organization uses</Tab>
                <Tab value="mine">My APIs</Tab>
              </TabList>
              {tab === 'organization' ? (
                <>
                  <Text>Apps in your directory that expose APIs are shown below</Text>
                  <SearchBox
                    placeholder="Start typing a name or application ID to search"
                    aria-label="Search APIs my organization uses"
                    value={query}
                    onChange={(_e, d) => setQuery(d.value)}
                  />
                </>
              ) : null}
              <div className={s.apiList} role="list" aria-label="APIs">
                {list.map((r) => (
                  <div role="listitem" key={r.id}>
                    <Button className={s.apiButton} appearance="subtle" onClick={() => setApi(r)}>
                      {r.displayName}&nbsp;
                      <Text font="monospace" size={200}>
                        {r.appId}
                      </Text>
                    </Button>
                  </div>
                ))}
                {list.length === 0 ? <Text>{tab === 'organization' && !q ? 'Start typing to find an API.' : 'No APIs found.'}</Text> : null}
              </div>
            </>
          ) : (
            <>
              <Link
                as="button"
                onClick={() => {
                  setApi(undefined);
                  setKind(undefined);
                  setChecked(new Set());
                }}
              >
                &lt; All APIs
              </Link>
              <Text as="h3" size={500} weight="semibold">
                {api.displayName}
              </Text>
              <Text>What type of permissions does your application require?</Text>
              <div className={s.kinds}>
                <Button className={s.kind} appearance={kind === 'delegated' ? 'primary' : 'outline'} disabled aria-disabled="true">
                  <Text weight="semibold">Delegated permissions</Text>
                  <Text size={200}>Your application needs to access the API as the signed-in user.</Text>
                </Button>
                <Button
                  className={s.kind}
                  appearance={kind === 'application' ? 'primary' : 'outline'}
                  aria-pressed={kind === 'application'}
                  onClick={() => setKind('application')}
                >
                  <Text weight="semibold">Application permissions</Text>
                  <Text size={200}>Your application runs as a background service or daemon without a signed-in user.</Text>
                </Button>
              </div>
              {kind === 'application' ? (
                <fieldset style={{ border: 'none', padding: 0, margin: 0 }}>
                  <legend>
                    <Text weight="semibold">Select permissions</Text>
                  </legend>
                  {roles.map((r) => (
                    <div key={r.id}>
                      <Checkbox
                        label={r.value}
                        checked={already.has(r.id) || checked.has(r.id)}
                        disabled={already.has(r.id)}
                        onChange={(_e, d) => {
                          const next = new Set(checked);
                          if (d.checked) next.add(r.id);
                          else next.delete(r.id);
                          setChecked(next);
                        }}
                      />
                      <div className={s.roleRow}>
                        <Text size={200}>{r.description}</Text>
                        <Badge appearance="tint" size="small" color="informative">
                          Admin consent required: Yes
                        </Badge>
                      </div>
                    </div>
                  ))}
                </fieldset>
              ) : null}
            </>
          )}
        </div>
      </DrawerBody>
      <DrawerFooter>
        <Button
          appearance="primary"
          disabled={!api || kind !== 'application' || checked.size === 0 || busy}
          onClick={async () => {
            setBusy(true);
            try {
              await props.onAdd(api!.appId, [...checked]);
            } catch (e) {
              setError(e);
              setBusy(false);
            }
          }}
        >
          Add permissions
        </Button>
        <Button onClick={props.onClose}>Discard</Button>
      </DrawerFooter>
    </OverlayDrawer>
  );
}
