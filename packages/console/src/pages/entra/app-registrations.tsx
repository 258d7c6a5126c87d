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
import { AddRegular, AppsRegular, ArrowClockwiseRegular } from '@fluentui/react-icons';
import { useMemo, useState } from 'react';
import { management } from '../../api/clients.js';
import type { ApplicationJson } from '../../api/graph-types.js';
import { navigate, onLinkClick } from '../../navigation.js';
import { formatDate } from '../../shell/format.js';
import { Page } from '../../shell/page.js';
import { Empty, ErrorState, Loading } from '../../shell/page-states.js';
import { useSession } from '../../shell/session-context.js';
import { useAsync } from '../../shell/use-async.js';

const useStyles = makeStyles({
  search: { maxWidth: '520px' },
  muted: { color: tokens.colorNeutralForeground3 },
});

function credentialsSummary(a: ApplicationJson): string {
  const now = Date.now();
  const all = [...a.passwordCredentials, ...a.keyCredentials];
  if (all.length === 0) return '—';
  return all.some((c) => Date.parse(c.endDateTime) > now) ? 'Current' : 'Expired';
}

export function AppRegistrationsPage() {
  const s = useStyles();
  const { session, access } = useSession();
  const apps = useAsync(() => management().listApplications() as unknown as Promise<ApplicationJson[]>, [session.tenantId]);
  const [query, setQuery] = useState('');
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    const list = [...(apps.data ?? [])].sort((a, b) => a.displayName.localeCompare(b.displayName));
    return q ? list.filter((a) => a.displayName.toLowerCase().includes(q) || a.appId.toLowerCase().startsWith(q)) : list;
  }, [apps.data, query]);
  return (
    <Page
      title="App registrations"
      crumbs={[{ label: 'Home', to: '/' }, { label: 'App registrations' }]}
      commands={
        <>
          <Button
            icon={<AddRegular />}
            appearance="subtle"
            disabled={!access.manageEntra}
            onClick={() => navigate('/entra/app-registrations/new')}
          >
            New registration
          </Button>
          <Button icon={<ArrowClockwiseRegular />} appearance="subtle" onClick={apps.reload}>
            Refresh
          </Button>
        </>
      }
    >
      <SearchBox
        className={s.search}
        placeholder="Start typing a display name or application (client) ID to filter these results"
        aria-label="Search applications by display name or application (client) ID"
        value={query}
        onChange={(_e, d) => setQuery(d.value)}
      />
      {apps.status === 'error' ? <ErrorState error={apps.error} onRetry={apps.reload} /> : null}
      {apps.status === 'loading' && !apps.data ? <Loading label="Loading applications…" /> : null}
      {apps.data && shown.length === 0 ? (
        <Empty icon={<AppsRegular />} title={query ? 'No applications match this search' : 'No applications registered yet'}>
          {query
            ? 'Try another name or application (client) ID.'
            : 'Register an application to get an application (client) ID and give it permissions.'}
        </Empty>
      ) : null}
      {shown.length > 0 ? (
        <Table aria-label="Applications" size="small">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Display name</TableHeaderCell>
              <TableHeaderCell>Application (client) ID</TableHeaderCell>
              <TableHeaderCell>Created on</TableHeaderCell>
              <TableHeaderCell>Certificates &amp; secrets</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {shown.map((a) => {
              const to = `/entra/app-registrations/${a.id}/overview`;
              return (
                <TableRow key={a.id}>
                  <TableCell>
                    <Link href={to} onClick={onLinkClick(to)}>
                      {a.displayName}
                    </Link>
                  </TableCell>
                  <TableCell>
                    <Text font="monospace">{a.appId}</Text>
                  </TableCell>
                  <TableCell>{formatDate(a.createdDateTime)}</TableCell>
                  <TableCell className={s.muted}>{credentialsSummary(a)}</TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      ) : null}
    </Page>
  );
}
