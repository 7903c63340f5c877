/**
 * Secret-scanning intake: the token service's endpoint for leak reports in the format of
 * GitHub's secret-scanning partner programme. See docs/intake.md.
 *
 * @packageDocumentation
 */
import './errors.js';
import type { Server } from 'node:http';
import { type IntakeConfig, resolveIntakeConfig, type SecretScanningIntakeOptions } from './config.js';
import { createIntakeHandler, type IntakeDeps, type IntakeRequestHandler, mountIntake } from './handler.js';

export {
  DEFAULT_INTAKE_PATH,
  DEFAULT_MAX_BODY_BYTES,
  type IntakeConfig,
  KEYS_FILE_NAME,
  resolveIntakeConfig,
  type SecretScanningIntakeOptions,
  type TrustedSigningKey,
} from './config.js';
export type { ExposureAction, ExposureLabel, ExposureReport } from './exposure.js';
export { createIntakeHandler, type IntakeDeps, type IntakeRequestHandler, type IntakeVerdict, mountIntake } from './handler.js';
export { parseReport, type ReportedToken } from './report.js';
export { type VerifiedSender, verifyReportSignature } from './signature.js';

/**
 * A configured intake, ready to be mounted on each server the token service listens with.
 *
 * @example
 * ```ts
 * createSecretScanningIntake(dataDir, options)?.mount(server, deps);
 * ```
 */
export interface SecretScanningIntake {
  readonly config: IntakeConfig;
  /** Routes `POST <config.path>` of `server` to the intake (one shared handler for every server). */
  mount(server: Server, deps: IntakeDeps): void;
}

/**
 * Builds the intake from options and `<dataDir>/secret-scanning-keys.json`, or returns `undefined`
 * when neither trusts any signer (the endpoint then does not exist). Throws `TW_CONFIG_INVALID`
 * for a bad key, secret or keys file, so a misconfiguration fails at start, not at first report.
 *
 * @example
 * ```ts
 * const intake = createSecretScanningIntake(dataDir, options.intake);
 * const server = await startHttpServer(...);
 * intake?.mount(server, { admin, view, events, issuer });
 * ```
 */
export function createSecretScanningIntake(
  dataDir: string,
  options: SecretScanningIntakeOptions | undefined,
): SecretScanningIntake | undefined {
  const config = resolveIntakeConfig(dataDir, options);
  if (!config) return undefined;
  let handler: IntakeRequestHandler | undefined;
  return {
    config,
    mount(server, deps) {
      // One handler, so idempotency holds across every server of the service.
      handler ??= createIntakeHandler(config, deps);
      mountIntake(server, config.path, handler);
    },
  };
}
