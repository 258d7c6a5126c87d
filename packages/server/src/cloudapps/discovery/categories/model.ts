import type { ItemFieldMap } from '../../filters/evaluate.js';

/** A category as clients name it (`CLOUD_STORAGE` or `SAASDB_CATEGORY_CLOUD_STORAGE`, any case) as its id. */
export function categoryId(s: string): string {
  return (s.startsWith('SAASDB_') ? s : `SAASDB_CATEGORY_${s}`).toUpperCase();
}

/** One row of the categories list: a category of the report and its number of apps. */
export interface CategoryCount {
  id: string;
  total: number;
}

/** How the `discoveryCategories` filter fields read a row (registry: DISCOVERY_CATEGORY_FILTER_FIELDS). */
export const CATEGORY_FIELDS: ItemFieldMap<CategoryCount> = {
  id: { read: (c) => c.id, fold: categoryId },
  category: { read: (c) => c.id, fold: categoryId },
};

/** `sortField` values: `score` and `total` are the number of apps; `id` and `name` the category id. */
export const CATEGORY_SORT_FIELDS = ['score', 'total', 'id', 'name'] as const;
