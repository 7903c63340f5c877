/**
 * The bookkeeping of the cloud-abuse playbooks (see `cloud-abuse.ts`): which calls are steps, what a window of one
 * credential's steps holds, and when a playbook is complete.
 */
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
  ABUSE_SHARE,
  ABUSE_VERSIONS_LIST,
} from '../classify/abuse-catalog.js';
import type { DetectionConfig } from '../config.js';
import { outsideAws } from './cloud-origin.js';
import type { DetectionContext } from './types.js';

/** Errors that say "busy", not "not allowed" or "not like that". */
const CAPACITY_ERROR = /thrott|toomanyrequests|serviceunavailable|internal|timeout|modelnotready|quota/i;
/**
 * A multi-object delete after the versions were listed: up to 1,000 versions per call, counted as this many (CloudTrail
 * does not log which keys a `DeleteObjects` removed).
 */
const VERSIONS_PER_BATCH = 10;
/** Networks a thief rents or hides behind: where versions deleted for good are destruction, not housekeeping. */
const ANONYMOUS_KINDS: ReadonlySet<string> = new Set(['hosting', 'vpn', 'tor']);
/** Regions remembered per playbook (past the thresholds only the count matters). */
const MAX_REGIONS = 16;

/** The playbooks, as bits of `AbuseWindow.reported`. */
export const COMPUTE = 1;
export const LLM = 2;
export const MAIL = 4;
export const RANSOM = 8;
export const PUBLIC_SHARE = 16;
export const PLAYBOOK_NAMES: Readonly<Record<number, string>> = {
  [COMPUTE]: 'compute_hijack',
  [LLM]: 'llm_hijack',
  [MAIL]: 'mail_abuse',
  [RANSOM]: 'data_ransom',
  [PUBLIC_SHARE]: 'public_share',
};

/** Accelerated instance types (GPU, ML chips), as a parameter of any launch call: what miners and model trainers ask for. */
const ACCELERATED_TYPE = /"\w*[iI]nstance[tT]ype"\s*:\s*"(?:ml\.)?((?:p\d|g\d|inf\d|trn\d|dl\d)[a-z0-9-]*\.[a-z0-9-]+)"/;
/** A large instance type (8xlarge and up, bare metal), as a parameter of any launch call: CPU miners ask for these. */
const LARGE_TYPE = /"\w*[iI]nstance[tT]ype"\s*:\s*"(?:ml\.)?([a-z0-9-]+\.(?:metal[a-z0-9-]*|(?:[89]|\d\d)xlarge))"/;
/** How many instances a launch asks for: RunInstances' maxCount, a spot request's or training job's count, a fleet's capacity. */
const REQUESTED_COUNT =
  /"(?:maxCount|minCount|instanceCount|InstanceCount|totalTargetCapacity|TotalTargetCapacity|targetCapacity|desiredSize)"\s*:\s*"?(\d{1,6})/g;
/** Instances counted per launch call at most (a typo of 100000 is not a hundred thousand machines' worth of evidence). */
const MAX_COUNTED_PER_CALL = 1000;

function requestedInstances(text: string): number {
  let most = 1;
  for (const m of text.matchAll(REQUESTED_COUNT)) most = Math.max(most, Number(m[1]));
  return Math.min(most, MAX_COUNTED_PER_CALL);
}

/**
 * A ransom note, by the object's name: `FILES-ENCRYPTED.txt`, `README_TO_DECRYPT.html`, `HOW-TO-RECOVER-YOUR-FILES.txt`
 * (a text or web page naming decryption, ransom, or files encrypted, deleted or to recover). Left beside data that was
 * deleted or rewritten with a key only the thief holds, client-side, where the log shows nothing but plain uploads.
 */
const RANSOM_NOTE =
  /(?:^|\/)[^/]*(?:ransom|decrypt|files?[-_ .]?(?:encrypted|deleted|locked)|recover[-_ .]?(?:your|files|data)|your[-_ .]?(?:files|data))[^/]*\.(?:txt|html?|md)$/i;

