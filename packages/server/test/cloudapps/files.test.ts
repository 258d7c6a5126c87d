import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOUD_APP_IDS, CLOUD_APP_SECURITY_ROLES, type CloudAppsPermission } from '@appwarden/protocol';
import { DEMO_FILE_LABELS, DEMO_FILE_POLICY } from '../../src/demo/demo-files.js';
import { bearer, inProcess, type InProcessHarness } from '../../../../test/support/harness.js';

type FileDoc = Record<string, unknown> & { _id: string; name: string; ownerAddress: string };
interface Envelope {
  data: FileDoc[];
  hasNext: boolean;
  max: number;
  total: number;
  moreThanTotal: boolean;
}

let h: InProcessHarness;
let auth: Record<string, string>;
beforeAll(async () => {
  h = await inProcess({ cloudApps: { activities: 600, alerts: 10 } });
  auth = bearer(await h.tokenFor());
});
afterAll(() => h.close());

const list = async (payload?: unknown, headers = auth, url = '/api/v1/files/') => {
  const res = await h.app.inject({ method: 'POST', url, headers, ...(payload !== undefined ? { payload: payload as object } : {}) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Envelope;
};

/** Every file the filter matches, paging as the PowerShell module does. */
async function all(filters: Record<string, unknown>): Promise<FileDoc[]> {
  const out: FileDoc[] = [];
  for (let skip = 0; ;) {
    const page = await list({ filters, skip, limit: 100 });
    out.push(...page.data);
    if (!page.hasNext) return out;
    skip += page.data.length;
  }
}

describe('files list', () => {
  it('answers an empty POST with the envelope and its max, keys in the published order', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/files/', headers: auth });
    expect(res.statusCode).toBe(200);
    const body = res.json() as Envelope;
    expect(Object.keys(body)).toEqual(['data', 'hasNext', 'max', 'total', 'moreThanTotal']);
    expect(body.max).toBe(100);
    expect(h.counts.files).toBeGreaterThan(0);
    expect(body.total).toBeLessThanOrEqual(h.counts.files);
    expect(body.data.length).toBe(Math.min(100, body.total));
  });

  it('serves GET with a JSON body (XSOAR) and GET with a query string, under /cas too', async () => {
    const viaBody = await h.app.inject({
      method: 'GET',
      url: '/api/v1/files/',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ skip: 0, limit: 3, filters: { fileType: { eq: 2 } } }),
    });
    expect(viaBody.statusCode).toBe(200);
    const a = viaBody.json() as Envelope;
    expect(a.data).toHaveLength(3);
    for (const f of a.data) expect(f.fileType).toEqual([2, 'SPREADSHEET']);
    const viaQuery = await h.app.inject({
      method: 'GET',
      url: `/cas/api/v1/files?limit=3&filters=${encodeURIComponent(JSON.stringify({ fileType: { eq: [2] } }))}`,
      headers: auth,
    });
    expect((viaQuery.json() as Envelope).data.map((f) => f._id)).toEqual(a.data.map((f) => f._id));
  });

  it('pages without overlap in modified-date order, newest first by default', async () => {
    const everything = await all({});
    const ids = everything.map((f) => f._id);
    expect(new Set(ids).size).toBe(ids.length);
    const dates = everything.map((f) => f.modifiedDate as number);
    expect([...dates].sort((x, y) => y - x)).toEqual(dates);
    const first = await list({ limit: 5, sortField: 'modifiedDate', sortDirection: 'asc' });
    expect(first.hasNext).toBe(true);
    const second = await list({ skip: 5, limit: 5, sortField: 'modifiedDate', sortDirection: 'asc' });
    expect(second.data.map((f) => f._id)).not.toContain(first.data[0]!._id);
    expect(first.data[4]!.modifiedDate as number).toBeLessThanOrEqual(second.data[0]!.modifiedDate as number);
  });

  it('filters as the clients send them: service, fileType, sharing, extension, quarantined, owner.username', async () => {
    const onedrive = await all({ service: { eq: [CLOUD_APP_IDS.Microsoft_OneDrive_for_Business] } });
    expect(onedrive.length).toBeGreaterThan(0);
    for (const f of onedrive) expect(f.saasId).toBe(CLOUD_APP_IDS.Microsoft_OneDrive_for_Business);
    const notOneDrive = await all({ service: { neq: [CLOUD_APP_IDS.Microsoft_OneDrive_for_Business] } });
    expect(notOneDrive.length + onedrive.length).toBe((await list({})).total);

    const shared = await all({ sharing: { eq: [2, 3, 4] } });
    expect(shared.length).toBeGreaterThan(0);
    for (const f of shared) expect((f.fileAccessLevel as [number, string])[0]).toBeGreaterThanOrEqual(2);

    const xlsx = await all({ extension: { eq: 'xlsx' } });
    for (const f of xlsx) expect(f.fileExtension).toBe('xlsx');

    const quarantined = await all({ quarantined: { eq: true } });
    for (const f of quarantined) expect(f.quarantined).toBe(true);
    const free = await all({ quarantined: { eq: false } });
    expect(quarantined.length + free.length).toBe((await list({})).total);

    const owner = onedrive[0]!.ownerAddress;
    const owned = await all({ 'owner.username': { eq: [owner] } });
    expect(owned.length).toBeGreaterThan(0);
    for (const f of owned) expect(f.ownerAddress).toBe(owner);
  });

  it('owner.entity selects by the Office 365 user entity, as the demo users are', async () => {
    const users = (
      await h.app.inject({ method: 'POST', url: '/api/v1/entities/', headers: auth, payload: { filters: { type: { eq: 2 } }, limit: 100 } })
    ).json().data as { id: string; email: string }[];
    const owners = new Set((await all({})).map((f) => f.ownerAddress));
    const user = users.find((u) => owners.has(u.email))!;
    expect(user).toBeDefined();
    const byEntity = await all({ 'owner.entity': { eq: [{ id: user.id, saas: 11161, inst: 0 }] } });
    expect(byEntity.length).toBeGreaterThan(0);
    expect(byEntity.map((f) => f.ownerAddress)).toEqual(byEntity.map(() => user.email));
    expect(byEntity.map((f) => f._id).sort()).toEqual((await all({ 'owner.username': { eq: user.email } })).map((f) => f._id).sort());
    // Scalar form, as XSOAR sends it.
    expect((await all({ 'owner.entity': { eq: { id: user.id, saas: 11161, inst: 0 } } })).length).toBe(byEntity.length);
    const others = await all({ 'owner.entity': { neq: [{ id: user.id, saas: 11161, inst: 0 }] } });
    expect(others.some((f) => f.ownerAddress === user.email)).toBe(false);
  });

  it('fileLabels, policy and dates', async () => {
    const confidential = await all({ fileLabels: { eq: [DEMO_FILE_LABELS.Confidential] } });
    expect(confidential.length).toBeGreaterThan(0);
    for (const f of confidential) expect(f.fTags).toContain(DEMO_FILE_LABELS.Confidential);
    const unlabelled = await all({ fileLabels: { isnotset: true } });
    for (const f of unlabelled) expect(f.fTags).toEqual([]);

    const matched = await all({ policy: { cabinetmatchedrulesequals: [DEMO_FILE_POLICY.id] } });
    for (const f of matched) expect(f.cabinetMatchedRuleVersions).toEqual([DEMO_FILE_POLICY.id]);
    expect((await all({ policy: { eq: DEMO_FILE_POLICY.id } })).length).toBe(matched.length);

    const everything = await all({});
    const mid = everything[Math.floor(everything.length / 2)]!.modifiedDate as number;
    const older = await all({ modifiedDate: { lte: mid } });
    for (const f of older) expect(f.modifiedDate as number).toBeLessThanOrEqual(mid);
    const newer = await all({ modifiedDate: { gte: mid + 1 } });
    expect(older.length + newer.length).toBe(everything.length);
    const snap = await all({ snapshotLastModifiedDate: { range: [{ start: 0, end: mid }] } });
    for (const f of snap) expect(Date.parse(f.snapshotLastModifiedDate as string)).toBeLessThanOrEqual(mid);
  });

  it('leaves trashed files out unless allowDeleted or trashed asks for them', async () => {
    const visible = (await list({})).total;
    const withDeleted = (await list({ filters: { allowDeleted: { eq: true } } })).total;
    const trashed = await all({ trashed: { eq: true } });
    expect(withDeleted).toBe(h.counts.files);
    expect(withDeleted - visible).toBe(trashed.length);
    for (const f of trashed) expect(f.fileStatus).toEqual([1, 'TRASHED']);
  });

  it('rejects unknown fields, bad operators and bad sort fields with the 400 clients parse', async () => {
    for (const payload of [
      { filters: { nosuchfield: { eq: 1 } } },
      { filters: { fileType: { contains: ['x'] } } },
      { filters: { sharing: { eq: ['public'] } } },
      { sortField: 'owner' },
    ]) {
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/files/', headers: auth, payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
  });
});

