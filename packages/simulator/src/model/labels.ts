import type { AttackStage } from '@tokenwarden/core';

/**
 * Benign behaviour that looks suspicious at first sight. A detector that pages on these is noisy;
 * `tokenwarden eval` reports false pages per category.
 */
export type HardNegative =
  | 'none'
  | 'traveller'
  | 'new_device'
  | 'on_call'
  | 'new_employee'
  | 'key_rotation'
  | 'shared_office_vpn'
  | 'ci_runner_move'
  | 'terraform_apply'
  | 'posture_scanner';

/**
 * Every hard-negative category, `none` first.
 *
 * @example
 * ```ts
 * HARD_NEGATIVES.includes('traveller'); // true
 * ```
 */
export const HARD_NEGATIVES: readonly HardNegative[] = [
  'none',
  'traveller',
  'new_device',
  'on_call',
  'new_employee',
  'key_rotation',
  'shared_office_vpn',
  'ci_runner_move',
  'terraform_apply',
  'posture_scanner',
];

/** The attack variants the simulator plays. */
export type AttackKind =
  | 'smash_and_grab'
  | 'low_and_slow'
  | 'partial_recon'
  | 'residential_proxy'
  | 'concurrent_use'
  | 'ci_token_replay'
  | 'dormant_key'
  | 'leaked_key_abuse';

/**
 * Attack variants in the order they are assigned (attack i plays `ATTACK_KINDS[i % ATTACK_KINDS.length]`).
 *
 * @example
 * ```ts
 * ATTACK_KINDS[0]; // 'smash_and_grab'
 * ```
 */
export const ATTACK_KINDS: readonly AttackKind[] = [
  'smash_and_grab',
  'low_and_slow',
  'partial_recon',
  'residential_proxy',
  'ci_token_replay',
  'concurrent_use',
  'dormant_key',
  'leaked_key_abuse',
];

/** Ground truth about one attack on one credential. */
export interface AttackLabel {
  kind: AttackKind;
  /** Time of the attacker's first event (ISO 8601). */
  start: string;
  /** Time of the attacker's last event (ISO 8601). */
  end: string;
  /**
   * Time of the attacker's first successful collection, modification, persistence or defense
   * evasion call (ISO 8601); `null` when the attacker never got that far.
   */
  first_damage: string | null;
  /** First event time per stage the attacker reached, in chain order. */
  stages: { stage: AttackStage; first: string }[];
  /** Contiguous stretches of attacker activity (a gap of more than an hour starts a new one). */
  ranges: { start: string; end: string }[];
  /** Ids of every event the attacker made (the same id in native, OCSF and CloudTrail output). */
  event_ids: string[];
  /** Where the attacker came from, for reading alerts against. */
  source: { networks: string[]; asns: number[]; countries: string[]; user_agents: string[] };
}

/** Ground truth about one credential. */
export interface CredentialLabel {
  credential: string;
  principal: string;
  holder: 'user' | 'service';
  label: 'benign' | 'attack';
  /** Which hard negative the holder's benign traffic contains (also set on attacked credentials). */
  hard_negative: HardNegative;
  /** Short description of the holder (role, home, client), for humans. */
  profile: string;
  attack?: AttackLabel;
}

/** The `labels.json` file written by `tokenwarden simulate`. */
export interface LabelsFile {
  format: 'tokenwarden-sim-labels';
  version: 1;
  seed: number;
  start: string;
  end: string;
  events: number;
  credentials: CredentialLabel[];
}

/**
 * Stages that do harm: reaching one of them means the attack is no longer just looking.
 *
 * @example
 * ```ts
 * DAMAGE_STAGES.has('persistence'); // true
 * ```
 */
export const DAMAGE_STAGES: ReadonlySet<AttackStage> = new Set<AttackStage>([
  'collection',
  'modification',
  'persistence',
  'defense_evasion',
]);
