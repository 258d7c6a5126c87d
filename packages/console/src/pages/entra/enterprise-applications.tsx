import {
  Button,
  Link,
  SearchBox,
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
import { AppsListDetailRegular, ArrowClockwiseRegular, DeleteRegular } from '@fluentui/react-icons';
import { FIRST_PARTY_TENANT_ID } from '@appwarden/protocol';
import { useMemo, useState } from 'react';
import { management } from '../../api/clients.js';
import type { AppRoleAssignmentJson, ServicePrincipalJson } from '../../api/graph-types.js';
import { navigate, onLinkClick } from '../../navigation.js';
import { ConfirmDialog } from '../../shell/confirm-dialog.js';
import { CopyButton } from '../../shell/copy-button.js';
import { formatDate } from '../../shell/format.js';
import { Page } from '../../shell/page.js';
import { Empty, ErrorState, Loading } from '../../shell/page-states.js';
import { useSession } from '../../shell/session-context.js';
import { useAsync } from '../../shell/use-async.js';

const useStyles = makeStyles({
  search: { maxWidth: '520px' },
  essentials: {
    display: 'grid',
    gridTemplateColumns: 'auto 1fr',
    gap: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
    alignItems: 'center',
  },
  label: { color: tokens.colorNeutralForeground3 },
  value: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS },
});

