/**
 * Resource objects of the Cloud Apps API (reference §7). Only the fields clients rely on are
 * typed; every object keeps the rest of what the server sent.
 */

export interface AlertEntity {
  id: string | number;
  label?: string;
  type: string;
  entityRole?: string;
  entityType?: number;
  inst?: number;
  saas?: number;
  pa?: string;
  em?: string;
  policyType?: string;
  [key: string]: unknown;
}

export interface Alert {
  _id: string;
  idValue?: number;
  timestamp: number;
  title: string;
  description?: string;
  entities: AlertEntity[];
  /** 0 UNREAD, 1 READ, 2 ARCHIVED */
  statusValue?: number;
  /** 0 LOW, 1 MEDIUM, 2 HIGH, 3 INFORMATIONAL */
  severityValue?: number;
  /** 0 OPEN, 1 DISMISSED, 2 RESOLVED, 3 FALSE_POSITIVE, 4 BENIGN, 5 TRUE_POSITIVE */
  resolutionStatusValue?: number;
  stories?: number[];
  intent?: number[];
  threatScore?: number;
  policy?: { id: string; label: string; policyType?: string; type: string };
  comment?: string;
  handledByUser?: string;
  resolveTime?: string;
  URL?: string;
  [key: string]: unknown;
}

export interface Activity {
  _id: string;
  timestamp: number;
  created?: number;
  appId?: number;
  appName?: string;
  eventTypeValue?: string;
  eventTypeName?: string;
  description?: string;
  device?: { clientIP?: string; userAgent?: string; countryCode?: string; [key: string]: unknown };
  location?: { countryCode?: string; city?: string; [key: string]: unknown };
  user?: { userName?: string; userTags?: string[]; [key: string]: unknown };
  source?: number;
  [key: string]: unknown;
}

export interface Entity {
  _id: string;
  id: string;
  /** 1 ACCOUNT, 2 USER */
  type: number;
  /** 0 N/A, 1 Staged, 2 Active, 3 Suspended, 4 Deleted */
  status?: number;
  displayName?: string;
  email?: string | null;
  isAdmin?: boolean;
  isExternal?: boolean | null;
  domain?: string | null;
  lastSeen?: string | null;
  threatScore?: number | null;
  appData?: { appId: number; name: string; saas: number; instance: number };
  /** `"<saas>|<inst>|<id>"` */
  ii?: string;
  [key: string]: unknown;
}

/** The tree of an entity: the user, with its accounts in `children` (Appwarden's shape). */
export interface EntityTree extends Entity {
  children?: Entity[];
}

/** A `[code, "NAME"]` pair, as file objects carry their enumerated fields. */
export type CodePair = [code: number, name: string];

/** A file of a connected app (reference §7.4). */
export interface CloudAppsFile {
  /** 24 hex: the key of `files.get`. */
  _id: string;
  /** The app's own id of the file. */
  id: string;
  saasId: number;
  instId: number;
  appName?: string;
  name: string;
  /** 0 Other, 1 Document, 2 Spreadsheet, 3 Presentation, 4 Text, 5 Image, 6 Folder (numeric mirror `ftype`). */
  fileType: CodePair;
  /** 0 Private, 1 Internal, 2 External, 3 Public, 4 Public (Internet) (numeric mirror `facl`). */
  fileAccessLevel: CodePair;
  /** `[0, "EXISTS"]` (numeric mirror `fstat`). */
  fileStatus: CodePair;
  isFolder?: boolean;
  fileExtension?: string | null;
  mimeType?: string | null;
  fileSize?: number;
  ownerAddress?: string;
  ownerName?: string;
  createdDate?: number;
  modifiedDate?: number;
  snapshotLastModifiedDate?: string;
  alternateLink?: string;
  collaborators?: unknown[];
  fTags?: string[];
  [key: string]: unknown;
}

export interface SubnetAddress {
  mask: number;
  address: string;
  originalString: string;
}

export interface Subnet {
  _id: string;
  name: string;
  /** 1 Corporate, 2 Administrative, 3 Risky, 4 VPN, 5 Cloud provider, 6 Other */
  category: number;
  subnets: SubnetAddress[];
  organization?: string | null;
  location?: Record<string, unknown> | null;
  tags?: { id: string; name: string; [key: string]: unknown }[];
  lastModified?: number;
  [key: string]: unknown;
}

/** Body of create_rule / update_rule (update is a full replace). */
export interface SubnetInput {
  name: string;
  category: number;
  /** CIDR or bare addresses, IPv4 or IPv6. */
  subnets: string[];
  organization?: string;
  overrideOrganization?: boolean;
  /** Tag names or 24-hex tag ids. */
  tags?: string[];
}

