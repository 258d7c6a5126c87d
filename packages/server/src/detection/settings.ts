// Per-tenant detection settings (stored with the tenant's Cloud Apps settings, column `detection`).
// Every threshold is documented in docs/detection.md; values marked (inferred) there are ours.

import { errors } from '../http/errors.js';

export const DETECTION_NAMES = [
  'impossibleTravel',
  'infrequentCountry',
  'anonymousIp',
  'suspiciousIp',
  'massDownload',
  'massDelete',
  'massShare',
  'failedSignIns',
  'ransomware',
] as const;
export type DetectionName = (typeof DETECTION_NAMES)[number];

export interface DetectionTuning {
  enabled: boolean;
  /** Burst detections: activities within `windowMinutes` that raise the alert. */
  threshold?: number;
  windowMinutes?: number;
  /** Impossible travel: least distance (km) and the fastest plausible speed (km/h). */
  minDistanceKm?: number;
  maxSpeedKmh?: number;
  /** Infrequent country: a country not seen for the user in this many days is infrequent. */
  lookbackDays?: number;
}

export interface DetectionSettings {
  /** Fire without waiting for the learning period (on in the demo tenants). */
  detectionsSkipLearning: boolean;
  /** Days a user is observed before location detections (travel, infrequent country) alert. */
  learningDays: number;
  /** A burst detection alerts once per session; a session ends after this many idle minutes. */
  sessionIdleMinutes: number;
  detections: Record<DetectionName, DetectionTuning>;
}

export const DEFAULT_DETECTION_SETTINGS: DetectionSettings = {
  detectionsSkipLearning: false,
  learningDays: 7,
  sessionIdleMinutes: 30,
  detections: {
    impossibleTravel: { enabled: true, minDistanceKm: 500, maxSpeedKmh: 900 },
    infrequentCountry: { enabled: true, lookbackDays: 30 },
    anonymousIp: { enabled: true },
    suspiciousIp: { enabled: true },
    massDownload: { enabled: true, threshold: 50, windowMinutes: 5 },
    massDelete: { enabled: true, threshold: 50, windowMinutes: 5 },
    massShare: { enabled: true, threshold: 20, windowMinutes: 5 },
    failedSignIns: { enabled: true, threshold: 11, windowMinutes: 5 },
    ransomware: { enabled: true, threshold: 20, windowMinutes: 10 },
  },
};

const TUNING_LIMITS: Record<string, [number, number]> = {
  threshold: [1, 10_000],
  windowMinutes: [1, 1440],
  minDistanceKm: [0, 20_000],
  maxSpeedKmh: [1, 100_000],
  lookbackDays: [1, 365],
};

/** Stored (partial) settings laid over the defaults. */
export function effectiveDetectionSettings(stored: string | null | undefined): DetectionSettings {
  const base = structuredClone(DEFAULT_DETECTION_SETTINGS);
  if (!stored) return base;
  try {
    return mergeDetectionSettings(base, JSON.parse(stored) as Record<string, unknown>);
  } catch {
    return base;
  }
}

/** A refused detection setting: 400 in the caller's wire format. */
const invalid = (message: string) => errors.invalidInput(`detection: ${message}`);

/** Applies a patch (the admin API's `detectionsSkipLearning`, `learningDays`, `detections`); throws an invalid_input error naming the setting. */
export function mergeDetectionSettings(current: DetectionSettings, patch: Record<string, unknown>): DetectionSettings {
  const next = structuredClone(current);
  if ('detectionsSkipLearning' in patch) {
    if (typeof patch.detectionsSkipLearning !== 'boolean') throw invalid("'detectionsSkipLearning' must be true or false.");
    next.detectionsSkipLearning = patch.detectionsSkipLearning;
  }
  for (const [k, lo, hi] of [
    ['learningDays', 0, 90],
    ['sessionIdleMinutes', 1, 1440],
  ] as const) {
    if (k in patch) {
      const v = patch[k];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) throw invalid(`'${k}' must be an integer ${lo}..${hi}.`);
      next[k] = v;
    }
  }
  if ('detections' in patch) {
    const d = patch.detections;
    if (!d || typeof d !== 'object' || Array.isArray(d)) throw invalid("'detections' must be an object keyed by detection name.");
    for (const [name, tuning] of Object.entries(d as Record<string, unknown>)) {
      if (!(DETECTION_NAMES as readonly string[]).includes(name)) {
        throw invalid(`Unknown detection '${name}'; one of ${DETECTION_NAMES.join(', ')}.`);
      }
      if (!tuning || typeof tuning !== 'object' || Array.isArray(tuning)) throw invalid(`'detections.${name}' must be an object.`);
      const target = next.detections[name as DetectionName];
      for (const [k, v] of Object.entries(tuning as Record<string, unknown>)) {
        if (k === 'enabled') {
          if (typeof v !== 'boolean') throw invalid(`'detections.${name}.enabled' must be true or false.`);
          target.enabled = v;
          continue;
        }
        const limits = TUNING_LIMITS[k];
        if (!limits || !(k in target)) throw invalid(`'detections.${name}' has no setting '${k}'.`);
        if (typeof v !== 'number' || !Number.isFinite(v) || v < limits[0] || v > limits[1]) {
          throw invalid(`'detections.${name}.${k}' must be a number ${limits[0]}..${limits[1]}.`);
        }
        (target as unknown as Record<string, number>)[k] = k === 'threshold' || k === 'windowMinutes' ? Math.round(v) : v;
      }
    }
  }
  return next;
}
