export * from './access-event.js';
export * from './alert.js';
export * from './audit-entry.js';
export * from './common.js';
export * from './credential.js';
export * from './incident.js';
export * from './lifecycle-event.js';
export * from './principal.js';
