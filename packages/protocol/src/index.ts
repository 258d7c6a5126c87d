export * from './well-known.js';
export * from './app-roles.js';
export * from './aadsts.js';
export * from './cloudapps-permissions.js';
export * from './cloudapps-codes.js';
export * from './cloudapps-filters.js';
export * from './console-routes.js';
