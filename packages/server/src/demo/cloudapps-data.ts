import crypto from 'node:crypto';
import { BUILT_IN_IP_TAGS, BUILT_IN_USER_AGENT_TAGS, BUILT_IN_USER_GROUPS, CLOUD_APP_IDS } from '@appwarden/protocol';
import { demoFiles, type DemoFile } from './demo-files.js';
import type { Doc } from '../cloudapps/document-fields.js';
import { SeededRandom } from './seeded-random.js';

export interface DemoDataOptions {
  /** Activities to generate. */
  activities: number;
  seed?: number | string;
  /** Alerts; default 5% of activities (at least 10). */
  alerts?: number;
  /** Users; default activities / 60, between 12 and 5000. */
  users?: number;
  /** Newest activity time (epoch ms); data spans the 30 days before it. Default 2025-01-01. */
  endTime?: number;
  /** Domain of user names. */
  domain?: string;
  /** Records per yielded batch. */
  batchSize?: number;
}

export interface DemoBatch {
  resource: 'entities' | 'files' | 'activities' | 'alerts';
  documents: Doc[];
}

interface App {
  id: number;
  name: string;
  events: readonly [value: string, category: string, operation: string][];
}

const APPS: readonly App[] = [
  {
    id: CLOUD_APP_IDS.Office_365,
    name: 'Office 365',
    events: [
      ['EVENT_AAD_LOGIN', 'EVENT_CATEGORY_LOGIN', 'UserLoggedIn'],
      ['EVENT_AAD_LOGIN_FAILED', 'EVENT_CATEGORY_FAILED_LOGIN', 'UserLoginFailed'],
      ['EVENT_AAD_ADD_MEMBER_TO_ROLE', 'EVENT_CATEGORY_ADMIN', 'Add member to role.'],
    ],
  },
  {
    id: CLOUD_APP_IDS.Microsoft_OneDrive_for_Business,
    name: 'Microsoft OneDrive for Business',
    events: [
      ['EVENT_O365_ONEDRIVE_GENERIC', 'EVENT_CATEGORY_UNSPECIFIED', 'FilePreviewed'],
      ['EVENT_O365_ONEDRIVE_DOWNLOAD', 'EVENT_CATEGORY_DOWNLOAD_FILE', 'FileDownloaded'],
      ['EVENT_O365_ONEDRIVE_UPLOAD', 'EVENT_CATEGORY_UPLOAD_FILE', 'FileUploaded'],
      ['EVENT_O365_ONEDRIVE_DELETE', 'EVENT_CATEGORY_DELETE_FILE', 'FileDeleted'],
    ],
  },
  {
    id: CLOUD_APP_IDS.Microsoft_Sharepoint_Online,
    name: 'Microsoft SharePoint Online',
    events: [
      ['EVENT_O365_SHAREPOINT_GENERIC', 'EVENT_CATEGORY_UNSPECIFIED', 'PageViewed'],
      ['EVENT_O365_SHAREPOINT_SHARE', 'EVENT_CATEGORY_SHARE_FILE', 'SharingSet'],
      ['EVENT_O365_SHAREPOINT_DOWNLOAD', 'EVENT_CATEGORY_DOWNLOAD_FILE', 'FileDownloaded'],
    ],
  },
  {
    id: CLOUD_APP_IDS.Microsoft_Exchange_Online,
    name: 'Microsoft Exchange Online',
    events: [
      ['EVENT_EXCHANGE_MAILBOX_LOGIN', 'EVENT_CATEGORY_LOGIN', 'MailboxLogin'],
      ['EVENT_EXCHANGE_SEND_AS', 'EVENT_CATEGORY_SEND_MAIL', 'SendAs'],
      ['EVENT_EXCHANGE_INBOX_RULE', 'EVENT_CATEGORY_CREATE_RULE', 'New-InboxRule'],
    ],
  },
  {
    id: CLOUD_APP_IDS.Microsoft_Teams,
    name: 'Microsoft Teams',
    events: [
      ['EVENT_TEAMS_SIGNIN', 'EVENT_CATEGORY_LOGIN', 'TeamsSessionStarted'],
      ['EVENT_TEAMS_MESSAGE', 'EVENT_CATEGORY_SEND_MESSAGE', 'MessageSent'],
    ],
  },
  {
    id: CLOUD_APP_IDS.Box,
    name: 'Box',
    events: [
      ['EVENT_BOX_LOGIN', 'EVENT_CATEGORY_LOGIN', 'LOGIN'],
      ['EVENT_BOX_DOWNLOAD', 'EVENT_CATEGORY_DOWNLOAD_FILE', 'DOWNLOAD'],
      ['EVENT_BOX_SHARE', 'EVENT_CATEGORY_SHARE_FILE', 'SHARE'],
    ],
  },
  {
    id: CLOUD_APP_IDS.Salesforce,
    name: 'Salesforce',
    events: [
      ['EVENT_SALESFORCE_LOGIN', 'EVENT_CATEGORY_LOGIN', 'Login'],
      ['EVENT_SALESFORCE_REPORT_EXPORT', 'EVENT_CATEGORY_DOWNLOAD_FILE', 'ReportExport'],
    ],
  },
  {
    id: CLOUD_APP_IDS.Amazon_Web_Services,
    name: 'Amazon Web Services',
    events: [
      ['EVENT_AWS_CONSOLE_LOGIN', 'EVENT_CATEGORY_LOGIN', 'ConsoleLogin'],
      ['EVENT_AWS_CREATE_USER', 'EVENT_CATEGORY_ADMIN', 'CreateUser'],
      ['EVENT_AWS_STOP_LOGGING', 'EVENT_CATEGORY_ADMIN', 'StopLogging'],
    ],
  },
];

