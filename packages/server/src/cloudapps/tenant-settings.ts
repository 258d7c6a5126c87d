import type { CloudAppsEndpoint } from '@appwarden/protocol';
import type { Clock } from '../clock.js';
import { effectiveDetectionSettings, type DetectionSettings } from '../detection/settings.js';
import type { TenantSettingsStore } from '../store/interfaces.js';

/** Fault injection for one tenant: added latency and shares (0..1) of requests answered with errors. */
export interface FaultSettings {
  latencyMs: number;
  error429: number;
  error500: number;
  error503: number;
  /** Retry-After sent with injected 429 and 503 answers. */
  retryAfterSeconds: number;
  /** Only these operations; all when empty. */
  endpoints: CloudAppsEndpoint[];
}

export interface CloudAppsTenantSettings {
  /** Override of the server-wide requests per minute; null = the default. 0 = no limit. */
  rateLimitPerMinute: number | null;
  faults: FaultSettings | null;
  /** Detection engine: learning, thresholds, detections on/off (docs/detection.md). */
  detection: DetectionSettings;
}

/** How long settings are served from memory; other processes see a change within this time. */
const SETTINGS_TTL_MS = 5_000;

export class TenantSettingsService {
  private readonly cache = new Map<string, { at: number; settings: CloudAppsTenantSettings }>();

  constructor(
    private readonly store: TenantSettingsStore,
    private readonly clock: Clock,
  ) {}

  async get(tenantId: string): Promise<CloudAppsTenantSettings> {
    const now = this.clock.now();
    const hit = this.cache.get(tenantId);
    if (hit && now >= hit.at && now - hit.at < SETTINGS_TTL_MS) return hit.settings;
    const row = await this.store.get(tenantId);
    const settings: CloudAppsTenantSettings = {
      rateLimitPerMinute: row?.rate_limit_per_minute ?? null,
      faults: row?.faults ? (JSON.parse(row.faults) as FaultSettings) : null,
      detection: effectiveDetectionSettings(row?.detection),
    };
    this.cache.set(tenantId, { at: now, settings });
    return settings;
  }

  async update(tenantId: string, patch: Partial<CloudAppsTenantSettings>): Promise<CloudAppsTenantSettings> {
    const current = await this.get(tenantId);
    const next = { ...current, ...patch };
    await this.store.put({
      tenant_id: tenantId,
      rate_limit_per_minute: next.rateLimitPerMinute,
      faults: next.faults ? JSON.stringify(next.faults) : null,
      detection: JSON.stringify(next.detection),
      updated_at: this.clock.now(),
    });
    this.cache.delete(tenantId);
    return next;
  }
}
