import { CLOUD_APP_IDS, FILE_ACCESS_LEVEL, FILE_STATUS, FILE_TYPE, codePair } from '@appwarden/protocol';
import type { Doc } from '../cloudapps/document-fields.js';
import type { DemoFileOwner } from './cloudapps-data.js';
import type { SeededRandom } from './seeded-random.js';

/** A generated file as activities name it. */
export interface DemoFile {
  /** The app's id of the file (activities' file object id, the `fileId` filter). */
  id: string;
  name: string;
  link: string;
}

export interface DemoFiles {
  documents: Doc[];
  /** Owner address -> app id -> the owner's files there. */
  byOwner: Map<string, Map<number, DemoFile[]>>;
}

/** Apps whose files the demo holds, with the display name the file objects carry. */
const FILE_APPS: ReadonlyMap<number, string> = new Map([
  [CLOUD_APP_IDS.Microsoft_OneDrive_for_Business, 'Microsoft OneDrive for Business'],
  [CLOUD_APP_IDS.Microsoft_Sharepoint_Online, 'Microsoft SharePoint Online'],
  [CLOUD_APP_IDS.Box, 'Box'],
]);

const KINDS: Readonly<Record<string, { type: number; mime: string }>> = {
  xlsx: { type: FILE_TYPE.SPREADSHEET, mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  docx: { type: FILE_TYPE.DOCUMENT, mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' },
  pptx: { type: FILE_TYPE.PRESENTATION, mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation' },
  pdf: { type: FILE_TYPE.DOCUMENT, mime: 'application/pdf' },
  txt: { type: FILE_TYPE.TEXT, mime: 'text/plain' },
  png: { type: FILE_TYPE.IMAGE, mime: 'image/png' },
  zip: { type: FILE_TYPE.OTHER, mime: 'application/zip' },
};

const NAMES: readonly [base: string, ext: string, sensitive: boolean][] = [
  ['Q3 forecast', 'xlsx', false],
  ['customer list', 'xlsx', true],
  ['roadmap', 'pptx', false],
  ['payroll', 'xlsx', true],
  ['contract draft', 'docx', true],
  ['board deck', 'pptx', false],
  ['meeting notes', 'txt', false],
  ['logo', 'png', false],
  ['architecture diagram', 'png', false],
  ['handbook', 'pdf', false],
  ['export', 'zip', false],
];

/** Sensitivity labels (`fTags`, the `fileLabels` filter) and the file policy that watches them. */
export const DEMO_FILE_LABELS = { Confidential: '5f01dbbc68df27c17aa6cb01', General: '5f01dbbc68df27c17aa6cb02' } as const;
export const DEMO_FILE_POLICY = { id: '5f01dce13de79160fbec4150', label: 'Confidential file shared externally' } as const;

function sharingLevel(rnd: SeededRandom): number {
  const r = rnd.next();
  if (r < 0.5) return FILE_ACCESS_LEVEL.PRIVATE;
  if (r < 0.75) return FILE_ACCESS_LEVEL.INTERNAL;
  if (r < 0.9) return FILE_ACCESS_LEVEL.EXTERNAL;
  if (r < 0.97) return FILE_ACCESS_LEVEL.PUBLIC;
  return FILE_ACCESS_LEVEL.PUBLIC_INTERNET;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * One to three files per internal user in each file app the user has an account in (a folder now
 * and then), shared with colleagues, partners or everyone; sensitive ones labelled Confidential,
 * and those shared outside matched by the demo file policy and sometimes quarantined; a few in the
 * trash. Owners, apps and collaborators are the demo's users, so `owner.entity` and activities'
 * file objects line up with them.
 */
export function demoFiles(rnd: SeededRandom, users: readonly DemoFileOwner[], endTime: number, span: number): DemoFiles {
  const documents: Doc[] = [];
  const byOwner = new Map<string, Map<number, DemoFile[]>>();
  const base = rnd.hex(8);
  let n = 0;
  const oid = () => `${base}${(n++).toString(16).padStart(16, '0')}`;
  const internal = users.filter((u) => !u.external);
  for (const user of internal) {
    const domain = user.upn.split('@')[1]!;
    const tenantHost = domain.split('.')[0]!;
    const personal = `/personal/${user.upn.replace(/[@.]/g, '_')}`;
    for (const app of user.apps) {
      const appName = FILE_APPS.get(app.id);
      if (!appName) continue;
      const mine: DemoFile[] = [];
      const siteCollectionId = rnd.uuid();
      const driveId = `${siteCollectionId}|${rnd.uuid()}`;
      const folderId = `${siteCollectionId}|${rnd.uuid()}`;
      for (let k = rnd.int(1, 3); k > 0; k--) {
        const folder = rnd.chance(0.1);
        const [stem, ext, sensitive] = rnd.pick(NAMES);
        const name = folder ? `${user.department} ${stem}` : `${stem}.${ext}`;
        const kind = folder ? { type: FILE_TYPE.FOLDER, mime: null } : KINDS[ext]!;
        const _id = oid();
        const id = app.id === CLOUD_APP_IDS.Box ? String(rnd.int(100_000_000, 999_999_999)) : `${siteCollectionId}|${rnd.uuid()}`;
        const sitePath = app.id === CLOUD_APP_IDS.Microsoft_Sharepoint_Online ? `/sites/${user.department}` : personal;
        const spDomain =
          app.id === CLOUD_APP_IDS.Microsoft_Sharepoint_Online
            ? `https://${tenantHost}.sharepoint.com`
            : `https://${tenantHost}-my.sharepoint.com`;
        const filePath = `${sitePath}/Documents/${name}`;
        const link = app.id === CLOUD_APP_IDS.Box ? `https://app.box.com/${folder ? 'folder' : 'file'}/${id}` : `${spDomain}${filePath}`;
        const sharing = sharingLevel(rnd);
        const colleagues =
          sharing === FILE_ACCESS_LEVEL.PRIVATE ? [] : [rnd.pick(internal), rnd.pick(internal)].filter((c) => c.upn !== user.upn);
        const partners = sharing >= FILE_ACCESS_LEVEL.EXTERNAL ? [`${rnd.pick(['jon', 'ana', 'lee'])}@fabrikam.com`] : [];
        const collaborators = [
          ...new Map(colleagues.map((c) => [c.upn, { id: c.upn, name: c.name, email: c.upn, type: 1, role: 'writer' }])).values(),
          ...partners.map((p) => ({ id: p, name: p, email: p, type: 1, role: 'reader' })),
        ];
        const emails = [user.upn, ...collaborators.map((c) => c.email)];
        const domains = [...new Set(emails.map((e) => e.split('@')[1]!))];
        const created = endTime - rnd.int(2 * 86_400_000, span * 4);
        const modified = created + rnd.int(0, endTime - created);
        const exposed = sharing >= FILE_ACCESS_LEVEL.EXTERNAL;
        const labels = folder ? [] : sensitive ? [DEMO_FILE_LABELS.Confidential] : rnd.chance(0.3) ? [DEMO_FILE_LABELS.General] : [];
        const matched = sensitive && exposed && !folder;
        const status = rnd.chance(0.04) ? FILE_STATUS.TRASHED : FILE_STATUS.EXISTS;
        const doc: Doc = {
          _id,
          _tid: 0,
          appId: app.id,
          id,
          saasId: app.id,
          instId: 0,
          fileSize: folder ? 0 : rnd.int(2_000, 40_000_000),
          createdDate: created,
          modifiedDate: modified,
          driveId,
          scanVersion: 4,
          parentId: folderId,
          alternateLink: link,
          isFolder: folder,
          fileType: codePair(FILE_TYPE, kind.type),
          name,
          isForeign: false,
          noGovernance: false,
          fileAccessLevel: codePair(FILE_ACCESS_LEVEL, sharing),
          ownerAddress: user.upn,
          externalShares: partners,
          emails,
          groupIds: sharing === FILE_ACCESS_LEVEL.INTERNAL ? user.groups : [],
          groups: [],
          domains,
          mimeType: kind.mime,
          parentIds: [folderId],
          ownerExternal: false,
          fileExtension: folder ? null : ext,
          lastNrtTimestamp: modified + 180_000,
          effectiveParents: [driveId, folderId],
          collaborators,
          siteCollection: sitePath,
          sitePath,
          filePath,
          spDomain,
          siteCollectionId,
          ftype: kind.type,
          facl: sharing,
          fstat: status,
          unseenScans: 0,
          fileStatus: codePair(FILE_STATUS, status),
          name_l: name.toLowerCase(),
          snapshotLastModifiedDate: iso(modified + 360_000),
          ownerName: user.name,
          ownerOrgUnit: user.department,
          originalId: _id,
          dlpScanResults: [],
          fTags: labels,
          enriched: true,
          display_collaborators: collaborators.map((c) => c.name),
          appName,
          actions: [],
          fileTypeDisplay: folder ? 'Folder' : 'File',
          ...(matched ? { cabinetMatchedRuleVersions: [DEMO_FILE_POLICY.id], lastGlobalMatchDate: iso(modified + 600_000) } : {}),
          quarantined: matched && rnd.chance(0.3),
        };
        documents.push(doc);
        mine.push({ id, name, link });
      }
      let apps = byOwner.get(user.upn);
      if (!apps) byOwner.set(user.upn, (apps = new Map()));
      apps.set(app.id, mine);
    }
  }
  return { documents, byOwner };
}