interface Place {
  countryCode: string;
  city: string;
  region: string;
  regionCode: string;
  latitude: number;
  longitude: number;
  isp: string;
  prefix: string;
}

const PLACES: readonly Place[] = [
  {
    countryCode: 'US',
    city: 'Seattle',
    region: 'Washington',
    regionCode: 'WA',
    latitude: 47.6062,
    longitude: -122.3321,
    isp: 'Comcast Cable',
    prefix: '73.42',
  },
  {
    countryCode: 'US',
    city: 'New York',
    region: 'New York',
    regionCode: 'NY',
    latitude: 40.7128,
    longitude: -74.006,
    isp: 'Verizon Fios',
    prefix: '100.2',
  },
  {
    countryCode: 'GB',
    city: 'London',
    region: 'England',
    regionCode: 'ENG',
    latitude: 51.5072,
    longitude: -0.1276,
    isp: 'British Telecommunications',
    prefix: '86.128',
  },
  {
    countryCode: 'DE',
    city: 'Berlin',
    region: 'Berlin',
    regionCode: 'BE',
    latitude: 52.52,
    longitude: 13.405,
    isp: 'Deutsche Telekom',
    prefix: '91.64',
  },
  {
    countryCode: 'FR',
    city: 'Paris',
    region: 'Ile-de-France',
    regionCode: 'IDF',
    latitude: 48.8566,
    longitude: 2.3522,
    isp: 'Orange',
    prefix: '90.12',
  },
  {
    countryCode: 'IL',
    city: 'Tel Aviv',
    region: 'Tel Aviv',
    regionCode: 'TA',
    latitude: 32.0679,
    longitude: 34.7604,
    isp: 'Cellcom Group',
    prefix: '37.142',
  },
  {
    countryCode: 'IN',
    city: 'Bengaluru',
    region: 'Karnataka',
    regionCode: 'KA',
    latitude: 12.9716,
    longitude: 77.5946,
    isp: 'Bharti Airtel',
    prefix: '122.171',
  },
  {
    countryCode: 'JP',
    city: 'Tokyo',
    region: 'Tokyo',
    regionCode: '13',
    latitude: 35.6762,
    longitude: 139.6503,
    isp: 'NTT Communications',
    prefix: '153.156',
  },
  {
    countryCode: 'BR',
    city: 'Sao Paulo',
    region: 'Sao Paulo',
    regionCode: 'SP',
    latitude: -23.5505,
    longitude: -46.6333,
    isp: 'Claro Brasil',
    prefix: '177.79',
  },
  {
    countryCode: 'NL',
    city: 'Amsterdam',
    region: 'North Holland',
    regionCode: 'NH',
    latitude: 52.3676,
    longitude: 4.9041,
    isp: 'KPN',
    prefix: '145.53',
  },
];
/** Infrequent, risky origins used by alert-worthy activities. */
const RISKY: readonly (Place & { tag: string; category: number })[] = [
  {
    countryCode: 'RU',
    city: 'Moscow',
    region: 'Moscow',
    regionCode: 'MOW',
    latitude: 55.7558,
    longitude: 37.6173,
    isp: 'Tor exit node',
    prefix: '185.220',
    tag: BUILT_IN_IP_TAGS.Tor,
    category: 3,
  },
  {
    countryCode: 'NG',
    city: 'Lagos',
    region: 'Lagos',
    regionCode: 'LA',
    latitude: 6.5244,
    longitude: 3.3792,
    isp: 'Anonymous proxy',
    prefix: '102.89',
    tag: BUILT_IN_IP_TAGS.Anonymous_proxy,
    category: 3,
  },
  {
    countryCode: 'KP',
    city: 'Pyongyang',
    region: 'Pyongyang',
    regionCode: 'PY',
    latitude: 39.0392,
    longitude: 125.7625,
    isp: 'Star JV',
    prefix: '175.45',
    tag: BUILT_IN_IP_TAGS.Botnet,
    category: 3,
  },
];
const CORPORATE: Place = {
  countryCode: 'US',
  city: 'Redmond',
  region: 'Washington',
  regionCode: 'WA',
  latitude: 47.674,
  longitude: -122.1215,
  isp: 'Contoso Corporate',
  prefix: '40.112',
};

