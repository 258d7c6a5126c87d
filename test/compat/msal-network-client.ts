import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { httpsRequest } from './https-client.js';

/**
 * msal-node 7 speaks through Node's global fetch, which only trusts a private CA through
 * NODE_EXTRA_CA_CERTS at process start. In-process tests plug this `system.networkClient`
 * (a documented MSAL option) that trusts Appwarden's CA; child-process tests cover the default path.
 */
export function networkClientTrusting(ca: string): INetworkModule {
  const send = async <T>(method: string, url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => {
    const res = await httpsRequest(url, {
      ca,
      method,
      headers: options?.headers ?? {},
      ...(method === 'POST' ? { body: options?.body ?? '' } : {}),
    });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers[k] = v;
    return { headers, body: res.json<T>(), status: res.status };
  };
  return {
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>('GET', url, options),
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>('POST', url, options),
  };
}
