import { STAGE_PERSISTENCE } from '../classify/operation-class.js';
import type { OrgStats } from '../profile/org-stats.js';
import { operationUsed } from './baseline-knowledge.js';
import { byDeploymentTooling } from './change-maker.js';
import { requestParametersOf } from './change-target.js';
import { itemsOf } from './cloud-abuse-steps.js';
import { viaOwnNetwork } from './cloud-origin.js';
import { type OrgMemory, orgState } from './org-memory.js';
import type { DetectionContext, Finding } from './types.js';

/** Accounts remembered per engine (an organisation's trail names its member accounts; a single account names one). */
const MAX_ACCOUNTS = 10_000;
const ACCOUNT_ID = /^\d{12}$/;
/** `arn:aws:iam::123456789012:root`, `...:role/x`, `...:user/x`: the account of an IAM principal. */
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/;

/**
 * The accounts seen acting or being acted on in the logs (`account_id` of every event: the recipient account, else the
 * caller's), per engine: keyed by its organisation statistics, replaced on restore. An account outside this set is
 * one the organisation's logs never showed: not a member account, not the account itself.
 */
const ACCOUNTS_SEEN = new WeakMap<OrgStats, Set<string>>();

const newAccounts = (): Set<string> => new Set();

function accountsOf(org: OrgStats): Set<string> {
  return orgState(ACCOUNTS_SEEN, org, newAccounts);
}

/**
 * The accounts seen, in the engine's snapshot: an account the organisation's logs showed before a restart (a member
 * account, a partner) is no outsider after it.
 */
export const ACCOUNTS_SEEN_MEMORY: OrgMemory = {
  name: 'outside_grant.accounts_seen',
  save: (org) => [...accountsOf(org)],
  load: (org, data) => {
    if (!Array.isArray(data)) return;
    const seen = accountsOf(org);
    for (const a of data) {
      if (seen.size >= MAX_ACCOUNTS) break;
      if (typeof a === 'string' && a.length > 0 && a.length <= 64) seen.add(a);
    }
  },
};

/** The last account noted and the engine it was noted for: a trail repeats one account event after event. */
let lastOrg: OrgStats | undefined;
let lastAccount = '';

/** Remembers an event's account; every CloudTrail event passes here, so a repeat of the last one costs a comparison. */
function noteAccount(org: OrgStats, account: string): void {
  if (org === lastOrg && account === lastAccount) return;
  lastOrg = org;
  lastAccount = account;
  const seen = accountsOf(org);
  if (seen.size < MAX_ACCOUNTS) seen.add(account);
}

