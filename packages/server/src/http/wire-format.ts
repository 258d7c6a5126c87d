/**
 * Which wire format a path speaks; errors on it are rendered in that format. `blob` (the upload
 * URL's Azure Blob protocol) is chosen by its routes (route config `wireFormat`), not by prefix, so
 * an unknown path under it still gets the prefix's answer.
 */
export type WireFormat = 'entra' | 'graph' | 'cloudapps' | 'operator' | 'blob' | 'arm';

/** First path segments of the Azure Resource Manager surface (tenant names may not take them). */
export const ARM_SEGMENTS = ['subscriptions', 'tenants', 'providers', 'metadata'] as const;

export function wireFormatFor(url: string): WireFormat {
  const path = url.split('?')[0]!.toLowerCase();
  if (path.startsWith('/v1.0/') || path === '/v1.0') return 'graph';
  if (path.startsWith('/api/') || path.startsWith('/cas/api/')) return 'cloudapps';
  const first = path.split('/')[1] ?? '';
  if ((ARM_SEGMENTS as readonly string[]).includes(first)) return 'arm';
  if (
    path.startsWith('/admin/') ||
    path === '/healthz' ||
    path === '/readyz' ||
    path === '/metrics' ||
    path.startsWith('/openapi') ||
    path.startsWith('/docs')
  ) {
    return 'operator';
  }
  return 'entra';
}