function ransomNote(params: Record<string, unknown> | undefined): boolean {
  const key = params?.key;
  return typeof key === 'string' && key.length < 512 && RANSOM_NOTE.test(key);
}

/**
 * An S3 write encrypted with a key the caller holds and the account never sees (SSE-C): CloudTrail logs the request
 * header among the parameters, SDK-shaped records name the field. Looked up directly: every upload passes here.
 */
function customerKeyed(params: Record<string, unknown>): boolean {
  return params['x-amz-server-side-encryption-customer-algorithm'] !== undefined || params.SSECustomerAlgorithm !== undefined;
}

/** One credential's playbook steps within the current window. */
export interface AbuseWindow {
  start: number;
  computeRegions: string[];
  /** The type of the first accelerated launch that succeeded, else of the first one asked for (what to look for). */
  acceleratedType: string | undefined;
  /** Whether `acceleratedType` is from a refused launch (a quota error): none of that type may be running. */
  acceleratedTypeRefused: boolean;
  /** Accelerated instances asked for (summed over launch calls, refused ones included). */
  acceleratedInstances: number;
  /** As `acceleratedType`, for large general-purpose instances. */
  largeType: string | undefined;
  largeTypeRefused: boolean;
  /** Large general-purpose instances asked for. */
  largeInstances: number;
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
  /** A ransom note was uploaded (see `RANSOM_NOTE`). */
  ransomNote: boolean;
  deletedObjects: number;
  /** A bucket's versions were listed in the window. */
  versionsListed: boolean;
  /** Object versions deleted for good (a `versionId` named, or a batch after listing versions) from a rented server, VPN or Tor. */
  versionsDestroyed: number;
  keysDestroyed: number;
  backupsDeleted: number;
  /** Snapshots, images or database snapshots made public. */
  publicShares: number;
  /** Playbooks already reported in this window. */
  reported: number;
}

/**
 * An empty window opening at `start`.
 *
 * @example
 * ```ts
 * const w = newWindow(ctx.now);
 * ```
 */
