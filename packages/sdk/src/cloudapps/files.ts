import type { FileFilters } from './filters.js';
import { enc, listBySkip, withSignal, type ListOptions } from './list-request.js';
import type { CloudAppsFile } from './models.js';
import type { PagedAsyncIterableIterator } from './paging.js';
import type { RequestPipeline } from './request-pipeline.js';

/** Sort is undocumented: the PowerShell module sends `modifiedDate`; the rest are Appwarden's. */
export type FileSortField = 'modifiedDate' | 'createdDate' | 'name' | 'fileSize' | 'snapshotLastModifiedDate';
export type FileListOptions = ListOptions<FileFilters, FileSortField>;

/** Files of connected apps: list, get (reference §6.4). */
export class FilesOperations {
  constructor(private readonly pipeline: RequestPipeline) {}

  /** Trashed and deleted files are left out unless `filters.allowDeleted` or `filters.trashed` asks for them. */
  list(options: FileListOptions = {}): PagedAsyncIterableIterator<CloudAppsFile> {
    return listBySkip<CloudAppsFile>(this.pipeline, '/api/v1/files/', options);
  }

  /** By the file's 24-hex `_id`. */
  get(id: string, options: { signal?: AbortSignal } = {}): Promise<CloudAppsFile> {
    return this.pipeline.send<CloudAppsFile>({ method: 'GET', url: `/api/v1/files/${enc(id)}/`, ...withSignal(options.signal) });
  }
}
