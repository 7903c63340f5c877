import {
  ABUSE_BACKUP_DELETE,
  ABUSE_COMPUTE_LAUNCH,
  ABUSE_DATA_LIFECYCLE,
  ABUSE_DATA_OBJECT_DELETE,
  ABUSE_DATA_OBJECT_WRITE,
  ABUSE_DATA_VERSIONING,
  ABUSE_KEY_DESTROY,
  ABUSE_LLM_ENABLE,
  ABUSE_LLM_INVOKE,
  ABUSE_LLM_LOGGING_CHECK,
  ABUSE_MAIL_ENABLE,
  ABUSE_MAIL_IDENTITY,
  ABUSE_MAIL_RECON,
  ABUSE_QUOTA_INCREASE,
} from '../classify/abuse-catalog.js';
import { STAGE_MODIFICATION } from '../classify/operation-class.js';
import { F_EVENTS, F_FIRST_TS } from '../profile/layout.js';
import type { Profile } from '../profile/profile.js';
import { operationUsed } from './baseline-knowledge.js';
import { byDeploymentTooling } from './change-maker.js';
import { requestParametersOf } from './change-target.js';
import type { DetectionContext, Finding } from './types.js';

/** How long the steps of one playbook are gathered. */
const WINDOW_MS = 6 * 3_600_000;
/** Distinct regions of compute launches that make a mining sweep (two with accelerated instances). */
const COMPUTE_REGIONS = 3;
/**
 * Distinct regions of model invocations that make a sweep for the regions where models are enabled, with refusals
 * (validation errors, access denied, model not enabled) in `LLM_PROBED_REGIONS` of them: an application falling back
 * to other regions when throttled shows throttling instead.
 */
const LLM_REGIONS = 3;
const LLM_PROBED_REGIONS = 2;
/** Errors that say "busy", not "not allowed" or "not like that". */
const CAPACITY_ERROR = /thrott|toomanyrequests|serviceunavailable|internal|timeout|modelnotready|quota/i;
/** Objects re-encrypted with a customer-provided key that make a ransom run. */
const SSE_C_OBJECTS = 5;
/** Object deletions that, after recovery was taken away, make data destruction. */
const DELETED_OBJECTS = 10;
/** Backups deleted that take recovery away. */
const DELETED_BACKUPS = 2;
/** Regions remembered per playbook (past the thresholds only the count matters). */
const MAX_REGIONS = 16;
const SCORE = 75;

/** The playbooks, as bits of `AbuseWindow.reported`. */
const COMPUTE = 1;
const LLM = 2;
const MAIL = 4;
const RANSOM = 8;
const PLAYBOOK_NAMES: Readonly<Record<number, string>> = {
  [COMPUTE]: 'compute_hijack',
  [LLM]: 'llm_hijack',
  [MAIL]: 'mail_abuse',
  [RANSOM]: 'data_ransom',
};

/** Accelerated instance types (GPU, ML chips), as a parameter of any launch call: what miners and model trainers ask for. */
const ACCELERATED_TYPE = /"\w*[iI]nstance[tT]ype"\s*:\s*"(?:ml\.)?((?:p\d|g\d|inf\d|trn\d|dl\d)[a-z0-9-]*\.[a-z0-9-]+)"/;
/**
 * An S3 write encrypted with a key the caller holds and the account never sees (SSE-C): CloudTrail logs the request
 * header among the parameters, SDK-shaped records name the field. Looked up directly: every upload passes here.
 */
function customerKeyed(params: Record<string, unknown>): boolean {
  return params['x-amz-server-side-encryption-customer-algorithm'] !== undefined || params.SSECustomerAlgorithm !== undefined;
}

/** One credential's playbook steps within the current window. */
interface AbuseWindow {
  start: number;
  computeRegions: string[];
  acceleratedType: string | undefined;
  quotaAsked: boolean;
  llmRegions: string[];
  /** Regions where an invocation was refused for a reason other than capacity. */
  llmProbedRegions: string[];
  llmLoggingChecked: boolean;
  llmEnabled: boolean;
  mailRecon: boolean;
  mailIdentity: boolean;
  mailEnabled: boolean;
  versioningSuspended: boolean;
  expiryRule: boolean;
  sseCObjects: number;
  deletedObjects: number;
  keysDestroyed: number;
  backupsDeleted: number;
  /** Playbooks already reported in this window. */
  reported: number;
}

