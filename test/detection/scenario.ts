/** Activities of the detection scenario (docs/detection.md), in the wire shape the import API takes. */

export interface ScenarioOptions {
  /** Start of the scenario (epoch ms). */
  start: number;
  user?: string;
  prefix?: string;
}

type Doc = Record<string, unknown>;

const PARIS = { countryCode: 'FR', city: 'Paris', latitude: 48.8566, longitude: 2.3522, ip: '81.250.10.20' };
const SYDNEY = { countryCode: 'AU', city: 'Sydney', latitude: -33.8688, longitude: 151.2093, ip: '1.120.30.40' };
const ONEDRIVE = { id: 15600, name: 'Microsoft OneDrive for Business' };
const AAD = { id: 12260, name: 'Microsoft Azure' };

export function activity(id: string, ts: number, user: string, category: string, place: typeof PARIS, app = AAD, extra: Doc = {}): Doc {
  return {
    _id: id,
    timestamp: ts,
    appId: app.id,
    saasId: app.id,
    appName: app.name,
    eventTypeName: category,
    eventTypeValue: `EVENT_${category.replace('EVENT_CATEGORY_', '')}`,
    device: { clientIP: place.ip, userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)', countryCode: place.countryCode },
    location: { countryCode: place.countryCode, city: place.city, latitude: place.latitude, longitude: place.longitude },
    user: { userName: user },
    resolvedActor: { id: `aad-${user}`, saasId: '11161', instanceId: '0', name: user.split('@')[0], objType: '23' },
    description: category,
    ...extra,
  };
}

/** Sign-in in Paris, sign-in in Sydney one hour later, 300 downloads in four minutes, 30 failed sign-ins. */
export function scenario(o: ScenarioOptions): Doc[] {
  const user = o.user ?? 'megan@contoso.example';
  const p = o.prefix ?? 'scn';
  const out: Doc[] = [];
  let t = o.start;
  out.push(activity(`${p}-signin-paris`, t, user, 'EVENT_CATEGORY_LOGIN', PARIS));
  t += 3_600_000;
  out.push(activity(`${p}-signin-sydney`, t, user, 'EVENT_CATEGORY_LOGIN', SYDNEY));
  t += 600_000;
  for (let i = 0; i < 300; i++) {
    const name = `report-${i}.xlsx`;
    out.push(
      activity(`${p}-download-${i}`, t + Math.floor((i * 240_000) / 300), user, 'EVENT_CATEGORY_DOWNLOAD_FILE', SYDNEY, ONEDRIVE, {
        description: `FileDownloaded: ${name}`,
        mainInfo: {
          eventObjects: [{ objType: 1, role: 3, id: `${p}-file-${i}`, name: `https://contoso-my.sharepoint.com/Documents/${name}` }],
        },
      }),
    );
  }
  t += 900_000;
  for (let i = 0; i < 30; i++) out.push(activity(`${p}-failed-${i}`, t + i * 5_000, user, 'EVENT_CATEGORY_FAILED_LOGIN', SYDNEY));
  return out;
}

export const jsonl = (docs: Doc[]) => docs.map((d) => JSON.stringify(d)).join('\n') + '\n';
