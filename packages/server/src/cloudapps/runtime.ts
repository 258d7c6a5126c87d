import type { Clock } from '../clock.js';
import type { MasterKey } from '../identity/master-key.js';
import type { CounterStore, Stores } from '../store/interfaces.js';
import { AlertStateService } from './alerts/alert-state-service.js';
import { ApiTokenService } from './api-tokens.js';
import { BearerCache } from './bearer-cache.js';
import { TenantSettingsService } from './tenant-settings.js';
import { TenantRateLimiter } from './throttling.js';

/** The Cloud Apps API's long-lived parts and caches, built once per process in wiring.ts. */
export interface CloudAppsRuntime {
  tokens: ApiTokenService;
  /** Verified bearer tokens, valid until the next database write. */
  bearerCache: BearerCache;
  /** Alert read flags and resolutions. */
  alertStates: AlertStateService;
  settings: TenantSettingsService;
  limiter: TenantRateLimiter;
  /** Random source of fault injection (tests replace it). */
  random: () => number;
  /** How injected latency waits (tests replace it). */
  delay: (ms: number) => Promise<void>;
}

export function createCloudAppsRuntime(stores: Stores, master: MasterKey, clock: Clock, counters: CounterStore): CloudAppsRuntime {
  return {
    tokens: new ApiTokenService(stores, master, clock),
    bearerCache: new BearerCache(() => stores.changeStamp()),
    alertStates: new AlertStateService(stores.alerts, clock),
    settings: new TenantSettingsService(stores.tenantSettings, clock),
    limiter: new TenantRateLimiter(clock, counters),
    random: Math.random,
    delay: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}
