import crypto from 'node:crypto';
import { DIRECTORY_ROLE_TEMPLATES, type DirectoryRoleTemplate } from '@appwarden/protocol';
import { errors } from '../../http/errors.js';
import type { Stores } from '../../store/interfaces.js';
import type { DirectoryRoleAssignmentRow } from '../../store/user-context-schema.js';
import type { Clock } from '../../clock.js';
import { GUID_RE } from '../tenant-service.js';

/** A directory role as `/v1.0/directoryRoles` shows it: every known template counts as activated. */
export interface DirectoryRole extends DirectoryRoleTemplate {
  /** Per-tenant object id, derived from tenant and template so every process agrees. */
  objectId: string;
}

export function directoryRoleObjectId(tenantId: string, templateId: string): string {
  const h = crypto.createHash('sha256').update(`appwarden directory role ${tenantId} ${templateId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Directory role assignments of users (Graph `unifiedRoleAssignment` and `directoryRole` members). */
export class DirectoryRoleService {
  constructor(
    private readonly stores: Stores,
    private readonly clock: Clock,
  ) {}

  roles(tenantId: string): DirectoryRole[] {
    return DIRECTORY_ROLE_TEMPLATES.map((t) => ({ ...t, objectId: directoryRoleObjectId(tenantId, t.id) }));
  }

  /** A role by its per-tenant object id, its template id, or `roleTemplateId=<id>`. */
  role(tenantId: string, key: string): DirectoryRole | undefined {
    const k = key.toLowerCase().replace(/^roletemplateid=/, '');
    return this.roles(tenantId).find((r) => r.objectId === k || r.id === k);
  }

  async assign(tenantId: string, principalId: unknown, roleKey: unknown): Promise<DirectoryRoleAssignmentRow> {
    if (typeof principalId !== 'string' || !GUID_RE.test(principalId))
      throw errors.invalidInput("Property 'principalId' must be a user id.");
    const role = typeof roleKey === 'string' ? this.role(tenantId, roleKey) : undefined;
    if (!role)
      throw errors.notFound(
        `Resource '${String(roleKey)}' does not exist or one of its queried reference-property objects are not present.`,
      );
    const user = await this.stores.users.getById(principalId.toLowerCase());
    if (!user || user.tenant_id !== tenantId) {
      throw errors.notFound(`Resource '${principalId}' does not exist or one of its queried reference-property objects are not present.`);
    }
    const existing = await this.stores.userContext.directoryRoles.list(tenantId, { principalId: user.id, roleTemplateId: role.id });
    if (existing.length > 0) {
      throw errors.invalidInput("One or more added object references already exist for the following modified properties: 'members'.");
    }
    const row: DirectoryRoleAssignmentRow = {
      // Entra's assignment ids are opaque base64url strings; keep that shape.
      id: crypto.randomBytes(33).toString('base64url'),
      tenant_id: tenantId,
      principal_id: user.id,
      role_template_id: role.id,
      created_at: this.clock.now(),
    };
    await this.stores.userContext.directoryRoles.insert(row);
    return row;
  }

  list(tenantId: string, filter: { principalId?: string; roleTemplateId?: string } = {}): Promise<DirectoryRoleAssignmentRow[]> {
    return this.stores.userContext.directoryRoles.list(tenantId, filter);
  }

  get(tenantId: string, id: string): Promise<DirectoryRoleAssignmentRow | undefined> {
    return this.stores.userContext.directoryRoles.get(tenantId, id);
  }

  remove(tenantId: string, id: string): Promise<boolean> {
    return this.stores.userContext.directoryRoles.delete(tenantId, id);
  }

  /** Template ids of the roles a user holds. */
  async roleTemplateIdsOf(tenantId: string, userId: string): Promise<string[]> {
    return (await this.list(tenantId, { principalId: userId })).map((r) => r.role_template_id);
  }
}
