import { Button, makeStyles, tokens } from '@fluentui/react-components';
import { ArrowClockwiseRegular } from '@fluentui/react-icons';
import type { ListPage as SdkListPage } from '@appwarden/sdk';
import { useState, type ReactNode } from 'react';
import { Page } from './page.js';
import { Empty, ErrorState, Loading } from './page-states.js';
import { Pager } from './pager.js';
import { useAsync, type AsyncState } from './use-async.js';

/** Rows per page of the Cloud Apps lists, as the portal shows them. */
export const LIST_PAGE_SIZE = 20;

const useStyles = makeStyles({
  filters: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalM, alignItems: 'flex-end' },
});

export type PagedList<T> = AsyncState<SdkListPage<T>> & { reload: () => void };

/**
 * One page of a skip/limit list, loaded again whenever `filters` (compared by value), the tenant or
 * the page change. `filtered(set)` wraps a filter's setter so that changing it goes back to page one.
 */
export function usePagedList<T>(
  load: (page: { skip: number; pageSize: number }) => Promise<SdkListPage<T>>,
  filters: unknown,
  tenantId: string,
): { list: PagedList<T>; skip: number; setSkip: (skip: number) => void; filtered: <V>(set: (v: V) => void) => (v: V) => void } {
  const [skip, setSkip] = useState(0);
  const key = JSON.stringify({ filters, skip, tenantId });
  const list = useAsync(() => load({ skip, pageSize: LIST_PAGE_SIZE }), [key]);
  const filtered =
    <V,>(set: (v: V) => void) =>
    (v: V) => {
      set(v);
      setSkip(0);
    };
  return { list, skip, setSkip, filtered };
}

/** Reads one page of an SDK list iterator at `skip`. */
export async function firstPageAt<T>(
  pages: { byPage(settings: { continuationToken: string; maxPageSize: number }): AsyncIterator<SdkListPage<T>> },
  page: { skip: number; pageSize: number },
): Promise<SdkListPage<T>> {
  const it = pages.byPage({ continuationToken: String(page.skip), maxPageSize: page.pageSize });
  return (await it.next()).value as SdkListPage<T>;
}

/**
 * A Cloud Apps list page: breadcrumb Home › section › title, a Refresh command, the filter bar, then
 * the list's states (error, first load, empty) and, with rows, `table(rows)` and the pager.
 */
export function ListPageLayout<T>(props: {
  title: string;
  section: string;
  /** Accessible name of the pager ("Alerts" → "Alerts pages"). */
  label: string;
  /** Accessible name of the filter bar ("Alert filters"). */
  filtersLabel: string;
  list: PagedList<T>;
  skip: number;
  onSkip: (skip: number) => void;
  loadingLabel: string;
  empty: { icon: ReactNode; title: string; children?: ReactNode };
  filters: ReactNode;
  table: (rows: T[]) => ReactNode;
  /** Commands after Refresh. */
  commands?: ReactNode;
  /** Drawers and dialogs of the page. */
  children?: ReactNode;
}) {
  const s = useStyles();
  const { list } = props;
  return (
    <Page
      title={props.title}
      crumbs={[{ label: 'Home', to: '/' }, { label: props.section }, { label: props.title }]}
      commands={
        <>
          <Button appearance="subtle" icon={<ArrowClockwiseRegular />} onClick={list.reload}>
            Refresh
          </Button>
          {props.commands}
        </>
      }
    >
      <div className={s.filters} role="search" aria-label={props.filtersLabel}>
        {props.filters}
      </div>
      {list.status === 'error' ? <ErrorState error={list.error} onRetry={list.reload} /> : null}
      {list.status === 'loading' && !list.data ? <Loading label={props.loadingLabel} /> : null}
      {list.data && list.data.data.length === 0 ? (
        <Empty icon={props.empty.icon} title={props.empty.title}>
          {props.empty.children}
        </Empty>
      ) : null}
      {list.data && list.data.data.length > 0 ? (
        <>
          {props.table(list.data.data)}
          <Pager
            label={props.label}
            skip={props.skip}
            count={list.data.data.length}
            total={list.data.total}
            moreThanTotal={list.data.moreThanTotal}
            hasNext={list.data.hasNext}
            pageSize={LIST_PAGE_SIZE}
            onSkip={props.onSkip}
          />
        </>
      ) : null}
      {props.children}
    </Page>
  );
}

/**
 * The start of "the last `days` days", to the minute: a filter built from it stays the same from
 * one render to the next (a value to the millisecond would reload the list on every render).
 */
export function daysAgo(days: number): number {
  return Math.floor((Date.now() - days * 86_400_000) / 60_000) * 60_000;
}