const AGENTS = [
  {
    ua: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.0.0',
    family: 'EDGE',
    name: 'Edge',
    os: 'WINDOWS',
    osName: 'Windows 10',
    device: 'DESKTOP',
    type: 'Browser',
    tags: [] as string[],
  },
  {
    ua: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
    family: 'SAFARI',
    name: 'Safari',
    os: 'OS_X',
    osName: 'macOS',
    device: 'DESKTOP',
    type: 'Browser',
    tags: [],
  },
  {
    ua: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
    family: 'MOBILE_SAFARI',
    name: 'Mobile Safari',
    os: 'IOS',
    osName: 'iOS',
    device: 'MOBILE',
    type: 'Browser',
    tags: [],
  },
  {
    ua: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.43 Mobile Safari/537.36',
    family: 'CHROME_MOBILE',
    name: 'Chrome Mobile',
    os: 'ANDROID',
    osName: 'Android',
    device: 'MOBILE',
    type: 'Browser',
    tags: [],
  },
  {
    ua: 'Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
    family: 'MOBILE_SAFARI',
    name: 'Mobile Safari',
    os: 'IOS',
    osName: 'iPadOS',
    device: 'TABLET',
    type: 'Browser',
    tags: [],
  },
  {
    ua: 'OneDriveMpc-Transform_Thumbnail/1.0',
    family: 'MICROSOFT_ONEDRIVE_FOR_BUSINESS',
    name: 'Microsoft OneDrive for Business',
    os: 'OTHER',
    osName: 'Unknown',
    device: 'OTHER',
    type: 'Application',
    tags: [BUILT_IN_USER_AGENT_TAGS.Native_client],
  },
  {
    ua: 'Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0) like Gecko',
    family: 'IE',
    name: 'IE',
    os: 'WINDOWS',
    osName: 'Windows 7',
    device: 'DESKTOP',
    type: 'Browser',
    tags: [BUILT_IN_USER_AGENT_TAGS.Outdated_browser, BUILT_IN_USER_AGENT_TAGS.Outdated_operating_system],
  },
  {
    ua: 'python-requests/2.31.0',
    family: 'PYTHON_REQUESTS',
    name: 'Python Requests',
    os: 'OTHER',
    osName: 'Unknown',
    device: 'OTHER',
    type: 'Robot',
    tags: [BUILT_IN_USER_AGENT_TAGS.Robot],
  },
];

