import https from 'node:https';

export interface HttpsResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

export interface HttpsRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** PEM of the CA to trust (Appwarden's `<data-dir>/ca.pem`). */
  ca: string;
}

/**
 * A plain HTTPS request that trusts one CA, as a user who passed `--cacert` to curl would. The
 * agent is private and closes its sockets, so tests leave no handles behind.
 */
export function httpsRequest(url: string | URL, options: HttpsRequestOptions): Promise<HttpsResponse> {
  return new Promise((resolve, reject) => {
    const agent = new https.Agent({ ca: options.ca, keepAlive: false });
    const req = https.request(url, { method: options.method ?? 'GET', headers: options.headers ?? {}, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        agent.destroy();
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text,
          json: <T>() => JSON.parse(text) as T,
        });
      });
      res.on('error', reject);
    });
    req.on('error', (e) => {
      agent.destroy();
      reject(e);
    });
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** A `fetch` for jose's createRemoteJWKSet (its `customFetch` option) that trusts the given CA. */
export function fetchTrusting(ca: string) {
  return async (url: string, init: { headers?: ConstructorParameters<typeof Headers>[0]; method?: string }): Promise<Response> => {
    const res = await httpsRequest(url, { ca, method: init.method ?? 'GET', headers: Object.fromEntries(new Headers(init.headers)) });
    const headers = new Headers();
    for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers.set(k, v);
    return new Response(res.text, { status: res.status, headers });
  };
}
