/**
 * Response and recovery: incidents, containment (revoke, sign out, block, suspend what the
 * attacker created, restore settings), forensics reports, webhooks and Shared Signals.
 *
 * Response acts only through ports (`TokenAdmin`, `GatewayControl`, `ResponseStores`) that the
 * token service, the gateway's control channel and the store implement.
 *
 * @packageDocumentation
 */
export * from './config/from-config.js';
export * from './containment/action-log.js';
export * from './containment/auto-policy.js';
export * from './containment/auto-responder.js';
export * from './containment/contain-incident.js';
export * from './containment/responder.js';
export * from './forensics/classify.js';
export * from './forensics/forensic-report.js';
export * from './forensics/render-html.js';
export * from './forensics/render-markdown.js';
export * from './http/api-auth.js';
export * from './http/api-errors.js';
export * from './http/response-api.js';
export * from './incidents/feedback-log.js';
export * from './incidents/incident-manager.js';
export * from './ports.js';
export * from './runbook/cloud-remediation.js';
export * from './safety/reason.js';
export * from './safety/responder-guard.js';
export * from './settings/settings-store.js';
export * from './signals/security-event-token.js';
export * from './signals/signal-dispatcher.js';
export * from './signals/ssf-signing-key.js';
export * from './signals/ssf-transmitter.js';
export * from './signals/webhook.js';