export function newWindow(start: number): AbuseWindow {
  return {
    start,
    computeRegions: [],
    acceleratedType: undefined,
    acceleratedTypeRefused: false,
    acceleratedInstances: 0,
    largeType: undefined,
    largeTypeRefused: false,
    largeInstances: 0,
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
    ransomNote: false,
    deletedObjects: 0,
    versionsListed: false,
    versionsDestroyed: 0,
    keysDestroyed: 0,
    backupsDeleted: 0,
    publicShares: 0,
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

/**
 * Items of a CloudTrail list (`{ items: [...] }`) or a plain array; empty for anything else.
 *
 * @example
 * ```ts
 * itemsOf({ items: [{ userId: '012345678912' }] }); // [{ userId: '012345678912' }]
 * ```
 */
export function itemsOf(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  const items = v !== null && typeof v === 'object' ? (v as Record<string, unknown>).items : undefined;
  return Array.isArray(items) ? items : [];
}

/**
 * A permission change that adds the group `all`: an EBS snapshot's `createVolumePermission`, an AMI's
 * `launchPermission` (CloudTrail's `{ add: { items: [{ group: 'all' }] } }`), or an RDS snapshot's `restore`
 * attribute with `valuesToAdd: ['all']`.
 */
function sharedWithEveryone(params: Record<string, unknown>): boolean {
  for (const key of ['createVolumePermission', 'launchPermission']) {
    const permission = params[key];
    const add = permission !== null && typeof permission === 'object' ? (permission as Record<string, unknown>).add : undefined;
    if (itemsOf(add).some((i) => i !== null && typeof i === 'object' && (i as Record<string, unknown>).group === 'all')) return true;
  }
  return itemsOf(params.valuesToAdd).includes('all');
}

function isFalse(v: unknown): boolean {
  return v === false || v === 'false';
}

// Made by a person at the console: the log says so, or (an OCSF mapping with no console flag) the client is a browser.
function byHand(ctx: DetectionContext): boolean {
  const ev = ctx.ev;
  return ev.interactive === true || (ev.interactive === undefined && ev.client !== undefined && !ctx.scripted);
}

/**
 * Whether this event is a playbook step (its role's conditions met: succeeded where it must, the parameters that
 * make it abuse). Launches and invocations count refused too: a sweep asks every region, and the refusals (quota,
 * dry run, model not enabled) are how it learns where it can run.
 *
 * @example
 * ```ts
 * if (isStep(ctx, requestParametersOf(ctx.ev))) recordStep(ctx, w, params);
 * ```
 */
export function isStep(ctx: DetectionContext, params: Record<string, unknown> | undefined): boolean {
  const succeeded = ctx.ev.outcome !== 'failure' && !ctx.authFailure;
  switch (ctx.cls.abuse) {
    case ABUSE_COMPUTE_LAUNCH:
    case ABUSE_QUOTA_INCREASE:
    case ABUSE_LLM_INVOKE:
    case ABUSE_MAIL_RECON:
      return true;
    // The console's Bedrock settings page reads the logging configuration for whoever opens it (an administrator
    // setting logging up, then trying a model); a thief asks from a script whether it would be seen.
    case ABUSE_LLM_LOGGING_CHECK:
      return !byHand(ctx);
    // An administrator enables models or mail from the console; a thief from a script.
    case ABUSE_LLM_ENABLE:
      return succeeded && !byHand(ctx);
    case ABUSE_MAIL_ENABLE:
      return (
        succeeded &&
        !byHand(ctx) &&
        !(params !== undefined && (isFalse(params.enabled) || isFalse(params.Enabled) || isFalse(params.sendingEnabled)))
      );
    case ABUSE_DATA_VERSIONING: {
      const status = (params?.VersioningConfiguration as Record<string, unknown> | undefined)?.Status;
      return succeeded && typeof status === 'string' && status.toLowerCase() === 'suspended';
    }
    case ABUSE_DATA_LIFECYCLE:
      return succeeded && params !== undefined && /"Expiration"/i.test(json(params));
    case ABUSE_DATA_OBJECT_WRITE:
      return (
        succeeded && (ctx.ev.attributes?.sse_applied === 'SSE_C' || (params !== undefined && customerKeyed(params)) || ransomNote(params))
      );
    case ABUSE_SHARE:
      return succeeded && params !== undefined && sharedWithEveryone(params);
    case ABUSE_MAIL_IDENTITY:
    case ABUSE_VERSIONS_LIST:
    case ABUSE_DATA_OBJECT_DELETE:
    case ABUSE_KEY_DESTROY:
    case ABUSE_BACKUP_DELETE:
      return succeeded;
    default:
      return false;
  }
}

/**
 * Records a step (see {@link isStep}) in the window.
 *
 * @example
 * ```ts
 * recordStep(ctx, w, params);
 * ```
 */
export function recordStep(ctx: DetectionContext, w: AbuseWindow, params: Record<string, unknown> | undefined): void {
  switch (ctx.cls.abuse) {
    case ABUSE_COMPUTE_LAUNCH: {
      addRegion(w.computeRegions, regionOf(ctx));
      if (params === undefined) break;
      const text = json(params);
      const accelerated = ACCELERATED_TYPE.exec(text)?.[1];
      const large = accelerated === undefined ? LARGE_TYPE.exec(text)?.[1] : undefined;
      // A responder terminates what runs: a type that launched names the fleet better than one the quota refused.
      const refused = ctx.ev.outcome === 'failure' || ctx.authFailure;
      if (accelerated !== undefined) {
        if (w.acceleratedType === undefined || (w.acceleratedTypeRefused && !refused)) {
          w.acceleratedType = accelerated;
          w.acceleratedTypeRefused = refused;
        }
        w.acceleratedInstances += requestedInstances(text);
      } else if (large !== undefined) {
        if (w.largeType === undefined || (w.largeTypeRefused && !refused)) {
          w.largeType = large;
          w.largeTypeRefused = refused;
        }
        w.largeInstances += requestedInstances(text);
      }
      break;
    }
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
      if (ransomNote(params)) w.ransomNote = true;
      else w.sseCObjects++;
      break;
    case ABUSE_DATA_OBJECT_DELETE:
      w.deletedObjects++;
      // A thief's key works from a rented server, a VPN or Tor; a cleanup job that purges old versions runs inside
      // AWS or on the company's own backup server (an office or data-centre line).
      if (ANONYMOUS_KINDS.has(ctx.kind) && outsideAws(ctx)) {
        if (params?.versionId !== undefined) w.versionsDestroyed++;
        else if (w.versionsListed && ctx.cls.name === 's3:DeleteObjects') w.versionsDestroyed += VERSIONS_PER_BATCH;
      }
      break;
    case ABUSE_VERSIONS_LIST:
      w.versionsListed = true;
      break;
    case ABUSE_KEY_DESTROY:
      w.keysDestroyed++;
      break;
    case ABUSE_BACKUP_DELETE:
      w.backupsDeleted++;
      break;
    case ABUSE_SHARE:
      w.publicShares++;
      break;
  }
}

/**
 * The playbooks this window has completed under the thresholds of `t` (`cloudAbuse` in the config), as bits
 * (`COMPUTE`, `LLM`, `MAIL`, `RANSOM`, `PUBLIC_SHARE`):
 * - compute: launches in `computeRegions` regions (two with accelerated instances, or one after a quota request), or a
 *   fleet in one (`acceleratedInstances` GPU boxes: a miner asks for many at once, a person trying one asks for one or
 *   two; or `largeInstances` 8xlarge-and-up);
 * - LLM: models invoked after checking invocation logging or enabling models, or in `llmRegions` regions of which
 *   `llmRefusedRegions` refused for a reason other than capacity (an application falling back when throttled shows
 *   throttling instead);
 * - ransom: recovery taken away (versioning suspended, keys destroyed, `deletedBackups` backups deleted) and data gone
 *   (`deletedObjects` deletions, `sseCObjects` objects re-encrypted with a customer key), or versions destroyed, or a
 *   ransom note.
 *
 * @example
 * ```ts
 * const fresh = completedPlaybooks(w, ctx.cfg.cloudAbuse) & ~w.reported;
 * ```
 */
export function completedPlaybooks(w: AbuseWindow, t: DetectionConfig['cloudAbuse']): number {
  let done = 0;
  const gpu = w.acceleratedType !== undefined;
  const fleet = w.acceleratedInstances >= t.acceleratedInstances || w.largeInstances >= t.largeInstances;
  if (w.computeRegions.length >= t.computeRegions || (gpu && (w.computeRegions.length >= 2 || w.quotaAsked)) || fleet) done |= COMPUTE;
  const invoked = w.llmRegions.length > 0;
  const swept = w.llmRegions.length >= t.llmRegions && w.llmProbedRegions.length >= t.llmRefusedRegions;
  if ((invoked && (w.llmLoggingChecked || w.llmEnabled || swept)) || (w.llmEnabled && w.llmLoggingChecked)) done |= LLM;
  if (w.mailEnabled && (w.mailRecon || w.mailIdentity)) done |= MAIL;
  const recoveryGone = w.versioningSuspended || w.keysDestroyed > 0 || w.backupsDeleted >= t.deletedBackups;
  const dataGone = w.deletedObjects >= t.deletedObjects || w.sseCObjects >= t.sseCObjects;
  // Deleting versions is both: the data and its recovery go in one call.
  const destroyed = w.versionsDestroyed >= t.deletedObjects;
  // A ransom note is the thief saying so, whatever the log could show of the damage.
  if ((recoveryGone && dataGone) || (w.sseCObjects >= t.sseCObjects && w.expiryRule) || destroyed || w.ransomNote) done |= RANSOM;
  if (w.publicShares > 0) done |= PUBLIC_SHARE;
  return done;
}
