import { ABUSE_DATA_OBJECT_DELETE } from '../classify/abuse-catalog.js';
import { STAGE_MODIFICATION } from '../classify/operation-class.js';
import type { DetectionConfig } from '../config.js';
import { F_EVENTS, F_FIRST_TS } from '../profile/layout.js';
import type { Profile } from '../profile/profile.js';
import { operationUsed } from './baseline-knowledge.js';
import { byDeploymentTooling } from './change-maker.js';
import { requestParametersOf } from './change-target.js';
import {
  type AbuseWindow,
  COMPUTE,
  completedPlaybooks,
  isStep,
  LLM,
  MAIL,
  newWindow,
  PLAYBOOK_NAMES,
  PUBLIC_SHARE,
  recordStep,
} from './cloud-abuse-steps.js';
import type { DetectionContext, Finding } from './types.js';

/** Short-lived, like refused reconnaissance's windows: keyed by the profile object, gone with it. */
const WINDOWS = new WeakMap<Profile, AbuseWindow>();

/** "recovery taken away (...) and " for the steps that took it, or nothing (a ransom note alone). */
function recoveryGone(w: AbuseWindow): string {
  const gone = [
    w.versioningSuspended ? 'versioning suspended' : '',
    w.keysDestroyed > 0 ? 'keys disabled or scheduled for deletion' : '',
    w.backupsDeleted > 0 ? `${w.backupsDeleted} backups deleted` : '',
    w.expiryRule ? 'an expiry rule set' : '',
    w.versionsDestroyed > 0 ? 'object versions deleted' : '',
  ].filter((s) => s);
  return gone.length > 0 ? `recovery taken away (${gone.join(', ')}) and ` : '';
}

function describe(playbook: number, w: AbuseWindow, t: DetectionConfig['cloudAbuse']): { summary: string; steps: Record<string, unknown> } {
  switch (playbook) {
    case COMPUTE:
      return {
        summary: `compute launched in ${w.computeRegions.length} region(s)${w.acceleratedType ? `, ${w.acceleratedInstances} accelerated instances asked for (${w.acceleratedType}${w.acceleratedTypeRefused ? ', refused' : ''})` : ''}${w.largeInstances >= t.largeInstances ? `, ${w.largeInstances} large instances asked for (${w.largeType}${w.largeTypeRefused ? ', refused' : ''})` : ''}${w.quotaAsked ? ', after a quota increase request' : ''}: resource hijacking (mining)`,
        steps: {
          regions: [...w.computeRegions],
          accelerated_instance_type: w.acceleratedType,
          accelerated_instance_type_refused: w.acceleratedTypeRefused || undefined,
          accelerated_instances: w.acceleratedInstances,
          large_instance_type: w.largeType,
          large_instance_type_refused: w.largeTypeRefused || undefined,
          large_instances: w.largeInstances,
          quota_increase_requested: w.quotaAsked,
        },
      };
    case LLM:
      return {
        summary: `${w.llmRegions.length > 0 ? `foundation models invoked in ${w.llmRegions.length} region(s)` : 'foundation model access sought'}${w.llmLoggingChecked ? ' after checking whether invocations are logged' : ''}${w.llmEnabled ? ', model access enabled by a script' : ''}: LLM hijacking`,
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
    case PUBLIC_SHARE:
      return {
        summary: 'a disk snapshot, machine image or database snapshot made public: anyone can copy it out (exfiltration)',
        steps: { public_shares: w.publicShares },
      };
    default:
      return {
        summary: `${recoveryGone(w)}data ${w.ransomNote ? 'held for ransom (a ransom note uploaded)' : w.versionsDestroyed >= t.deletedObjects ? `deleted for good (${w.versionsDestroyed} object versions, from a rented server, VPN or Tor)` : w.sseCObjects >= t.sseCObjects ? `re-encrypted with a key the account does not hold (${w.sseCObjects} objects)` : `deleted (${w.deletedObjects} calls)`}: ransom or destruction`,
        steps: {
          versioning_suspended: w.versioningSuspended,
          expiry_rule: w.expiryRule,
          sse_c_objects: w.sseCObjects,
          deleted_objects: w.deletedObjects,
          ransom_note: w.ransomNote,
          versions_listed: w.versionsListed,
          versions_destroyed: w.versionsDestroyed,
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
 * access from a script, or across regions that refused them (LLM-jacking), turning mail sending on from a script
 * after reading its limits or verifying a sender (spam), taking recovery away (versioning suspended, keys destroyed,
 * backups deleted) then deleting objects, or rewriting objects with a customer-held key under an expiry rule
 * (ransom), and making a disk snapshot, machine image or database snapshot public (exfiltration).
 * Each is high on its own: a key with no baseline at all (the leaked key nobody used for months) shows nothing
 * new, and these are the calls it is stolen for. A credential or principal with a learned baseline is judged only
 * from a playbook step it never took: a fleet manager launching in its usual regions is at work. Infrastructure as
 * code and cloud services acting for the credential are exempt. One alert per playbook per window
 * (`cloudAbuse.windowHours`, six by default).
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
  const t = ctx.cfg.cloudAbuse;
  let w = WINDOWS.get(cred);
  // A late event (out of event-time order) within the window still joins it rather than starting over.
  if (w === undefined || Math.abs(ctx.now - w.start) > t.windowHours * 3_600_000) {
    // A window opens at a step the credential's baseline does not explain. Deleting objects opens none: it is
    // destruction only after recovery was taken away, and cleanup jobs delete all day; deleting a version for good
    // takes the recovery away itself.
    if ((ctx.credMature || ctx.principalMature) && operationUsed(ctx)) return;
    if (ctx.cls.abuse === ABUSE_DATA_OBJECT_DELETE && params?.versionId === undefined) return;
    w = newWindow(ctx.now);
    WINDOWS.set(cred, w);
  }
  recordStep(ctx, w, params);
  // One step completes at most one playbook (each role belongs to one).
  const fresh = completedPlaybooks(w, t) & ~w.reported;
  if (fresh === 0) return;
  const playbook = fresh & -fresh;
  w.reported |= playbook;
  const { summary, steps } = describe(playbook, w, t);
  out.push({
    rule: 'attack_chain',
    score: t.score,
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
        // A share completes its playbook in one call, possibly the credential's first, before it is learned.
        credential_first_seen: new Date(cred.f[cred.fo + F_EVENTS] === 0 ? ctx.now : cred.f[cred.fo + F_FIRST_TS]!).toISOString(),
        learned: ctx.credMature || ctx.principalMature,
      },
      thresholds: {
        window_hours: t.windowHours,
        compute_regions: t.computeRegions,
        accelerated_instances: t.acceleratedInstances,
        large_instances: t.largeInstances,
        llm_regions: t.llmRegions,
        llm_refused_regions: t.llmRefusedRegions,
        sse_c_objects: t.sseCObjects,
        deleted_objects: t.deletedObjects,
        deleted_backups: t.deletedBackups,
      },
    },
    noveltyOnly: false,
    suspicion: t.score,
    alwaysReport: true,
  });
}
