import {
  Button,
  DrawerBody,
  DrawerHeader,
  DrawerHeaderTitle,
  Field,
  Input,
  OverlayDrawer,
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
import { DismissRegular, TextBulletListSquareRegular } from '@fluentui/react-icons';
import type { Activity, ActivityFilters } from '@appwarden/sdk';
import { useState } from 'react';
import { cloudApps } from '../../api/clients.js';
import { APP_NAMES } from '../../api/cloud-apps-labels.js';
import { FilterDropdown } from '../../shell/filter-dropdown.js';
import { formatDateTime } from '../../shell/format.js';
import { ListPageLayout, daysAgo, firstPageAt, usePagedList } from '../../shell/list-page.js';
import { useSession } from '../../shell/session-context.js';

const useStyles = makeStyles({
  details: {
    display: 'grid',
    gridTemplateColumns: 'auto 1fr',
    gap: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
    wordBreak: 'break-word',
  },
  label: { color: tokens.colorNeutralForeground3 },
  linkish: { padding: 0, minWidth: 0, textAlign: 'left', justifyContent: 'flex-start' },
});

export function ActivityLogPage() {
  const s = useStyles();
  const { session } = useSession();
  const [app, setApp] = useState('all');
  const [user, setUser] = useState('');
  const [ip, setIp] = useState('');
  const [days, setDays] = useState('all');
  const [selected, setSelected] = useState<Activity>();
  const filters: ActivityFilters = {
    ...(app !== 'all' ? { service: { eq: Number(app) } } : {}),
    ...(user.trim() ? { 'user.username': { startswith: user.trim() } } : {}),
    ...(ip.trim() ? { 'ip.address': { startswith: ip.trim() } } : {}),
    ...(days !== 'all' ? { date: { gte: daysAgo(Number(days)) } } : {}),
  };
  const { list, skip, setSkip, filtered } = usePagedList(
    (page) =>
      firstPageAt(cloudApps().activities.list({ filters, sortField: 'date', sortDirection: 'desc', maxPageSize: page.pageSize }), page),
    filters,
    session.tenantId,
  );
  return (
    <ListPageLayout
      title="Activity log"
      section="Cloud Apps"
      label="Activities"
      filtersLabel="Activity filters"
      list={list}
      skip={skip}
      onSkip={setSkip}
      loadingLabel="Loading activities…"
      empty={{
        icon: <TextBulletListSquareRegular />,
        title: 'No activities match these filters',
        children: 'Widen the date range or clear a filter.',
      }}
      filters={
        <>
          <FilterDropdown
            label="App"
            value={app}
            onChange={filtered(setApp)}
            options={[['all', 'All apps'], ...Object.entries(APP_NAMES).sort((a, b) => a[1].localeCompare(b[1]))]}
          />
          <Field label="User name starts with">
            <Input value={user} onChange={(_e, d) => filtered(setUser)(d.value)} />
          </Field>
          <Field label="IP address starts with">
            <Input value={ip} onChange={(_e, d) => filtered(setIp)(d.value)} />
          </Field>
          <FilterDropdown
            label="Date"
            value={days}
            onChange={filtered(setDays)}
            options={[
              ['all', 'Any time'],
              ['1', 'Last 24 hours'],
              ['7', 'Last 7 days'],
              ['30', 'Last 30 days'],
            ]}
          />
        </>
      }
      table={(rows) => (
        <Table aria-label="Activities" size="small" aria-busy={list.status === 'loading'}>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Activity</TableHeaderCell>
              <TableHeaderCell>User</TableHeaderCell>
              <TableHeaderCell>App</TableHeaderCell>
              <TableHeaderCell>IP address</TableHeaderCell>
              <TableHeaderCell>Location</TableHeaderCell>
              <TableHeaderCell>Date</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {rows.map((a) => (
              <TableRow key={a._id}>
                <TableCell>
                  <Button appearance="transparent" className={s.linkish} onClick={() => setSelected(a)}>
                    {a.description
                      ? String(a.description)
                          .replace(/<[^>]+>/g, '')
                          .slice(0, 90)
                      : (a.eventTypeName ?? a._id)}
                  </Button>
                </TableCell>
                <TableCell>{a.user?.userName ?? '—'}</TableCell>
                <TableCell>{a.appName ?? APP_NAMES[a.appId ?? -1] ?? '—'}</TableCell>
                <TableCell>{a.device?.clientIP ?? '—'}</TableCell>
                <TableCell>{a.location?.countryCode ?? '—'}</TableCell>
                <TableCell>{formatDateTime(a.timestamp)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    >
      {selected ? (
        <OverlayDrawer position="end" size="medium" open onOpenChange={(_e, d) => !d.open && setSelected(undefined)}>
          <DrawerHeader>
            <DrawerHeaderTitle
              action={<Button appearance="subtle" aria-label="Close" icon={<DismissRegular />} onClick={() => setSelected(undefined)} />}
            >
              Activity details
            </DrawerHeaderTitle>
          </DrawerHeader>
          <DrawerBody>
            <div className={s.details}>
              {(
                [
                  ['Description', String(selected.description ?? '').replace(/<[^>]+>/g, '')],
                  ['Type', selected.eventTypeName ?? selected.eventTypeValue],
                  ['User', selected.user?.userName],
                  ['App', selected.appName ?? APP_NAMES[selected.appId ?? -1]],
                  ['IP address', selected.device?.clientIP],
                  ['Country', selected.location?.countryCode],
                  ['City', selected.location?.city],
                  ['User agent', selected.device?.userAgent],
                  ['Date', formatDateTime(selected.timestamp)],
                  ['ID', selected._id],
                ] as [string, string | undefined][]
              ).map(([k, v]) => (
                <div key={k} style={{ display: 'contents' }}>
                  <Text className={s.label}>{k}</Text>
                  <Text>{v ?? '—'}</Text>
                </div>
              ))}
            </div>
          </DrawerBody>
        </OverlayDrawer>
      ) : null}
    </ListPageLayout>
  );
}
