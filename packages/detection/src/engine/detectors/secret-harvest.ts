import { STAGE_COLLECTION } from '../classify/operation-class.js';
import { F_EVENTS, F_FIRST_TS } from '../profile/layout.js';
import type { OrgStats } from '../profile/org-stats.js';
import type { Profile } from '../profile/profile.js';
import { hashString } from '../sketches/hash.js';
import { byDeploymentTooling } from './change-maker.js';
import { requestParametersOf } from './change-target.js';
import { outsideAws } from './cloud-origin.js';
import { type OrgMemory, orgState } from './org-memory.js';
import type { DetectionContext, Finding } from './types.js';

/** Hashes remembered per window at least (past the threshold only the count matters). */
const MAX_REMEMBERED = 64;

/**
 * A runtime the SDK names in its user agent (`exec-env/GitHubActions`, `exec-env/AWS_ECS_EC2`, `AWS_Lambda_...`): a
 * pipeline or a workload, whose first run reads every secret it deploys with, not a thief's script.
 */
const MANAGED_RUNTIME = /\bexec-env\/|AWS_Lambda_/;
/**
 * A Windows instance's administrator password (encrypted with its key pair). Asked for instance after instance, it is a
 * harvest whether or not it is granted (Stratus Red Team's ec2-get-password-data is refused thirty times): an
 * administrator asks for the one machine they are about to log in to.
 */
const PASSWORD_DATA = 'ec2:GetPasswordData';
/** Calls that list what a vault holds: what a thief does before reading it all. */
const LISTINGS: ReadonlySet<string> = new Set(['secretsmanager:ListSecrets', 'ssm:DescribeParameters']);
/** Reads of one secret's value, whose resource names it. */
const SINGLE_READS: ReadonlySet<string> = new Set([
  'secretsmanager:GetSecretValue',
  'ssm:GetParameter',
  'ssm:GetParametersByPath',
  PASSWORD_DATA,
]);
/** Reads of many secrets at once, naming them in their parameters (or selecting them with filters). */
const BULK_READS: ReadonlySet<string> = new Set(['ssm:GetParameters', 'secretsmanager:BatchGetSecretValue']);

/** One credential's secret reads within the current window. */
interface HarvestWindow {
  start: number;
  /** When the vault was listed, 0 if not in this window. */
  listedAt: number;
  /** The bulk API (BatchGetSecretValue) was used. */
  batch: boolean;
  /** Hashes of the distinct secrets read that the credential never read before. */
  secrets: number[];
  count: number;
  reported: boolean;
}

/** Short-lived, like the cloud-abuse windows: keyed by the profile object, gone with it. */
const WINDOWS = new WeakMap<Profile, HarvestWindow>();
/**
 * The secrets each identity has read, with when it first read each: a role's next session (a deploy job's or a
 * cluster operator's new keys every hour, each with its own session name) reads the same ones, and they are its
 * habit, not a harvest. Keyed by the role for role sessions (`assumed-role/<role>`), else by the principal or the
 * credential; exact names rather than the resource bloom's classes (`prod/db` and `prod/payments` are one class there,
 * and a thief reads every secret beside the app's own). One memory per engine, keyed by its organisation statistics
 * (replaced on restore, so the memory goes with them), and saved in the snapshot (`SECRETS_READ_MEMORY`).
 */
const READ_BEFORE = new WeakMap<OrgStats, Map<string, Map<number, number>>>();
/** Identities remembered; the least recently seen is forgotten first. */
const MAX_IDENTITIES = 4096;
/** Secrets remembered per identity; the oldest first read is forgotten first. */
const MAX_KNOWN_SECRETS = 256;

const newIdentities = (): Map<string, Map<number, number>> => new Map();

/** The secrets read before, per identity, of one engine. */
function identitiesOf(org: OrgStats): Map<string, Map<number, number>> {
  return orgState(READ_BEFORE, org, newIdentities);
}

/**
 * The secrets each identity read before, in the engine's snapshot: a deploy job's usual secrets are no harvest after a
 * restart. Saved as `[identity, [[secretHash, firstReadMs], ...]]`, least recently seen identity first, as held.
 */
