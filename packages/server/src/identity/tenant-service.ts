import crypto from 'node:crypto';
import { BUILT_IN_RESOURCES, FIRST_PARTY_TENANT_ID } from '@appwarden/protocol';
import { EntraError, errors } from '../http/errors.js';
import type { Stores } from '../store/interfaces.js';
import type { TenantRow } from '../store/schema.js';
import type { Clock } from '../clock.js';
import { ensureFirstPartyClients } from './first-party-clients.js';
import type { SigningKeyService } from './signing-keys.js';

export const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DNS_RE = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const NAME_RE = /^[a-z0-9](?:[a-z0-9-]{0,40}[a-z0-9])?$/;
/** Multi-tenant aliases, and first path segments of Azure Resource Manager on the same origin. */
const RESERVED_NAMES = new Set(['subscriptions', 'tenants', 'providers', 'metadata', 'common', 'organizations', 'consumers']);
export const MULTI_TENANT_ALIASES = new Set(['common', 'organizations', 'consumers']);

export interface Tenant {
  id: string;
  name: string;
  domain: string;
  displayName: string;
  createdAt: number;
  settings: Record<string, unknown>;
}

const toTenant = (r: TenantRow): Tenant => ({
  id: r.id,
  name: r.name,
  domain: r.domain,
  displayName: r.display_name,
  createdAt: r.created_at,
  settings: JSON.parse(r.settings) as Record<string, unknown>,
});

/** How long a resolved tenant may be served from memory; any write (change stamp) drops it sooner. */
const TENANT_CACHE_TTL_MS = 30_000;

export class TenantService {
  private readonly cache = new Map<string, { at: number; stamp: string; tenant: Tenant }>();

  constructor(
    private readonly stores: Stores,
    private readonly keys: SigningKeyService,
    private readonly clock: Clock,
  ) {}

  /** Creates a tenant with its first signing key and the built-in resources' service principals. */
  async create(input: { name: string; displayName?: string; id?: string }): Promise<Tenant> {
    const name = input.name.toLowerCase();
    if (!NAME_RE.test(name)) {
      throw errors.invalidInput(`tenant name '${input.name}' must be 1-42 lowercase letters, digits or hyphens`);
    }
    if (RESERVED_NAMES.has(name)) throw errors.invalidInput(`tenant name '${name}' is reserved (a path of another API)`);
    // Invalid input rather than a conflict: the operator API has always answered a taken name with 400.
    if (await this.stores.tenants.getByDomain(name)) throw errors.invalidInput(`tenant '${name}' already exists`);
    const now = this.clock.now();
    const row: TenantRow = {
      id: input.id ?? crypto.randomUUID(),
      name,
      domain: `${name}.onmicrosoft.com`,
      display_name: input.displayName ?? name,
      created_at: now,
      settings: '{}',
    };
    await this.stores.transaction(async (tx) => {
      await tx.tenants.insert(row);
      for (const r of BUILT_IN_RESOURCES) {
        await tx.servicePrincipals.insert({
          id: crypto.randomUUID(),
          tenant_id: row.id,
          app_id: r.appId,
          display_name: r.displayName,
          account_enabled: 1,
          app_role_assignment_required: 0,
          app_owner_organization_id: FIRST_PARTY_TENANT_ID,
          created_at: now,
        });
      }
    });
    await this.keys.createKey(row.id, now);
    await ensureFirstPartyClients(this.stores, row.id, now);
    return toTenant(row);
  }

  async list(): Promise<Tenant[]> {
    return (await this.stores.tenants.list()).map(toTenant);
  }

  async getById(id: string): Promise<Tenant | undefined> {
    const r = await this.stores.tenants.getById(id.toLowerCase());
    return r ? toTenant(r) : undefined;
  }

  async updateSettings(id: string, settings: Record<string, unknown>): Promise<void> {
    await this.stores.tenants.updateSettings(id, JSON.stringify(settings));
    this.cache.clear();
  }

  /** A tenant by GUID or domain (or short name), case-insensitively; undefined when unknown. */
  async find(segment: string): Promise<Tenant | undefined> {
    const key = segment.toLowerCase();
    const now = this.clock.now();
    const stamp = this.stores.changeStamp();
    const hit = this.cache.get(key);
    if (hit && hit.stamp === stamp && now - hit.at < TENANT_CACHE_TTL_MS && now >= hit.at) return hit.tenant;
    const row = GUID_RE.test(key) ? await this.stores.tenants.getById(key) : await this.stores.tenants.getByDomain(key);
    if (!row) return undefined;
    const tenant = toTenant(row);
    this.cache.set(key, { at: now, stamp, tenant });
    return tenant;
  }

  /**
   * Resolves a tenant path segment for the token endpoint, with Entra's errors for malformed,
   * empty, multi-tenant-alias and unknown tenants.
   */
  async resolveForToken(segment: string): Promise<Tenant> {
    const key = segment.toLowerCase();
    if (MULTI_TENANT_ALIASES.has(key)) throw new EntraError('noTenantIdentifyingInformation');
    if (key === '00000000-0000-0000-0000-000000000000') throw new EntraError('emptyTenantGuid');
    if (!GUID_RE.test(key) && !DNS_RE.test(key)) throw new EntraError('invalidTenantIdentifier', { tenant: segment });
    const tenant = await this.find(key);
    if (!tenant) throw new EntraError('tenantNotFound', { tenant: segment });
    return tenant;
  }
}