/**
 * A policy of the undocumented policies API (`/cas/api/v1/policies/`). No capture of the real
 * object exists: the shape is inferred (docs/detection.md).
 */
export interface Policy {
  _id: string;
  name: string;
  description?: string;
  /** `AUDIT` (activity policy) or `ANOMALY_DETECTION` (built-in detection); the real service has more. */
  policyType: string;
  /** 0 low, 1 medium, 2 high. */
  severity: number;
  /** The alert `stories` code of the policy's category (0 threat detection). */
  category?: number;
  enabled: boolean;
  filters?: Record<string, unknown>;
  matchParameters?: {
    type: 'single' | 'repeated';
    minRepeated?: number;
    windowMinutes?: number;
    sameUser?: boolean;
    sameApp?: boolean;
    [key: string]: unknown;
  };
  alertsPerDay?: number | null;
  createAlert?: boolean;
  created?: number;
  [key: string]: unknown;
}

export interface DiscoveryStream {
  _id: string;
  displayName: string;
  logType?: number;
  streamType?: number;
  isManual?: boolean;
  created?: string;
  lastModified?: string;
  lastDataReceived?: string;
  [key: string]: unknown;
}

/** A custom log parser (CUSTOM_PARSER data sources): CSV columns or key=value keys mapped to fields. */
export interface CustomParserDefinition {
  layout: 'csv' | 'keyvalue';
  /** CSV only: one character (default `,`). */
  delimiter?: string;
  /** CSV only: the column names, or `first-line` to read them from the file; without it, fields name 0-based column numbers. */
  header?: string[] | 'first-line';
  /** Field -> column name or key (case-sensitive). `timestamp` may list several columns joined with a blank. */
  fields: {
    timestamp: string | string[];
    srcIp: string;
    user?: string;
    machine?: string;
    destHost?: string;
    destIp?: string;
    destPort?: string;
    url?: string;
    bytesUp?: string;
    bytesDown?: string;
    bytesTotal?: string;
    action?: string;
  };
  /** `auto` (default), `epoch`, or a pattern of yyyy MM MMM dd HH mm ss SSS Z (other characters literal). */
  timestampFormat?: string;
  /** Action values that mean blocked (case-insensitive). */
  blockedValues?: string[];
}

/** Where an FTP/FTPS data source receives files; `password` only in the response that created it. */
export interface DataSourceFtpReceiver {
  host: string;
  port: number | null;
  user: string;
  /** FTPS: explicit AUTH TLS and protected data connections required. */
  tls: boolean;
  passivePorts: string | null;
  password?: string;
}

/** A data source (continuous report with a syslog or FTP/FTPS receiver). */
export interface DiscoveryDataSource extends DiscoveryStream {
  receiverType?: string;
  receiverTypeFull?: string;
  protocol?: string;
  port?: number;
  listening?: boolean;
  ftp?: DataSourceFtpReceiver;
  utcOffsetMinutes?: number;
  customParser?: CustomParserDefinition;
  receiverStats?: Record<string, unknown> | null;
}

export interface DataSourceInput {
  displayName: string;
  /** Log-type code or name, e.g. 156 or `SQUID_NATIVE_SYSLOG`; `CUSTOM_PARSER` (167) needs `customParser`. */
  logType: number | string;
  receiverType?: 'syslog' | 'ftp' | 'ftps';
  /** `syslog-udp` (default), `syslog-tcp`, `syslog-tls`, `ftp` or `ftps`. */
  receiverTypeFull?: 'syslog-udp' | 'syslog-tcp' | 'syslog-tls' | 'ftp' | 'ftps';
  /** Syslog: port to listen on; omit for a free one (FTP data sources share the FTP server's port). */
  port?: number;
  anonymizeUsers?: boolean;
  /** Time zone of zone-less timestamps, minutes east of UTC. */
  utcOffsetMinutes?: number;
  customParser?: CustomParserDefinition;
}

export interface DiscoveredApp {
  appId: number;
  name: string;
  category?: string;
  score?: number;
  usersCount?: number;
  ipAddressesCount?: number;
  trafficTotalBytes?: number;
  trafficUploadedBytes?: number;
  trafficTotalEvents?: number;
  lastUsed?: number | string;
  [key: string]: unknown;
}

export interface DiscoveryCategory {
  id: string;
  total: number;
}

export interface UploadUrl {
  url: string;
  provider: 'azure' | 'aws' | string;
}

/** What a close action answers: `{"closed_benign": 1}` or with `alertsNotFound`. */
export interface CloseResult {
  /** Alerts closed by this call. */
  closed: number;
  alertsNotFound: string[];
  /** The answer as sent. */
  raw: Record<string, unknown>;
}