/** Short-lived, like refused reconnaissance's windows: keyed by the profile object, gone with it. */
const WINDOWS = new WeakMap<Profile, AbuseWindow>();

function newWindow(start: number): AbuseWindow {
  return {
    start,
    computeRegions: [],
    acceleratedType: undefined,
    quotaAsked: false,
    llmRegions: [],
    llmProbedRegions: [],
    llmLoggingChecked: false,
    llmEnabled: false,
    mailRecon: false,
    mailIdentity: false,
    mailEnabled: false,
    versioningSuspended: false,
    expiryRule: false,
    sseCObjects: 0,
    deletedObjects: 0,
    keysDestroyed: 0,
    backupsDeleted: 0,
    reported: 0,
  };
}

function regionOf(ctx: DetectionContext): string {
  const a = ctx.ev.attributes;
  const r = a?.aws_region ?? a?.cloud_region ?? a?.region;
  return typeof r === 'string' && r.length > 0 ? r.slice(0, 32) : '(unknown)';
}

function addRegion(regions: string[], region: string): void {
  if (regions.length < MAX_REGIONS && !regions.includes(region)) regions.push(region);
}

function json(v: unknown): string {
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return '';
  }
}

function isFalse(v: unknown): boolean {
  return v === false || v === 'false';
}

/**
 * Whether this event is a playbook step (its role's conditions met: succeeded where it must, the parameters that
 * make it abuse). Launches and invocations count refused too: a sweep asks every region, and the refusals (quota,
 * dry run, model not enabled) are how it learns where it can run.
 */
function isStep(ctx: DetectionContext, params: Record<string, unknown> | undefined): boolean {
  const succeeded = ctx.ev.outcome !== 'failure' && !ctx.authFailure;
  switch (ctx.cls.abuse) {
    case ABUSE_COMPUTE_LAUNCH:
    case ABUSE_QUOTA_INCREASE:
    case ABUSE_LLM_INVOKE:
    case ABUSE_LLM_LOGGING_CHECK:
    case ABUSE_MAIL_RECON:
      return true;
    // An administrator enables models or mail from the console; a thief from a script.
    case ABUSE_LLM_ENABLE:
      return succeeded && ctx.ev.interactive !== true;
    case ABUSE_MAIL_ENABLE:
      return (
        succeeded &&
        ctx.ev.interactive !== true &&
        !(params !== undefined && (isFalse(params.enabled) || isFalse(params.Enabled) || isFalse(params.sendingEnabled)))
      );
    case ABUSE_DATA_VERSIONING: {
      const status = (params?.VersioningConfiguration as Record<string, unknown> | undefined)?.Status;
      return succeeded && typeof status === 'string' && status.toLowerCase() === 'suspended';
    }
    case ABUSE_DATA_LIFECYCLE:
      return succeeded && params !== undefined && /"Expiration"/i.test(json(params));
    case ABUSE_DATA_OBJECT_WRITE:
      return succeeded && (ctx.ev.attributes?.sse_applied === 'SSE_C' || (params !== undefined && customerKeyed(params)));
    case ABUSE_MAIL_IDENTITY:
    case ABUSE_DATA_OBJECT_DELETE:
    case ABUSE_KEY_DESTROY:
    case ABUSE_BACKUP_DELETE:
      return succeeded;
    default:
      return false;
  }
}

