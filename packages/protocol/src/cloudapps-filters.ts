/** The filter language of the Cloud Apps API (reference §5): operators and the fields of each resource. */

export const FILTER_OPERATORS = [
  'eq',
  'neq',
  'deq',
  'contains',
  'ncontains',
  'startswith',
  'doesnotstartwith',
  'endswith',
  'startswithsingle',
  'gt',
  'gte',
  'lt',
  'lte',
  'range',
  'gte_ndays',
  'lte_ndays',
  'isset',
  'isnotset',
  'descendantof',
  'ndescendantof',
  'text',
  'cabinetmatchedrulesequals',
] as const;

export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/**
 * What an operator takes (reference §5.1): `list` one value or an array of them, `single` one
 * value, `range` an array of `{start, end}`, `days` a number of days, `flag` a boolean.
 */
export type FilterOperandShape = 'list' | 'single' | 'range' | 'days' | 'flag';

export interface FilterOperatorSpec {
  operand: FilterOperandShape;
  /** The operand is text whatever the field's type (substring and prefix matches). */
  text: boolean;
}

/** Every operator's operand, in one table, for the server's validator, the SDK and the CLI alike. */
export const FILTER_OPERATOR_SPECS = {
  eq: { operand: 'list', text: false },
  neq: { operand: 'list', text: false },
  deq: { operand: 'list', text: false },
  contains: { operand: 'list', text: true },
  ncontains: { operand: 'list', text: true },
  startswith: { operand: 'list', text: true },
  doesnotstartwith: { operand: 'list', text: true },
  endswith: { operand: 'list', text: true },
  startswithsingle: { operand: 'single', text: true },
  gt: { operand: 'single', text: false },
  gte: { operand: 'single', text: false },
  lt: { operand: 'single', text: false },
  lte: { operand: 'single', text: false },
  range: { operand: 'range', text: false },
  gte_ndays: { operand: 'days', text: false },
  lte_ndays: { operand: 'days', text: false },
  isset: { operand: 'flag', text: false },
  isnotset: { operand: 'flag', text: false },
  descendantof: { operand: 'list', text: true },
  ndescendantof: { operand: 'list', text: true },
  text: { operand: 'single', text: true },
  cabinetmatchedrulesequals: { operand: 'list', text: false },
} as const satisfies { readonly [Op in FilterOperator]: FilterOperatorSpec };

/**
 * Value types of filter fields. `entityPk` is `{id, saas?, inst?}`; `entityType` accepts 1/2 and
 * the strings `account`/`user`; `nullableBool` accepts `null` as "no value"; `tag` is a string id
 * but tolerates the non-string selector objects the PowerShell module sends.
 */
export type FilterValueType = 'int' | 'string' | 'bool' | 'nullableBool' | 'timestamp' | 'entityPk' | 'entityType' | 'tag';

export interface FilterFieldSpec {
  type: FilterValueType;
  operators: readonly FilterOperator[];
  /**
   * Where the field comes from: documented, older docs, only seen in real clients, or an Appwarden
   * name that the real service is not known to accept (readable aliases of report fields).
   */
  origin: 'docs' | 'docs-old' | 'client' | 'appwarden';
}

/** Resources whose lists are stored records, filtered in the store (compiled to SQL). */
export type FilterResource = 'alerts' | 'activities' | 'entities' | 'files';

/** Cloud Discovery lists (report apps and categories, IP ranges), filtered with the same language. */
export type DiscoveryFilterResource = 'discoveredApps' | 'discoveryCategories' | 'subnets';

/** Every list that has a field registry (`policies`: the undocumented policies list, filtered in memory). */
export type FilterRegistryName = FilterResource | DiscoveryFilterResource | 'policies';

// Generic so that each field keeps its literal type and operators: the SDK derives typed filters from them.
const f = <T extends FilterValueType, const O extends readonly FilterOperator[]>(
  type: T,
  operators: O,
  origin: FilterFieldSpec['origin'] = 'docs',
): { type: T; operators: O; origin: FilterFieldSpec['origin'] } => ({ type, operators, origin });

const EQ = ['eq', 'neq'] as const;
const DATE = ['lte', 'gte', 'range', 'lte_ndays', 'gte_ndays'] as const;
const SET = ['isset', 'isnotset'] as const;

/** Alerts filters (reference §5.2). */
export const ALERT_FILTER_FIELDS = {
  'entity.entity': f('entityPk', EQ),
  'entity.ip': f('string', EQ),
  'entity.service': f('int', EQ),
  'entity.instance': f('int', EQ),
  'entity.policy': f('string', EQ),
  'entity.file': f('string', EQ),
  'entity.user': f('string', ['eq'], 'client'),
  alertOpen: f('bool', ['eq']),
  severity: f('int', EQ),
  resolutionStatus: f('int', EQ),
  read: f('bool', ['eq']),
  date: f('timestamp', DATE),
  resolutionDate: f('timestamp', ['lte', 'gte', 'range']),
  risk: f('int', EQ),
  alertType: f('int', EQ),
  id: f('string', EQ),
  source: f('string', ['eq']),
  instance: f('int', ['eq'], 'client'),
} as const satisfies Readonly<Record<string, FilterFieldSpec>>;

