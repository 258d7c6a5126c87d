import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The installation's master key: it keys the hash of client secrets and encrypts private signing
 * keys at rest. From APPWARDEN_MASTER_KEY (base64, 32 bytes) when set — required when several
 * processes share a PostgreSQL database — else generated once into `<data-dir>/master.key` (0600).
 */
export class MasterKey {
  private readonly hashKey: Buffer;
  private readonly encKey: Buffer;

  constructor(secret: Buffer) {
    if (secret.length < 32) throw new Error('master key must be at least 32 bytes');
    this.hashKey = Buffer.from(crypto.hkdfSync('sha256', secret, Buffer.alloc(0), 'appwarden secret hash', 32));
    this.encKey = Buffer.from(crypto.hkdfSync('sha256', secret, Buffer.alloc(0), 'appwarden key encryption', 32));
  }

  static load(dataDir: string, env: NodeJS.ProcessEnv = process.env): MasterKey {
    const fromEnv = env.APPWARDEN_MASTER_KEY;
    if (fromEnv) return new MasterKey(Buffer.from(fromEnv, 'base64'));
    const file = path.join(dataDir, 'master.key');
    if (!fs.existsSync(file)) {
      fs.mkdirSync(dataDir, { recursive: true });
      fs.writeFileSync(file, crypto.randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    }
    return new MasterKey(Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64'));
  }

  /** Keyed hash of a high-entropy secret (no slow KDF needed: secrets are generated, not chosen). */
  hashSecret(secret: string): string {
    return crypto.createHmac('sha256', this.hashKey).update(secret, 'utf8').digest('base64url');
  }

  /** Constant-time comparison of a presented secret against a stored hash. */
  verifySecret(secret: string, storedHash: string): boolean {
    const a = Buffer.from(this.hashSecret(secret), 'base64url');
    const b = Buffer.from(storedHash, 'base64url');
    return a.length === b.length && crypto.timingSafeEqual(a, b);
  }

  encrypt(plaintext: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.encKey, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `v1.${iv.toString('base64url')}.${body.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
  }

  decrypt(sealed: string): string {
    const [v, iv, body, tag] = sealed.split('.');
    if (v !== 'v1' || !iv || !body || !tag) throw new Error('unrecognised sealed value');
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.encKey, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  }
}
