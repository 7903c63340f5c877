/**
 * The detection engine: per-credential and per-principal behavioural profiles (bounded sketches), ten
 * detectors, the attack-chain tracker, a decaying per-credential risk score, calibrated alerts, and
 * snapshot/restore of all state.
 *
 * @packageDocumentation
 */
export { classifyOperationName, type OperationClass, type PrivilegeKind } from './classify/operation-class.js';
export { OperationClassifier } from './classify/operation-classifier.js';
export { DEFAULT_DETECTION_CONFIG, type DetectionConfig } from './config.js';
export type { DetectionContext, Detector, Finding } from './detectors/types.js';
export { createDetectionEngine, type DetectionEngine } from './engine.js';
export { PROFILE_BYTES, RULES, type RuleName } from './profile/layout.js';
export { parseDetectionConfig, resolveDetectionConfig } from './resolve-config.js';
export { severityOf } from './scoring/risk.js';
export { SNAPSHOT_VERSION } from './snapshot.js';
