import { describe, expect, it } from 'vitest';
import { CloudAppsClient, type FetchLike, type UploadProgress } from '@appwarden/sdk';

interface Recorded {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** A stand-in for the API and an Azure blob container: records requests, assembles blocks. */
function fakeService() {
  const requests: Recorded[] = [];
  const blocks = new Map<string, Uint8Array>();
  let blob: Uint8Array | undefined;
  const fetchImpl: FetchLike = async (input, init) => {
    const url = new URL(input);
    const headers = Object.fromEntries(
      Object.entries((init?.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]),
    );
    const raw = init?.body;
    const body =
      raw === undefined ? new Uint8Array() : typeof raw === 'string' ? new TextEncoder().encode(raw) : new Uint8Array(raw as Uint8Array);
    requests.push({ method: init?.method ?? 'GET', url, headers, body });
    if (url.pathname === '/api/v1/discovery/upload_url/') {
      return Response.json({ url: 'https://blob.example.test/container/log.txt?sv=2021&sig=abc', provider: 'azure' });
    }
    if (url.pathname === '/api/v1/discovery/done_upload/') return Response.json({ jobId: 'j1', status: 'queued' });
    if (url.hostname === 'blob.example.test') {
      const comp = url.searchParams.get('comp');
      if (comp === 'block') blocks.set(url.searchParams.get('blockid')!, body);
      else if (comp === 'blocklist') {
        const ids = [...new TextDecoder().decode(body).matchAll(/<Latest>([^<]+)<\/Latest>/g)].map((m) => m[1]!);
        const parts = ids.map((id) => blocks.get(id)!);
        blob = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
        let off = 0;
        for (const p of parts) {
          blob.set(p, off);
          off += p.byteLength;
        }
      } else blob = body;
      return new Response(null, { status: 201 });
    }
    return new Response('{"detail":"Not found."}', { status: 404 });
  };
  return { fetchImpl, requests, result: () => blob };
}

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7) % 251);

describe('discovery upload, Azure blob style', () => {
  it('runs the three steps, uploading in Put Block + Put Block List without the API credential', async () => {
    const svc = fakeService();
    const client = new CloudAppsClient(
      'https://contoso.us2.portal.cloudappsecurity.com',
      { apiToken: 't'.repeat(64) },
      { fetch: svc.fetchImpl },
    );
    const data = bytes(10_000);
    const progress: UploadProgress[] = [];
    async function* stream() {
      for (let i = 0; i < data.length; i += 777) yield data.subarray(i, i + 777);
    }
    const r = await client.discovery.upload(stream(), {
      source: 'SQUID',
      streamName: 'proxy',
      snapshot: true,
      filename: 'access.log',
      blockSize: 4096,
      totalBytes: data.length,
      onProgress: (p) => progress.push(p),
    });
    expect(r.response).toEqual({ jobId: 'j1', status: 'queued' });
    expect(svc.result()).toEqual(data);
    const [init, ...rest] = svc.requests;
    expect(init!.url.searchParams.get('source')).toBe('SQUID');
    expect(init!.url.searchParams.get('filename')).toBe('access.log');
    const blobCalls = rest.filter((q) => q.url.hostname === 'blob.example.test');
    expect(blobCalls.map((q) => q.url.searchParams.get('comp'))).toEqual(['block', 'block', 'block', 'blocklist']);
    for (const q of blobCalls) {
      expect(q.method).toBe('PUT');
      expect(q.headers.authorization).toBeUndefined();
      expect(q.url.searchParams.get('sig')).toBe('abc');
    }
    const ids = blobCalls.slice(0, 3).map((q) => q.url.searchParams.get('blockid')!);
    expect(new Set(ids.map((id) => atob(id).length)).size).toBe(1);
    const done = svc.requests.at(-1)!;
    expect(JSON.parse(new TextDecoder().decode(done.body))).toEqual({
      uploadUrl: 'https://blob.example.test/container/log.txt?sv=2021&sig=abc',
      inputStreamName: 'proxy',
      uploadAsSnapshot: true,
    });
    expect(done.headers.authorization).toBe(`Token ${'t'.repeat(64)}`);
    expect(progress.map((p) => p.step)).toEqual(['initiate', 'upload', 'upload', 'upload', 'upload', 'finalize', 'done']);
    expect(progress.filter((p) => p.step === 'upload').map((p) => p.loadedBytes)).toEqual([0, 4096, 8192, 10_000]);
  });

  it('sends small data in one Put Blob with x-ms-blob-type: BlockBlob', async () => {
    const svc = fakeService();
    const client = new CloudAppsClient(
      'https://contoso.portal.cloudappsecurity.com',
      { apiToken: 't'.repeat(64) },
      { fetch: svc.fetchImpl },
    );
    const data = new Blob([bytes(1000)]);
    await client.discovery.upload(data, { source: 'SQUID', streamName: 'proxy' });
    const puts = svc.requests.filter((q) => q.url.hostname === 'blob.example.test');
    expect(puts).toHaveLength(1);
    expect(puts[0]!.headers['x-ms-blob-type']).toBe('BlockBlob');
    expect(svc.result()).toEqual(bytes(1000));
  });
});
