import { LIST_LIMITS, SORT_FIELDS, type FilterResource } from '@appwarden/protocol';
import type { ListPage, ListQuery } from '../store/interfaces.js';
import { invalidParameter } from './errors.js';
import { readFilters } from './filters/index.js';
import { intParam, stringParam, skipParam } from './request-params.js';
import { RawJson } from './route-definition.js';

export interface ListRequest extends ListQuery {
  /** Largest page this request may get: 100, or 5000 in activity scan mode. */
  max: number;
}

/** skip, limit (clamped), sortField, sortDirection and filters of a list request. */
export function readListRequest(params: Record<string, unknown>, resource: FilterResource, now: number, scan = false): ListRequest {
  const sorts = SORT_FIELDS[resource];
  const skip = skipParam(params);
  const max = scan ? LIST_LIMITS.scanMax : LIST_LIMITS.maxLimit;
  const requested = intParam(params, 'limit', scan ? LIST_LIMITS.scanDefault : LIST_LIMITS.defaultLimit);
  const limit = scan ? Math.min(Math.max(requested, LIST_LIMITS.scanMin), max) : Math.min(Math.max(requested, 1), max);
  const sortField = stringParam(params, 'sortField') ?? (scan ? 'date' : sorts.default);
  if (!sorts.fields.includes(sortField)) {
    throw invalidParameter('sortField', `sortField must be one of ${sorts.fields.join(', ')}`, sortField);
  }
  const dir = (stringParam(params, 'sortDirection') ?? sorts.direction).toLowerCase();
  if (dir !== 'asc' && dir !== 'desc') throw invalidParameter('sortDirection', 'sortDirection must be asc or desc', dir);
  return { conditions: readFilters(params.filters, resource, now), sortField, sortDirection: dir, skip, limit, max };
}

/** The list envelope, keys in the published order. */
export function envelope<Row>(page: ListPage<Row>, max: number, data: unknown[]) {
  return { data, hasNext: page.hasNext, max, total: page.total, moreThanTotal: page.moreThanTotal };
}

/** A list item: a stored JSON object (text, or UTF-8 bytes) and members to add before its closing brace. */
export interface SplicedItem {
  doc: string | Uint8Array;
  /** JSON members, without braces or leading comma; '' leaves the object as stored. */
  members: string;
}

/**
 * The envelope around stored objects with members spliced in, written into one buffer: documents
 * read as bytes go out without being decoded into strings and encoded again, text documents are
 * encoded once, straight into place, and each is copied once (its closing brace is overwritten by
 * the spliced members). No joined string of the whole page is ever built: a 330 KB page of
 * activities would be a large V8 string to flatten, encode and collect per answer. `extra` holds
 * envelope members after `moreThanTotal` (with their leading comma).
 */
export function envelopeBytes<Row>(page: ListPage<Row>, max: number, items: SplicedItem[], extra = ''): RawJson {
  const head = '{"data":[';
  const tail = `],"hasNext":${page.hasNext},"max":${max},"total":${page.total},"moreThanTotal":${page.moreThanTotal}${extra}}`;
  let size = head.length + Buffer.byteLength(tail);
  for (const { doc, members } of items) {
    size += (typeof doc === 'string' ? Buffer.byteLength(doc) : doc.length) + Buffer.byteLength(members) + 2;
  }
  const out = Buffer.allocUnsafe(size);
  let at = out.write(head, 0, 'latin1');
  for (let i = 0; i < items.length; i++) {
    const { doc, members } = items[i]!;
    if (i > 0) out[at++] = 0x2c; // ,
    if (members === '') {
      at += typeof doc === 'string' ? out.write(doc, at) : (out.set(doc, at), doc.length);
      continue;
    }
    if (doc.length <= 2) {
      // `{}`: no member to follow with a comma.
      at += out.write(`{${members}}`, at);
      continue;
    }
    if (typeof doc === 'string') at += out.write(doc, at) - 1;
    else {
      out.set(doc, at);
      at += doc.length - 1;
    }
    at += out.write(`,${members}}`, at);
  }
  at += out.write(tail, at);
  return new RawJson(out.subarray(0, at));
}

/** The envelope around items that are already JSON text (see envelopeBytes). */
export function envelopeText<Row>(page: ListPage<Row>, max: number, items: string[], extra = ''): RawJson {
  return envelopeBytes(
    page,
    max,
    items.map((doc) => ({ doc, members: '' })),
    extra,
  );
}