/** Activities filters (reference §5.3). */
export const ACTIVITY_FILTER_FIELDS = {
  service: f('int', EQ),
  instance: f('int', EQ),
  'user.orgUnit': f('string', [...EQ, ...SET, 'descendantof', 'ndescendantof']),
  actionType: f('string', ['contains', ...EQ, ...SET]),
  'activity.eventActionType': f('string', EQ),
  'activity.eventType': f('string', EQ, 'client'),
  'activity.actionType': f('string', EQ, 'client'),
  'activity.id': f('string', ['eq']),
  'activity.impersonated': f('bool', ['eq']),
  'activity.type': f('bool', ['eq']),
  'activity.takenAction': f('string', EQ),
  'activity.alertId': f('string', ['eq']),
  'device.type': f('string', EQ),
  'device.tags': f('tag', EQ),
  'userAgent.userAgent': f('string', ['contains', 'ncontains']),
  'userAgent.tags': f('tag', EQ),
  'location.country': f('string', [...EQ, ...SET]),
  'location.organizations': f('string', [...EQ, ...SET, 'contains']),
  'ip.address': f('string', [...EQ, 'startswith', 'doesnotstartwith', ...SET]),
  'ip.category': f('int', EQ),
  'ip.tags': f('tag', EQ),
  fileSelector: f('string', EQ),
  fileId: f('string', ['eq']),
  fileLabels: f('string', ['eq'], 'client'),
  office365url: f('string', ['startswith', 'eq', 'endswith']),
  text: f('string', ['eq', 'startswithsingle', 'text']),
  date: f('timestamp', DATE),
  created: f('timestamp', ['lte', 'gte', 'range', 'gt', 'lt', 'eq']),
  policy: f('string', [...EQ, ...SET]),
  source: f('int', EQ),
  activityObject: f('string', EQ),
  entity: f('entityPk', [...EQ, ...SET, 'startswith']),
  'user.username': f('string', [...EQ, ...SET, 'startswith']),
  'user.tags': f('tag', [...EQ, 'deq', ...SET, 'startswith']),
  'user.domain': f('string', [...EQ, ...SET]),
} as const satisfies Readonly<Record<string, FilterFieldSpec>>;

/** Entities filters (reference §5.4). */
export const ENTITY_FILTER_FIELDS = {
  type: f('entityType', EQ),
  isAdmin: f('bool', ['eq']),
  entity: f('entityPk', EQ),
  userGroups: f('tag', [...EQ, 'deq']),
  app: f('int', EQ),
  instance: f('int', EQ),
  isExternal: f('nullableBool', ['eq']),
  domain: f('string', [...EQ, ...SET]),
  organization: f('string', [...EQ, ...SET, 'descendantof', 'ndescendantof']),
  status: f('int', EQ),
  lastSeen: f('timestamp', ['lte', 'gte'], 'docs-old'),
  score: f('int', ['lt', 'gt', ...SET], 'docs-old'),
  displayName: f('string', ['eq'], 'client'),
  service: f('int', EQ, 'client'),
  affiliation: f('nullableBool', EQ, 'client'),
  'user.username': f('string', EQ, 'client'),
} as const satisfies Readonly<Record<string, FilterFieldSpec>>;

/**
 * Files filters (reference §5.5, wild-clients §1.2): the documented table plus what the MCAS
 * PowerShell module sends (`collaborators.users`, `owner.username`, `filename` with `text`,
 * `policy` with `eq`). `allowDeleted` changes which files the list considers rather than matching
 * a value: without it (or `trashed`) trashed and deleted files are left out.
 */
export const FILE_FILTER_FIELDS = {
  service: f('int', EQ),
  instance: f('int', EQ),
  fileType: f('int', EQ),
  allowDeleted: f('bool', ['eq']),
  policy: f('string', ['cabinetmatchedrulesequals', 'eq', 'neq', ...SET]),
  filename: f('string', ['eq', 'text']),
  modifiedDate: f('timestamp', DATE),
  createdDate: f('timestamp', ['lte', 'gte', 'range']),
  'collaborators.entity': f('entityPk', EQ),
  'collaborators.domains': f('string', EQ),
  'collaborators.groups': f('string', EQ),
  'collaborators.withDomain': f('string', [...EQ, 'deq']),
  'collaborators.users': f('string', EQ, 'client'),
  'owner.entity': f('entityPk', EQ),
  'owner.orgUnit': f('string', EQ),
  'owner.username': f('string', EQ, 'client'),
  sharing: f('int', EQ),
  fileId: f('string', EQ),
  fileLabels: f('string', [...EQ, ...SET]),
  fileScanLabels: f('string', [...EQ, ...SET]),
  extension: f('string', EQ),
  mimeType: f('string', EQ),
  trashed: f('bool', ['eq']),
  parentFolder: f('string', EQ),
  folder: f('bool', ['eq']),
  quarantined: f('bool', ['eq']),
  snapshotLastModifiedDate: f('timestamp', ['lte', 'gte', 'range']),
} as const satisfies Readonly<Record<string, FilterFieldSpec>>;

