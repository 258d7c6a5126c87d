export * from './credentials.js';
export * from './errors.js';
export * from './management-client.js';
export { callJson, retryAfterMs, errorMessage } from './http-call.js';
