/**
 * How bad a finding is if the secret is real.
 *
 * @example
 * ```ts
 * const s: Severity = 'critical';
 * ```
 */
export type Severity = 'critical' | 'high' | 'medium' | 'low';

/**
 * How sure the scanner is that the match is a real secret (checksums give `high`).
 *
 * @example
 * ```ts
 * const c: Confidence = 'high';
 * ```
 */
export type Confidence = 'high' | 'medium' | 'low';

/**
 * Ordered from least to most severe, for comparisons and bumps.
 *
 * @example
 * ```ts
 * SEVERITY_ORDER.indexOf('high') > SEVERITY_ORDER.indexOf('low'); // true
 * ```
 */
export const SEVERITY_ORDER: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

/**
 * Ordered from least to most confident.
 *
 * @example
 * ```ts
 * CONFIDENCE_ORDER[0]; // "low"
 * ```
 */
export const CONFIDENCE_ORDER: readonly Confidence[] = ['low', 'medium', 'high'];

/** Scalar details a rule may attach to a finding (never the secret itself). */
export type FindingDetails = Record<string, string | number | boolean>;

/** What a rule's `validate` decides about one candidate. */
export interface Validation {
  /** False drops the candidate (wrong checksum, placeholder, public key...). */
  valid: boolean;
  confidence?: Confidence;
  severity?: Severity;
  details?: FindingDetails;
}

/** Context handed to a rule's validator: the candidate's surroundings. */
export interface RuleContext {
  /** The whole text being scanned (a file, a diff of added lines, a decoded blob). */
  text: string;
  /** Offset of the regex match in `text`. */
  index: number;
  /** The full regex match. */
  match: string;
  /** Path (or pseudo-path) of the content. */
  file: string;
}

/**
 * One detection rule. `keywords` feed the shared prefilter (lower-case literals: the prefilter is
 * case-insensitive); `pattern` runs only on windows around keyword hits, so it never sees the whole file.
 */
export interface Rule {
  id: string;
  description: string;
  provider: string;
  keywords: readonly string[];
  /** Match `keywords` exactly as written instead of case-insensitively (short keywords like `SK`). */
  keywordsCaseSensitive?: boolean;
  /** Global regex; the secret is group `secretGroup` (default 1, 0 = whole match). */
  pattern: RegExp;
  secretGroup?: number;
  severity: Severity;
  /** Confidence when `validate` says nothing (default `medium`). */
  confidence?: Confidence;
  /** Minimum Shannon entropy (bits per character) of the secret. */
  minEntropy?: number;
  /** Skip the placeholder / documentation-example filter (checksum-validated formats). */
  skipPlaceholderCheck?: boolean;
  /**
   * Where a match may start, relative to a keyword hit, for windowed rules (default 32 / 32;
   * the match itself may extend 256 characters past the window).
   */
  window?: { before: number; after: number };
  /**
   * Anchored rules skip windows: the pattern runs once per hit as a sticky regex, either exactly
   * at the keyword (`'keyword'`, for prefixed tokens) or after walking back over the characters
   * of a name (`{ back, max }`, for `NAME = value` rules). One attempt per hit, whatever the
   * keyword density. `followedBy` (a RegExp source, with the pattern's `i` flag) must match right
   * after the run of `back` characters that holds the keyword, or the hit is dropped without
   * running the pattern: a cheap necessary condition (an assignment of a value after a name) for
   * the common hits that are not assignments. `followedByBytes`, when given, is the same test
   * written over ASCII bytes (true wherever `followedBy` is, except where every match the
   * pattern can make there is one `validate` rejects: the rule's tests compare the findings),
   * used when the text came from such bytes, before any RegExp runs.
   */
  anchor?: 'keyword' | { back: string; max: number; followedBy?: string; followedByBytes?: (bytes: Uint8Array, at: number) => boolean };
  /**
   * A literal every match contains: a window without it holds no match, and an anchored rule's
   * attempt is skipped when the literal does not occur from the match start on (within
   * `mustContainWithin` characters of it, when given). A necessary condition: the results do not
   * change, only the cost.
   */
  mustContain?: string;
  /**
   * For windowed rules: a literal every match starts with (lower-case; found in any case, as
   * keywords are). The prefilter lists where it occurs, and the pattern is tried only there, not
   * at every position of the windows. A necessary condition: the results do not change, only the
   * cost.
   */
  startsWith?: string;
  /**
   * For windowed rules: every match holds one of the rule's keywords exactly this many characters
   * after its start (mailchimp's `[0-9a-f]{32}-us`: 32), so its matches can start only there:
   * the pattern is tried at those places, as with `startsWith`. The same results, less cost.
   */
  keywordAt?: number;
  /** For anchored rules: the literal, when in a match, starts at most this far from its start. */
  mustContainWithin?: number;
  /**
   * The format carries a checksum (GitHub, npm, tw_, GitLab routable, Grafana): text in its exact
   * shape that fails `validate` is a mistyped, altered or made-up token, not a secret of another
   * kind, so the later rules (a generic `TOKEN=...` assignment) do not report it either.
   */
  checksummed?: boolean;
  /**
   * Written by a user (a custom rule): nothing vouches for its regex, so it runs under a hard
   * time limit per text that stops it even inside one runaway `exec` (catastrophic backtracking
   * the static check missed), not only a budget checked between matches.
   */
  untrusted?: boolean;
  /** Extra checks (checksums, structure, decoding). */
  validate?: (secret: string, ctx: RuleContext) => Validation | boolean;
}

/**
 * A finding as the engine produces it, still holding the raw secret so that it can be hashed,
 * verified and revoked. Never serialise it directly: use `toPublicFinding`.
 */
export interface RawFinding {
  rule: string;
  description: string;
  file: string;
  line: number;
  column: number;
  secret: string;
  severity: Severity;
  confidence: Confidence;
  details?: FindingDetails;
  /** Set when the secret was found inside decoded content. */
  encoding?: 'base64' | 'url';
  /** Why the storage place is unsafe (file mode, log, shell history...). */
  reason?: string;
  commit?: string;
  author?: string;
  date?: string;
  /** Notebook cell index (0-based) when found in a Jupyter notebook. */
  cell?: number;
}

/** Result of a live or offline check of one finding. */
export interface VerificationResult {
  status: 'live' | 'revoked' | 'unknown' | 'invalid';
  detail: string;
}

/**
 * The serialisable view of a finding: the secret is redacted and hashed.
 *
 * @example
 * ```ts
 * const f: Finding = toPublicFinding(raw, false); // f.match === 'tw_k_9fQ…(43 chars)'
 * ```
 */
export interface Finding {
  rule: string;
  description: string;
  file: string;
  line: number;
  column: number;
  /** Redacted form of the secret (a short prefix and the length). */
  match: string;
  /** SHA-256 (hex) of the secret: matches reports without revealing it. */
  secret_hash: string;
  severity: Severity;
  confidence: Confidence;
  details?: FindingDetails;
  encoding?: 'base64' | 'url';
  reason?: string;
  commit?: string;
  author?: string;
  date?: string;
  cell?: number;
  verification?: VerificationResult;
  revoked?: boolean;
  /** The full secret, present only with `--show-secrets`. */
  secret?: string;
}

/**
 * A file or object the scan could not read, reported and skipped.
 *
 * @example
 * ```ts
 * const s: SkippedInput = { file: 'logo.png', reason: 'binary (contains NUL bytes)' };
 * ```
 */
export interface SkippedInput {
  file: string;
  reason: string;
}
