import type { Command } from 'commander';
import type { GraphObject, ManagementClient } from '@appwarden/sdk';
import { managementClient, UsageError, type ConnectionOptions } from '../connection.js';
import { emit, printRecord, printTable } from '../output.js';
import { withConnectionOptions } from '../options.js';

type AppRole = { id: string; value: string; allowedMemberTypes?: string[] };
type Rra = { resourceAppId: string; resourceAccess: { id: string; type: string }[] };

async function findApp(client: ManagementClient, appIdOrName: string): Promise<GraphObject> {
  if (/^[0-9a-f-]{36}$/i.test(appIdOrName)) return client.getApplication(appIdOrName, true);
  const found = await client.listApplications(`displayName eq '${appIdOrName.replace(/'/g, "''")}'`);
  if (found.length === 0) throw new UsageError(`No application named '${appIdOrName}'.`);
  if (found.length > 1) throw new UsageError(`Several applications are named '${appIdOrName}'; use the application (client) id.`);
  return found[0]!;
}

/** Resource service principal by display name ("Microsoft Cloud App Security"), appId or identifier URI. */
async function findResource(client: ManagementClient, resource: string): Promise<GraphObject> {
  const all = await client.listServicePrincipals();
  const r = resource.toLowerCase().replace(/\/+$/, '');
  const match = all.find(
    (sp) =>
      String(sp.appId).toLowerCase() === r ||
      String(sp.displayName).toLowerCase() === r ||
      ((sp.servicePrincipalNames as string[] | undefined) ?? []).some((n) => n.toLowerCase().replace(/\/+$/, '') === r),
  );
  if (!match) throw new UsageError(`No resource '${resource}' in this tenant (try "Microsoft Cloud App Security" or "Microsoft Graph").`);
  return match;
}

