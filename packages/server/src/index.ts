export { buildApp } from './app.js';
export { loadConfig, envName, DEFAULTS, ConfigError, type Config } from './config.js';
export { startServer, initializeInstallation, type RunningServer, type StartOptions } from './main.js';
export { createServices, type Services } from './wiring.js';
export { FrozenClock, systemClock, type Clock } from './identity/clock.js';
export type { DemoFile, DemoCredentials } from './demo/seed-identity.js';
export { copySqliteToPostgres, type TableCopyReport } from './store/database-copy.js';