const FIRST = [
  'Adele',
  'Alex',
  'Allan',
  'Ben',
  'Christie',
  'Debra',
  'Diego',
  'Emily',
  'Enrico',
  'Grady',
  'Henrietta',
  'Irvin',
  'Isaiah',
  'Johanna',
  'Joni',
  'Lee',
  'Lidia',
  'Lynne',
  'Megan',
  'Miriam',
  'Nestor',
  'Patti',
  'Pradeep',
  'Raul',
  'Sanjay',
  'Yuki',
  'Zrinka',
  'Omar',
  'Fatima',
  'Chen',
];
const LAST = [
  'Vance',
  'Wilber',
  'Deyoung',
  'Walker',
  'Cline',
  'Berger',
  'Siciliani',
  'Braun',
  'Cattaneo',
  'Archie',
  'Gonzalez',
  'Sherwood',
  'Langer',
  'Lauer',
  'Sherman',
  'Gu',
  'Holloway',
  'Robbins',
  'Bowen',
  'Caldwell',
  'Wilke',
  'Fernandez',
  'Gupta',
  'Rodriguez',
  'Patel',
  'Tanaka',
  'Kovac',
  'Haddad',
  'Nasser',
  'Wei',
];
const DEPARTMENTS = ['Finance', 'Sales', 'Engineering', 'Marketing', 'Legal', 'HR', 'IT'];
const GROUP_IDS = ['5f01dbbc68df27c17aa6ca81', '5f01dbbc68df27c17aa6ca82', '5f01dbbc68df27c17aa6ca83'];

const ALERT_KINDS = [
  { title: 'Impossible travel activity', severity: 1, stories: [0], intent: [2], policyType: 'ANOMALY_DETECTION' },
  { title: 'Activity from infrequent country', severity: 0, stories: [0], intent: [2], policyType: 'ANOMALY_DETECTION' },
  { title: 'Activity from a Tor IP address', severity: 2, stories: [0], intent: [5], policyType: 'ANOMALY_DETECTION' },
  { title: 'Mass download by a single user', severity: 1, stories: [3], intent: [11], policyType: 'ANOMALY_DETECTION' },
  { title: 'Suspicious inbox forwarding', severity: 2, stories: [0], intent: [10], policyType: 'ANOMALY_DETECTION' },
  { title: 'Multiple failed login attempts', severity: 0, stories: [0], intent: [6], policyType: 'ANOMALY_DETECTION' },
  { title: 'Unusual file deletion activity', severity: 1, stories: [0], intent: [13], policyType: 'ANOMALY_DETECTION' },
  { title: 'Administrative activity from a non-corporate IP address', severity: 3, stories: [1], intent: [4], policyType: 'ACTIVITY' },
];

interface DemoUser {
  aadId: string;
  upn: string;
  name: string;
  department: string;
  external: boolean;
  admin: boolean;
  groups: string[];
  home: Place;
  homeIp: string;
  agent: (typeof AGENTS)[number];
  apps: App[];
  accountIds: Map<number, string>;
}

/** What the file generator needs of a user and an app (demo-files.ts). */
export type DemoFileOwner = Pick<DemoUser, 'upn' | 'name' | 'department' | 'external' | 'groups' | 'apps'>;

/** The numeric tenant id of activity ids (`<tenant>_<app>_<event>`), stable per tenant. */
export function numericTenantId(tenantId: string): number {
  return 10_000_000 + (crypto.createHash('sha256').update(tenantId).digest().readUInt32BE(0) % 89_999_999);
}