/** `appwarden app ...`: app registrations through the management (Graph) API. */
export function registerApp(program: Command): void {
  const app = program.command('app').description('Manage app registrations (management API)');

  withConnectionOptions(
    app.command('create <displayName>').description('Register an application and create its service principal (as the portal does)'),
  )
    .option('--multi-tenant', 'signInAudience AzureADMultipleOrgs (usable in other tenants after consent)')
    .option('--identifier-uri <uri...>', 'App ID URIs (for an app that exposes an API)')
    .option('--redirect-uri <uri...>', 'web redirect URIs (for the consent link)')
    .action(
      async (
        displayName: string,
        opts: ConnectionOptions & { multiTenant?: boolean; identifierUri?: string[]; redirectUri?: string[] },
      ) => {
        const client = managementClient(opts);
        const created = await client.createApplication({
          displayName,
          signInAudience: opts.multiTenant ? 'AzureADMultipleOrgs' : 'AzureADMyOrg',
          ...(opts.identifierUri ? { identifierUris: opts.identifierUri } : {}),
          ...(opts.redirectUri ? { web: { redirectUris: opts.redirectUri } } : {}),
        });
        const sp = await client.createServicePrincipal(String(created.appId));
        const out = {
          appId: created.appId,
          objectId: created.id,
          servicePrincipalId: sp.id,
          displayName,
          signInAudience: created.signInAudience,
        };
        emit(opts, out, () => printRecord(out));
      },
    );

  withConnectionOptions(app.command('list').description('List app registrations'))
    .option('--filter <odata>', 'OData $filter, e.g. "startswith(displayName,\'Contoso\')"')
    .action(async (opts: ConnectionOptions & { filter?: string }) => {
      const apps = await managementClient(opts).listApplications(opts.filter);
      emit(opts, apps, () => printTable(apps, ['appId', 'displayName', 'signInAudience', 'createdDateTime']));
    });

  withConnectionOptions(app.command('show <app>').description('Show an application (by client id or display name)')).action(
    async (ref: string, opts: ConnectionOptions) => {
      const client = managementClient(opts);
      const a = await findApp(client, ref);
      const sp = await client.findServicePrincipalByAppId(String(a.appId));
      const assignments = sp ? await client.listAppRoleAssignments(sp.id) : [];
      const out = { ...a, servicePrincipalId: sp?.id ?? null, appRoleAssignments: assignments };
      emit(opts, out, () =>
        printRecord({
          appId: a.appId,
          objectId: a.id,
          displayName: a.displayName,
          signInAudience: a.signInAudience,
          identifierUris: a.identifierUris,
          servicePrincipalId: sp?.id ?? '(none)',
          secrets: (a.passwordCredentials as { keyId: string; hint: string; endDateTime: string }[]).map(
            (p) => `${p.keyId} (${p.hint}…, until ${p.endDateTime})`,
          ),
          requiredResourceAccess: a.requiredResourceAccess,
          grantedRoles: assignments.map((x) => `${String(x.resourceDisplayName)}:${String(x.appRoleId)}`),
        }),
      );
    },
  );

  withConnectionOptions(app.command('delete <app>').description('Delete an application and its service principals')).action(
    async (ref: string, opts: ConnectionOptions) => {
      const client = managementClient(opts);
      const a = await findApp(client, ref);
      await client.deleteApplication(a.id);
      emit(opts, { deleted: a.appId }, () => process.stdout.write(`Deleted ${String(a.displayName)} (${String(a.appId)})\n`));
    },
  );

  const secret = app.command('secret').description('Client secrets');
  withConnectionOptions(secret.command('add <app>').description('Add a client secret; its value is shown once'))
    .option('--display-name <name>', 'description of the secret')
    .option('--end <date>', 'expiry (ISO 8601); default two years')
    .action(async (ref: string, opts: ConnectionOptions & { displayName?: string; end?: string }) => {
      const client = managementClient(opts);
      const a = await findApp(client, ref);
      const pc = await client.addPassword(a.id, {
        ...(opts.displayName ? { displayName: opts.displayName } : {}),
        ...(opts.end ? { endDateTime: opts.end } : {}),
      });
      const out = { appId: a.appId, keyId: pc.keyId, secretText: pc.secretText, hint: pc.hint, endDateTime: pc.endDateTime };
      emit(opts, out, () => {
        printRecord(out);
        process.stderr.write('\nCopy the secret value now: it cannot be shown again.\n');
      });
    });
  withConnectionOptions(secret.command('remove <app> <keyId>').description('Remove a client secret by its key id')).action(
    async (ref: string, keyId: string, opts: ConnectionOptions) => {
      const client = managementClient(opts);
      const a = await findApp(client, ref);
      await client.removePassword(a.id, keyId);
      emit(opts, { removed: keyId }, () => process.stdout.write(`Removed secret ${keyId}\n`));
    },
  );

  const permission = app.command('permission').description('Application permissions (app roles) the app requests');
  withConnectionOptions(
    permission
      .command('add <app>')
      .description('Request application permissions, e.g. --resource "Microsoft Cloud App Security" --permission Investigation.read'),
  )
    .requiredOption('--resource <resource>', 'resource display name, appId or identifier URI')
    .requiredOption('--permission <name...>', 'app role values, e.g. Investigation.read Discovery.manage')
    .action(async (ref: string, opts: ConnectionOptions & { resource: string; permission: string[] }) => {
      const client = managementClient(opts);
      const a = await findApp(client, ref);
      const resource = await findResource(client, opts.resource);
      const roles = (resource.appRoles as AppRole[]) ?? [];
      const rra = ((a.requiredResourceAccess as Rra[]) ?? []).map((e) => ({ ...e, resourceAccess: [...e.resourceAccess] }));
      let entry = rra.find((e) => e.resourceAppId.toLowerCase() === String(resource.appId).toLowerCase());
      if (!entry) {
        entry = { resourceAppId: String(resource.appId), resourceAccess: [] };
        rra.push(entry);
      }
      for (const p of opts.permission) {
        const role = roles.find((r) => r.value.toLowerCase() === p.toLowerCase());
        if (!role)
          throw new UsageError(
            `'${p}' is not an application permission of ${String(resource.displayName)}: ${roles.map((r) => r.value).join(', ')}`,
          );
        if (!entry.resourceAccess.some((x) => x.id === role.id)) entry.resourceAccess.push({ id: role.id, type: 'Role' });
      }
      await client.updateApplication(a.id, { requiredResourceAccess: rra });
      emit(opts, { appId: a.appId, requiredResourceAccess: rra }, () =>
        process.stdout.write(
          `Requested ${opts.permission.join(', ')} on ${String(resource.displayName)}. Run 'appwarden app consent ${String(a.appId)} --tenant ${opts.tenant ?? process.env.AZURE_TENANT_ID ?? '<tenant>'}' to grant them.\n`,
        ),
      );
    });

  withConnectionOptions(
    app
      .command('consent <app>')
      .description('Grant admin consent in --tenant: an assignment for every application permission the app requests'),
  ).action(async (ref: string, opts: ConnectionOptions) => {
    const client = managementClient(opts);
    // The app may live in another tenant (multi-tenant consent): accept its client id as is.
    const appId = /^[0-9a-f-]{36}$/i.test(ref) ? ref : String((await findApp(client, ref)).appId);
    const result = await client.grantAdminConsent(appId);
    emit(opts, result, () => {
      process.stdout.write(
        `Consent granted: service principal ${result.servicePrincipal.id}, ${result.granted.length} new role assignment(s).\n`,
      );
      if (result.missingResources.length > 0)
        process.stdout.write(`Resources not present in this tenant: ${result.missingResources.join(', ')}\n`);
    });
  });
}
