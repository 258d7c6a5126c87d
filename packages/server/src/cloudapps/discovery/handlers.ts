import type { CloudAppsRoute } from '../route-definition.js';
import { BLOCK_SCRIPT_ROUTES } from './block-scripts/handlers.js';
import { CATEGORY_ROUTES } from './categories/handlers.js';
import { DATA_SOURCE_ROUTES } from './data-sources/handlers.js';
import { DISCOVERED_APP_ROUTES } from './discovered-apps/handlers.js';
import { STREAM_ROUTES } from './streams/handlers.js';
import { UPLOAD_ROUTES } from './uploads/handlers.js';

/**
 * Cloud Discovery operations, one folder per resource. Permission rows (reference §2.3): streams,
 * categories, discovered apps, upload-job status and the data-source list need Discovery.read
 * (`discovery.streams` / `discovery.categories`); upload, block scripts and data-source changes
 * need Discovery.manage.
 */
export const DISCOVERY_ROUTES: CloudAppsRoute[] = [
  ...UPLOAD_ROUTES,
  ...STREAM_ROUTES,
  ...DISCOVERED_APP_ROUTES,
  ...CATEGORY_ROUTES,
  ...BLOCK_SCRIPT_ROUTES,
  ...DATA_SOURCE_ROUTES,
];
