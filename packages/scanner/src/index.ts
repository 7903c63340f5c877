/**
 * The leak scanner: finds secrets (our own `tw_` tokens and 90+ provider formats) in files,
 * directories, archives, notebooks, stdin, encoded blobs and git history; flags secrets stored in
 * unsafe places; verifies and revokes through pluggable interfaces.
 *
 * @packageDocumentation
 */
import './errors.js';

export { type Baseline, type BaselineEntry, inBaseline, readBaseline, writeBaseline } from './baseline.js';
export { type CustomRuleSpec, customRuleSpecs, parseCustomRules } from './custom-rules.js';
export { type CompiledRules, compileRules } from './engine/compile.js';
export {
  buildKeywordAutomaton,
  forEachKeyword,
  type KeywordAutomaton,
  type KeywordEntry,
  type StateOutput,
} from './engine/keyword-automaton.js';
export { keywordHits } from './engine/keyword-hits.js';
export { buildPrefilter, type Prefilter } from './engine/prefilter.js';
export { scanBytes, scanText, type TextOrigin, type TextScanResult } from './engine/scan-text.js';
export { toPublicFinding } from './public-finding.js';
export { formatSarif } from './report/sarif.js';
export { formatText } from './report/text.js';
export { awsAccountFromKeyId, BUILTIN_RULES, hasBase62Crc32, validateJwt } from './rules/index.js';
export { HOME_CREDENTIAL_PATHS, runScan, type ScanOptions, type ScanReport, scanString } from './scan.js';
export { DiffParser } from './sources/diff-parser.js';
export { DEFAULT_LIMITS, type FileScanLimits, type FileTask, scanFile } from './sources/scan-file.js';
export { archiveKind, sniffBinary } from './sources/sniff.js';
export { type TarEntry, TarReader } from './sources/tar-reader.js';
export { raiseSeverity, unsafeStorageReasons } from './sources/unsafe-storage.js';
export { charClasses, shannonEntropy } from './text/entropy.js';
export { looksLikeName } from './text/name-like.js';
export { DOCUMENTATION_EXAMPLES, isPlaceholder } from './text/placeholders.js';
export { redactSecret } from './text/redact.js';
export { terminalSafe } from './text/terminal-safe.js';
export * from './types.js';
export { leakReason, OfflineFormatVerifier, type RevocationResult, type Revoker, RoutingVerifier, type Verifier } from './verify.js';
