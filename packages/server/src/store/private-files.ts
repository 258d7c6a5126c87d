import fs from 'node:fs';

/**
 * The data directory holds the database, client-secret hashes, signing keys (encrypted with
 * master.key, which sits beside them) and uploaded logs: only the account that runs Appwarden may
 * read it. Directories are 0700 and files 0600, also when an older version created them wider.
 * (No-ops where POSIX modes do not exist.)
 */
const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;

/** Creates `dir` (and missing parents) owner-only, and narrows it if it exists. */
export function ensurePrivateDirectory(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  if (process.platform !== 'win32') fs.chmodSync(dir, PRIVATE_DIR);
}

/**
 * Creates `file` empty and owner-only unless it exists, and narrows it (with its SQLite `-wal` and
 * `-shm` companions, which SQLite creates with the database file's mode) if it does.
 */
export function ensurePrivateFile(file: string, companions: readonly string[] = []): void {
  fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE));
  if (process.platform === 'win32') return;
  for (const f of [file, ...companions.map((suffix) => file + suffix)]) {
    try {
      fs.chmodSync(f, PRIVATE_FILE);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
}

export const SQLITE_COMPANIONS = ['-wal', '-shm'] as const;
export { PRIVATE_FILE as PRIVATE_FILE_MODE, PRIVATE_DIR as PRIVATE_DIRECTORY_MODE };