function texts(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function objectOf(v: unknown): Record<string, unknown> | undefined {
  if (typeof v === 'string') {
    if (v.length === 0 || v.length > 65_536 || v.charCodeAt(0) !== 123) return undefined;
    try {
      const parsed: unknown = JSON.parse(v);
      return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** An account id, `*` for everyone, or undefined for a principal that names no account (a service). */
function accountOfPrincipal(p: string): string | undefined {
  if (p === '*') return '*';
  if (ACCOUNT_ID.test(p)) return p;
  return PRINCIPAL_ARN.exec(p)?.[1];
}

/**
 * The AWS principals an `Allow` statement of a policy document grants to, as accounts (`*` for everyone). A trust
 * statement conditioned on `sts:ExternalId` is a vendor's integration role (a monitoring or security product assumes
 * it with the id it was given), not a backdoor: skipped.
 */
function policyGrantees(doc: unknown): string[] {
  const policy = objectOf(doc);
  const out: string[] = [];
  for (const s of Array.isArray(policy?.Statement) ? policy.Statement : [policy?.Statement]) {
    const st = objectOf(s);
    if (st === undefined || st.Effect !== 'Allow' || /sts:ExternalId/i.test(JSON.stringify(st.Condition ?? ''))) continue;
    const principal = st.Principal;
    const aws = typeof principal === 'string' ? [principal] : texts(objectOf(principal)?.AWS);
    for (const p of aws) {
      const account = accountOfPrincipal(p);
      if (account !== undefined) out.push(account);
    }
  }
  return out;
}

/** The accounts a call grants access to, by operation (undefined when the call is not such a grant). */
function grantees(op: string, params: Record<string, unknown>): string[] | undefined {
  switch (op) {
    case 'ec2:ModifySnapshotAttribute':
    case 'ec2:ModifyImageAttribute': {
      const permission = objectOf(params.createVolumePermission ?? params.launchPermission);
      // Everyone (`group: all`) is the public-share playbook's; here only named accounts.
      return itemsOf(objectOf(permission?.add)).flatMap((i) => texts(objectOf(i)?.userId));
    }
    case 'rds:ModifyDBSnapshotAttribute':
    case 'rds:ModifyDBClusterSnapshotAttribute':
      return texts(params.valuesToAdd).filter((v) => v !== 'all');
    case 's3:PutBucketPolicy':
      return policyGrantees(params.bucketPolicy ?? params.policy);
    case 'iam:UpdateAssumeRolePolicy':
    case 'iam:CreateRole':
      return policyGrantees(params.policyDocument ?? params.assumeRolePolicyDocument);
    case 'lambda:AddPermission':
    case 'lambda:AddLayerVersionPermission': {
      const account = typeof params.principal === 'string' ? accountOfPrincipal(params.principal) : undefined;
      return account === undefined ? [] : [account];
    }
    default:
      return undefined;
  }
}

/** Operation names without the API version CloudTrail appends to Lambda's (`AddPermission20150331v2`). */
function baseOperation(name: string): string {
  return name.replace(/(?:\d{8}(?:v\d+)?)$/, '');
}

/**
 * Exfiltration and persistence through another account: a snapshot, machine image or database snapshot shared with,
 * a bucket policy or role trust opened to, or a function or layer made invocable by an AWS account the logs never
 * showed (not the account itself, not one of the organisation's), or by everyone (`*`). Stratus Red Team's
 * ec2-share-ami, ec2-share-ebs-snapshot, rds-share-snapshot, s3-backdoor-bucket-policy, iam-backdoor-role and
 * lambda-backdoor-function. High when done by a credential that never made this call, not through the account's own
 * network (a VPC endpoint; Amazon's public addresses do not vouch, a thief's instances use them too), with no console,
 * no infrastructure as code and no service acting: an administrator shares with the backup account from the console
 * or through code, a thief's script from its server to the thief's own account. A role trust conditioned on an
 * external id (a vendor's integration) is not counted. Remembers every event's account, so it runs on all of them, and
 * every account granted to, so each stranger raises this once.
 *
 * @example
 * ```ts
 * detectOutsideGrant(ctx, findings);
 * ```
 */
export function detectOutsideGrant(ctx: DetectionContext, out: Finding[]): void {
  const own = ctx.ev.attributes?.account_id;
  if (typeof own === 'string') noteAccount(ctx.org, own);
  if (ctx.cls.privilege === 'none' || ctx.ev.outcome === 'failure' || ctx.ev.interactive === true) return;
  const params = requestParametersOf(ctx.ev);
  if (params === undefined) return;
  const op = baseOperation(ctx.cls.name);
  const accounts = grantees(op, params);
  if (accounts === undefined || accounts.length === 0) return;
  const known = accountsOf(ctx.org);
  // Sources without the recipient account (OCSF, native lines) still name the caller's in its ARN.
  const caller = typeof own === 'string' ? own : PRINCIPAL_ARN.exec(ctx.ev.principal ?? '')?.[1];
  if (caller !== undefined && known.size < MAX_ACCOUNTS) known.add(caller);
  const outside = [...new Set(accounts.filter((a) => a === '*' || !known.has(a)))];
  // Once granted, an account is known: a release job sharing with its partner every day raises this once, not daily
  // (its first alert keeps the operation out of its baseline, so the habit alone would never be learned).
  for (const a of accounts) if (a !== '*' && known.size < MAX_ACCOUNTS) known.add(a);
  // From Amazon's addresses too: a thief's own instance, in the thief's own account, calls from there. Only the
  // account's own network (a VPC endpoint, a service acting) vouches for the caller.
  if (outside.length === 0 || viaOwnNetwork(ctx) || byDeploymentTooling(ctx)) return;
  if ((ctx.credMature || ctx.principalMature) && operationUsed(ctx)) return;
  const everyone = outside.includes('*');
  out.push({
    rule: 'attack_chain',
    // Access to the account's data or roles handed to an account the logs never showed, not from its own network: act now.
    score: ctx.cfg.outsideGrant.score,
    stage: STAGE_PERSISTENCE,
    summary: `${op} grants ${everyone ? 'everyone' : `account ${outside.filter((a) => a !== '*').join(', ')}, which the logs never showed,`} access: exfiltration or a backdoor through another account`,
    evidence: {
      kind: 'outside_grant',
      operation: op,
      resource: ctx.ev.resource,
      outside_accounts: outside.filter((a) => a !== '*'),
      everyone,
      accounts_seen: known.size,
      advanced_by: ctx.cls.name,
    },
    noveltyOnly: false,
    suspicion: ctx.cfg.outsideGrant.score,
    alwaysReport: true,
  });
}
