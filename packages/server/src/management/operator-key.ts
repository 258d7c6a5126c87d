import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The operator key administers the installation itself (tenants, key rotation) and can act in
 * any tenant's management API. From APPWARDEN_OPERATOR_KEY, else generated once into
 * `<data-dir>/operator.key` (mode 0600) where the local CLI finds it.
 */
export function loadOperatorKey(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.APPWARDEN_OPERATOR_KEY) return env.APPWARDEN_OPERATOR_KEY;
  const file = path.join(dataDir, 'operator.key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, `awop_${crypto.randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return fs.readFileSync(file, 'utf8').trim();
}