export const SECRETS_READ_MEMORY: OrgMemory = {
  name: 'secret_harvest.read_before',
  save: (org) => [...(READ_BEFORE.get(org) ?? new Map<string, Map<number, number>>())].map(([identity, known]) => [identity, [...known]]),
  load: (org, data) => {
    if (!Array.isArray(data)) return;
    const identities = identitiesOf(org);
    for (const entry of data) {
      if (identities.size >= MAX_IDENTITIES) break;
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Array.isArray(entry[1])) continue;
      const known = new Map<number, number>();
      for (const pair of entry[1] as unknown[]) {
        if (known.size >= MAX_KNOWN_SECRETS) break;
        if (!Array.isArray(pair) || !Number.isInteger(pair[0]) || !Number.isFinite(pair[1])) continue;
        known.set(pair[0] as number, pair[1] as number);
      }
      identities.set(entry[0], known);
    }
  },
};

/** The identity whose habit a read belongs to: the role of a role session, else the principal, else the credential. */
function identityOf(ctx: DetectionContext): string {
  const principal = ctx.ev.principal;
  if (principal === undefined) return ctx.cred.key;
  const at = principal.indexOf(':assumed-role/');
  if (at < 0) return principal;
  const end = principal.indexOf('/', at + 14);
  return end < 0 ? principal : principal.slice(0, end);
}

function knownSecrets(ctx: DetectionContext): Map<number, number> {
  const identities = identitiesOf(ctx.org);
  const identity = identityOf(ctx);
  let known = identities.get(identity);
  if (known !== undefined) {
    // Most recently seen last, so the first key is the one to forget.
    identities.delete(identity);
  } else {
    known = new Map();
    if (identities.size >= MAX_IDENTITIES) identities.delete(identities.keys().next().value as string);
  }
  identities.set(identity, known);
  return known;
}

/**
 * Whether this secret counts toward the window: not counted in it yet, and not first read by the principal before the
 * window opened. Remembers it as read.
 */
