import fs from 'node:fs';
import type { Command } from 'commander';
import { adminRequest, adminTenant, checkAdminResponse, type CloudAppsOptions, UsageError } from '../connection.js';
import { withCloudAppsOptions } from '../options.js';
import { outputMode, printObject, printTable } from '../output.js';

type Opts = CloudAppsOptions & { json?: boolean; jsonl?: boolean };

async function call(o: Opts, method: string, subpath: string, what: string, body?: unknown): Promise<unknown> {
  const { status, body: answer } = await adminRequest(o, adminTenant(o), `/policies${subpath}`, {
    method,
    ...(body !== undefined ? { body: JSON.stringify(body), contentType: 'application/json' } : {}),
  });
  checkAdminResponse(status, answer, what);
  return answer;
}

function readPolicyFile(file: string): unknown {
  const text = file === '-' ? fs.readFileSync(0, 'utf8') : fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  if (text === undefined) throw new UsageError(`no such file: ${file}`);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UsageError(`${file} is not JSON: ${(e as Error).message}`);
  }
}

/**
 * `appwarden policy create|list|get|enable|disable|delete`: a tenant's activity policies and
 * built-in anomaly detections (Appwarden admin endpoints; docs/detection.md).
 */
export function registerPolicy(program: Command): void {
  const policy = program
    .command('policy')
    .description('Activity policies and built-in anomaly detections of a tenant (operator key or management app)');
  const cmd = (spec: string, description: string) =>
    withCloudAppsOptions(policy.command(spec).description(description)).option(
      '--operator-key <key>',
      'operator key (APPWARDEN_OPERATOR_KEY)',
    );

  cmd('create', 'Create an activity policy from a JSON file (see docs/detection.md for the fields)')
    .requiredOption('--file <file>', 'the policy as JSON (- for stdin)')
    .action(async (o: Opts & { file: string }) => {
      printObject(await call(o, 'POST', '', 'policy create', readPolicyFile(o.file)), outputMode(o, false));
    });
  cmd('list', 'List activity policies and built-in detections').action(async (o: Opts) => {
    const { value } = (await call(o, 'GET', '', 'policy list')) as { value: Record<string, unknown>[] };
    const mode = outputMode(o, true);
    if (mode === 'table') {
      printTable(
        value.map((p) => ({ ...p, severity: ['low', 'medium', 'high'][p.severity as number] ?? p.severity })),
        ['_id', 'policyType', 'name', 'severity', 'enabled'],
      );
    } else if (mode === 'jsonl') for (const p of value) process.stdout.write(JSON.stringify(p) + '\n');
    else printObject(value, mode);
  });
  cmd('get <id>', 'Show a policy (an id, or a built-in detection name such as massDownload)').action(async (id: string, o: Opts) => {
    printObject(await call(o, 'GET', `/${encodeURIComponent(id)}`, 'policy get'), outputMode(o, false));
  });
  for (const verb of ['enable', 'disable'] as const) {
    cmd(`${verb} <id>`, `${verb === 'enable' ? 'Enable' : 'Disable'} a policy or a built-in detection (id or name)`).action(
      async (id: string, o: Opts) => {
        printObject(await call(o, 'POST', `/${encodeURIComponent(id)}/${verb}`, `policy ${verb}`), outputMode(o, false));
      },
    );
  }
  cmd('delete <id>', 'Delete an activity policy (its alerts stay)').action(async (id: string, o: Opts) => {
    await call(o, 'DELETE', `/${encodeURIComponent(id)}`, 'policy delete');
  });
}
