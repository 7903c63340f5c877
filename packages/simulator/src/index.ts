/**
 * Labelled traffic simulator and alert evaluation. `simulateToDirectory` writes realistic,
 * deterministic traffic (people in time zones, automation on schedules, benign oddities and
 * token-theft attacks) in native, OCSF and CloudTrail form with a `labels.json` ground truth;
 * `evaluateAlerts` scores a detector's alerts against those labels.
 *
 * @packageDocumentation
 */

export * from './eval/alerts-reader.js';
export * from './eval/labels-reader.js';
export * from './eval/report-text.js';
export * from './eval/score.js';
export * from './formats/cloudtrail.js';
export * from './formats/native.js';
export * from './formats/ocsf.js';
export * from './model/labels.js';
export * from './model/networks.js';
export { ACCOUNT_ID, type SimCredential, type SimEvent } from './model/sim-event.js';
export * from './prng.js';
export * from './scenario.js';
export * from './simulate.js';
export * from './traffic/merge.js';