describe('file fetch', () => {
  it('returns the bare object by _id, with and without the trailing slash; unknown ids are 404', async () => {
    const f = (await list({ limit: 1 })).data[0]!;
    for (const url of [`/api/v1/files/${f._id}/`, `/api/v1/files/${f._id}`, `/cas/api/v1/files/${f._id}/`]) {
      const res = await h.app.inject({ method: 'GET', url, headers: auth });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual(f);
    }
    const missing = await h.app.inject({ method: 'GET', url: '/api/v1/files/ffffffffffffffffffffffff/', headers: auth });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ detail: 'Not found.' });
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/files/not-an-id/', headers: auth })).statusCode).toBe(404);
  });

  it('file activities name the demo files (fileId filter on activities = the file id)', async () => {
    const files = await all({ service: { eq: [CLOUD_APP_IDS.Microsoft_OneDrive_for_Business] } });
    const ids = new Set(files.map((f) => f.id as string));
    const acts = (
      await h.app.inject({
        method: 'POST',
        url: '/api/v1/activities/',
        headers: auth,
        payload: {
          filters: { service: { eq: CLOUD_APP_IDS.Microsoft_OneDrive_for_Business }, fileSelector: { eq: [...ids] } },
          limit: 100,
        },
      })
    ).json().data as { mainInfo: { eventObjects: { objType: number; id: string }[] } }[];
    expect(acts.length).toBeGreaterThan(0);
    for (const a of acts) expect(ids.has(a.mainInfo.eventObjects.find((o) => o.objType === 1)!.id)).toBe(true);
  });
});

