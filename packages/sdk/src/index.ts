export * from './credentials.js';
export * from './errors.js';
export * from './management-client.js';
export * from './security-alerts.js';
export { callJson, retryAfterMs, errorMessage } from './http-call.js';
export { CloudAppsClient, type CloudAppsClientOptions } from './cloudapps-client.js';
export {
  CLOUD_APPS_RESOURCE_APP_ID,
  CLOUD_APPS_SCOPE,
  RequestPipeline,
  type ApiTokenAuth,
  type CloudAppsAuth,
  type OperatorKeyAuth,
  type PipelineAuth,
  type PipelineOptions,
  type PipelineRequest,
  type RetryEvent,
  type RetryOptions,
} from './cloudapps/request-pipeline.js';
export type { ListPage, PageSettings, PagedAsyncIterableIterator } from './cloudapps/paging.js';
export type { ListOptions, SortDirection } from './cloudapps/list-request.js';
export * from './cloudapps/filters.js';
export type * from './cloudapps/models.js';
export {
  AlertsOperations,
  type AlertListOptions,
  type AlertSelection,
  type AlertSortField,
  type CloseBenignOptions,
  type CloseFalsePositiveOptions,
  type CloseOptions,
} from './cloudapps/alerts.js';
export {
  ActivitiesOperations,
  type ActivityFeedback,
  type ActivityListOptions,
  type ActivityScanOptions,
  type ActivitySortField,
} from './cloudapps/activities.js';
export { EntitiesOperations, entityPathKey, type EntityListOptions, type EntitySortField } from './cloudapps/entities.js';
export { FilesOperations, type FileListOptions, type FileSortField } from './cloudapps/files.js';
export { SubnetsOperations, type SubnetListOptions, type SubnetSortField } from './cloudapps/subnets.js';
export { PoliciesOperations, type PolicyListOptions, type PolicySortField } from './cloudapps/policies.js';
export {
  BLOCK_SCRIPT_FORMATS,
  DiscoveryOperations,
  type CategoriesOptions,
  type DiscoveredAppSortField,
  type DiscoveredAppsOptions,
  type UploadOptions,
  type UploadProgress,
  type UploadResult,
  type UploadJob,
  type UploadStep,
} from './cloudapps/discovery.js';
export { DEFAULT_BLOCK_SIZE, uploadToBlobUrl, type BlobUploadOptions, type UploadData } from './cloudapps/blob-upload.js';
