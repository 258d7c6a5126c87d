import {
  Badge,
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DrawerBody,
  DrawerHeader,
  DrawerHeaderTitle,
  Dropdown,
  Field,
  Input,
  Menu,
  MenuItem,
  MenuList,
  MenuPopover,
  MenuTrigger,
  Option,
  OverlayDrawer,
  Table,
  TableBody,
  TableCell,
  TableCellLayout,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Textarea,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { AlertRegular, DismissRegular } from '@fluentui/react-icons';
import { CLOSE_BENIGN_REASONS, CLOSE_FALSE_POSITIVE_REASONS } from '@appwarden/protocol';
import type { Alert, AlertFilters } from '@appwarden/sdk';
import { useEffect, useState } from 'react';
import { cloudApps } from '../../api/clients.js';
import { useLocation } from '../../navigation.js';
import { APP_NAMES, RESOLUTION_LABELS, SEVERITY_LABELS } from '../../api/cloud-apps-labels.js';
import { formatDateTime } from '../../shell/format.js';
import { ListPageLayout, daysAgo, firstPageAt, usePagedList } from '../../shell/list-page.js';
import { ErrorState } from '../../shell/page-states.js';
import { FilterDropdown } from '../../shell/filter-dropdown.js';
import { useSession } from '../../shell/session-context.js';

const useStyles = makeStyles({
  filter: { minWidth: '150px' },
  unread: { fontWeight: tokens.fontWeightSemibold },
  row: { cursor: 'pointer' },
  details: { display: 'grid', gridTemplateColumns: 'auto 1fr', gap: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}` },
  label: { color: tokens.colorNeutralForeground3 },
  drawerActions: { display: 'flex', gap: tokens.spacingHorizontalS, margin: `${tokens.spacingVerticalM} 0` },
});

const SEVERITY_COLOR: Record<number, 'danger' | 'warning' | 'informative' | 'subtle'> = {
  2: 'danger',
  1: 'warning',
  0: 'informative',
  3: 'subtle',
};

type Closing = 'benign' | 'false-positive' | 'true-positive';
const CLOSE_TITLES: Record<Closing, string> = {
  benign: 'Close as benign',
  'false-positive': 'Close as false positive',
  'true-positive': 'Close as true positive',
};

function userOf(a: Alert): string | undefined {
  return a.entities.find((e) => e.type === 'user' || e.type === 'account')?.label;
}
function appOf(a: Alert): string | undefined {
  const e = a.entities.find((x) => x.type === 'service');
  return e ? (e.label ?? APP_NAMES[Number(e.id)]) : undefined;
}

export function AlertsPage() {
  const s = useStyles();
  const { session, access } = useSession();
  const [severity, setSeverity] = useState('all');
  const [status, setStatus] = useState('open');
  const [app, setApp] = useState('all');
  const [user, setUser] = useState('');
  const [days, setDays] = useState('all');
  const [selected, setSelected] = useState<Alert>();
  // `?alertId=<_id>` (the alertWebUrl of Microsoft Graph's alerts_v2) opens that alert's detail.
  const linked = useLocation().search.get('alertId');
  useEffect(() => {
    if (!linked) return;
    let current = true;
    cloudApps()
      .alerts.get(linked)
      .then((a) => current && setSelected(a))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [linked, session.tenantId]);
  const filters: AlertFilters = {
    ...(severity !== 'all' ? { severity: { eq: Number(severity) } } : {}),
    ...(status !== 'all' ? { alertOpen: { eq: status === 'open' } } : {}),
    ...(app !== 'all' ? { 'entity.service': { eq: Number(app) } } : {}),
    ...(user.trim() ? { 'entity.user': { eq: user.trim() } } : {}),
    ...(days !== 'all' ? { date: { gte: daysAgo(Number(days)) } } : {}),
  };
  const { list, skip, setSkip, filtered } = usePagedList(
    (page) => firstPageAt(cloudApps().alerts.list({ filters, sortField: 'date', sortDirection: 'desc', maxPageSize: page.pageSize }), page),
    filters,
    session.tenantId,
  );

  return (
    <ListPageLayout
      title="Alerts"
      section="Cloud Apps"
      label="Alerts"
      filtersLabel="Alert filters"
      list={list}
      skip={skip}
      onSkip={setSkip}
      loadingLabel="Loading alerts…"
      empty={{
        icon: <AlertRegular />,
        title: 'No alerts match these filters',
        children: 'Change the filters, or check back later: alerts appear when policies match activities.',
      }}
      filters={
        <>
          <FilterDropdown
            label="Severity"
            value={severity}
            onChange={filtered(setSeverity)}
            options={[
              ['all', 'All'],
              ['2', 'High'],
              ['1', 'Medium'],
              ['0', 'Low'],
              ['3', 'Informational'],
            ]}
          />
          <FilterDropdown
            label="Status"
            value={status}
            onChange={filtered(setStatus)}
            options={[
              ['open', 'Open'],
              ['closed', 'Closed'],
              ['all', 'All'],
            ]}
          />
          <FilterDropdown
            label="App"
            value={app}
            onChange={filtered(setApp)}
            options={[['all', 'All apps'], ...Object.entries(APP_NAMES).sort((a, b) => a[1].localeCompare(b[1]))]}
          />
          <Field label="User" className={s.filter}>
            <Input value={user} placeholder="user@contoso.com" onChange={(_e, d) => filtered(setUser)(d.value)} />
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
        <Table aria-label="Alerts" size="small" aria-busy={list.status === 'loading'}>
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Alert</TableHeaderCell>
              <TableHeaderCell>Severity</TableHeaderCell>
              <TableHeaderCell>App</TableHeaderCell>
              <TableHeaderCell>User</TableHeaderCell>
              <TableHeaderCell>Resolution status</TableHeaderCell>
              <TableHeaderCell>Date</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {rows.map((a) => (
              <TableRow key={a._id} className={s.row}>
                <TableCell>
                  <TableCellLayout>
                    <Button
                      appearance="transparent"
                      className={a.statusValue === 0 ? s.unread : undefined}
                      onClick={() => setSelected(a)}
                      style={{ padding: 0, minWidth: 0, textAlign: 'left' }}
                    >
                      {a.title}
                    </Button>
                  </TableCellLayout>
                </TableCell>
                <TableCell>
                  <Badge appearance="tint" color={SEVERITY_COLOR[a.severityValue ?? 3] ?? 'subtle'}>
                    {SEVERITY_LABELS[a.severityValue ?? 3]}
                  </Badge>
                </TableCell>
                <TableCell>{appOf(a) ?? '—'}</TableCell>
                <TableCell>{userOf(a) ?? '—'}</TableCell>
                <TableCell>{RESOLUTION_LABELS[a.resolutionStatusValue ?? 0]}</TableCell>
                <TableCell>{formatDateTime(a.timestamp)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    >
      {selected ? (
        <AlertDrawer
          alert={selected}
          canManage={access.manageDefender}
          onClose={() => setSelected(undefined)}
          onChanged={(a) => {
            setSelected(a);
            list.reload();
          }}
        />
      ) : null}
    </ListPageLayout>
  );
}

/** The alert's detail: what happened, to whom, and the actions (read/unread, close with a reason). */
function AlertDrawer({
  alert,
  canManage,
  onClose,
  onChanged,
}: {
  alert: Alert;
  canManage: boolean;
  onClose: () => void;
  onChanged: (a: Alert) => void;
}) {
  const s = useStyles();
  const [closing, setClosing] = useState<Closing>();
  const [reason, setReason] = useState<string>('');
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const open = (alert.resolutionStatusValue ?? 0) === 0;

  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await fn();
      onChanged(await cloudApps().alerts.get(alert._id));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const close = () =>
    act(async () => {
      const c = cloudApps().alerts;
      const opts = comment.trim() ? { comment: comment.trim() } : {};
      if (closing === 'benign') await c.closeBenign(alert._id, { ...opts, ...(reason ? { reasonId: Number(reason) as 2 } : {}) });
      else if (closing === 'false-positive')
        await c.closeFalsePositive(alert._id, { ...opts, ...(reason ? { reasonId: Number(reason) as 0 } : {}) });
      else await c.closeTruePositive(alert._id, opts);
      setClosing(undefined);
    });
  const reasons = closing === 'benign' ? CLOSE_BENIGN_REASONS : closing === 'false-positive' ? CLOSE_FALSE_POSITIVE_REASONS : undefined;

  return (
    <OverlayDrawer position="end" size="medium" open onOpenChange={(_e, d) => !d.open && onClose()}>
      <DrawerHeader>
        <DrawerHeaderTitle action={<Button appearance="subtle" aria-label="Close" icon={<DismissRegular />} onClick={onClose} />}>
          {alert.title}
        </DrawerHeaderTitle>
      </DrawerHeader>
      <DrawerBody>
        {error ? <ErrorState error={error} /> : null}
        <div className={s.drawerActions}>
          <Button
            disabled={busy}
            onClick={() =>
              void act(() => (alert.statusValue === 0 ? cloudApps().alerts.markRead(alert._id) : cloudApps().alerts.markUnread(alert._id)))
            }
          >
            {alert.statusValue === 0 ? 'Mark as read' : 'Mark as unread'}
          </Button>
          <Menu>
            <MenuTrigger disableButtonEnhancement>
              <Button appearance="primary" disabled={!open || !canManage || busy}>
                Close alert
              </Button>
            </MenuTrigger>
            <MenuPopover>
              <MenuList>
                <MenuItem
                  onClick={() => {
                    setReason('');
                    setClosing('true-positive');
                  }}
                >
                  True positive
                </MenuItem>
                <MenuItem
                  onClick={() => {
                    setReason('');
                    setClosing('benign');
                  }}
                >
                  Benign
                </MenuItem>
                <MenuItem
                  onClick={() => {
                    setReason('');
                    setClosing('false-positive');
                  }}
                >
                  False positive
                </MenuItem>
              </MenuList>
            </MenuPopover>
          </Menu>
        </div>
        <div className={s.details}>
          <Text className={s.label}>Severity</Text>
          <Text>{SEVERITY_LABELS[alert.severityValue ?? 3]}</Text>
          <Text className={s.label}>Resolution status</Text>
          <Text data-testid="alert-resolution">{RESOLUTION_LABELS[alert.resolutionStatusValue ?? 0]}</Text>
          <Text className={s.label}>Date</Text>
          <Text>{formatDateTime(alert.timestamp)}</Text>
          <Text className={s.label}>Policy</Text>
          <Text>{alert.policy?.label ?? '—'}</Text>
          <Text className={s.label}>Description</Text>
          <Text>{String(alert.description ?? '').replace(/<[^>]+>/g, '')}</Text>
          {alert.comment ? (
            <>
              <Text className={s.label}>Comment</Text>
              <Text>{alert.comment}</Text>
            </>
          ) : null}
          <Text className={s.label}>Entities</Text>
          <ul style={{ margin: 0, paddingLeft: tokens.spacingHorizontalL }}>
            {alert.entities.map((e, i) => (
              <li key={i}>
                <Text>
                  {e.label ?? String(e.id)} <Text className={s.label}>({e.type})</Text>
                </Text>
              </li>
            ))}
          </ul>
        </div>
      </DrawerBody>
      <Dialog open={closing !== undefined} onOpenChange={(_e, d) => !d.open && setClosing(undefined)}>
        <DialogSurface>
          <DialogBody>
            <DialogTitle>{closing ? CLOSE_TITLES[closing] : ''}</DialogTitle>
            <DialogContent style={{ display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM }}>
              {reasons ? (
                <Field label="Reason">
                  <Dropdown
                    value={reasons[Number(reason)] ?? ''}
                    placeholder="Select a reason"
                    selectedOptions={reason ? [reason] : []}
                    onOptionSelect={(_e, d) => setReason(String(d.optionValue))}
                  >
                    {Object.entries(reasons).map(([k, v]) => (
                      <Option key={k} value={k}>
                        {v}
                      </Option>
                    ))}
                  </Dropdown>
                </Field>
              ) : null}
              <Field label="Comment">
                <Textarea value={comment} onChange={(_e, d) => setComment(d.value)} />
              </Field>
            </DialogContent>
            <DialogActions>
              <Button appearance="primary" disabled={busy} onClick={() => void close()}>
                Close alert
              </Button>
              <Button onClick={() => setClosing(undefined)}>Cancel</Button>
            </DialogActions>
          </DialogBody>
        </DialogSurface>
      </Dialog>
    </OverlayDrawer>
  );
}