/** Service principals of this tenant: its own apps and other tenants' apps consented here. */
export function EnterpriseApplicationsPage() {
  const s = useStyles();
  const { session } = useSession();
  const sps = useAsync(() => management().listServicePrincipals() as unknown as Promise<ServicePrincipalJson[]>, [session.tenantId]);
  const [query, setQuery] = useState('');
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (sps.data ?? [])
      .filter((sp) => sp.appOwnerOrganizationId !== FIRST_PARTY_TENANT_ID)
      .filter((sp) => !q || sp.displayName.toLowerCase().includes(q) || sp.appId.startsWith(q))
      .sort((a, b) => a.displayName.localeCompare(b.displayName));
  }, [sps.data, query]);
  return (
    <Page
      title="Enterprise applications"
      crumbs={[{ label: 'Home', to: '/' }, { label: 'Enterprise applications' }]}
      commands={
        <Button appearance="subtle" icon={<ArrowClockwiseRegular />} onClick={sps.reload}>
          Refresh
        </Button>
      }
    >
      <SearchBox
        className={s.search}
        placeholder="Search by application name or application ID"
        aria-label="Search enterprise applications"
        value={query}
        onChange={(_e, d) => setQuery(d.value)}
      />
      {sps.status === 'error' ? <ErrorState error={sps.error} onRetry={sps.reload} /> : null}
      {sps.status === 'loading' && !sps.data ? <Loading label="Loading enterprise applications…" /> : null}
      {sps.data && shown.length === 0 ? (
        <Empty icon={<AppsListDetailRegular />} title="No enterprise applications">
          Registered apps and apps consented from other tenants appear here.
        </Empty>
      ) : null}
      {shown.length > 0 ? (
        <Table aria-label="Enterprise applications" size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Name</TableHeaderCell>
              <TableHeaderCell>Application ID</TableHeaderCell>
              <TableHeaderCell>Object ID</TableHeaderCell>
              <TableHeaderCell>Home tenant</TableHeaderCell>
              <TableHeaderCell>Created on</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {shown.map((sp) => {
              const to = `/entra/enterprise-applications/${sp.id}`;
              return (
                <TableRow key={sp.id}>
                  <TableCell>
                    <Link href={to} onClick={onLinkClick(to)}>
                      {sp.displayName}
                    </Link>
                  </TableCell>
                  <TableCell>
                    <Text font="monospace">{sp.appId}</Text>
                  </TableCell>
                  <TableCell>
                    <Text font="monospace">{sp.id}</Text>
                  </TableCell>
                  <TableCell>{sp.appOwnerOrganizationId === session.tenantId ? 'This tenant' : 'Other tenant'}</TableCell>
                  <TableCell>{formatDate(sp.createdDateTime)}</TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      ) : null}
    </Page>
  );
}

interface SpDetail {
  sp: ServicePrincipalJson;
  assignments: (AppRoleAssignmentJson & { permission: string })[];
}

/** One enterprise application: its properties and the permissions granted to it here, revocable. */
export function EnterpriseApplicationPage({ id }: { id: string }) {
  const s = useStyles();
  const { access } = useSession();
  const detail = useAsync(async (): Promise<SpDetail> => {
    const m = management();
    const sp = (await m.request('GET', `/v1.0/servicePrincipals/${id}`)) as ServicePrincipalJson;
    const [assignments, resources] = await Promise.all([
      m.listAppRoleAssignments(sp.id) as unknown as Promise<AppRoleAssignmentJson[]>,
      m.listServicePrincipals() as unknown as Promise<ServicePrincipalJson[]>,
    ]);
    return {
      sp,
      assignments: assignments.map((a) => ({
        ...a,
        permission: resources.find((r) => r.id === a.resourceId)?.appRoles.find((r) => r.id === a.appRoleId)?.value ?? a.appRoleId,
      })),
    };
  }, [id]);
  const [toRevoke, setToRevoke] = useState<AppRoleAssignmentJson & { permission: string }>();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [error, setError] = useState<unknown>();
  const sp = detail.data?.sp;
  return (
    <Page
      title={sp ? `${sp.displayName} | Overview` : 'Enterprise application'}
      crumbs={[
        { label: 'Home', to: '/' },
        { label: 'Enterprise applications', to: '/entra/enterprise-applications' },
        { label: sp?.displayName ?? '…' },
      ]}
      commands={
        <Button appearance="subtle" icon={<DeleteRegular />} disabled={!sp || !access.manageEntra} onClick={() => setConfirmDelete(true)}>
          Delete
        </Button>
      }
    >
      {error ? <ErrorState error={error} /> : null}
      {detail.status === 'error' ? <ErrorState error={detail.error} onRetry={detail.reload} /> : null}
      {!detail.data && detail.status === 'loading' ? <Loading /> : null}
      {sp ? (
        <>
          <div className={s.essentials}>
            <Text className={s.label}>Name</Text>
            <Text>{sp.displayName}</Text>
            <Text className={s.label}>Application ID</Text>
            <span className={s.value}>
              <Text font="monospace">{sp.appId}</Text>
              <CopyButton value={sp.appId} label="Application ID" />
            </span>
            <Text className={s.label}>Object ID</Text>
            <span className={s.value}>
              <Text font="monospace">{sp.id}</Text>
              <CopyButton value={sp.id} label="Object ID" />
            </span>
            <Text className={s.label}>Home tenant</Text>
            <Text font="monospace">{sp.appOwnerOrganizationId ?? '—'}</Text>
          </div>
          <Text as="h2" size={500} weight="semibold">
            Permissions
          </Text>
          {detail.data!.assignments.length === 0 ? (
            <Empty title="No permissions granted">Grant admin consent on the app registration, or through its consent link.</Empty>
          ) : (
            <Table aria-label="Admin consent" size="small">
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>API Name</TableHeaderCell>
                  <TableHeaderCell>Claim value</TableHeaderCell>
                  <TableHeaderCell>Type</TableHeaderCell>
                  <TableHeaderCell>Granted through</TableHeaderCell>
                  <TableHeaderCell>
                    <span className="visually-hidden">Actions</span>
                  </TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {detail.data!.assignments.map((a) => (
                  <TableRow key={a.id}>
                    <TableCell>{a.resourceDisplayName}</TableCell>
                    <TableCell>{a.permission}</TableCell>
                    <TableCell>Application</TableCell>
                    <TableCell>Admin consent</TableCell>
                    <TableCell>
                      <Button
                        appearance="subtle"
                        disabled={!access.manageEntra}
                        aria-label={`Revoke ${a.permission}`}
                        onClick={() => setToRevoke(a)}
                      >
                        Revoke permission
                      </Button>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </>
      ) : null}
      <ConfirmDialog
        open={toRevoke !== undefined}
        title="Revoke permission?"
        confirmLabel="Yes, revoke"
        onClose={() => setToRevoke(undefined)}
        onConfirm={async () => {
          try {
            await management().request('DELETE', `/v1.0/servicePrincipals/${toRevoke!.resourceId}/appRoleAssignedTo/${toRevoke!.id}`);
            detail.reload();
          } catch (e) {
            setError(e);
          }
        }}
      >
        {sp?.displayName} will no longer get {toRevoke?.permission} in its tokens for {toRevoke?.resourceDisplayName}.
      </ConfirmDialog>
      <ConfirmDialog
        open={confirmDelete}
        title={`Delete ${sp?.displayName ?? ''}?`}
        confirmLabel="Yes"
        onClose={() => setConfirmDelete(false)}
        onConfirm={async () => {
          try {
            await management().request('DELETE', `/v1.0/servicePrincipals/${id}`);
            navigate('/entra/enterprise-applications');
          } catch (e) {
            setError(e);
          }
        }}
      >
        The application is removed from this tenant with every permission granted to it here. Its registration (in its home tenant) stays.
      </ConfirmDialog>
    </Page>
  );
}
