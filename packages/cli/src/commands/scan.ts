import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { TokenWardenError } from '@tokenwarden/core/errors';
import {
  BUILTIN_RULES,
  type Finding,
  formatSarif,
  formatText,
  inBaseline,
  leakReason,
  OfflineFormatVerifier,
  parseCustomRules,
  type RawFinding,
  type Rule,
  readBaseline,
  runScan,
  terminalSafe,
  toPublicFinding,
  type Verifier,
  writeBaseline,
} from '@tokenwarden/scanner';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { TokenServiceChecks } from '../adapters/token-service-verifier.js';
import { parsePositiveInt, runAction } from '../command-kit.js';
import { EXIT } from '../exit-codes.js';
import { printError } from '../output.js';
import type { CommandModule } from '../program.js';
import { createProgress } from '../progress.js';

type ScanFormat = 'text' | 'json' | 'sarif';

interface ScanCliOptions {
  git?: boolean;
  staged?: boolean;
  since?: string;
  format: ScanFormat;
  json?: boolean;
  verify?: boolean;
  revoke?: boolean;
  baseline?: string;
  writeBaseline?: string;
  showSecrets?: boolean;
  home?: boolean;
  gitignore?: boolean;
  includeNodeModules?: boolean;
  config?: string;
  data?: string;
  workers?: number;
  quiet?: boolean;
}

// Below this many bytes a progress bar is only noise.
const PROGRESS_MIN_BYTES = 32 << 20;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

