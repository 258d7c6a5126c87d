import {
  Badge,
  Button,
  Card,
  Checkbox,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DrawerBody,
  DrawerHeader,
  DrawerHeaderTitle,
  Field,
  Input,
  OverlayDrawer,
  ProgressBar,
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
  ArrowClockwiseRegular,
  ArrowDownloadRegular,
  ArrowUploadRegular,
  CloudDatabaseRegular,
  DismissRegular,
} from '@fluentui/react-icons';
import type { BLOCK_SCRIPT_FORMATS } from '@appwarden/sdk';
import { type DiscoveredApp, type DiscoveryStream, type UploadJob } from '@appwarden/sdk';
import { useState } from 'react';
import { cloudApps, cloudAppsAdmin } from '../../api/clients.js';
import { BarChart } from '../../charts/bar-chart.js';
import { FilterDropdown } from '../../shell/filter-dropdown.js';
import { formatBytes, formatDate } from '../../shell/format.js';
import { Page } from '../../shell/page.js';
import { Empty, ErrorState, Loading } from '../../shell/page-states.js';
import { useSession } from '../../shell/session-context.js';
import { useAsync } from '../../shell/use-async.js';

const useStyles = makeStyles({
  toolbar: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalM, alignItems: 'flex-end' },
  tiles: { display: 'grid', gridTemplateColumns: 'repeat(4, 1fr)', gap: tokens.spacingHorizontalM },
  tile: { padding: tokens.spacingHorizontalM },
  big: { fontSize: tokens.fontSizeHero700, fontWeight: tokens.fontWeightSemibold, lineHeight: tokens.lineHeightHero700 },
  charts: { display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(320px, 1fr))', gap: tokens.spacingHorizontalL },
  chartCard: { padding: tokens.spacingHorizontalM },
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  linkish: { padding: 0, minWidth: 0, textAlign: 'left', justifyContent: 'flex-start' },
  details: { display: 'grid', gridTemplateColumns: 'auto 1fr', gap: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}` },
  label: { color: tokens.colorNeutralForeground3 },
  actions: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS, margin: `${tokens.spacingVerticalM} 0` },
});

/** Log formats offered for upload (the portal's "Data source" list, most used first). */
const LOG_FORMATS: [string, string][] = [
  ['SQUID_NATIVE', 'Squid (native)'],
  ['SQUID', 'Squid (common)'],
  ['PALO_ALTO', 'Palo Alto Networks'],
  ['FORTIGATE', 'Fortinet FortiGate'],
  ['CISCO_ASA', 'Cisco ASA'],
  ['CISCO_ASA_FIREPOWER', 'Cisco ASA FirePOWER'],
  ['CHECKPOINT', 'Check Point'],
  ['BLUECOAT', 'Blue Coat ProxySG'],
  ['ZSCALER', 'Zscaler'],
  ['JUNIPER_SRX', 'Juniper SRX'],
  ['GENERIC_CEF', 'Generic CEF'],
  ['GENERIC_LEEF', 'Generic LEEF'],
  ['GENERIC_W3C', 'Generic W3C'],
];

const BLOCK_FORMAT_LABELS: Record<keyof typeof BLOCK_SCRIPT_FORMATS, string> = {
  BLUECOAT: 'Blue Coat ProxySG',
  CISCO_ASA: 'Cisco ASA',
  FORTIGATE: 'Fortinet FortiGate',
  PALO_ALTO: 'Palo Alto Networks',
  ZSCALER: 'Zscaler',
  JUNIPER_SRX: 'Juniper SRX',
  WEBSENSE: 'Websense',
};

const RISK_LEVELS: { label: string; test: (score: number) => boolean; color: string }[] = [
  { label: 'High risk (0–3)', test: (s) => s <= 3, color: tokens.colorPaletteRedBackground3 },
  { label: 'Medium risk (4–7)', test: (s) => s > 3 && s <= 7, color: tokens.colorPaletteDarkOrangeBackground3 },
  { label: 'Low risk (8–10)', test: (s) => s > 7, color: tokens.colorPaletteGreenBackground3 },
];

interface Dashboard {
  apps: DiscoveredApp[];
  periods: { label: string; bytes: number }[];
}

async function allApps(streamId: string, timeframe: 7 | 30 | 90): Promise<DiscoveredApp[]> {
  const out: DiscoveredApp[] = [];
  for await (const a of cloudApps().discovery.apps({
    streamId,
    timeframe,
    sortField: 'trafficUploadedBytes',
    sortDirection: 'desc',
    maxPageSize: 100,
  })) {
    out.push(a);
    if (out.length >= 500) break;
  }
  return out;
}

export function CloudDiscoveryPage() {
  const s = useStyles();
  const { session, access } = useSession();
  const [streamId, setStreamId] = useState<string>();
  const [timeframe, setTimeframe] = useState('90');
  const [uploadOpen, setUploadOpen] = useState(false);
  const [blockOpen, setBlockOpen] = useState(false);
  const [selected, setSelected] = useState<DiscoveredApp>();

  const streams = useAsync(() => cloudApps().discovery.streams(), [session.tenantId]);
  const current: DiscoveryStream | undefined = streams.data?.find((x) => x._id === streamId) ?? streams.data?.[0];
  const dashboard = useAsync(async (): Promise<Dashboard | undefined> => {
    if (!current) return undefined;
    const tf = Number(timeframe) as 7 | 30 | 90;
    // Traffic over time from the report's three windows: the API reports totals per window, not per day.
    const [apps, last7, last30, last90] = await Promise.all([
      allApps(current._id, tf),
      allApps(current._id, 7),
      allApps(current._id, 30),
      allApps(current._id, 90),
    ]);
    const sum = (xs: DiscoveredApp[]) => xs.reduce((n, a) => n + (a.trafficTotalBytes ?? 0), 0);
    return {
      apps,
      periods: [
        { label: '31–90 days ago', bytes: sum(last90) - sum(last30) },
        { label: '8–30 days ago', bytes: sum(last30) - sum(last7) },
        { label: 'Last 7 days', bytes: sum(last7) },
      ],
    };
  }, [current?._id, timeframe]);

  const apps = dashboard.data?.apps ?? [];
  const categories = new Map<string, number>();
  for (const a of apps) categories.set(a.category ?? 'Other', (categories.get(a.category ?? 'Other') ?? 0) + 1);
  const totalBytes = apps.reduce((n, a) => n + (a.trafficTotalBytes ?? 0), 0);
  const users = Math.max(0, ...apps.map((a) => a.usersCount ?? 0));

  return (
    <Page
      title="Cloud Discovery"
      crumbs={[{ label: 'Home', to: '/' }, { label: 'Cloud Apps' }, { label: 'Cloud Discovery' }]}
      commands={
        <>
          <Button appearance="subtle" icon={<ArrowUploadRegular />} disabled={!access.manageDefender} onClick={() => setUploadOpen(true)}>
            Upload traffic log
          </Button>
          <Button appearance="subtle" icon={<ArrowDownloadRegular />} disabled={!access.manageDefender} onClick={() => setBlockOpen(true)}>
            Generate block script
          </Button>
          <Button
            appearance="subtle"
            icon={<ArrowClockwiseRegular />}
            onClick={() => {
              streams.reload();
              dashboard.reload();
            }}
          >
            Refresh
          </Button>
        </>
      }
    >
      {streams.status === 'error' ? <ErrorState error={streams.error} onRetry={streams.reload} /> : null}
      {streams.status === 'loading' && !streams.data ? <Loading label="Loading reports…" /> : null}
      {streams.data && streams.data.length === 0 ? (
        <Empty
          icon={<CloudDatabaseRegular />}
          title="No Cloud Discovery reports yet"
          action={
            <Button appearance="primary" onClick={() => setUploadOpen(true)}>
              Upload traffic log
            </Button>
          }
        >
          Upload a firewall or proxy log to see which cloud apps are used in your organization.
        </Empty>
      ) : null}
      {current ? (
        <div className={s.toolbar}>
          <FilterDropdown
            label="Report"
            value={current._id}
            onChange={setStreamId}
            options={(streams.data ?? []).map((x) => [x._id, x.displayName])}
          />
          <FilterDropdown
            label="Time frame"
            value={timeframe}
            onChange={setTimeframe}
            options={[
              ['7', 'Last 7 days'],
              ['30', 'Last 30 days'],
              ['90', 'Last 90 days'],
            ]}
          />
        </div>
      ) : null}
      {dashboard.status === 'error' ? <ErrorState error={dashboard.error} onRetry={dashboard.reload} /> : null}
      {current && dashboard.status === 'loading' && !dashboard.data ? <Loading label="Loading the dashboard…" /> : null}
      {dashboard.data && apps.length === 0 ? (
        <Empty icon={<CloudDatabaseRegular />} title="No apps discovered in this period">
          Choose a longer time frame or upload a log.
        </Empty>
      ) : null}
      {dashboard.data && apps.length > 0 ? (
        <>
          <div className={s.tiles}>
            {(
              [
                ['Apps', apps.length.toLocaleString()],
                ['Users (top app)', users.toLocaleString()],
                ['Traffic', formatBytes(totalBytes)],
                ['Unsanctioned apps', apps.filter((a) => a.sanctionState === 'unsanctioned').length.toLocaleString()],
              ] as const
            ).map(([k, v]) => (
              <Card key={k} className={s.tile}>
                <Text className={s.label}>{k}</Text>
                <Text className={s.big}>{v}</Text>
              </Card>
            ))}
          </div>
          <div className={s.charts} data-testid="discovery-charts">
            <Card className={s.chartCard}>
              <BarChart
                testId="chart-traffic"
                title="Top apps by traffic"
                bars={[...apps]
                  .sort((a, b) => (b.trafficTotalBytes ?? 0) - (a.trafficTotalBytes ?? 0))
                  .slice(0, 8)
                  .map((a) => ({ label: a.name, value: a.trafficTotalBytes ?? 0 }))}
                format={formatBytes}
              />
            </Card>
            <Card className={s.chartCard}>
              <BarChart
                testId="chart-users"
                title="Top apps by users"
                bars={[...apps]
                  .sort((a, b) => (b.usersCount ?? 0) - (a.usersCount ?? 0))
                  .slice(0, 8)
                  .map((a) => ({ label: a.name, value: a.usersCount ?? 0 }))}
              />
            </Card>
            <Card className={s.chartCard}>
              <BarChart
                testId="chart-categories"
                title="App categories"
                bars={[...categories]
                  .sort((a, b) => b[1] - a[1])
                  .slice(0, 8)
                  .map(([k, v]) => ({
                    label: k
                      .replace(/^SAASDB_CATEGORY_/, '')
                      .replace(/_/g, ' ')
                      .toLowerCase()
                      .replace(/^./, (c) => c.toUpperCase()),
                    value: v,
                  }))}
              />
            </Card>
            <Card className={s.chartCard}>
              <BarChart
                testId="chart-risk"
                title="Risk levels"
                bars={RISK_LEVELS.map((r) => ({ label: r.label, value: apps.filter((a) => r.test(a.score ?? 0)).length, color: r.color }))}
              />
            </Card>
            <Card className={s.chartCard}>
              <BarChart
                testId="chart-time"
                title="Traffic over time"
                bars={dashboard.data.periods.map((p) => ({ label: p.label, value: Math.max(0, p.bytes) }))}
                format={formatBytes}
              />
            </Card>
          </div>
          <Text as="h2" size={500} weight="semibold">
            Discovered apps
          </Text>
          <Table aria-label="Discovered apps" size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>App</TableHeaderCell>
                <TableHeaderCell>Risk score</TableHeaderCell>
                <TableHeaderCell>Traffic</TableHeaderCell>
                <TableHeaderCell>Users</TableHeaderCell>
                <TableHeaderCell>IP addresses</TableHeaderCell>
                <TableHeaderCell>Last seen</TableHeaderCell>
                <TableHeaderCell>Tag</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {apps.slice(0, 50).map((a) => (
                <TableRow key={a.appId}>
                  <TableCell>
                    <Button appearance="transparent" className={s.linkish} onClick={() => setSelected(a)}>
                      {a.name}
                    </Button>
                  </TableCell>
                  <TableCell>{a.score ?? '—'}</TableCell>
                  <TableCell>{formatBytes(a.trafficTotalBytes)}</TableCell>
                  <TableCell>{a.usersCount ?? 0}</TableCell>
                  <TableCell>{a.ipAddressesCount ?? 0}</TableCell>
                  <TableCell>{formatDate(a.lastUsed)}</TableCell>
                  <TableCell>{a.sanctionState ? <SanctionBadge state={String(a.sanctionState)} /> : '—'}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </>
      ) : null}
      {uploadOpen ? (
        <UploadDialog
          onClose={() => setUploadOpen(false)}
          onDone={(streamIdOfJob) => {
            streams.reload();
            if (streamIdOfJob) setStreamId(streamIdOfJob);
            dashboard.reload();
          }}
        />
      ) : null}
      {blockOpen ? <BlockScriptDialog onClose={() => setBlockOpen(false)} /> : null}
      {selected ? (
        <DiscoveredAppDrawer
          app={selected}
          canManage={access.manageDefender}
          onClose={() => setSelected(undefined)}
          onChanged={(state) => {
            setSelected({ ...selected, sanctionState: state });
            dashboard.reload();
          }}
        />
      ) : null}
    </Page>
  );
}

function SanctionBadge({ state }: { state: string }) {
  const color = state === 'sanctioned' ? 'success' : state === 'unsanctioned' ? 'danger' : 'informative';
  return (
    <Badge appearance="tint" color={color}>
      {state.charAt(0).toUpperCase() + state.slice(1)}
    </Badge>
  );
}

/** Upload a log: the three API steps with a progress bar, then the processing job until it ends. */
function UploadDialog({ onClose, onDone }: { onClose: () => void; onDone: (streamId?: string) => void }) {
  const s = useStyles();
  const [format, setFormat] = useState('SQUID_NATIVE');
  const [name, setName] = useState('');
  const [snapshot, setSnapshot] = useState(true);
  const [file, setFile] = useState<File>();
  const [progress, setProgress] = useState<number>();
  const [job, setJob] = useState<UploadJob>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const upload = async () => {
    if (!file || !name.trim()) return;
    setBusy(true);
    setError(undefined);
    setJob(undefined);
    try {
      const d = cloudApps().discovery;
      const result = await d.upload(file, {
        source: format,
        streamName: name.trim(),
        snapshot,
        filename: file.name,
        blockSize: 256 * 1024,
        onProgress: (p) => setProgress(p.totalBytes ? p.loadedBytes / p.totalBytes : undefined),
      });
      setProgress(1);
      if (result.jobId) {
        const done = await d.waitForUploadJob(result.jobId, { intervalMs: 500, onStatus: setJob });
        setJob(done);
        if (done.status === 'failed') throw new Error(done.error ?? 'The log could not be processed.');
        onDone(done.streamId);
      } else onDone();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const result = job?.result as Record<string, unknown> | null | undefined;
  return (
    <Dialog open onOpenChange={(_e, d) => !d.open && !busy && onClose()}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>Upload traffic log</DialogTitle>
          <DialogContent className={s.form}>
            {error ? <ErrorState title="The upload failed" error={error} /> : null}
            <FilterDropdown label="Data source" value={format} onChange={setFormat} options={LOG_FORMATS} />
            <Field label="Report name" required>
              <Input value={name} onChange={(_e, d) => setName(d.value)} />
            </Field>
            <Checkbox label="Snapshot report (one-time upload)" checked={snapshot} onChange={(_e, d) => setSnapshot(!!d.checked)} />
            <Field label="Traffic log file">
              {(fieldProps) => <input {...fieldProps} type="file" onChange={(e) => setFile(e.target.files?.[0])} />}
            </Field>
            {progress !== undefined ? (
              <Field label="Upload" validationState="none" validationMessage={`${Math.round(progress * 100)}%`}>
                <ProgressBar value={progress} max={1} thickness="large" aria-label="Upload progress" />
              </Field>
            ) : null}
            {job ? (
              <Text data-testid="upload-job-status">
                Processing: <b>{job.status}</b>
                {result && typeof result.linesParsed === 'number' ? ` — ${result.linesParsed.toLocaleString()} lines parsed` : ''}
              </Text>
            ) : null}
          </DialogContent>
          <DialogActions>
            <Button appearance="primary" disabled={busy || !file || !name.trim()} onClick={() => void upload()}>
              Upload
            </Button>
            <Button disabled={busy} onClick={onClose}>
              {job?.status === 'succeeded' ? 'Done' : 'Cancel'}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

/** A block script for an appliance, downloaded as a file (generated by the API, nothing computed here). */
function BlockScriptDialog({ onClose }: { onClose: () => void }) {
  const s = useStyles();
  const [format, setFormat] = useState<keyof typeof BLOCK_SCRIPT_FORMATS>('PALO_ALTO');
  const [type, setType] = useState<'banned' | 'allowed'>('banned');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const text = await cloudApps().discovery.blockScript({ format, type });
      const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `block-script-${format.toLowerCase()}-${type}.txt`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open onOpenChange={(_e, d) => !d.open && onClose()}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>Generate block script</DialogTitle>
          <DialogContent className={s.form}>
            {error ? <ErrorState error={error} /> : null}
            <Text>A script for your appliance that blocks the apps you tagged as unsanctioned (or allows the sanctioned ones).</Text>
            <FilterDropdown
              label="Appliance"
              value={format}
              onChange={(v) => setFormat(v as typeof format)}
              options={Object.entries(BLOCK_FORMAT_LABELS)}
            />
            <FilterDropdown
              label="Apps"
              value={type}
              onChange={(v) => setType(v as typeof type)}
              options={[
                ['banned', 'Unsanctioned apps (block)'],
                ['allowed', 'Sanctioned apps (allow)'],
              ]}
            />
          </DialogContent>
          <DialogActions>
            <Button appearance="primary" icon={<ArrowDownloadRegular />} disabled={busy} onClick={() => void download()}>
              Download
            </Button>
            <Button onClick={onClose}>Cancel</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

function DiscoveredAppDrawer({
  app,
  canManage,
  onClose,
  onChanged,
}: {
  app: DiscoveredApp;
  canManage: boolean;
  onClose: () => void;
  onChanged: (state: string | null) => void;
}) {
  const s = useStyles();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const mark = async (state: 'sanctioned' | 'unsanctioned' | 'monitored' | null) => {
    setBusy(true);
    setError(undefined);
    try {
      if (state) await cloudAppsAdmin('PUT', `/discovery/apps/${app.appId}`, { state });
      else await cloudAppsAdmin('DELETE', `/discovery/apps/${app.appId}`);
      onChanged(state);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const risk = app.riskScores as Record<string, number> | undefined;
  return (
    <OverlayDrawer position="end" size="medium" open onOpenChange={(_e, d) => !d.open && onClose()}>
      <DrawerHeader>
        <DrawerHeaderTitle action={<Button appearance="subtle" aria-label="Close" icon={<DismissRegular />} onClick={onClose} />}>
          {app.name}
        </DrawerHeaderTitle>
      </DrawerHeader>
      <DrawerBody>
        {error ? <ErrorState error={error} /> : null}
        <div className={s.actions}>
          <Button disabled={!canManage || busy || app.sanctionState === 'sanctioned'} onClick={() => void mark('sanctioned')}>
            Sanction
          </Button>
          <Button disabled={!canManage || busy || app.sanctionState === 'unsanctioned'} onClick={() => void mark('unsanctioned')}>
            Unsanction
          </Button>
          <Button disabled={!canManage || busy || app.sanctionState === 'monitored'} onClick={() => void mark('monitored')}>
            Monitor
          </Button>
          <Button disabled={!canManage || busy || !app.sanctionState} onClick={() => void mark(null)}>
            Clear tag
          </Button>
        </div>
        <div className={s.details}>
          <Text className={s.label}>Tag</Text>
          <span data-testid="app-sanction-state">{app.sanctionState ? <SanctionBadge state={String(app.sanctionState)} /> : 'None'}</span>
          <Text className={s.label}>Category</Text>
          <Text>
            {String(app.category ?? '')
              .replace(/^SAASDB_CATEGORY_/, '')
              .replace(/_/g, ' ')}
          </Text>
          <Text className={s.label}>Risk score</Text>
          <Text>{app.score ?? '—'} / 10</Text>
          {risk ? (
            <>
              <Text className={s.label}>General · Security · Compliance · Legal</Text>
              <Text>
                {risk.general} · {risk.security} · {risk.compliance} · {risk.legal}
              </Text>
            </>
          ) : null}
          <Text className={s.label}>Vendor</Text>
          <Text>{String(app.vendor ?? '—')}</Text>
          <Text className={s.label}>Domains</Text>
          <Text>{((app.domainList as string[] | undefined) ?? []).join(', ') || '—'}</Text>
          <Text className={s.label}>Users</Text>
          <Text>{app.usersCount ?? 0}</Text>
          <Text className={s.label}>IP addresses</Text>
          <Text>{app.ipAddressesCount ?? 0}</Text>
          <Text className={s.label}>Traffic</Text>
          <Text>
            {formatBytes(app.trafficTotalBytes)} ({formatBytes(app.trafficUploadedBytes)} uploaded)
          </Text>
          <Text className={s.label}>Transactions</Text>
          <Text>{(app.trafficTotalEvents ?? 0).toLocaleString()}</Text>
          <Text className={s.label}>Last seen</Text>
          <Text>{formatDate(app.lastUsed)}</Text>
        </div>
      </DrawerBody>
    </OverlayDrawer>
  );
}
