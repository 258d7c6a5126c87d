export * from './well-known.js';
export * from './app-roles.js';
export * from './aadsts.js';