// A directory must be listable and enterable, a file readable, by this user (root passes both).
function readable(path: string): boolean {
  try {
    accessSync(path, statSync(path).isDirectory() ? constants.R_OK | constants.X_OK : constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

function parseFormat(value: string): ScanFormat {
  if (value === 'text' || value === 'json' || value === 'sarif') return value;
  throw new InvalidArgumentError('expected text, json or sarif');
}

async function loadCustomRules(file: string | undefined): Promise<{ specs: unknown; rules: readonly Rule[] }> {
  if (!file) return { specs: undefined, rules: [] };
  // The whole file is validated against the schema every command loads (as `detect` does), so an
  // unknown or misspelt key at any depth is TW_CONFIG_INVALID naming it, not silently ignored.
  // Loaded on demand: a scan without a config file starts faster.
  const { configFrom } = await import('../config-from.js');
  const specs = configFrom({ config: file }).scanner?.rules;
  // Rejects bad or unsafe rules before scanning anything; SARIF describes the ones that fire.
  return { specs, rules: parseCustomRules(specs) };
}

async function verifyAndRevoke(findings: RawFinding[], publics: Finding[], opts: ScanCliOptions): Promise<TokenWardenError | undefined> {
  const offline: Verifier = new OfflineFormatVerifier();
  const ours = findings.some((f) => f.rule === 'tokenwarden-token');
  // A JWT may be one of our access tokens (its `iss` is the store's issuer): worth opening the store for,
  // but third-party JWTs are common, so an unavailable store is an error only for tw_ tokens.
  const maybeOurs = ours || findings.some((f) => f.rule === 'jwt' && typeof f.details?.iss === 'string' && f.details.expired !== true);
  let checks: TokenServiceChecks | undefined;
  let failure: TokenWardenError | undefined;
  if (maybeOurs) {
    try {
      // Loaded on demand: the config schemas, store and token service are heavy and most scans
      // never need them.
      const { configFrom } = await import('../config-from.js');
      const cfg = configFrom(opts);
      const { openTokenServiceChecks } = await import('../adapters/token-service-verifier.js');
      checks = await openTokenServiceChecks(cfg.data, cfg.store, undefined, cfg.bus);
    } catch (e) {
      if (ours)
        failure =
          e instanceof TokenWardenError && e.code === 'TW_SCAN_VERIFY_UNAVAILABLE'
            ? e
            : new TokenWardenError('TW_SCAN_VERIFY_UNAVAILABLE', `cannot open the token service store: ${(e as Error).message}`, {
                hint: 'pass --data DIR pointing at the TokenWarden data directory',
              });
    }
  }
  try {
    for (let i = 0; i < findings.length; i++) {
      const f = findings[i] as RawFinding;
      const pub = publics[i] as Finding;
      const ourToken = f.rule === 'tokenwarden-token' || checks?.isOurs(f) === true;
      if (ourToken && !checks) {
        pub.verification = { status: 'unknown', detail: 'token service unavailable (TW_SCAN_VERIFY_UNAVAILABLE)' };
        continue;
      }
      pub.verification = await (ourToken && checks ? checks.verifier : offline).verify(f);
      if (opts.revoke && ourToken && checks && pub.verification.status === 'live') {
        const result = await checks.revoker.revoke(f, leakReason(f));
        pub.revoked = result.revoked;
        if (result.revoked) pub.verification = { status: 'revoked', detail: `${result.detail} (${leakReason(f)})` };
      }
    }
  } finally {
    await checks?.close();
  }
  return failure;
}

function print(
  publics: Finding[],
  format: ScanFormat,
  report: { files: number; bytes: number; durationMs: number; rules: number },
  skipped: number,
  customRules: readonly Rule[],
): void {
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify({ findings: publics, summary: { findings: publics.length, ...report, skipped } }, null, 2)}\n`);
  } else if (format === 'sarif') {
    process.stdout.write(`${JSON.stringify(formatSarif(publics, [...BUILTIN_RULES, ...customRules], version()), null, 2)}\n`);
  } else {
    const colour = process.stdout.isTTY === true && !process.env.NO_COLOR;
    process.stdout.write(formatText(publics, colour));
  }
}

/**
 * `tokenwarden scan [PATH...]`: finds secrets in files, directories, archives, notebooks, stdin
 * (`-`), the git history (`--git`, `--since`) or the staged changes (`--staged`); verifies and
 * revokes our own tokens (`--verify`, `--revoke`). Exit 1 when findings remain after the
 * baseline, 0 when clean, 2 on error.
 *
 * @example
 * ```ts
 * registerScan(program); // tokenwarden scan . --format sarif > scan.sarif
 * ```
 */
export const registerScan: CommandModule = (program: Command) => {
  program
    .command('scan')
    .description('find leaked secrets in files, archives, stdin (-), git history or the staged changes')
    .argument('[paths...]', 'files or directories to scan (default: the current directory; - reads stdin)')
    .option('--git', 'scan the added lines of every commit on all branches')
    .option('--since <commit>', 'with --git: only commits not reachable from this one (incremental)')
    .option('--staged', 'scan the staged changes (git diff --cached), for a pre-commit hook')
    .addOption(new Option('--format <format>', 'output format: text, json or sarif').default('text').argParser(parseFormat))
    .option('--json', 'same as --format json')
    .option('--verify', 'check whether found secrets are live (our tw_ tokens against the token service store)')
    .option('--revoke', 'revoke our live tw_ tokens found, recording where they were found (implies --verify)')
    .option('--baseline <file>', 'accept the findings listed in this baseline (JSON of secret_hash, file, rule)')
    .option('--write-baseline <file>', 'write the current findings to a baseline file and exit 0')
    .option('--show-secrets', 'print full secrets (never do this in CI logs)')
    .option('--home', "scan the current user's well-known credential files and shell histories")
    .option('--gitignore', 'skip paths ignored by .gitignore files')
    .option('--include-node-modules', 'also scan node_modules directories')
    .option('--config <file>', 'config file (JSON or YAML) with custom rules under scanner.rules')
    .option('--data <dir>', 'data directory of the token service store, for --verify/--revoke')
    .option(
      '--workers <n>',
      'threads scanning the tree, this one included (default: one per core for large trees; 1 = no worker threads)',
      parsePositiveInt('--workers'),
    )
    .option('-q, --quiet', 'no progress bar and no skipped-file notices on stderr')
    .action(
      runAction(async (paths: string[], opts: ScanCliOptions) => {
        const format: ScanFormat = opts.json ? 'json' : opts.format;
        if (opts.since && !opts.git)
          throw new TokenWardenError('TW_USAGE', '--since needs --git', { hint: 'tokenwarden scan --git --since <commit>' });
        // A path named on the command line that is not there, or that this user cannot read, is an
        // error (exit 2) once the rest is scanned; such files inside a tree are only reported and skipped.
        const named = opts.git || opts.staged ? [] : paths.filter((p) => p !== '-');
        const missing = named.filter((p) => !existsSync(p));
        const unreadable = named.filter((p) => existsSync(p) && !readable(p));
        const custom = await loadCustomRules(opts.config);
        const accepted = opts.baseline ? readBaseline(opts.baseline) : undefined;
        const progress = createProgress(opts.quiet === true);
        let barStarted = false;
        const report = await runScan({
          paths,
          git: opts.git === true,
          staged: opts.staged === true,
          ...(opts.since ? { since: opts.since } : {}),
          home: opts.home === true,
          gitignore: opts.gitignore === true,
          includeNodeModules: opts.includeNodeModules === true,
          customRules: custom.specs,
          ...(opts.workers ? { workers: opts.workers } : {}),
          onProgress: (done, total) => {
            if (!barStarted && total >= PROGRESS_MIN_BYTES) {
              progress.start(Math.ceil(total / 1048576), 'scanning MB');
              barStarted = true;
            }
            if (barStarted) progress.update(Math.floor(done / 1048576));
          },
          onSkip: (s) => {
            if (!opts.quiet) progress.log(`skipped ${terminalSafe(s.file)}: ${terminalSafe(s.reason)}\n`);
          },
          onWarning: (w) => progress.log(`warning: ${terminalSafe(w)}\n`),
        });
        progress.stop();
        const pairs = report.findings
          .map((raw) => ({ raw, pub: toPublicFinding(raw, opts.showSecrets === true) }))
          .filter((p) => !accepted || !inBaseline(accepted, p.pub))
          .sort((a, b) => a.pub.file.localeCompare(b.pub.file) || a.pub.line - b.pub.line || a.pub.column - b.pub.column);
        const raws = pairs.map((p) => p.raw);
        const publics = pairs.map((p) => p.pub);
        if (opts.writeBaseline) {
          writeBaseline(opts.writeBaseline, publics);
          process.stderr.write(`wrote ${publics.length} finding(s) to baseline ${opts.writeBaseline}\n`);
          return EXIT.OK;
        }
        const failure = opts.verify || opts.revoke ? await verifyAndRevoke(raws, publics, opts) : undefined;
        print(publics, format, report.stats, report.skipped.length, custom.rules);
        if (failure) {
          printError(failure, format === 'json');
          return EXIT.ERROR;
        }
        if (missing.length > 0 || unreadable.length > 0) {
          const reasons = [
            ...(missing.length > 0 ? [`${missing.map((p) => JSON.stringify(p)).join(', ')}: no such file or directory`] : []),
            ...(unreadable.length > 0 ? [`${unreadable.map((p) => JSON.stringify(p)).join(', ')}: permission denied`] : []),
          ];
          const error = new TokenWardenError('TW_INPUT_UNREADABLE', `cannot read ${reasons.join('; ')}`, {
            hint: 'the other paths were scanned; fix these and rerun for them',
          });
          printError(error, format === 'json');
          return EXIT.ERROR;
        }
        return publics.length > 0 ? EXIT.FINDINGS : EXIT.OK;
      }),
    );
};