describe('files permissions (reference §2.3, inferred for files)', () => {
  const PERMISSIONS = CLOUD_APP_SECURITY_ROLES.map((r) => r.value as CloudAppsPermission);
  for (const permission of PERMISSIONS) {
    const allowed = permission.startsWith('Investigation.');
    it(`${permission}: ${allowed ? 'allowed' : '403'}`, async () => {
      const headers = bearer(await h.tokenFor([permission]));
      const f = (await list({ limit: 1 })).data[0]!;
      const res = await h.app.inject({ method: 'POST', url: '/api/v1/files/', headers });
      const one = await h.app.inject({ method: 'GET', url: `/api/v1/files/${f._id}/`, headers });
      expect([res.statusCode, one.statusCode]).toEqual(allowed ? [200, 200] : [403, 403]);
      if (!allowed) expect(res.json().detail).toContain('Investigation.read');
    });
  }

  it('legacy API tokens of both kinds read files (Token scheme, as the PowerShell module sends it)', async () => {
    for (const kind of ['full', 'read-only'] as const) {
      const t = await h.services.cloudApps.tokens.create(h.tenantId, { name: `files ${kind}`, kind, createdBy: 'test' });
      const headers = { authorization: `Token ${t.token}` };
      const page = await list(undefined, headers);
      expect(page.max).toBe(100);
      const one = await h.app.inject({ method: 'GET', url: `/api/v1/files/${page.data[0]!._id}/`, headers });
      expect(one.statusCode).toBe(200);
    }
  });

  it('a token without any Cloud App Security role gets 403', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/files/', headers: bearer(await h.tokenFor([])) });
    expect(res.statusCode).toBe(403);
  });
});

describe('legacy accounts alias (inferred)', () => {
  it('POST /api/v1/accounts/ answers as the entities list, with the legacy filters', async () => {
    const body = { filters: { service: { eq: [11161] }, affiliation: { eq: [false] } }, limit: 10, sortField: 'username' };
    const entities = await list(body, auth, '/api/v1/entities/');
    const accounts = await list(body, auth, '/api/v1/accounts/');
    expect(accounts).toEqual(entities);
    expect(accounts.data.length).toBeGreaterThan(0);
    const viaGet = await h.app.inject({ method: 'GET', url: '/cas/api/v1/accounts', headers: auth });
    expect(viaGet.statusCode).toBe(200);
  });

  it('does not fetch by id under /accounts/ (the service dropped that)', async () => {
    const e = (await list({ limit: 1 }, auth, '/api/v1/entities/')).data[0]!;
    const res = await h.app.inject({ method: 'GET', url: `/api/v1/accounts/${e._id}/`, headers: auth });
    expect(res.statusCode).toBe(404);
  });

  it('is guarded like the entities list', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/accounts/', headers: bearer(await h.tokenFor(['Discovery.read'])) });
    expect(res.statusCode).toBe(403);
  });
});