const NUMBER = [...EQ, 'gt', 'gte', 'lt', 'lte'] as const;

/**
 * Discovered-apps filters (reference §5.7, undocumented; [PS] sends `users`, `score`, `tag`,
 * `appId`). `score: {"eq": [min, max]}` is a band, as [PS] sends it; the handler reads it so.
 * Categories are `SAASDB_CATEGORY_<X>` ids, `<X>` alone is accepted; tags match without case.
 */
export const DISCOVERED_APP_FILTER_FIELDS = {
  appId: f('int', NUMBER, 'client'),
  score: f('int', NUMBER, 'client'),
  users: f('int', NUMBER, 'client'),
  usersCount: f('int', NUMBER, 'appwarden'),
  transactions: f('int', NUMBER, 'appwarden'),
  trafficTotalEvents: f('int', NUMBER, 'appwarden'),
  upload: f('int', NUMBER, 'appwarden'),
  trafficUploadedBytes: f('int', NUMBER, 'appwarden'),
  category: f('string', EQ, 'appwarden'),
  tag: f('string', EQ, 'client'),
  tags: f('string', EQ, 'appwarden'),
} as const satisfies Readonly<Record<string, FilterFieldSpec>>;

/** Categories-of-a-report filters: the docs say "by category id" without naming the field. */
export const DISCOVERY_CATEGORY_FILTER_FIELDS = {
  id: f('string', EQ, 'docs'),
  category: f('string', EQ, 'appwarden'),
} as const satisfies Readonly<Record<string, FilterFieldSpec>>;

/** IP address range (data enrichment) filters (reference §5.6); a tag is named by its id or its name. */
export const SUBNET_FILTER_FIELDS = {
  category: f('int', EQ),
  tags: f('string', EQ),
  builtIn: f('bool', ['eq']),
} as const satisfies Readonly<Record<string, FilterFieldSpec>>;

/**
 * Policies list filters (undocumented API, reference detection §1.6): clients send
 * `{"type":{"eq":"ANOMALY_DETECTION"}}`; the other fields are Appwarden's.
 */
export const POLICY_FILTER_FIELDS = {
  type: f('string', EQ, 'client'),
  id: f('string', EQ, 'appwarden'),
  enabled: f('bool', ['eq'], 'appwarden'),
  severity: f('int', EQ, 'appwarden'),
  category: f('int', EQ, 'appwarden'),
} as const satisfies Readonly<Record<string, FilterFieldSpec>>;

export const FILTER_FIELDS: Readonly<Record<FilterRegistryName, Readonly<Record<string, FilterFieldSpec>>>> = {
  alerts: ALERT_FILTER_FIELDS,
  activities: ACTIVITY_FILTER_FIELDS,
  entities: ENTITY_FILTER_FIELDS,
  files: FILE_FILTER_FIELDS,
  discoveredApps: DISCOVERED_APP_FILTER_FIELDS,
  discoveryCategories: DISCOVERY_CATEGORY_FILTER_FIELDS,
  subnets: SUBNET_FILTER_FIELDS,
  policies: POLICY_FILTER_FIELDS,
};

/** `sortField` values per resource, and the default sort. */
export const SORT_FIELDS: Readonly<Record<FilterResource, { fields: readonly string[]; default: string; direction: 'asc' | 'desc' }>> = {
  alerts: { fields: ['date', 'severity', 'status', 'resolutionStatus'], default: 'date', direction: 'desc' },
  activities: { fields: ['date', 'created'], default: 'date', direction: 'desc' },
  entities: { fields: ['date', 'severity', 'username', 'lastSeen', 'displayName', 'score'], default: 'displayName', direction: 'asc' },
  // Undocumented: [PS] sends `modifiedDate`; the others are Appwarden's.
  files: {
    fields: ['modifiedDate', 'createdDate', 'name', 'fileSize', 'snapshotLastModifiedDate'],
    default: 'modifiedDate',
    direction: 'desc',
  },
};

/** Page sizes (reference §4.1): normal lists default and cap at 100; activity scan mode 500-5000. */
export const LIST_LIMITS = { defaultLimit: 100, maxLimit: 100, scanDefault: 500, scanMin: 500, scanMax: 5000 } as const;