/**
 * Deterministic demo data for a tenant: users with accounts in several apps, activities from their
 * usual places and devices (and now and then from a risky IP), and alerts that reference real
 * activities (`audits`) and entities. Yields batches: entities first, then activities, with the
 * alerts on the activities just yielded right after them, so that millions of records never sit in
 * memory at once.
 */
export async function* generateDemoData(tenantId: string, options: DemoDataOptions): AsyncGenerator<DemoBatch> {
  const rnd = new SeededRandom(options.seed ?? 42);
  const domain = options.domain ?? 'contoso.onmicrosoft.com';
  const batchSize = options.batchSize ?? 2000;
  const endTime = options.endTime ?? Date.UTC(2025, 0, 1);
  const span = 30 * 86_400_000;
  const activityCount = options.activities;
  const alertCount = options.alerts ?? Math.max(10, Math.round(activityCount * 0.05));
  const userCount = options.users ?? Math.min(5000, Math.max(12, Math.round(activityCount / 60)));
  const tenantNo = numericTenantId(tenantId);
  const oid = (() => {
    let n = 0;
    const base = rnd.hex(8);
    return () => `${base}${(n++).toString(16).padStart(16, '0')}`;
  })();

  // Users and their accounts.
  const users: DemoUser[] = [];
  const entities: Doc[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < userCount; i++) {
    const first = rnd.pick(FIRST);
    const last = rnd.pick(LAST);
    let local = `${first}.${last}`.toLowerCase();
    for (let k = 2; seen.has(local); k++) local = `${first}.${last}${k}`.toLowerCase();
    seen.add(local);
    const external = rnd.chance(0.08);
    const home = rnd.pick(PLACES);
    const apps = [APPS[0]!, ...APPS.slice(1).filter(() => rnd.chance(0.45))];
    const user: DemoUser = {
      aadId: rnd.uuid(),
      upn: external ? `${local}@fabrikam.com` : `${local}@${domain}`,
      name: `${first} ${last}`,
      department: rnd.pick(DEPARTMENTS),
      external,
      admin: rnd.chance(0.07),
      groups: GROUP_IDS.filter(() => rnd.chance(0.3)),
      home,
      homeIp: `${home.prefix}.${rnd.int(0, 255)}.${rnd.int(1, 254)}`,
      agent: AGENTS[rnd.int(0, 4)]!,
      apps,
      accountIds: new Map(),
    };
    users.push(user);
    const userGroups = [
      ...(external ? [{ _id: oid(), ...BUILT_IN_USER_GROUPS.External_users, usersCount: 0 }] : []),
      ...user.groups.map((g) => ({
        _id: oid(),
        id: g,
        name: `${user.department} team`,
        description: 'Imported from Microsoft Entra ID',
        usersCount: 0,
      })),
    ];
    const userPk = { id: user.aadId, saas: CLOUD_APP_IDS.Office_365, inst: 0 };
    const lastSeen = new Date(endTime - rnd.int(0, 3 * 86_400_000)).toISOString().replace(/\.\d{3}Z$/, 'Z');
    entities.push(
      entityDoc(
        oid(),
        2,
        user,
        userPk,
        { appId: 11161, name: 'Office 365', saas: 11161, instance: 0 },
        userGroups,
        lastSeen,
        rnd.int(0, 60),
      ),
    );
    for (const app of apps) {
      const accountId = app.id === CLOUD_APP_IDS.Office_365 || app.id >= 15600 ? rnd.uuid() : user.upn;
      user.accountIds.set(app.id, accountId);
      const pk = { id: accountId, saas: app.id, inst: 0 };
      const doc = entityDoc(oid(), 1, user, pk, { appId: app.id, name: app.name, saas: app.id, instance: 0 }, userGroups, lastSeen, null);
      doc.parent = userPk;
      entities.push(doc);
    }
  }
  for (let i = 0; i < entities.length; i += batchSize) yield { resource: 'entities', documents: entities.slice(i, i + batchSize) };

  // Files the users own in the apps that hold files, from their own random stream so that the
  // activities and alerts of a seed stay what they were before files existed.
  const fileRnd = new SeededRandom(`${String(options.seed ?? 42)}:files`);
  const files = demoFiles(fileRnd, users, endTime, span);
  for (let i = 0; i < files.documents.length; i += batchSize) {
    yield { resource: 'files', documents: files.documents.slice(i, i + batchSize) };
  }

  // Activities, and alerts on some of them.
  const alertEvery = activityCount / Math.max(1, alertCount);
  let nextAlertAt = alertEvery / 2;
  let alertsMade = 0;
  let batch: Doc[] = [];
  let alerts: Doc[] = [];
  const recentByUser = new Map<DemoUser, string[]>();
  for (let i = 0; i < activityCount; i++) {
    const user = rnd.pick(users);
    const app = rnd.pick(user.apps);
    const [eventValue, category, operation] = rnd.pick(app.events);
    // Activities walk back in time from endTime with jitter; ids stay unique through the uuid.
    const timestamp = endTime - Math.floor((i / Math.max(1, activityCount)) * span) - rnd.int(0, 60_000);
    const alerting = i >= nextAlertAt && alertsMade < alertCount;
    const risky = alerting ? rnd.chance(0.5) : rnd.chance(0.01);
    const place = risky ? rnd.pick(RISKY) : rnd.chance(0.3) ? CORPORATE : user.home;
    const ip = risky
      ? `${place.prefix}.${rnd.int(0, 255)}.${rnd.int(1, 254)}`
      : place === CORPORATE
        ? `40.112.${rnd.int(0, 3)}.${rnd.int(1, 254)}`
        : user.homeIp;
    const agent = rnd.chance(0.85) ? user.agent : rnd.pick(AGENTS);
    // File events name one of the user's files in that app, when the demo gave them some.
    const owned = /FILE|SHARE/.test(category) ? files.byOwner.get(user.upn)?.get(app.id) : undefined;
    const file = owned?.length ? fileRnd.pick(owned) : undefined;
    const doc = activityDoc(rnd, tenantNo, tenantId, user, app, eventValue, category, operation, timestamp, place, ip, agent, risky, file);
    batch.push(doc);
    const recent = recentByUser.get(user) ?? [];
    recent.push(doc._id as string);
    if (recent.length > 5) recent.shift();
    recentByUser.set(user, recent);
    if (alerting) {
      alerts.push(alertDoc(rnd, oid(), tenantId, user, app, doc, place, ip, [...recent], endTime));
      alertsMade += 1;
      nextAlertAt += alertEvery;
    }
    if (batch.length >= batchSize) {
      yield { resource: 'activities', documents: batch };
      batch = [];
      if (alerts.length) yield { resource: 'alerts', documents: alerts };
      alerts = [];
    }
  }
  if (batch.length) yield { resource: 'activities', documents: batch };
  if (alerts.length) yield { resource: 'alerts', documents: alerts };
}

