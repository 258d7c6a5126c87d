// Early parse: an upload parsed while it is written, reading the file back as it grows.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { EarlyParses, uploadParseOptions } from '../../src/discovery/ingest/early-parse.js';
import { UploadStorage } from '../../src/discovery/ingest/upload-storage.js';
import { defaultWorkerUrl } from '../../src/discovery/parse-in-worker.js';
import { rollupRows } from '../../src/discovery/aggregation.js';
import { parseStream } from '../../src/discovery/parse-stream.js';
import type { DiscoveryUploadRow } from '../../src/store/discovery-schema.js';

// The worker runs compiled JavaScript: `npm run build` (or tsc -b packages/server) first.
const built = fs.existsSync(fileURLToPath(defaultWorkerUrl()));
const NOW = Date.UTC(2024, 5, 20);
const clock = { now: () => NOW };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-early-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function log(n: number, salt = 0): Buffer {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const host = ['www.dropbox.com', 'github.com', 'unknown.example.org', 'slack.com'][(i + salt) % 4];
    out.push(
      `${1718445600 + i}.000 5 192.0.2.${i % 7} TCP_MISS/200 ${100 + i} GET https://${host}/p${i} user${i % 5} HIER_DIRECT/203.0.113.1 -`,
    );
    if (i % 997 === 0) out.push('a malformed line');
  }
  return Buffer.from(out.join('\n') + '\n');
}

/** A request body arriving slowly, in uneven pieces, so that the reader catches up with the writer. */
function slowBody(bytes: Buffer, failAt?: number): Readable {
  let pos = 0;
  let n = 0;
  return new Readable({
    read() {
      if (failAt !== undefined && pos >= failAt) {
        this.destroy(new Error('connection reset'));
        return;
      }
      if (pos >= bytes.length) {
        this.push(null);
        return;
      }
      const size = [1, 700, 16_384, 65_536, 3][n++ % 5]!;
      const piece = bytes.subarray(pos, pos + size);
      pos += piece.length;
      setTimeout(() => this.push(piece), n % 7 === 0 ? 3 : 0);
    },
  });
}

let seq = 0;
function upload(source = 'SQUID_NATIVE'): DiscoveryUploadRow {
  return {
    id: `upload-${++seq}-aaaaaaaa`,
    tenant_id: 't',
    file_name: 'proxy.log',
    source,
    token_hash: '',
    state: 'open',
    size: 0,
    created_at: NOW,
    expires_at: NOW + 1,
    committed_at: null,
  };
}

describe.skipIf(!built)('early parse of an upload while it is written', () => {
  const storage = new UploadStorage(dir);

  it('gives the result of parsing the finished file (Put Blob), plain and gzip', async () => {
    for (const gz of [false, true]) {
      const early = new EarlyParses(clock);
      const u = upload();
      const text = log(30_000, gz ? 1 : 0);
      const body = gz ? gzipSync(text) : text;
      const h = early.begin(u)!;
      const size = await storage.putBlob(u.id, slowBody(body), 1 << 30, h.follow);
      h.commit(size);
      expect(size).toBe(body.length);
      expect(early.take(u.id, size + 1)).toBeUndefined(); // another blob: not used (and dropped)
      const h2 = early.begin(u)!;
      const size2 = await storage.putBlob(u.id, slowBody(body), 1 << 30, h2.follow);
      h2.commit(size2);
      const result = await early.take(u.id, size2)!;
      const reference = await parseStream(storage.openBlob(u.id), 'SQUID_NATIVE', uploadParseOptions('proxy.log', NOW));
      expect(result.result.stats).toEqual(reference.stats);
      expect(rollupRows(result.rollup)).toEqual(reference.aggregates);
      expect(result.result.failures).toEqual(reference.failures);
      expect(result.result.unclassifiedDestinations).toEqual(reference.unclassifiedDestinations);
      expect(result.result.compression).toBe(gz ? 'gzip' : 'none');
      expect(early.stats).toMatchObject({ started: 2, used: 1, discarded: 1 });
      expect(early.take(u.id, size2)).toBeUndefined();
    }
  });

  it('follows the concatenation of staged blocks (Put Block List)', async () => {
    const early = new EarlyParses(clock);
    const u = upload();
    const text = log(20_000, 2);
    const cut = [0, 1, 50_000, 50_001, text.length];
    const ids: string[] = [];
    for (let i = 0; i < cut.length - 1; i++) {
      const id = Buffer.from(`b${i}`).toString('base64');
      ids.push(id);
      const name = Buffer.from(id, 'base64').toString('hex');
      await storage.putBlock(u.id, name, Readable.from([text.subarray(cut[i], cut[i + 1])]), 1 << 30);
    }
    const h = early.begin(u)!;
    const size = await storage.commitBlocks(u.id, ids, 1 << 30, h.follow);
    h.commit(size);
    const result = await early.take(u.id, size)!;
    const reference = await parseStream(Readable.from([text]), 'SQUID_NATIVE', uploadParseOptions('proxy.log', NOW));
    expect(result.result.stats).toEqual(reference.stats);
    expect(rollupRows(result.rollup)).toEqual(reference.aggregates);
  });

  it('a broken upload leaves no result and no file; a later upload replaces an earlier result', async () => {
    const early = new EarlyParses(clock);
    const u = upload();
    const first = log(5_000, 0);
    const h1 = early.begin(u)!;
    h1.commit(await storage.putBlob(u.id, slowBody(first), 1 << 30, h1.follow));
    const h2 = early.begin(u)!;
    await expect(storage.putBlob(u.id, slowBody(log(5_000, 3), 40_000), 1 << 30, h2.follow)).rejects.toThrow(/reset/);
    h2.abort();
    // The committed blob is still the first one, and so is the kept result.
    expect(await storage.blobSize(u.id)).toBe(first.length);
    const kept = await early.take(u.id, first.length)!;
    expect(kept.result.stats.bytes).toBe(first.length);
    expect(fs.readdirSync(path.dirname(storage.blobPath(u.id))).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('is not started for CUSTOM_PARSER (the parser is known at done_upload) or when disabled', () => {
    expect(new EarlyParses(clock).begin(upload('CUSTOM_PARSER'))).toBeUndefined();
    expect(new EarlyParses(clock, false).begin(upload())).toBeUndefined();
  });
});