function countsAsNew(known: Map<number, number>, w: HarvestWindow, h: number, now: number): boolean {
  if (w.secrets.includes(h)) return false;
  const first = known.get(h);
  if (first !== undefined && first < w.start) return false;
  if (first === undefined) {
    if (known.size >= MAX_KNOWN_SECRETS) known.delete(known.keys().next().value as number);
    known.set(h, now);
  }
  return true;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * An SSM parameter read returns plaintext only with `withDecryption` (a SecureString's value); without it, a
 * SecureString comes back encrypted. Secrets Manager always returns the value.
 */
function decrypts(op: string, params: Record<string, unknown> | undefined): boolean {
  if (!op.startsWith('ssm:')) return true;
  const d = params?.withDecryption ?? params?.WithDecryption;
  return d === true || d === 'true';
}

/** The names of the secrets this read asked for (empty for a batch selected by filters). */
function secretsAsked(ctx: DetectionContext, params: Record<string, unknown> | undefined): string[] {
  const op = ctx.cls.name;
  if (SINGLE_READS.has(op)) {
    const r = ctx.ev.resource;
    return r !== undefined && r.length > 0 ? [r] : [];
  }
  if (op === 'ssm:GetParameters') return strings(params?.names ?? params?.Names);
  return strings(params?.secretIdList ?? params?.SecretIdList);
}

function windowFor(cred: Profile, now: number, windowMs: number): HarvestWindow {
  let w = WINDOWS.get(cred);
  if (w === undefined || Math.abs(now - w.start) > windowMs) {
    w = { start: now, listedAt: 0, batch: false, secrets: [], count: 0, reported: false };
    WINDOWS.set(cred, w);
  }
  return w;
}

/**
 * Credential access by bulk: `secretHarvest.secrets` (10) distinct secrets its identity (the role, for a role session)
 * never read before (Secrets Manager values, SSM parameters read with decryption, singly or in batches) within
 * `secretHarvest.windowMinutes` (15): a script empties a vault in seconds, a careful thief in minutes. An application
 * reads its few secrets at start-up and the same ones every day; a thief with a fresh key lists the vault (`ListSecrets`,
 * `DescribeParameters`) and reads everything in it, as Stratus Red Team's secretsmanager-retrieve-secrets,
 * secretsmanager-batch-retrieve-secrets and ssm-retrieve-securestring-parameters do. High when the vault was listed
 * first or the bulk API used and the reads come from outside AWS, or whenever the context is already suspicious;
 * medium otherwise (a workload inside AWS reading many new secrets, as a secrets operator syncing a cluster does on
 * its first run, or a CI job whose SDK names its runtime, `exec-env/GitHubActions`). Windows instances' password data
 * asked for on as many instances counts the same way, refused or not, and needs no listing to be high from outside
 * AWS. Refused reads, infrastructure as code (Terraform reads the secrets it manages on every plan) and cloud services
 * acting for the caller do not count. One alert per window.
 *
 * @example
 * ```ts
 * detectSecretHarvest(ctx, findings); // before the attack chain, which its suspicion then feeds
 * ```
 */
export function detectSecretHarvest(ctx: DetectionContext, out: Finding[]): void {
  const op = ctx.cls.name;
  // Every event passes here; listings and secret reads are all reads, of `secretsmanager:`, `ssm:` or `ec2:`.
  const c0 = op.charCodeAt(0);
  if (!ctx.cls.read || (c0 !== 115 && c0 !== 101)) return;
  const listing = LISTINGS.has(op);
  if (!listing && !SINGLE_READS.has(op) && !BULK_READS.has(op)) return;
  const passwords = op === PASSWORD_DATA;
  if ((!passwords && (ctx.ev.outcome === 'failure' || ctx.authFailure)) || byDeploymentTooling(ctx)) return;
  const t = ctx.cfg.secretHarvest;
  const w = windowFor(ctx.cred, ctx.now, t.windowMinutes * 60_000);
  if (listing) {
    if (w.listedAt === 0) w.listedAt = ctx.now;
    return;
  }
  const params = requestParametersOf(ctx.ev);
  if (!decrypts(op, params)) return;
  const known = knownSecrets(ctx);
  let fresh = 0;
  for (const name of secretsAsked(ctx, params)) {
    const h = hashString(name);
    if (!countsAsNew(known, w, h, ctx.now)) continue;
    if (w.secrets.length < Math.max(MAX_REMEMBERED, t.secrets)) w.secrets.push(h);
    w.count++;
    fresh++;
  }
  if (op === 'secretsmanager:BatchGetSecretValue' && fresh > 0) w.batch = true;
  if (w.reported || w.count < t.secrets) return;
  w.reported = true;
  const suspicious = ctx.suspicion >= ctx.cfg.chain.contextMinScore || Math.max(ctx.placeNovelty, ctx.clientNovelty) >= 30;
  const listedFirst = w.listedAt !== 0 && w.listedAt <= ctx.now;
  const outside = outsideAws(ctx);
  const runtime = MANAGED_RUNTIME.test(ctx.ev.user_agent ?? '');
  const score = suspicious || ((listedFirst || w.batch || passwords) && outside && !runtime) ? t.score : t.readManyScore;
  const cred = ctx.cred;
  out.push({
    rule: 'attack_chain',
    score,
    stage: STAGE_COLLECTION,
    summary: `${w.count} ${passwords ? 'instance passwords' : 'secrets'} the identity never read were asked for within ${Math.max(1, Math.round((ctx.now - w.start) / 60_000))} min${listedFirst ? ' after listing the vault' : ''}${w.batch ? ' with the bulk API' : ''}${outside ? ' from outside AWS' : ''}: credential harvesting (last: ${op})`,
    evidence: {
      kind: 'secret_harvest',
      window_start: new Date(w.start).toISOString(),
      secrets_read: w.count,
      listed_first: listedFirst,
      listed_at: listedFirst ? new Date(w.listedAt).toISOString() : undefined,
      bulk_api: w.batch,
      instance_passwords: passwords || undefined,
      outside_aws: outside,
      managed_runtime: runtime || undefined,
      suspicious_context: suspicious,
      advanced_by: op,
      baseline: {
        credential_events: cred.f[cred.fo + F_EVENTS],
        credential_first_seen: new Date(cred.f[cred.fo + F_EVENTS] === 0 ? ctx.now : cred.f[cred.fo + F_FIRST_TS]!).toISOString(),
        learned: ctx.credMature || ctx.principalMature,
      },
      thresholds: { secrets: t.secrets, window_minutes: t.windowMinutes },
    },
    noveltyOnly: false,
    suspicion: score,
    alwaysReport: true,
  });
}