function entityDoc(
  _id: string,
  type: 1 | 2,
  user: DemoUser,
  pk: { id: string; saas: number; inst: number },
  appData: Doc,
  userGroups: Doc[],
  lastSeen: string,
  threatScore: number | null,
): Doc {
  return {
    type,
    status: 2,
    displayName: user.name,
    id: pk.id,
    _id,
    userGroups,
    identifiers: [],
    sid: null,
    appData,
    isAdmin: user.admin,
    isExternal: user.external,
    email: user.upn,
    role: user.admin ? 'Global Administrator' : null,
    organization: user.external ? null : user.department,
    lastSeen,
    domain: user.upn.split('@')[1] ?? null,
    scoreTrends: null,
    subApps: [],
    threatScore,
    idType: type === 2 ? 1 : 2,
    isFake: false,
    ii: `${pk.saas}|${pk.inst}|${pk.id}`,
    actions: [],
    username: `{'id': '${pk.id}', 'saas': ${pk.saas}, 'inst': ${pk.inst}}`,
    sctime: null,
  };
}

function activityDoc(
  rnd: SeededRandom,
  tenantNo: number,
  aadTenantId: string,
  user: DemoUser,
  app: App,
  eventValue: string,
  category: string,
  operation: string,
  timestamp: number,
  place: Place,
  ip: string,
  agent: (typeof AGENTS)[number],
  risky: boolean,
  file?: DemoFile,
): Doc {
  const eventId = rnd.uuid();
  const id = `${tenantNo}_${app.id}_${eventId}`;
  const created = timestamp + rnd.int(30_000, 300_000);
  const accountId = user.accountIds.get(app.id) ?? user.aadId;
  const isFile = /FILE|SHARE/.test(category);
  // Drawn even when a demo file is named instead, so that the random stream stays the same.
  const drawnName = `${rnd.pick(['Q3 forecast', 'customer list', 'roadmap', 'payroll', 'contract draft', 'board deck'])}.${rnd.pick(['xlsx', 'docx', 'pptx', 'pdf'])}`;
  const fileName = file?.name ?? drawnName;
  const site = `https://${user.upn.split('@')[1]!.split('.')[0]}-my.sharepoint.com/personal/${user.upn.replace(/[@.]/g, '_')}/`;
  const fileLink = file?.link ?? `${site}Documents/${fileName}`;
  const ipTags =
    risky && 'tag' in place
      ? [(place as { tag: string }).tag]
      : place.isp === 'Contoso Corporate'
        ? [BUILT_IN_IP_TAGS.Internal_Network_IP]
        : [];
  const category_ = risky && 'category' in place ? (place as { category: number }).category : place.isp === 'Contoso Corporate' ? 1 : 0;
  const eventObjects: Doc[] = [
    ...(isFile ? [{ objType: 1, role: 3, tags: [], name: fileLink, id: fileObjectId(rnd.uuid(), file), serviceObjectType: 'File' }] : []),
    { objType: 21, role: 4, tags: [], name: user.name, instanceId: 0, resolved: true, saasId: 11161, id: user.upn, link: -162371649 },
    {
      objType: 23,
      role: 4,
      tags: user.groups,
      name: user.name,
      instanceId: 0,
      resolved: true,
      saasId: 11161,
      id: user.aadId,
      link: -162371649,
    },
  ];
  return {
    _id: id,
    tenantId: tenantNo,
    aadTenantId,
    appId: app.id,
    saasId: app.id,
    timestamp,
    timestampRaw: timestamp,
    instantiation: created - 2000,
    instantiationRaw: created - 2000,
    created,
    createdRaw: created,
    eventType: 233580,
    eventTypeValue: eventValue,
    eventRouting: { scubaUnpacker: false, lograbber: true, auditing: true },
    device: { clientIP: ip, userAgent: agent.ua, countryCode: place.countryCode },
    location: {
      countryCode: place.countryCode,
      city: place.city,
      regionCode: place.regionCode,
      region: place.region,
      longitude: place.longitude,
      latitude: place.latitude,
      organizationSearchable: place.isp,
      anonymousProxy: risky,
      isSatelliteProvider: false,
      category: category_,
      categoryValue: category_ === 1 ? 'CORPORATE' : category_ === 3 ? 'RISKY' : 'null',
    },
    user: { userName: user.upn, userTags: user.groups, ...(user.external ? {} : { orgUnit: `${user.department}` }) },
    userAgent: {
      family: agent.family,
      name: agent.name,
      operatingSystem: { name: agent.osName, family: agent.os },
      type: agent.type,
      typeName: agent.type,
      deviceType: agent.device,
      nativeBrowser: agent.type === 'Application',
      tags: agent.tags,
      os: agent.os,
      browser: agent.family,
    },
    internals: { otherIPs: [ip] },
    mainInfo: { eventObjects, rawOperationName: operation, prettyOperationName: operation, type: 'basic' },
    confidenceLevel: 20,
    source: 2,
    lograbberService: { o365EventGrabber: true, gediEvent: true },
    srcAppId: 11161,
    rawDataJson: {
      OrganizationId: aadTenantId,
      CreationTime: new Date(timestamp).toISOString().replace('Z', '0000Z'),
      Operation: operation,
      UserId: user.upn,
      ClientIP: ip,
      UserAgent: agent.ua,
      ...(isFile ? { ObjectId: fileLink, SourceFileName: fileName } : {}),
      Id: eventId,
    },
    resolvedActor: {
      id: accountId,
      saasId: String(app.id),
      instanceId: '0',
      tags: user.groups,
      objType: '23',
      name: user.name,
      role: '4',
      resolved: true,
    },
    uid: id,
    appName: app.name,
    eventTypeName: category,
    classifications: [],
    entityData: {
      '0': { displayName: user.name, id: { id: user.upn, saas: 11161, inst: 0 }, resolved: true },
      '1': null,
      '2': { displayName: user.name, id: { id: accountId, saas: app.id, inst: 0 }, resolved: true },
    },
    description_id: 'EVENT_DESCRIPTION_BASIC_EVENT',
    description_metadata: { target_object: isFile ? fileName : '', operation_name: operation, colon: '', dash: '' },
    description: isFile ? `${operation}: ${fileName}` : operation,
    genericEventType: 'ENUM_ACTIVITY_GENERIC_TYPE_BASIC',
    severity: 'INFO',
    ipTags,
    adminEvent: category === 'EVENT_CATEGORY_ADMIN',
  };
}

