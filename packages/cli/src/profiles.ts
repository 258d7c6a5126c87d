import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** One named connection in the config file. Secrets may be left out and come from the environment. */
export interface Profile {
  url?: string;
  tenant?: string;
  clientId?: string;
  clientSecret?: string;
  /** Legacy Cloud Apps API token (`Authorization: Token`). */
  apiToken?: string;
  authorityHost?: string;
  ca?: string;
}

/** An access token of one scope, cached until it expires. */
export interface CachedAccessToken {
  accessToken: string;
  /** Milliseconds since the epoch. */
  expiresOn: number;
}

/**
 * A user signed in by `appwarden login`. The refresh token is single use on Appwarden (and
 * rotated by Entra), so every refresh writes the new one back. Never printed.
 */
export interface SignedInAccount {
  username: string;
  /** The tenant id (the token's `tid`) and what the user typed (`--tenant`, e.g. a domain). */
  tenantId: string;
  tenant: string;
  /** Where the tokens come from: the authority host and the public client that asked for them. */
  authorityHost: string;
  clientId: string;
  /** The server the user signed in for (its Cloud Apps API, and the default authority). */
  url: string;
  ca?: string;
  refreshToken: string;
  /** Access tokens by scope (`<resource>/.default`). */
  accessTokens: Record<string, CachedAccessToken>;
}

export interface ConfigFile {
  defaultProfile?: string;
  profiles: Record<string, Profile>;
  /** Signed-in users by accountKey(); the commands use the active one unless --tenant names another. */
  accounts?: Record<string, SignedInAccount>;
  activeAccount?: string;
}

export const accountKey = (a: Pick<SignedInAccount, 'username' | 'tenantId'>) => `${a.username.toLowerCase()}|${a.tenantId}`;

/** APPWARDEN_CONFIG, or $XDG_CONFIG_HOME/appwarden/config.json, or ~/.config/appwarden/config.json. */
export function configPath(): string {
  if (process.env.APPWARDEN_CONFIG) return path.resolve(process.env.APPWARDEN_CONFIG);
  const base = process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config');
  return path.join(base, 'appwarden', 'config.json');
}

export function readConfig(file = configPath()): ConfigFile {
  if (!fs.existsSync(file)) return { profiles: {} };
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<ConfigFile>;
  return { ...parsed, profiles: parsed.profiles ?? {} };
}

export function writeConfig(config: ConfigFile, file = configPath()): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // It may hold client secrets and refresh tokens: readable by the owner only.
  // Written aside and renamed: a reader (another appwarden process) never sees half a file.
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

/** The profile named by --profile or APPWARDEN_PROFILE, else the file's default; undefined when none. */
export function selectProfile(name: string | undefined): Profile | undefined {
  const config = readConfig();
  const wanted = name ?? process.env.APPWARDEN_PROFILE;
  if (wanted) {
    const p = config.profiles[wanted];
    if (!p) throw new Error(`no profile '${wanted}' in ${configPath()}`);
    return p;
  }
  const def = config.defaultProfile ?? (config.profiles.default ? 'default' : undefined);
  return def ? config.profiles[def] : undefined;
}
