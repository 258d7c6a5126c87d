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
import { ArrowClockwiseRegular, DismissRegular, TextBulletListSquareRegular } from '@fluentui/react-icons';
import type { Activity, ActivityFilters, ListPage } from '@appwarden/sdk';
import { useState } from 'react';
import { cloudApps } from '../../api/clients.js';
import { APP_NAMES } from '../../api/cloud-apps-labels.js';
import { FilterDropdown } from '../../shell/filter-dropdown.js';
import { formatDateTime } from '../../shell/format.js';
import { Page } from '../../shell/page.js';
import { Empty, ErrorState, Loading } from '../../shell/page-states.js';
import { Pager } from '../../shell/pager.js';
import { useSession } from '../../shell/session-context.js';
import { useAsync } from '../../shell/use-async.js';

const PAGE_SIZE = 20;
const useStyles = makeStyles({
  filters: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalM, alignItems: 'flex-end' },
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
  const [skip, setSkip] = useState(0);
  const [selected, setSelected] = useState<Activity>();
  const filters: ActivityFilters = {
    ...(app !== 'all' ? { service: { eq: Number(app) } } : {}),
    ...(user.trim() ? { 'user.username': { startswith: user.trim() } } : {}),
    ...(ip.trim() ? { 'ip.address': { startswith: ip.trim() } } : {}),
    ...(days !== 'all' ? { date: { gte: Date.now() - Number(days) * 86_400_000 } } : {}),
  };
  const key = JSON.stringify({ filters, skip, tenant: session.tenantId });
  const list = useAsync(async (): Promise<ListPage<Activity>> => {
    const it = cloudApps()
      .activities.list({ filters, sortField: 'date', sortDirection: 'desc', maxPageSize: PAGE_SIZE })
      .byPage({ continuationToken: String(skip), maxPageSize: PAGE_SIZE });
    return (await it.next()).value as ListPage<Activity>;
  }, [key]);
  const change = (set: (v: string) => void) => (v: string) => {
    set(v);
    setSkip(0);
  };
  return (
    <Page
      title="Activity log"
      crumbs={[{ label: 'Home', to: '/' }, { label: 'Cloud Apps' }, { label: 'Activity log' }]}
      commands={
        <Button appearance="subtle" icon={<ArrowClockwiseRegular />} onClick={list.reload}>
          Refresh
        </Button>
      }
    >
      <div className={s.filters} role="search" aria-label="Activity filters">
        <FilterDropdown
          label="App"
          value={app}
          onChange={change(setApp)}
          options={[['all', 'All apps'], ...Object.entries(APP_NAMES).sort((a, b) => a[1].localeCompare(b[1]))]}
        />
        <Field label="User name starts with">
          <Input value={user} onChange={(_e, d) => change(setUser)(d.value)} />
        </Field>
        <Field label="IP address starts with">
          <Input value={ip} onChange={(_e, d) => change(setIp)(d.value)} />
        </Field>
        <FilterDropdown
          label="Date"
          value={days}
          onChange={change(setDays)}
          options={[
            ['all', 'Any time'],
            ['1', 'Last 24 hours'],
            ['7', 'Last 7 days'],
            ['30', 'Last 30 days'],
          ]}
        />
      </div>
      {list.status === 'error' ? <ErrorState error={list.error} onRetry={list.reload} /> : null}
      {list.status === 'loading' && !list.data ? <Loading label="Loading activities…" /> : null}
      {list.data && list.data.data.length === 0 ? (
        <Empty icon={<TextBulletListSquareRegular />} title="No activities match these filters">
          Widen the date range or clear a filter.
        </Empty>
      ) : null}
      {list.data && list.data.data.length > 0 ? (
        <>
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
              {list.data.data.map((a) => (
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
          <Pager
            label="Activities"
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
    </Page>
  );
}
