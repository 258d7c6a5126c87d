import { Badge, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, tokens } from '@fluentui/react-components';
import { PeopleRegular } from '@fluentui/react-icons';
import type { EntityFilters } from '@appwarden/sdk';
import { useState } from 'react';
import { cloudApps } from '../../api/clients.js';
import { FilterDropdown } from '../../shell/filter-dropdown.js';
import { formatDateTime } from '../../shell/format.js';
import { ListPageLayout, firstPageAt, usePagedList } from '../../shell/list-page.js';
import { useSession } from '../../shell/session-context.js';

export function UsersAndAccountsPage() {
  const { session } = useSession();
  const [type, setType] = useState('all');
  const [admin, setAdmin] = useState('all');
  const [external, setExternal] = useState('all');
  const filters: EntityFilters = {
    ...(type !== 'all' ? { type: { eq: type as 'user' | 'account' } } : {}),
    ...(admin !== 'all' ? { isAdmin: { eq: admin === 'yes' } } : {}),
    ...(external !== 'all' ? { isExternal: { eq: external === 'yes' } } : {}),
  };
  const { list, skip, setSkip, filtered } = usePagedList(
    (page) => firstPageAt(cloudApps().entities.list({ filters, maxPageSize: page.pageSize }), page),
    filters,
    session.tenantId,
  );
  return (
    <ListPageLayout
      title="Users and accounts"
      section="Cloud Apps"
      label="Users and accounts"
      filtersLabel="User filters"
      list={list}
      skip={skip}
      onSkip={setSkip}
      loadingLabel="Loading users and accounts…"
      empty={{ icon: <PeopleRegular />, title: 'No users or accounts match these filters' }}
      filters={
        <>
          <FilterDropdown
            label="Type"
            value={type}
            onChange={filtered(setType)}
            options={[
              ['all', 'All'],
              ['user', 'User'],
              ['account', 'Account'],
            ]}
          />
          <FilterDropdown
            label="Admin"
            value={admin}
            onChange={filtered(setAdmin)}
            options={[
              ['all', 'All'],
              ['yes', 'Admins only'],
              ['no', 'Not admins'],
            ]}
          />
          <FilterDropdown
            label="Affiliation"
            value={external}
            onChange={filtered(setExternal)}
            options={[
              ['all', 'All'],
              ['no', 'Internal'],
              ['yes', 'External'],
            ]}
          />
        </>
      }
      table={(rows) => (
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
            {rows.map((e) => (
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
      )}
    />
  );
}
