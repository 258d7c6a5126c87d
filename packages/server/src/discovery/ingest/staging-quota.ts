// What upload URLs may hold on disk before anything is committed. Without it, blocks that were
// staged and never committed were unlimited in number and size (up to 4000 MiB a block, any
// number of URLs) and the 5 GiB cap was checked only at commit (issue 12). Every byte is charged
// as it arrives, against its upload and its tenant, so a quota is never passed by more than one
// network chunk, whatever the number of concurrent requests. A tenant's total survives restarts:
// its first staging request in a process charges all its pending uploads from disk first.
import fs from 'node:fs';
import path from 'node:path';
import { BlobError, errors } from '../../http/errors.js';

/** Azure's limit of uncommitted blocks per blob. */
export const MAX_STAGED_BLOCKS = 100_000;

export interface StagingLimits {
  /** Staged blocks plus the committed blob of one upload (the upload size limit). */
  perUploadBytes: number;
  /** Everything staged under one tenant's uploads that are not yet processed. */
  perTenantBytes: number;
  maxBlocks?: number;
}

/**
 * The ids of a tenant's uploads that may still hold data on disk: not yet processed, and not
 * expired unused (the store's rows; see DiscoveryUploadStore.listPending).
 */
export type PendingUploads = (tenantId: string) => Promise<string[]>;

/** One upload's staged bytes: its blocks by file name and its committed blob. */
export interface StagedUpload {
  readonly tenantId: string;
  bytes: number;
  readonly blocks: Map<string, number>;
}

export class StagingQuota {
  private readonly uploads = new Map<string, StagedUpload>();
  private readonly tenants = new Map<string, number>();
  /** Tenants whose pending uploads are charged (or being charged): see loadTenant. */
  private readonly loaded = new Map<string, Promise<void>>();
  /** Uploads removed while a tenant load was reading the disk: not charged when that read ends. */
  private readonly gone = new Set<string>();
  private loading = 0;
  readonly maxBlocks: number;

  constructor(
    private readonly root: string,
    readonly limits: StagingLimits,
    /** Without it, a tenant's total counts only the uploads opened in this process. */
    private readonly pending?: PendingUploads,
  ) {
    this.maxBlocks = limits.maxBlocks ?? MAX_STAGED_BLOCKS;
  }

  /** Bytes staged by a tenant's uploads that this process has charged (all of them once open() ran for the tenant). */
  tenantBytes(tenantId: string): number {
    return this.tenants.get(tenantId) ?? 0;
  }

  /**
   * The upload's ledger entry; read from disk the first time (after a restart). The tenant's first
   * call in this process first charges every pending upload of the tenant from what is on disk, so
   * that data staged before a restart counts against the tenant's quota before any more is accepted.
   */
  async open(uploadId: string, tenantId: string): Promise<StagedUpload> {
    const known = this.uploads.get(uploadId);
    if (known) return known;
    await this.loadTenant(tenantId);
    return this.read(uploadId, tenantId);
  }

  /** Charges the tenant's pending uploads once per process; concurrent callers share the work, a failure is retried next time. */
  private loadTenant(tenantId: string): Promise<void> {
    if (!this.pending) return Promise.resolve();
    let p = this.loaded.get(tenantId);
    if (!p) {
      const pending = this.pending;
      p = (async () => {
        this.loading++;
        try {
          for (const id of await pending(tenantId)) await this.read(id, tenantId);
        } finally {
          if (--this.loading === 0) this.gone.clear();
        }
      })();
      this.loaded.set(tenantId, p);
      p.catch(() => this.loaded.delete(tenantId));
    }
    return p;
  }

  private async read(uploadId: string, tenantId: string): Promise<StagedUpload> {
    const known = this.uploads.get(uploadId);
    if (known) return known;
    const dir = path.join(this.root, uploadId);
    const blocks = new Map<string, number>();
    let bytes = 0;
    const names = await fs.promises.readdir(path.join(dir, 'blocks')).catch(() => [] as string[]);
    for (const name of names) {
      if (name.endsWith('.part')) continue;
      const st = await fs.promises.stat(path.join(dir, 'blocks', name)).catch(() => undefined);
      if (!st) continue;
      blocks.set(name, st.size);
      bytes += st.size;
    }
    const blob = await fs.promises.stat(path.join(dir, 'blob')).catch(() => undefined);
    if (blob) bytes += blob.size;
    // Another request may have opened it meanwhile.
    const raced = this.uploads.get(uploadId);
    if (raced) return raced;
    const entry: StagedUpload = { tenantId, bytes, blocks };
    // Processed (or swept) while its files were read: nothing of it is left to charge.
    if (this.gone.has(uploadId)) return entry;
    this.uploads.set(uploadId, entry);
    this.tenants.set(tenantId, this.tenantBytes(tenantId) + bytes);
    return entry;
  }

  /** Refuses before reading a body whose declared length cannot fit. */
  precheck(e: StagedUpload, declared: number | undefined, replacing = 0): void {
    if (declared !== undefined && Number.isFinite(declared)) this.check(e, declared - replacing);
  }

  /** A new block name past the block count limit: Azure's 409 BlockCountExceedsLimit. */
  checkBlockCount(e: StagedUpload, file: string): void {
    if (!e.blocks.has(file) && e.blocks.size >= this.maxBlocks) {
      throw new BlobError(
        'BlockCountExceedsLimit',
        `The uncommitted block count cannot exceed the maximum limit of ${this.maxBlocks} blocks.`,
      );
    }
  }

  private check(e: StagedUpload, n: number): void {
    if (e.bytes + n > this.limits.perUploadBytes) {
      throw errors.payloadTooLarge(`The data staged for this upload would exceed the limit of ${this.limits.perUploadBytes} bytes.`);
    }
    if (this.tenantBytes(e.tenantId) + n > this.limits.perTenantBytes) {
      throw errors.payloadTooLarge(
        `The data staged by this tenant's uploads would exceed the limit of ${this.limits.perTenantBytes} bytes; submit or let expire earlier uploads.`,
      );
    }
  }

  /** Charges `n` arriving bytes, or throws (413) when either quota would be passed. */
  charge(e: StagedUpload, n: number): void {
    this.check(e, n);
    this.add(e, n);
  }

  /**
   * A meter for one request body that replaces `credit` bytes already staged (a block staged again
   * under its id, a Put Blob over earlier data): those are not charged twice.
   */
  meter(e: StagedUpload, credit = 0): { meter: (n: number) => void; charged: () => number } {
    let left = credit;
    let charged = 0;
    return {
      meter: (n) => {
        const free = Math.min(left, n);
        left -= free;
        if (n > free) {
          this.charge(e, n - free);
          charged += n - free;
        }
      },
      charged: () => charged,
    };
  }

  release(e: StagedUpload, n: number): void {
    this.add(e, -n);
  }

  /** The upload now holds `total` bytes on disk (after a commit or a Put Blob). */
  settle(e: StagedUpload, total: number): void {
    e.blocks.clear();
    this.add(e, total - e.bytes);
  }

  forget(uploadId: string): void {
    if (this.loading > 0) this.gone.add(uploadId);
    const e = this.uploads.get(uploadId);
    if (!e) return;
    this.add(e, -e.bytes);
    this.uploads.delete(uploadId);
  }

  private add(e: StagedUpload, n: number): void {
    e.bytes += n;
    const t = this.tenantBytes(e.tenantId) + n;
    if (t <= 0) this.tenants.delete(e.tenantId);
    else this.tenants.set(e.tenantId, t);
  }
}