/** The file's own id when the activity names a demo file (the uuid is drawn either way). */
const fileObjectId = (drawn: string, file: DemoFile | undefined) => file?.id ?? drawn;

function alertDoc(
  rnd: SeededRandom,
  _id: string,
  aadTenantId: string,
  user: DemoUser,
  app: App,
  trigger: Doc,
  place: Place,
  ip: string,
  audits: string[],
  endTime: number,
): Doc {
  const kind = 'tag' in place ? ALERT_KINDS[2]! : rnd.pick(ALERT_KINDS);
  const timestamp = (trigger.timestamp as number) + rnd.int(60_000, 900_000);
  const accountId = user.accountIds.get(app.id) ?? user.aadId;
  const policyId = `5bfd18bfab73c36ba10d38${(ALERT_KINDS.indexOf(kind) + 16).toString(16)}`;
  const policy = { id: policyId, label: kind.title, policyType: kind.policyType, type: 'policyRule' };
  const closed = timestamp < endTime - 7 * 86_400_000 && rnd.chance(0.6);
  const resolution = closed ? rnd.pick([3, 4, 5]) : 0;
  const entities: Doc[] = [
    {
      entityRole: 'Source',
      entityType: 2,
      id: accountId,
      inst: 0,
      label: user.name,
      pa: user.upn,
      em: user.upn,
      saas: app.id,
      type: 'account',
    },
    { id: user.upn, label: user.upn, type: 'user' },
    { id: app.id, label: app.name, type: 'service' },
    { entityRole: 'Related', id: ip, label: ip, type: 'ip' },
    policy,
  ];
  return {
    _id,
    timestamp,
    entities,
    title: kind.title,
    description: `${user.name} performed ${kind.title.toLowerCase()} in ${app.name} from ${ip} (${place.city}, ${place.countryCode}).`,
    isMarkdown: false,
    stories: kind.stories,
    intent: kind.intent,
    evidence: [{ title: `IP address ${ip}`, type: 'ip' }],
    policy,
    contextId: aadTenantId,
    threatScore: rnd.int(5, 90),
    isSystemAlert: false,
    isPreview: false,
    idValue: parseInt(_id.slice(-7), 16),
    statusValue: closed || rnd.chance(0.3) ? 1 : 0,
    severityValue: kind.severity,
    resolutionStatusValue: resolution,
    audits,
    ...(closed
      ? {
          resolveTime: new Date(timestamp + rnd.int(3_600_000, 3 * 86_400_000)).toISOString(),
          handledByUser: `admin@${user.upn.split('@')[1]}`,
          comment: 'Reviewed during triage',
        }
      : {}),
  };
}
