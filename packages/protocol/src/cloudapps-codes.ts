/** Code tables of the Defender for Cloud Apps API (reference §8). Numeric codes are wire values. */

export const ALERT_SEVERITY = { LOW: 0, MEDIUM: 1, HIGH: 2, INFORMATIONAL: 3 } as const;
export const ALERT_RESOLUTION_STATUS = {
  OPEN: 0,
  DISMISSED: 1,
  RESOLVED: 2,
  FALSE_POSITIVE: 3,
  BENIGN: 4,
  TRUE_POSITIVE: 5,
} as const;
export const ALERT_READ_STATUS = { UNREAD: 0, READ: 1, ARCHIVED: 2 } as const;

export const ALERT_STORIES = {
  THREAT_DETECTION: 0,
  PRIVILEGED_ACCOUNT_MONITORING: 1,
  COMPLIANCE: 2,
  DLP: 3,
  DISCOVERY: 4,
  SHARING_CONTROL: 5,
  ACCESS_CONTROL: 7,
  CONFIGURATION_MONITORING: 8,
} as const;

export const ALERT_INTENT = {
  UNKNOWN: 0,
  PREATTACK: 1,
  INITIAL_ACCESS: 2,
  PERSISTENCE: 3,
  PRIVILEGE_ESCALATION: 4,
  DEFENSE_EVASION: 5,
  CREDENTIAL_ACCESS: 6,
  DISCOVERY: 7,
  LATERAL_MOVEMENT: 8,
  EXECUTION: 9,
  COLLECTION: 10,
  EXFILTRATION: 11,
  COMMAND_AND_CONTROL: 12,
  IMPACT: 13,
} as const;

/** `reasonId` values accepted by each close action (reference §8.4). */
export const CLOSE_BENIGN_REASONS: Readonly<Record<number, string>> = {
  2: 'Actual severity is lower',
  4: 'Other',
  5: 'Confirmed with end user',
  6: 'Triggered by test',
};
export const CLOSE_FALSE_POSITIVE_REASONS: Readonly<Record<number, string>> = {
  0: 'Not of interest',
  1: 'Too many similar alerts',
  3: 'Alert is not accurate',
  4: 'Other',
};

/** IP address range categories (subnet `category`, activity filter `ip.category`). */
export const IP_CATEGORY = { NONE: 0, CORPORATE: 1, ADMINISTRATIVE: 2, RISKY: 3, VPN: 4, CLOUD_PROVIDER: 5, OTHER: 6 } as const;

/** Activity `source` (how the activity reached the service). */
export const ACTIVITY_SOURCE = {
  ACCESS_CONTROL: 0,
  SESSION_CONTROL: 1,
  APP_CONNECTOR: 2,
  APP_CONNECTOR_ANALYSIS: 3,
  DISCOVERY: 5,
  MDATP: 6,
} as const;

export const ACTIVITY_TAKEN_ACTIONS = [
  'block',
  'proxy',
  'BypassProxy',
  'encrypt',
  'decrypt',
  'verified',
  'encryptionFailed',
  'protect',
  'verify',
] as const;

export const DEVICE_TYPES = ['DESKTOP', 'MOBILE', 'TABLET', 'OTHER'] as const;

export const ENTITY_TYPE = { ACCOUNT: 1, USER: 2 } as const;
export const ENTITY_STATUS = { NA: 0, STAGED: 1, ACTIVE: 2, SUSPENDED: 3, DELETED: 4 } as const;

/** App (service) ids used by clients (reference §8.12). */
export const CLOUD_APP_IDS = {
  Amazon_Web_Services: 11599,
  Box: 10489,
  Dropbox: 11627,
  Google_Apps: 11770,
  Microsoft_Azure: 12260,
  Microsoft_OneDrive_for_Business: 15600,
  Microsoft_Cloud_App_Security: 20595,
  Microsoft_Sharepoint_Online: 20892,
  Microsoft_Skype_for_Business: 25275,
  Microsoft_Exchange_Online: 20893,
  Microsoft_Teams: 28375,
  Microsoft_Yammer: 11522,
  Microsoft_Power_BI: 26324,
  Office_365: 11161,
  Okta: 10980,
  Salesforce: 11114,
  ServiceNow: 14509,
  Active_Directory: 20940,
} as const;

