import { BUILT_IN_IP_TAGS, IP_CATEGORY } from '@appwarden/protocol';
import type { DetectionActivityRow } from '../store/detection-interfaces.js';

type Doc = Record<string, unknown>;

/** What the detectors read of one activity: its columns, and the few document members they use (parsed when asked). */
export class ActivityFacts {
  private tags: string[] | undefined;
  private coords: { lat: number; lon: number } | null | undefined;
  private actorDoc: Doc | undefined;
  constructor(readonly row: DetectionActivityRow) {}

  get id(): string {
    return this.row.id;
  }
  get timestamp(): number {
    return this.row.timestamp;
  }
  get user(): string | null {
    return this.row.username;
  }
  get eventType(): string {
    return this.row.event_type_name ?? '';
  }
  get ipTags(): string[] {
    return (this.tags ??= safeList(this.row.ip_tags));
  }
  /** The document's `resolvedActor` (empty when it has none). */
  get resolvedActor(): Doc {
    if (!this.actorDoc) {
      const v = safeJson(this.row.actor);
      this.actorDoc = v && typeof v === 'object' && !Array.isArray(v) ? (v as Doc) : {};
    }
    return this.actorDoc;
  }
  /** The activity's location coordinates, when it carries them. */
  get coordinates(): { lat: number; lon: number } | null {
    if (this.coords === undefined) {
      const loc = safeJson(this.row.location) as Doc | null | undefined;
      const lat = loc?.latitude;
      const lon = loc?.longitude;
      this.coords = typeof lat === 'number' && typeof lon === 'number' && Math.abs(lat) <= 90 && Math.abs(lon) <= 180 ? { lat, lon } : null;
    }
    return this.coords;
  }
  get appName(): string | null {
    const v = safeJson(this.row.app_name);
    return typeof v === 'string' ? v : null;
  }
  get isSuccessfulSignIn(): boolean {
    return SIGN_IN.has(this.eventType);
  }
  get isFailedSignIn(): boolean {
    return FAILED_SIGN_IN.has(this.eventType) || /LOGIN_FAILED|FAILED_LOGIN/.test(this.row.event_type_value ?? '');
  }
  get isAnonymousIp(): boolean {
    return this.ipTags.some((t) => ANONYMOUS_TAGS.has(t));
  }
  get isTorIp(): boolean {
    return this.ipTags.includes(BUILT_IN_IP_TAGS.Tor);
  }
  get isSuspiciousIp(): boolean {
    return this.row.ip_category === IP_CATEGORY.RISKY || this.ipTags.some((t) => SUSPICIOUS_TAGS.has(t));
  }
  /** Corporate or VPN ranges of the tenant: both ends safe means no impossible-travel alert. */
  get isSafeIp(): boolean {
    return this.row.ip_category === IP_CATEGORY.CORPORATE || this.row.ip_category === IP_CATEGORY.VPN;
  }
  get isCloudProviderIp(): boolean {
    return this.row.ip_category === IP_CATEGORY.CLOUD_PROVIDER;
  }
  /** The names the activity's object is known by (URL, description): enough to read an extension. */
  get objectText(): string {
    return `${this.row.object_url ?? ''} ${this.row.description ?? ''}`;
  }
}

function safeJson(json: string | null): unknown {
  if (json === null) return undefined;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}

function safeList(json: string): string[] {
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

const SIGN_IN = new Set(['EVENT_CATEGORY_LOGIN']);
const FAILED_SIGN_IN = new Set(['EVENT_CATEGORY_FAILED_LOGIN']);
export const DOWNLOAD = new Set(['EVENT_CATEGORY_DOWNLOAD_FILE']);
export const DELETE = new Set(['EVENT_CATEGORY_DELETE_FILE', 'EVENT_CATEGORY_DELETE_OBJECT']);
export const SHARE = new Set(['EVENT_CATEGORY_SHARE_FILE', 'EVENT_CATEGORY_SHARE', 'EVENT_CATEGORY_GRANT_PERMISSION']);
export const UPLOAD_OR_RENAME = new Set(['EVENT_CATEGORY_UPLOAD_FILE', 'EVENT_CATEGORY_RENAME_FILE', 'EVENT_CATEGORY_EDIT_FILE']);

const ANONYMOUS_TAGS = new Set<string>([BUILT_IN_IP_TAGS.Anonymous_proxy, BUILT_IN_IP_TAGS.Tor]);
const SUSPICIOUS_TAGS = new Set<string>([
  BUILT_IN_IP_TAGS.Botnet,
  BUILT_IN_IP_TAGS.Malware_CnC_server,
  BUILT_IN_IP_TAGS.Darknet_scanning_IP,
  BUILT_IN_IP_TAGS.Brute_force_attacker,
]);

/** Extensions that file-encrypting ransomware families give the files they encrypt (public lists). */
export const RANSOMWARE_EXTENSIONS = [
  'locky',
  'zepto',
  'odin',
  'thor',
  'aesir',
  'cerber',
  'cerber3',
  'crypt',
  'crypz',
  'cryp1',
  'encrypted',
  'locked',
  'wncry',
  'wnry',
  'wcry',
  'crinf',
  'r5a',
  'xrnt',
  'xtbl',
  'crypto',
  'kraken',
  'darkness',
  'nochance',
  'oshit',
  'exx',
  'ezz',
  'ecc',
  'vvv',
  'ccc',
  'micro',
  'ttt',
  'ryk',
  'ryuk',
  'conti',
  'lockbit',
  'djvu',
  'kkk',
  'btc',
  'zzzzz',
  'cryptolocker',
];
const RANSOM_RE = new RegExp(`\\.(${RANSOMWARE_EXTENSIONS.join('|')})(?=$|[\\s?#"'/])`, 'i');

export function hasRansomwareExtension(text: string): boolean {
  return RANSOM_RE.test(text);
}