describe('files import (JSON Lines, the real object of reference §7.4)', () => {
  const real = {
    _id: '5f077e6fc3b664209dae1f6b',
    _tid: 97134000,
    appId: 15600,
    id: 'cac4b654-5fcf-44f0-818e-479cf8ae42ac|56aa5551-0c4c-42d7-93f1-57ccdca766aa',
    saasId: 15600,
    instId: 0,
    fileSize: 149,
    createdDate: 1594326579000,
    modifiedDate: 1594326594000,
    parentId: 'cac4b654-5fcf-44f0-818e-479cf8ae42ac|8f83a489-34b7-4bb6-a331-260d1291ef6b',
    isFolder: false,
    fileType: [4, 'TEXT'],
    name: '20200325_104025.jpg.txt',
    fileAccessLevel: [0, 'PRIVATE'],
    ownerAddress: 'avishai@demistodev.onmicrosoft.com',
    domains: ['demistodev.onmicrosoft.com'],
    mimeType: 'text/plain',
    fileExtension: 'txt',
    collaborators: [],
    ftype: 4,
    facl: 0,
    fstat: 0,
    fileStatus: [0, 'EXISTS'],
    snapshotLastModifiedDate: '2020-07-09T22:15:39.820Z',
    ownerName: 'Avi Testman',
    fTags: [],
    appName: 'Microsoft OneDrive for Business',
  };
  const shared = {
    ...real,
    _id: '5f077e6fc3b664209dae1f6c',
    id: 'cac4b654|shared',
    name: 'plan.docx',
    fileType: undefined,
    ftype: 1,
    fileExtension: undefined,
    facl: 2,
    fileAccessLevel: undefined,
    collaborators: [{ id: 'partner@fabrikam.com', name: 'Partner' }, 'colleague@demistodev.onmicrosoft.com'],
  };

  it('imports, then lists and fetches the objects with their code pairs filled in', async () => {
    const { importJsonLines } = await import('../../src/cloudapps/import.js');
    const r = await importJsonLines(h.services.stores, h.tenantId, 'files', [real, shared].map((x) => JSON.stringify(x)).join('\n'));
    expect(r).toMatchObject({ imported: 2, errors: [] });
    const one = (await h.app.inject({ method: 'GET', url: `/api/v1/files/${real._id}`, headers: auth })).json();
    expect(one).toEqual(real);
    const other = (await h.app.inject({ method: 'GET', url: `/api/v1/files/${shared._id}`, headers: auth })).json();
    expect(other.fileType).toEqual([1, 'DOCUMENT']);
    expect(other.fileAccessLevel).toEqual([2, 'EXTERNAL']);

    expect((await all({ fileId: { eq: [real.id] } })).map((f) => f._id)).toEqual([real._id]);
    expect((await all({ parentFolder: { eq: [real.parentId] } })).map((f) => f._id).sort()).toEqual([real._id, shared._id]);
    expect((await all({ 'collaborators.users': { eq: ['partner@fabrikam.com'] } })).map((f) => f._id)).toEqual([shared._id]);
    expect((await all({ 'collaborators.withDomain': { eq: ['fabrikam.com'] } })).map((f) => f._id)).toContain(shared._id);
    expect((await all({ 'collaborators.entity': { eq: [{ id: 'partner@fabrikam.com' }] } })).map((f) => f._id)).toEqual([shared._id]);
    expect((await all({ filename: { text: '20200325' } })).map((f) => f._id)).toEqual([real._id]);
    expect((await all({ extension: { eq: 'docx' }, 'owner.username': { eq: real.ownerAddress } })).map((f) => f._id)).toEqual([shared._id]);
    expect((await all({ folder: { eq: true } })).every((f) => f.isFolder === true)).toBe(true);
  });

  it('reports bad lines by number and writes nothing', async () => {
    const { importJsonLines } = await import('../../src/cloudapps/import.js');
    const before = await h.services.stores.files.count(h.tenantId);
    const r = await importJsonLines(
      h.services.stores,
      h.tenantId,
      'files',
      [
        JSON.stringify({ ...real, _id: '5f077e6fc3b664209dae1f70' }),
        JSON.stringify({ ...real, _id: 'short' }),
        '{"_id":"5f077e6fc3b664209dae1f71"}',
      ].join('\n'),
    );
    expect(r.imported).toBe(0);
    expect(r.errors.map((e) => e.line)).toEqual([2, 3]);
    expect(await h.services.stores.files.count(h.tenantId)).toBe(before);
  });
});

describe('OpenAPI', () => {
  it('describes the files and accounts routes with their permissions', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { 'x-permissions'?: string[] }>>;
    };
    const files = Object.entries(doc.paths).filter(([p]) => p.startsWith('/api/v1/files'));
    expect(files.map(([p]) => p).sort()).toEqual(['/api/v1/files/', '/api/v1/files/{pk}/'].sort());
    for (const [, ops] of files)
      for (const op of Object.values(ops)) expect(op['x-permissions']).toEqual(['Investigation.read', 'Investigation.manage']);
    expect(Object.keys(doc.paths)).toContain('/api/v1/accounts/');
  });
});