/** Built-in IP address tags (24-hex ids, reference §8.13). */
export const BUILT_IN_IP_TAGS = {
  Akamai_Technologies: '0000002d0000000000000000',
  Amazon_Web_Services: '000000290000000000000000',
  Anonymous_proxy: '000000030000000000000000',
  Ascenty_Data_Centers: '0000002f0000000000000000',
  Botnet: '0000000c0000000000000000',
  Brute_force_attacker: '000000380000000000000000',
  Cisco_CWS: '000000270000000000000000',
  Cloud_App_Security_network: '000000050000000000000000',
  Darknet_scanning_IP: '0000001f0000000000000000',
  Exchange_Online: '0000000e0000000000000000',
  Exchange_Online_Protection: '000000150000000000000000',
  Google_Cloud_Platform: '000000280000000000000000',
  Internal_Network_IP: '000000310000000000000000',
  Malware_CnC_server: '0000000d0000000000000000',
  Masergy_Communications: '0000002e0000000000000000',
  McAfee_Web_Gateway: '0000002c0000000000000000',
  Microsoft_Azure: '0000002a0000000000000000',
  Microsoft_Cloud: '0000001e0000000000000000',
  Microsoft_Hosting: '0000003a0000000000000000',
  Microsoft_authentication_and_identity: '000000100000000000000000',
  Office_365: '000000170000000000000000',
  Office_365_Planner: '000000190000000000000000',
  Office_365_ProPlus: '000000120000000000000000',
  Office_Online: '000000140000000000000000',
  Office_Sway: '0000001d0000000000000000',
  Office_Web_Access_Companion: '0000001a0000000000000000',
  OneNote: '000000130000000000000000',
  Remote_Connectivity_Analyzer: '0000001c0000000000000000',
  Salesforce_Cloud: '000000390000000000000000',
  Satellite_provider: '000000040000000000000000',
  ScanSafe: '000000300000000000000000',
  SharePoint_Online: '0000000f0000000000000000',
  Skype_for_Business_Online: '000000180000000000000000',
  Symantec_Cloud: '000000330000000000000000',
  Tor: '2dfa95cd7922d979d66fcff5',
  Yammer: '0000001b0000000000000000',
  Zscaler: '000000160000000000000000',
} as const;

export const BUILT_IN_USER_AGENT_TAGS = {
  Native_client: '000000000000000000000000',
  Outdated_browser: '000000010000000000000000',
  Outdated_operating_system: '000000020000000000000000',
  Robot: '0000002b0000000000000000',
} as const;

export const BUILT_IN_USER_GROUPS = {
  Application: { id: '0000003b0000000000000000', name: 'Application (Cloud App Security)', description: 'App-initiated' },
  External_users: {
    id: '000000200000000000000000',
    name: 'External users',
    description: 'Either a user who is not a member of any of the managed domains you configured in General settings or a third-party app',
  },
} as const;

/** Mongo-style object id: 24 lower-case hex digits. */
export const OBJECT_ID_PATTERN = /^[0-9a-f]{24}$/;

/** File type (reference §8.9): filter `fileType`, object `fileType` pair and `ftype`. */
export const FILE_TYPE = {
  OTHER: 0,
  DOCUMENT: 1,
  SPREADSHEET: 2,
  PRESENTATION: 3,
  TEXT: 4,
  IMAGE: 5,
  FOLDER: 6,
} as const;

/**
 * File sharing / access level (reference §8.10): filter `sharing`, object `fileAccessLevel` pair
 * and `facl`. Only `PRIVATE` is observed on objects; the other names are inferred.
 */
export const FILE_ACCESS_LEVEL = { PRIVATE: 0, INTERNAL: 1, EXTERNAL: 2, PUBLIC: 3, PUBLIC_INTERNET: 4 } as const;

/**
 * File status (object `fileStatus` pair and `fstat`). Only `[0, "EXISTS"]` is observed; TRASHED
 * and DELETED are inferred from the `trashed` and `allowDeleted` filters.
 */
export const FILE_STATUS = { EXISTS: 0, TRASHED: 1, DELETED: 2 } as const;

/** The `[code, "NAME"]` pair of a code table, as file objects carry `fileType`, `fileAccessLevel`, `fileStatus`. */
export function codePair(table: Readonly<Record<string, number>>, code: number): [number, string] {
  const name = Object.keys(table).find((k) => table[k] === code);
  return [code, name ?? 'UNKNOWN'];
}
