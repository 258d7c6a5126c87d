export { buildApp } from './app.js';
export { loadConfig, envName, DEFAULTS, ConfigError, type Config } from './config.js';
export { startServer, type RunningServer, type StartOptions } from './main.js';
export { createServices, type Services } from './wiring.js';
export { FrozenClock, systemClock, type Clock } from './identity/clock.js';
export type { DemoFile, DemoCredentials } from './demo/seed-identity.js';
export { generateDemoData, type DemoDataOptions, type DemoBatch } from './demo/cloudapps-data.js';
export { loadDemoData } from './demo/load-cloudapps-data.js';
export { importJsonLines, type ImportResult } from './cloudapps/import.js';
