import { DELETE, DOWNLOAD, SHARE, UPLOAD_OR_RENAME, hasRansomwareExtension, type ActivityFacts } from './activity-facts.js';
import { builtInRuleId, esc, type AlertRule } from './alert-document.js';
import { distanceKm } from './geo.js';
import type { DetectionName, DetectionSettings } from './settings.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** Detector state of one tenant, loaded for a batch and written back with its alerts. */
export interface StateView {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

/** An alert as a detector raises it: the engine resolves the activities and builds the document. */
export interface Raised {
  rule: AlertRule;
  incidentKey: string;
  title: string;
  description: string;
  severity: number;
  typeCode: string;
  intent?: number;
  threatScore: number;
  activityIds: string[];
  countries?: string[];
  mitreTechniques?: string[];
  stories?: number[];
  /** Activity policies count their alerts per UTC day, up to dailyLimit. */
  dailyLimitKey?: string;
  dailyLimit?: number;
}

export interface DetectorContext {
  tenantId: string;
  settings: DetectionSettings;
  state: StateView;
  raise(a: Raised): void;
}

export interface Detector {
  /** The state keys evaluate() may read for this activity (loaded before the batch runs). */
  keys(a: ActivityFacts, settings: DetectionSettings): string[];
  evaluate(a: ActivityFacts, ctx: DetectorContext): void;
}

/** What each built-in detection is in the service: policy name, title, severity, type code (reference §2.2, §2.3). */
export interface BuiltIn {
  name: DetectionName;
  policyName: string;
  title: string;
  severity: number;
  typeCode: string;
  intent: number;
  threatScore: number;
  mitre: string[];
}

export const BUILT_INS: Record<DetectionName, BuiltIn> = {
  impossibleTravel: {
    name: 'impossibleTravel',
    policyName: 'Impossible travel',
    title: 'Impossible travel activity',
    severity: 1,
    typeCode: 'ALERT_ANUBIS_DETECTION_VELOCITY',
    intent: 2,
    threatScore: 33,
    mitre: ['T1078'],
  },
  infrequentCountry: {
    name: 'infrequentCountry',
    policyName: 'Activity from infrequent country/region',
    title: 'Activity from infrequent country',
    severity: 0,
    typeCode: 'ALERT_ANUBIS_DETECTION_NEW_COUNTRY',
    intent: 2,
    threatScore: 20,
    mitre: ['T1078'],
  },
  anonymousIp: {
    name: 'anonymousIp',
    policyName: 'Activity from anonymous IP addresses',
    title: 'Activity from anonymous IP addresses',
    severity: 1,
    typeCode: 'ALERT_ANUBIS_DETECTION_RISKY_IP_ANONYMOUS',
    intent: 2,
    threatScore: 30,
    mitre: ['T1090'],
  },
  suspiciousIp: {
    name: 'suspiciousIp',
    policyName: 'Activity from suspicious IP addresses',
    title: 'Activity from suspicious IP addresses',
    severity: 2,
    typeCode: 'ALERT_ANUBIS_DETECTION_RISKY_IP_SUSPICIOUS',
    intent: 2,
    threatScore: 45,
    mitre: ['T1078'],
  },
  massDownload: {
    name: 'massDownload',
    policyName: 'Unusual file download (by user)',
    title: 'Mass download',
    severity: 1,
    typeCode: 'ALERT_ANUBIS_DETECTION_REPEATED_ACTIVITY_DOWNLOAD',
    intent: 11,
    threatScore: 40,
    mitre: ['T1530'],
  },
  massDelete: {
    name: 'massDelete',
    policyName: 'Unusual file deletion activity (by user)',
    title: 'Mass delete',
    severity: 1,
    typeCode: 'ALERT_ANUBIS_DETECTION_REPEATED_ACTIVITY_DELETE',
    intent: 13,
    threatScore: 40,
    mitre: ['T1485'],
  },
  massShare: {
    name: 'massShare',
    policyName: 'Unusual file share activity (by user)',
    title: 'Mass share',
    severity: 1,
    typeCode: 'ALERT_ANUBIS_DETECTION_REPEATED_ACTIVITY_SHARE',
    intent: 11,
    threatScore: 35,
    mitre: ['T1567'],
  },
  failedSignIns: {
    name: 'failedSignIns',
    policyName: 'Multiple failed login attempts',
    title: 'Multiple failed login attempts',
    severity: 1,
    typeCode: 'ALERT_ANUBIS_DETECTION_REPEATED_ACTIVITY_FAILED_LOGIN',
    intent: 6,
    threatScore: 30,
    mitre: ['T1110'],
  },
  ransomware: {
    name: 'ransomware',
    policyName: 'Ransomware activity',
    title: 'Ransomware activity',
    severity: 2,
    typeCode: 'ALERT_ANUBIS_DETECTION_RANSOMWARE',
    intent: 13,
    threatScore: 70,
    mitre: ['T1486'],
  },
};

function rule(tenantId: string, b: BuiltIn): AlertRule {
  return { id: builtInRuleId(tenantId, b.name), label: b.policyName, policyType: 'ANOMALY_DETECTION' };
}

function raiseBuiltIn(
  ctx: DetectorContext,
  b: BuiltIn,
  incidentKey: string,
  description: string,
  activityIds: string[],
  countries?: string[],
) {
  ctx.raise({
    rule: rule(ctx.tenantId, b),
    incidentKey,
    title: b.title,
    description,
    severity: b.severity,
    typeCode: b.typeCode,
    intent: b.intent,
    threatScore: b.threatScore,
    activityIds,
    countries,
    mitreTechniques: b.mitre,
  });
}

/** A user's display name and UPN, as the service's descriptions name them. */
function who(a: ActivityFacts): string {
  const actor = a.resolvedActor;
  const upn = a.user ?? 'unknown user';
  const name = typeof actor?.name === 'string' ? actor.name : upn;
  return `${esc(name)} (${esc(upn)})`;
}

/** Sliding window of one user's matching activities; one alert per session (reference §2.4, inferred). */
interface BurstState {
  ts: number[];
  ids: string[];
  /** After an alert, the session's end: later matches extend it and raise nothing. */
  quietUntil?: number;
}

function burst(b: BuiltIn, matches: (a: ActivityFacts) => boolean, what: (n: number, minutes: number) => string): Detector {
  const key = (a: ActivityFacts) => `burst:${b.name}:${a.user}`;
  return {
    keys: (a, s) => (s.detections[b.name].enabled && a.user && matches(a) ? [key(a)] : []),
    evaluate(a, ctx) {
      const tuning = ctx.settings.detections[b.name];
      if (!tuning.enabled || !a.user || !matches(a)) return;
      const threshold = tuning.threshold ?? 50;
      const windowMs = (tuning.windowMinutes ?? 5) * MINUTE;
      const idle = ctx.settings.sessionIdleMinutes * MINUTE;
      const k = key(a);
      const st = ctx.state.get<BurstState>(k) ?? { ts: [], ids: [] };
      if (st.quietUntil !== undefined) {
        if (a.timestamp <= st.quietUntil) {
          st.quietUntil = Math.max(st.quietUntil, a.timestamp + idle);
          ctx.state.set(k, st);
          return;
        }
        delete st.quietUntil;
      }
      st.ts.push(a.timestamp);
      st.ids.push(a.id);
      let drop = 0;
      while (drop < st.ts.length && st.ts[drop]! < a.timestamp - windowMs) drop++;
      if (drop > 0) {
        st.ts.splice(0, drop);
        st.ids.splice(0, drop);
      }
      if (st.ts.length >= threshold) {
        const minutes = Math.max(1, Math.round((st.ts[st.ts.length - 1]! - st.ts[0]!) / MINUTE));
        raiseBuiltIn(ctx, b, `${a.user}|${st.ids[0]}`, `<p>User ${who(a)} ${what(st.ts.length, minutes)}.</p>`, [...st.ids]);
        ctx.state.set(k, { ts: [], ids: [], quietUntil: a.timestamp + idle });
        return;
      }
      ctx.state.set(k, st);
    },
  };
}

/** A user's sign-in geography: first seen, last successful sign-in, countries with their last use. */
interface GeoState {
  first: number;
  last?: { id: string; ts: number; ip: string | null; cc: string; lat?: number; lon?: number; safe: boolean; cloud: boolean };
  countries: Record<string, number>;
}

const geoDetector: Detector = {
  keys: (a, s) =>
    a.user && a.isSuccessfulSignIn && a.row.country && (s.detections.impossibleTravel.enabled || s.detections.infrequentCountry.enabled)
      ? [`geo:${a.user}`]
      : [],
  evaluate(a, ctx) {
    const s = ctx.settings;
    const cc = a.row.country;
    if (!a.user || !a.isSuccessfulSignIn || !cc) return;
    if (!s.detections.impossibleTravel.enabled && !s.detections.infrequentCountry.enabled) return;
    const k = `geo:${a.user}`;
    const st = ctx.state.get<GeoState>(k) ?? { first: a.timestamp, countries: {} };
    st.first = Math.min(st.first, a.timestamp);
    const learning = !s.detectionsSkipLearning && a.timestamp - st.first < s.learningDays * DAY;
    const lookback = (s.detections.infrequentCountry.lookbackDays ?? 30) * DAY;
    const seenAt = st.countries[cc];
    const recentlyUsed = seenAt !== undefined && a.timestamp - seenAt <= lookback;
    const coords = a.coordinates;
    const last = st.last;
    if (s.detections.impossibleTravel.enabled && !learning && last && last.cc !== cc && !recentlyUsed && coords && last.lat !== undefined) {
      const t = s.detections.impossibleTravel;
      const km = distanceKm(last.lat, last.lon!, coords.lat, coords.lon);
      const minutes = Math.abs(a.timestamp - last.ts) / MINUTE;
      const kmh = km / Math.max(minutes / 60, 1 / 60);
      const bothSafe = last.safe && a.isSafeIp;
      if (km >= (t.minDistanceKm ?? 500) && kmh > (t.maxSpeedKmh ?? 900) && !bothSafe && !last.cloud && !a.isCloudProviderIp) {
        raiseBuiltIn(
          ctx,
          BUILT_INS.impossibleTravel,
          `${a.user}|${last.id}|${a.id}`,
          `<p>User ${who(a)} signed in from places too far apart for the time between them.<br>From ${esc(last.ip ?? 'unknown')} in ${esc(last.cc)} and ${esc(a.row.ip ?? 'unknown')} in ${esc(cc)} within ${Math.round(minutes)} minutes.<br>Add known safe IPs on the <a href="#/subnet">IP address range page</a>.</p>`,
          [last.id, a.id],
          [last.cc, cc],
        );
      }
    }
    if (s.detections.infrequentCountry.enabled && !learning && !recentlyUsed && Object.keys(st.countries).length > 0) {
      const day = Math.floor(a.timestamp / DAY);
      raiseBuiltIn(
        ctx,
        BUILT_INS.infrequentCountry,
        `${a.user}|${cc}|${day}`,
        `<p>User ${who(a)} performed an activity from ${esc(a.row.ip ?? 'an unknown IP address')} in ${esc(cc)}, a country not seen for this user in the past ${Math.round(lookback / DAY)} days.</p>`,
        [a.id],
        [cc],
      );
    }
    st.countries[cc] = Math.max(seenAt ?? 0, a.timestamp);
    for (const [c, at] of Object.entries(st.countries)) if (a.timestamp - at > 2 * lookback) delete st.countries[c];
    if (!last || a.timestamp >= last.ts) {
      st.last = {
        id: a.id,
        ts: a.timestamp,
        ip: a.row.ip,
        cc,
        ...(coords ? { lat: coords.lat, lon: coords.lon } : {}),
        safe: a.isSafeIp,
        cloud: a.isCloudProviderIp,
      };
    }
    ctx.state.set(k, st);
  },
};

/** Risky IPs: one alert per user, IP and UTC day (the deterministic id makes repeats no-ops). */
const riskyIpDetector: Detector = {
  keys: () => [],
  evaluate(a, ctx) {
    if (!a.user || !a.row.ip || a.isFailedSignIn) return;
    const day = Math.floor(a.timestamp / DAY);
    const d = ctx.settings.detections;
    if (d.anonymousIp.enabled && a.isAnonymousIp) {
      const b = BUILT_INS.anonymousIp;
      const title = a.isTorIp ? 'Activity from a Tor IP address' : 'Activity from an anonymous proxy';
      ctx.raise({
        rule: rule(ctx.tenantId, b),
        incidentKey: `${a.user}|${a.row.ip}|${day}`,
        title,
        description: `<p>User ${who(a)} performed an activity from ${esc(a.row.ip)}, an IP address identified as ${a.isTorIp ? 'a Tor exit node' : 'an anonymous proxy'}.</p>`,
        severity: b.severity,
        typeCode: b.typeCode,
        intent: b.intent,
        threatScore: b.threatScore,
        activityIds: [a.id],
        countries: a.row.country ? [a.row.country] : undefined,
        mitreTechniques: b.mitre,
      });
    } else if (d.suspiciousIp.enabled && a.isSuspiciousIp) {
      raiseBuiltIn(
        ctx,
        BUILT_INS.suspiciousIp,
        `${a.user}|${a.row.ip}|${day}`,
        `<p>User ${who(a)} performed an activity from ${esc(a.row.ip)}, an IP address Microsoft threat intelligence or the tenant's IP ranges mark as risky.</p>`,
        [a.id],
        a.row.country ? [a.row.country] : undefined,
      );
    }
  },
};

/** Every built-in anomaly detection, in evaluation order. */
export const BUILT_IN_DETECTORS: Detector[] = [
  geoDetector,
  riskyIpDetector,
  burst(
    BUILT_INS.massDownload,
    (a) => DOWNLOAD.has(a.eventType),
    (n, m) => `downloaded ${n} files within ${m} minutes, more than the user's usual activity`,
  ),
  burst(
    BUILT_INS.massDelete,
    (a) => DELETE.has(a.eventType),
    (n, m) => `deleted ${n} files within ${m} minutes, more than the user's usual activity`,
  ),
  burst(
    BUILT_INS.massShare,
    (a) => SHARE.has(a.eventType),
    (n, m) => `shared ${n} files within ${m} minutes, more than the user's usual activity`,
  ),
  burst(
    BUILT_INS.failedSignIns,
    (a) => a.isFailedSignIn,
    (n, m) => `failed to sign in ${n} times within ${m} minutes`,
  ),
  burst(
    BUILT_INS.ransomware,
    (a) => UPLOAD_OR_RENAME.has(a.eventType) && hasRansomwareExtension(a.objectText),
    (n, m) => `uploaded or renamed ${n} files with a known ransomware extension within ${m} minutes`,
  ),
];