/** Records a step (see {@link isStep}) in the window. */
function record(ctx: DetectionContext, w: AbuseWindow, params: Record<string, unknown> | undefined): void {
  switch (ctx.cls.abuse) {
    case ABUSE_COMPUTE_LAUNCH:
      addRegion(w.computeRegions, regionOf(ctx));
      w.acceleratedType ??= params === undefined ? undefined : ACCELERATED_TYPE.exec(json(params))?.[1];
      break;
    case ABUSE_QUOTA_INCREASE:
      w.quotaAsked = true;
      break;
    case ABUSE_LLM_INVOKE: {
      const region = regionOf(ctx);
      addRegion(w.llmRegions, region);
      const error = ctx.ev.error_code;
      if (ctx.ev.outcome === 'failure' && !(error !== undefined && CAPACITY_ERROR.test(error))) addRegion(w.llmProbedRegions, region);
      break;
    }
    case ABUSE_LLM_LOGGING_CHECK:
      w.llmLoggingChecked = true;
      break;
    case ABUSE_LLM_ENABLE:
      w.llmEnabled = true;
      break;
    case ABUSE_MAIL_RECON:
      w.mailRecon = true;
      break;
    case ABUSE_MAIL_IDENTITY:
      w.mailIdentity = true;
      break;
    case ABUSE_MAIL_ENABLE:
      w.mailEnabled = true;
      break;
    case ABUSE_DATA_VERSIONING:
      w.versioningSuspended = true;
      break;
    case ABUSE_DATA_LIFECYCLE:
      w.expiryRule = true;
      break;
    case ABUSE_DATA_OBJECT_WRITE:
      w.sseCObjects++;
      break;
    case ABUSE_DATA_OBJECT_DELETE:
      w.deletedObjects++;
      break;
    case ABUSE_KEY_DESTROY:
      w.keysDestroyed++;
      break;
    case ABUSE_BACKUP_DELETE:
      w.backupsDeleted++;
      break;
  }
}

/** The playbooks this window has completed, as bits. */
function completed(w: AbuseWindow): number {
  let done = 0;
  const gpu = w.acceleratedType !== undefined;
  if (w.computeRegions.length >= COMPUTE_REGIONS || (gpu && (w.computeRegions.length >= 2 || w.quotaAsked))) done |= COMPUTE;
  const invoked = w.llmRegions.length > 0;
  const swept = w.llmRegions.length >= LLM_REGIONS && w.llmProbedRegions.length >= LLM_PROBED_REGIONS;
  if ((invoked && (w.llmLoggingChecked || w.llmEnabled || swept)) || (w.llmEnabled && w.llmLoggingChecked)) done |= LLM;
  if (w.mailEnabled && (w.mailRecon || w.mailIdentity)) done |= MAIL;
  const recoveryGone = w.versioningSuspended || w.keysDestroyed > 0 || w.backupsDeleted >= DELETED_BACKUPS;
  const dataGone = w.deletedObjects >= DELETED_OBJECTS || w.sseCObjects >= SSE_C_OBJECTS;
  if ((recoveryGone && dataGone) || (w.sseCObjects >= SSE_C_OBJECTS && w.expiryRule)) done |= RANSOM;
  return done;
}

function describe(playbook: number, w: AbuseWindow): { summary: string; steps: Record<string, unknown> } {
  switch (playbook) {
    case COMPUTE:
      return {
        summary: `compute launched in ${w.computeRegions.length} region(s)${w.acceleratedType ? `, accelerated instances (${w.acceleratedType})` : ''}${w.quotaAsked ? ', after a quota increase request' : ''}: resource hijacking (mining)`,
        steps: { regions: [...w.computeRegions], accelerated_instance_type: w.acceleratedType, quota_increase_requested: w.quotaAsked },
      };
    case LLM:
      return {
        summary: `foundation models invoked in ${w.llmRegions.length} region(s)${w.llmLoggingChecked ? ' after checking whether invocations are logged' : ''}${w.llmEnabled ? ', model access enabled by a script' : ''}: LLM hijacking`,
        steps: {
          regions: [...w.llmRegions],
          refused_in: [...w.llmProbedRegions],
          checked_invocation_logging: w.llmLoggingChecked,
          enabled_model_access: w.llmEnabled,
        },
      };
    case MAIL:
      return {
        summary: `mail sending switched on or the sandbox lifted by a script${w.mailRecon ? ' after reading the sending quota' : ''}${w.mailIdentity ? ', a new sender verified' : ''}: mail abuse (spam, phishing)`,
        steps: { read_sending_limits: w.mailRecon, verified_sender: w.mailIdentity, enabled_sending: w.mailEnabled },
      };
    default:
      return {
        summary: `recovery taken away (${[w.versioningSuspended ? 'versioning suspended' : '', w.keysDestroyed > 0 ? 'keys disabled or scheduled for deletion' : '', w.backupsDeleted > 0 ? `${w.backupsDeleted} backups deleted` : '', w.expiryRule ? 'an expiry rule set' : ''].filter((s) => s).join(', ')}) and data ${w.sseCObjects >= SSE_C_OBJECTS ? `re-encrypted with a key the account does not hold (${w.sseCObjects} objects)` : `deleted (${w.deletedObjects} calls)`}: ransom or destruction`,
        steps: {
          versioning_suspended: w.versioningSuspended,
          expiry_rule: w.expiryRule,
          sse_c_objects: w.sseCObjects,
          deleted_objects: w.deletedObjects,
          keys_destroyed: w.keysDestroyed,
          backups_deleted: w.backupsDeleted,
        },
      };
  }
}

