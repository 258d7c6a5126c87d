import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inProcess, TIER, type InProcessHarness } from '../../../../test/support/harness.js';

const mode = (p: string) => fs.statSync(p).mode & 0o777;
const posix = process.platform !== 'win32';

// The files checked are the embedded SQLite database's; on the PostgreSQL tier there are none.
describe.runIf(posix && TIER === 'sqlite')('data directory permissions', () => {
  let h: InProcessHarness | undefined;
  let leftover: string | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
    if (leftover) fs.rmSync(leftover, { recursive: true, force: true });
    leftover = undefined;
  });

  it('keeps the data directory 0700 and the SQLite files 0600, narrowing an installation created wider', async () => {
    // An installation as older versions left it: 0755 directory, 0644 files.
    const first = await inProcess({ seed: 'tenant' });
    await first.close({ keep: true });
    const dir = first.dataDir;
    fs.chmodSync(dir, 0o755);
    const sqliteFiles = fs.readdirSync(dir).filter((f) => /\.sqlite(-wal|-shm)?$/.test(f));
    for (const f of sqliteFiles) fs.chmodSync(path.join(dir, f), 0o644);

    h = await inProcess({ reuse: { dataDir: dir, databaseUrl: first.databaseUrl }, seed: 'none' });
    expect(mode(dir)).toBe(0o700);
    const now = fs.readdirSync(dir).filter((f) => /\.sqlite(-wal|-shm)?$/.test(f));
    // counters.sqlite always; appwarden.sqlite unless the tier is PostgreSQL.
    expect(now).toContain('counters.sqlite');
    if (!first.databaseUrl) expect(now).toContain('appwarden.sqlite');
    for (const f of now) expect(mode(path.join(dir, f)), f).toBe(0o600);
  });

  it('creates a new data directory 0700 whatever the umask', async () => {
    const first = await inProcess({ seed: 'tenant' });
    await first.close({ keep: true });
    leftover = first.dataDir;
    const fresh = path.join(first.dataDir, 'nested', 'data');
    const previous = process.umask(0o022);
    try {
      h = await inProcess({ reuse: { dataDir: fresh, databaseUrl: first.databaseUrl }, seed: 'tenant' });
    } finally {
      process.umask(previous);
    }
    expect(mode(fresh)).toBe(0o700);
    for (const f of fs.readdirSync(fresh).filter((x) => /\.(sqlite|key)$/.test(x))) expect(mode(path.join(fresh, f)), f).toBe(0o600);
  });
});
