/** What the token endpoint received, independent of the HTTP framework. */
export interface TokenRequest {
  /** v1 = /oauth2/token, v2 = /oauth2/v2.0/token. */
  endpoint: 1 | 2;
  tenantSegment: string;
  /** Form fields; a repeated field keeps its first value. */
  form: Record<string, string>;
  authorization: string | undefined;
  origin: string;
  /** The browser's `Origin` header: present on cross-origin (SPA) redemptions only. */
  requestOrigin?: string;
  /** The caller's address (the socket's peer): client-authentication lockouts are counted per source. */
  sourceAddress?: string;
}

/** Decodes `Authorization: Basic` per RFC 6749 §2.3.1 (form-urlencoded id and secret). */
export function parseBasicAuthorization(header: string | undefined): { clientId: string; secret: string } | undefined {
  if (!header) return undefined;
  const m = /^basic\s+([A-Za-z0-9+/=._~-]+)\s*$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return undefined;
  const dec = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  return { clientId: dec(decoded.slice(0, i)), secret: dec(decoded.slice(i + 1)) };
}
