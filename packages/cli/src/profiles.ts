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

export interface ConfigFile {
  defaultProfile?: string;
  profiles: Record<string, Profile>;
}

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
  // It may hold client secrets: readable by the owner only.
  fs.writeFileSync(file, JSON.stringify(config, null, 2) + '\n', { mode: 0o600 });
  fs.chmodSync(file, 0o600);
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
