import crypto from 'node:crypto';
import type { Command } from 'commander';
import { DIRECTORY_ROLE_TEMPLATES } from '@appwarden/protocol';
import type { GraphObject, ManagementClient } from '@appwarden/sdk';
import { managementClient, UsageError, type ConnectionOptions } from '../connection.js';
import { emit, printRecord, printTable } from '../output.js';
import { withConnectionOptions } from '../options.js';

/** A role by template id or display name ("Security Reader", "security-reader"), case-insensitively. */
function findRole(name: string) {
  const key = name.toLowerCase().replace(/[-_]/g, ' ');
  const role = DIRECTORY_ROLE_TEMPLATES.find((r) => r.id === key || r.displayName.toLowerCase() === key);
  if (!role)
    throw new UsageError(
      `Unknown directory role '${name}'. Known roles: ${DIRECTORY_ROLE_TEMPLATES.map((r) => r.displayName).join(', ')}.`,
    );
  return role;
}

async function findUser(client: ManagementClient, ref: string): Promise<GraphObject> {
  return client.request<GraphObject>('GET', `/v1.0/users/${encodeURIComponent(ref)}`);
}

/** A generated password that meets Entra's complexity rule (shown once). */
function generatedPassword(): string {
  return `Aw-${crypto.randomBytes(12).toString('base64url')}9`;
}

/** `appwarden user ...`: directory users and their roles, through the management (Graph) API. */
export function registerUser(program: Command): void {
  const user = program.command('user').description('Manage directory users and their directory roles (management API)');

  withConnectionOptions(user.command('create <userPrincipalName>').description('Create a user; a generated password is shown once'))
    .option('--display-name <name>', 'display name (default: the alias)')
    .option('--password <password>', 'initial password (default: generated)')
    .option('--force-change-password', 'require a new password at first sign-in')
    .option('--role <role...>', 'directory roles to assign, e.g. "Security Reader"')
    .action(
      async (
        upn: string,
        opts: ConnectionOptions & { displayName?: string; password?: string; forceChangePassword?: boolean; role?: string[] },
      ) => {
        const roles = (opts.role ?? []).map(findRole);
        const client = managementClient(opts);
        const alias = upn.split('@')[0]!;
        const password = opts.password ?? generatedPassword();
        const created = await client.request<GraphObject>('POST', '/v1.0/users', {
          accountEnabled: true,
          displayName: opts.displayName ?? alias,
          mailNickname: alias.replace(/[^A-Za-z0-9._-]/g, '') || 'user',
          userPrincipalName: upn,
          passwordProfile: { password, forceChangePasswordNextSignIn: Boolean(opts.forceChangePassword) },
        });
        for (const r of roles) {
          await client.request('POST', '/v1.0/roleManagement/directory/roleAssignments', {
            roleDefinitionId: r.id,
            principalId: created.id,
            directoryScopeId: '/',
          });
        }
        const out = {
          id: created.id,
          userPrincipalName: created.userPrincipalName,
          displayName: created.displayName,
          roles: roles.map((r) => r.displayName),
          ...(opts.password ? {} : { password }),
        };
        emit(opts, out, () => {
          printRecord(out);
          if (!opts.password) process.stderr.write('The password is shown only once.\n');
        });
      },
    );

  withConnectionOptions(user.command('list').description('List users'))
    .option('--filter <odata>', `OData $filter, e.g. "startswith(displayName,'Adele')"`)
    .action(async (opts: ConnectionOptions & { filter?: string }) => {
      const client = managementClient(opts);
      const q = opts.filter ? `?$filter=${encodeURIComponent(opts.filter)}&$top=999` : '?$top=999';
      const users = (await client.request<{ value: GraphObject[] }>('GET', `/v1.0/users${q}`)).value;
      const assignments = (
        await client.request<{ value: { principalId: string; roleDefinitionId: string }[] }>(
          'GET',
          '/v1.0/roleManagement/directory/roleAssignments',
        )
      ).value;
      const rows = users.map((u) => ({
        ...u,
        roles: assignments
          .filter((a) => a.principalId === u.id)
          .map((a) => DIRECTORY_ROLE_TEMPLATES.find((t) => t.id === a.roleDefinitionId)?.displayName ?? a.roleDefinitionId)
          .join(', '),
      }));
      emit(opts, rows, () => printTable(rows, ['userPrincipalName', 'displayName', 'accountEnabled', 'roles', 'id']));
    });

  withConnectionOptions(user.command('delete <user>').description('Delete a user (by id or user principal name)')).action(
    async (ref: string, opts: ConnectionOptions) => {
      const client = managementClient(opts);
      const u = await findUser(client, ref);
      await client.request('DELETE', `/v1.0/users/${u.id}`);
      emit(opts, { deleted: u.id }, () => process.stdout.write(`Deleted ${String(u.userPrincipalName)}\n`));
    },
  );

  const role = user.command('role').description('Directory roles of a user');
  withConnectionOptions(role.command('add <user> <role>').description('Assign a directory role, e.g. "Security Reader"')).action(
    async (ref: string, roleName: string, opts: ConnectionOptions) => {
      const r = findRole(roleName);
      const client = managementClient(opts);
      const u = await findUser(client, ref);
      const a = await client.request<GraphObject>('POST', '/v1.0/roleManagement/directory/roleAssignments', {
        roleDefinitionId: r.id,
        principalId: u.id,
        directoryScopeId: '/',
      });
      const out = { id: a.id, user: u.userPrincipalName, role: r.displayName, roleDefinitionId: r.id };
      emit(opts, out, () => printRecord(out));
    },
  );
}