/**
 * The ways a stolen cloud key is turned into money or damage, recognised by what is done rather than by what is
 * new: launching compute in region after region (mining; two regions with GPU instances, or one after a quota
 * increase), invoking foundation models after checking that invocations are not logged, after enabling model
 * access from a script, or across regions that refused them (LLM-jacking), turning mail sending on from a script after reading its
 * limits or verifying a sender (spam), and taking recovery away (versioning suspended, keys destroyed, backups
 * deleted) then deleting objects, or rewriting objects with a customer-held key under an expiry rule (ransom).
 * Each is high on its own: a key with no baseline at all (the leaked key nobody used for months) shows nothing
 * new, and these are the calls it is stolen for. A credential or principal with a learned baseline is judged only
 * from a playbook step it never took: a fleet manager launching in its usual regions is at work. Infrastructure as
 * code and cloud services acting for the credential are exempt. One alert per playbook per six hours.
 *
 * @example
 * ```ts
 * detectCloudAbuse(ctx, findings); // before the attack chain, which its suspicion then feeds
 * ```
 */
export function detectCloudAbuse(ctx: DetectionContext, out: Finding[]): void {
  if (ctx.cls.abuse === 0 || byDeploymentTooling(ctx)) return;
  const params = requestParametersOf(ctx.ev);
  if (!isStep(ctx, params)) return;
  const { cred } = ctx;
  let w = WINDOWS.get(cred);
  // A late event (out of event-time order) within the window still joins it rather than starting over.
  if (w === undefined || Math.abs(ctx.now - w.start) > WINDOW_MS) {
    // A window opens at a step the credential's baseline does not explain. Deleting objects opens none: it is
    // destruction only after recovery was taken away, and cleanup jobs delete all day.
    if ((ctx.credMature || ctx.principalMature) && operationUsed(ctx)) return;
    if (ctx.cls.abuse === ABUSE_DATA_OBJECT_DELETE) return;
    w = newWindow(ctx.now);
    WINDOWS.set(cred, w);
  }
  record(ctx, w, params);
  // One step completes at most one playbook (each role belongs to one).
  const fresh = completed(w) & ~w.reported;
  if (fresh === 0) return;
  const playbook = fresh & -fresh;
  w.reported |= playbook;
  const { summary, steps } = describe(playbook, w);
  out.push({
    rule: 'attack_chain',
    score: SCORE,
    stage: STAGE_MODIFICATION,
    summary: `${summary}, within ${Math.max(1, Math.round((ctx.now - w.start) / 60_000))} min (last: ${ctx.cls.name})`,
    evidence: {
      kind: 'cloud_abuse',
      playbook: PLAYBOOK_NAMES[playbook],
      window_start: new Date(w.start).toISOString(),
      advanced_by: ctx.cls.name,
      ...steps,
      baseline: {
        credential_events: cred.f[cred.fo + F_EVENTS],
        credential_first_seen: new Date(cred.f[cred.fo + F_FIRST_TS]!).toISOString(),
        learned: ctx.credMature || ctx.principalMature,
      },
      thresholds: {
        window_hours: WINDOW_MS / 3_600_000,
        compute_regions: COMPUTE_REGIONS,
        llm_regions: LLM_REGIONS,
        llm_refused_regions: LLM_PROBED_REGIONS,
        sse_c_objects: SSE_C_OBJECTS,
        deleted_objects: DELETED_OBJECTS,
        deleted_backups: DELETED_BACKUPS,
      },
    },
    noveltyOnly: false,
    suspicion: SCORE,
    alwaysReport: true,
  });
}
