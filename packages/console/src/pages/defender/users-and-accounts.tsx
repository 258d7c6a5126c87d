import {
  Badge,
  Button,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { ArrowClockwiseRegular, PeopleRegular } from '@fluentui/react-icons';
import type { Entity, EntityFilters, ListPage } from '@appwarden/sdk';
import { useState } from 'react';
import { cloudApps } from '../../api/clients.js';
import { FilterDropdown } from '../../shell/filter-dropdown.js';
import { formatDateTime } from '../../shell/format.js';
import { Page } from '../../shell/page.js';
import { Empty, ErrorState, Loading } from '../../shell/page-states.js';
import { Pager } from '../../shell/pager.js';
import { useSession } from '../../shell/session-context.js';
import { useAsync } from '../../shell/use-async.js';

const PAGE_SIZE = 20;
const useStyles = makeStyles({ filters: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalM, alignItems: 'flex-end' } });

export function UsersAndAccountsPage() {
  const s = useStyles();
  const { session } = useSession();
  const [type, setType] = useState('all');
  const [admin, setAdmin] = useState('all');
  const [external, setExternal] = useState('all');
  const [skip, setSkip] = useState(0);
  const filters: EntityFilters = {
    ...(type !== 'all' ? { type: { eq: type as 'user' | 'account' } } : {}),
    ...(admin !== 'all' ? { isAdmin: { eq: admin === 'yes' } } : {}),
    ...(external !== 'all' ? { isExternal: { eq: external === 'yes' } } : {}),
  };
  const key = JSON.stringify({ filters, skip, tenant: session.tenantId });
  const list = useAsync(async (): Promise<ListPage<Entity>> => {
    const it = cloudApps()
      .entities.list({ filters, maxPageSize: PAGE_SIZE })
      .byPage({ continuationToken: String(skip), maxPageSize: PAGE_SIZE });
    return (await it.next()).value as ListPage<Entity>;
  }, [key]);
  const change = (set: (v: string) => void) => (v: string) => {
    set(v);
    setSkip(0);
  };
  return (
    <Page
      title="Users and accounts"
      crumbs={[{ label: 'Home', to: '/' }, { label: 'Cloud Apps' }, { label: 'Users and accounts' }]}
      commands={
        <Button appearance="subtle" icon={<ArrowClockwiseRegular />} onClick={list.reload}>
          Refresh
        </Button>
      }
    >
      <div className={s.filters} role="search" aria-label="User filters">
        <FilterDropdown
          label="Type"
          value={type}
          onChange={change(setType)}
          options={[
            ['all', 'All'],
            ['user', 'User'],
            ['account', 'Account'],
          ]}
        />
        <FilterDropdown
          label="Admin"
          value={admin}
          onChange={change(setAdmin)}
          options={[
            ['all', 'All'],
            ['yes', 'Admins only'],
            ['no', 'Not admins'],
          ]}
        />
        <FilterDropdown
          label="Affiliation"
          value={external}
          onChange={change(setExternal)}
          options={[
            ['all', 'All'],
            ['no', 'Internal'],
            ['yes', 'External'],
          ]}
        />
      </div>
      {list.status === 'error' ? <ErrorState error={list.error} onRetry={list.reload} /> : null}
      {list.status === 'loading' && !list.data ? <Loading label="Loading users and accounts…" /> : null}
      {list.data && list.data.data.length === 0 ? (
        <Empty icon={<PeopleRegular />} title="No users or accounts match these filters" />
      ) : null}
      {list.data && list.data.data.length > 0 ? (
        <>
          <Table aria-label="Users and accounts" size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Name</TableHeaderCell>
                <TableHeaderCell>Type</TableHeaderCell>
                <TableHeaderCell>Email</TableHeaderCell>
                <TableHeaderCell>App</TableHeaderCell>
                <TableHeaderCell>Affiliation</TableHeaderCell>
                <TableHeaderCell>Last seen</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {list.data.data.map((e) => (
                <TableRow key={e._id}>
                  <TableCell>
                    {e.displayName ?? e.id}
                    {e.isAdmin ? (
                      <Badge appearance="tint" color="important" size="small" style={{ marginLeft: tokens.spacingHorizontalXS }}>
                        Admin
                      </Badge>
                    ) : null}
                  </TableCell>
                  <TableCell>{e.type === 2 ? 'User' : 'Account'}</TableCell>
                  <TableCell>{e.email ?? '—'}</TableCell>
                  <TableCell>{e.appData?.name ?? '—'}</TableCell>
                  <TableCell>{e.isExternal ? 'External' : 'Internal'}</TableCell>
                  <TableCell>{formatDateTime(e.lastSeen ?? null)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Pager
            label="Users and accounts"
            skip={skip}
            count={list.data.data.length}
            total={list.data.total}
            moreThanTotal={list.data.moreThanTotal}
            hasNext={list.data.hasNext}
            pageSize={PAGE_SIZE}
            onSkip={setSkip}
          />
        </>
      ) : null}
    </Page>
  );
}
