import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Field,
  Input,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Textarea,
  makeStyles,
  tokens,
} from '@fluentui/react-components';
import { AddRegular, ArrowClockwiseRegular, DeleteRegular, EditRegular, LocationRegular } from '@fluentui/react-icons';
import type { ListPage, Subnet } from '@appwarden/sdk';
import { useState } from 'react';
import { cloudApps } from '../../api/clients.js';
import { IP_CATEGORY_LABELS } from '../../api/cloud-apps-labels.js';
import { ConfirmDialog } from '../../shell/confirm-dialog.js';
import { FilterDropdown } from '../../shell/filter-dropdown.js';
import { Page } from '../../shell/page.js';
import { Empty, ErrorState, Loading } from '../../shell/page-states.js';
import { Pager } from '../../shell/pager.js';
import { useSession } from '../../shell/session-context.js';
import { useAsync } from '../../shell/use-async.js';

const PAGE_SIZE = 20;
const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  actions: { display: 'flex', gap: tokens.spacingHorizontalXS },
});

interface Draft {
  id?: string;
  name: string;
  ranges: string;
  category: string;
  organization: string;
  tags: string;
}

const EMPTY: Draft = { name: '', ranges: '', category: '1', organization: '', tags: '' };

export function IpAddressRangesPage() {
  const s = useStyles();
  const { session, access } = useSession();
  const [skip, setSkip] = useState(0);
  const [draft, setDraft] = useState<Draft>();
  const [toDelete, setToDelete] = useState<Subnet>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const list = useAsync(async (): Promise<ListPage<Subnet>> => {
    const it = cloudApps()
      .subnets.list({ sortField: 'name', sortDirection: 'asc', maxPageSize: PAGE_SIZE })
      .byPage({ continuationToken: String(skip), maxPageSize: PAGE_SIZE });
    return (await it.next()).value as ListPage<Subnet>;
  }, [skip, session.tenantId]);

  const save = async () => {
    if (!draft) return;
    setBusy(true);
    setError(undefined);
    try {
      const input = {
        name: draft.name.trim(),
        category: Number(draft.category),
        subnets: draft.ranges.split(/[\s,]+/).filter(Boolean),
        ...(draft.organization.trim() ? { organization: draft.organization.trim() } : {}),
        tags: draft.tags
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      };
      if (draft.id) await cloudApps().subnets.update(draft.id, input);
      else await cloudApps().subnets.create(input);
      setDraft(undefined);
      list.reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page
      title="IP address ranges"
      crumbs={[{ label: 'Home', to: '/' }, { label: 'Cloud Apps' }, { label: 'IP address ranges' }]}
      commands={
        <>
          <Button
            appearance="subtle"
            icon={<AddRegular />}
            disabled={!access.manageDefender}
            onClick={() => {
              setError(undefined);
              setDraft(EMPTY);
            }}
          >
            Add IP address range
          </Button>
          <Button appearance="subtle" icon={<ArrowClockwiseRegular />} onClick={list.reload}>
            Refresh
          </Button>
        </>
      }
    >
      {error && !draft ? <ErrorState error={error} /> : null}
      {list.status === 'error' ? <ErrorState error={list.error} onRetry={list.reload} /> : null}
      {list.status === 'loading' && !list.data ? <Loading label="Loading IP address ranges…" /> : null}
      {list.data && list.data.data.length === 0 ? (
        <Empty icon={<LocationRegular />} title="No IP address ranges yet">
          Name your corporate, VPN and risky address ranges so activities and discovery show where traffic comes from.
        </Empty>
      ) : null}
      {list.data && list.data.data.length > 0 ? (
        <>
          <Table aria-label="IP address ranges" size="small">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>Name</TableHeaderCell>
                <TableHeaderCell>IP address ranges</TableHeaderCell>
                <TableHeaderCell>Category</TableHeaderCell>
                <TableHeaderCell>Organization</TableHeaderCell>
                <TableHeaderCell>Tags</TableHeaderCell>
                <TableHeaderCell>
                  <span className="visually-hidden">Actions</span>
                </TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {list.data.data.map((r) => (
                <TableRow key={r._id}>
                  <TableCell>{r.name}</TableCell>
                  <TableCell>{r.subnets.map((x) => x.originalString).join(', ')}</TableCell>
                  <TableCell>{IP_CATEGORY_LABELS[r.category] ?? '—'}</TableCell>
                  <TableCell>{r.organization ?? '—'}</TableCell>
                  <TableCell>{(r.tags ?? []).map((t) => t.name).join(', ') || '—'}</TableCell>
                  <TableCell>
                    <div className={s.actions}>
                      <Button
                        appearance="subtle"
                        icon={<EditRegular />}
                        aria-label={`Edit ${r.name}`}
                        disabled={!access.manageDefender}
                        onClick={() =>
                          setDraft({
                            id: r._id,
                            name: r.name,
                            ranges: r.subnets.map((x) => x.originalString).join('\n'),
                            category: String(r.category),
                            organization: r.organization ?? '',
                            tags: (r.tags ?? []).map((t) => t.name).join(', '),
                          })
                        }
                      />
                      <Button
                        appearance="subtle"
                        icon={<DeleteRegular />}
                        aria-label={`Delete ${r.name}`}
                        disabled={!access.manageDefender}
                        onClick={() => setToDelete(r)}
                      />
                    </div>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Pager
            label="IP address ranges"
            skip={skip}
            count={list.data.data.length}
            total={list.data.total}
            hasNext={list.data.hasNext}
            pageSize={PAGE_SIZE}
            onSkip={setSkip}
          />
        </>
      ) : null}
      <Dialog open={draft !== undefined} onOpenChange={(_e, d) => !d.open && setDraft(undefined)}>
        <DialogSurface>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            <DialogBody>
              <DialogTitle>{draft?.id ? 'Edit IP address range' : 'New IP address range'}</DialogTitle>
              <DialogContent className={s.form}>
                {error ? <ErrorState error={error} /> : null}
                <Field label="Name" required>
                  <Input value={draft?.name ?? ''} onChange={(_e, d) => setDraft({ ...draft!, name: d.value })} />
                </Field>
                <Field label="IP address ranges" required hint="One per line, e.g. 10.0.0.0/8 or 2001:db8::/32">
                  <Textarea value={draft?.ranges ?? ''} onChange={(_e, d) => setDraft({ ...draft!, ranges: d.value })} />
                </Field>
                <FilterDropdown
                  label="Category"
                  value={draft?.category ?? '1'}
                  onChange={(v) => setDraft({ ...draft!, category: v })}
                  options={Object.entries(IP_CATEGORY_LABELS)}
                />
                <Field label="Registered ISP">
                  <Input value={draft?.organization ?? ''} onChange={(_e, d) => setDraft({ ...draft!, organization: d.value })} />
                </Field>
                <Field label="Tags" hint="Comma-separated">
                  <Input value={draft?.tags ?? ''} onChange={(_e, d) => setDraft({ ...draft!, tags: d.value })} />
                </Field>
              </DialogContent>
              <DialogActions>
                <Button appearance="primary" type="submit" disabled={busy || !draft?.name.trim() || !draft?.ranges.trim()}>
                  {draft?.id ? 'Update' : 'Create'}
                </Button>
                <Button onClick={() => setDraft(undefined)}>Cancel</Button>
              </DialogActions>
            </DialogBody>
          </form>
        </DialogSurface>
      </Dialog>
      <ConfirmDialog
        open={toDelete !== undefined}
        title={`Delete ${toDelete?.name ?? ''}?`}
        confirmLabel="Delete"
        onClose={() => setToDelete(undefined)}
        onConfirm={async () => {
          try {
            await cloudApps().subnets.delete(toDelete!._id);
            list.reload();
          } catch (e) {
            setError(e);
          }
        }}
      >
        Activities from these addresses will no longer be tagged with this range.
      </ConfirmDialog>
    </Page>
  );
}
