import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { availableParallelism, homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { TokenWardenError } from '@tokenwarden/core/formats';
import { parseCustomRules } from './custom-rules.js';
import { compileRules } from './engine/compile.js';
import { scanText } from './engine/scan-text.js';
import { BUILTIN_RULES } from './rules/index.js';
import { repositoryRoot, scanGit } from './sources/git.js';
import { scanFileBatch } from './sources/scan-batch.js';
import { type ContentResult, scanContent } from './sources/scan-content.js';
import { DEFAULT_LIMITS, type FileScanLimits, type FileTask } from './sources/scan-file.js';
import { walkPaths } from './sources/walk.js';
import type { RawFinding, SkippedInput } from './types.js';
import { FileWorkerPool } from './worker-pool.js';

/** What to scan and how. */
export interface ScanOptions {
  /** Files and directories; `-` reads stdin. Defaults to the current directory. */
  paths?: string[];
  /** Read stdin from here for the `-` path. */
  stdin?: AsyncIterable<Buffer | string>;
  /** Scan the git history (added lines of every commit on all branches). */
  git?: boolean;
  /** With `git`: only commits not reachable from this one. */
  since?: string;
  /** Scan the staged changes (`git diff --cached`). */
  staged?: boolean;
  /** Scan the current user's well-known credential files. */
  home?: boolean;
  /** Home directory used by `home` (defaults to the OS one). */
  homeDir?: string;
  gitignore?: boolean;
  includeNodeModules?: boolean;
  /** Custom rule specs, validated (safe-regex2) before use. */
  customRules?: unknown;
  /**
   * Threads scanning directory trees: this one and `workers - 1` worker threads; 0 or 1 = this
   * thread only. Default: one per core for large trees (32 MB and 64 files or more).
   */
  workers?: number;
  /** Working directory (git commands, relative paths). */
  cwd?: string;
  limits?: FileScanLimits;
  ruleTimeBudgetMs?: number;
  /** Progress in bytes: called with (done, total) as files complete. */
  onProgress?: (done: number, total: number) => void;
  /** Called for each input reported and skipped. */
  onSkip?: (s: SkippedInput) => void;
  /** Called for non-fatal problems (a git error, a rule stopped by its time budget). */
  onWarning?: (message: string) => void;
}

/** Everything a scan produced. Findings hold raw secrets: convert with `toPublicFinding`. */
export interface ScanReport {
  findings: RawFinding[];
  skipped: SkippedInput[];
  warnings: string[];
  stats: { files: number; bytes: number; durationMs: number; rules: number };
}

/**
 * The well-known credential locations `--home` looks at, relative to the home directory (a
 * directory is walked: `.ssh` holds the private keys).
 */
export const HOME_CREDENTIAL_PATHS: readonly string[] = [
  '.ssh',
  '.npmrc',
  '.netrc',
  '.aws/credentials',
  '.aws/config',
  '.docker/config.json',
  '.git-credentials',
  '.pypirc',
  '.kube/config',
  '.pgpass',
  '.config/gh/hosts.yml',
  '.config/hub',
  '.terraform.d/credentials.tfrc.json',
  '.config/gcloud/application_default_credentials.json',
  '.azure/msal_token_cache.json',
  '.config/doctl/config.yaml',
  '.vault-token',
  '.boto',
  '.s3cfg',
  '.my.cnf',
  '.m2/settings.xml',
  '.gradle/gradle.properties',
  '.cargo/credentials.toml',
  '.gem/credentials',
  '.composer/auth.json',
  '.config/ngrok/ngrok.yml',
  '.bash_history',
  '.zsh_history',
  '.sh_history',
  '.local/share/fish/fish_history',
  '.python_history',
  '.psql_history',
  '.mysql_history',
  '.node_repl_history',
  '.env',
];

// Parallelism pays off only past the worker start-up cost.
const POOL_MIN_BYTES = 32 << 20;
const POOL_MIN_FILES = 64;
// Files per message to a worker: up to this many bytes (a large file goes alone) or files.
const BATCH_BYTES = 2 << 20;
const BATCH_FILES = 64;

function* batches(tasks: readonly FileTask[]): Generator<FileTask[]> {
  let batch: FileTask[] = [];
  let bytes = 0;
  for (const task of tasks) {
    if (batch.length > 0 && (bytes + task.size > BATCH_BYTES || batch.length >= BATCH_FILES)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(task);
    bytes += task.size;
  }
  if (batch.length > 0) yield batch;
}

// A pipe named on the command line (`<(cat .env)`, /dev/stdin fed by a pipe, a FIFO) is read to
// its end like `-`; the walk, which reads regular files by size, would pass it by as not a file.
async function isPipe(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFIFO();
  } catch {
    return false;
  }
}

async function readStdin(stdin: AsyncIterable<Buffer | string>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks);
}

async function directoryOf(path: string): Promise<string> {
  try {
    return (await stat(path)).isDirectory() ? path : dirname(path);
  } catch {
    throw new TokenWardenError('TW_USAGE', `${path} does not exist`, { hint: 'with --git or --staged, PATH names a repository' });
  }
}

function displayPath(absolute: string, cwd: string): string {
  const rel = relative(cwd, absolute);
  return rel.startsWith('..') || isAbsolute(rel) ? absolute : rel;
}

/**
 * Runs a scan: files and directories (in worker threads for big trees), stdin, archives,
 * notebooks, the git history or the staged index, and the home credential files. Inputs that
 * cannot be read are reported through `onSkip` and the scan goes on.
 *
 * @example
 * ```ts
 * const report = await runScan({ paths: ['.'], gitignore: true });
 * report.findings.length;
 * ```
 */
export async function runScan(opts: ScanOptions = {}): Promise<ScanReport> {
  const started = performance.now();
  const customRules = parseCustomRules(opts.customRules);
  const rules = [...BUILTIN_RULES, ...customRules];
  const compiled = compileRules(rules, opts.ruleTimeBudgetMs);
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const cwd = opts.cwd ?? process.cwd();
  const report: ScanReport = { findings: [], skipped: [], warnings: [], stats: { files: 0, bytes: 0, durationMs: 0, rules: rules.length } };
  const skip = (s: SkippedInput) => {
    report.skipped.push(s);
    opts.onSkip?.(s);
  };
  const warn = (w: string) => {
    report.warnings.push(w);
    opts.onWarning?.(w);
  };
  const absorb = (r: { findings: RawFinding[]; skipped: SkippedInput[]; warnings: string[] }) => {
    report.findings.push(...r.findings);
    for (const s of r.skipped) skip(s);
    for (const w of r.warnings) warn(w);
  };

  const gitMode = opts.git === true || opts.staged === true;
  if (gitMode) {
    const mode = opts.staged ? 'staged' : 'history';
    let done = 0;
    // With --git/--staged, each PATH names a repository (the one around the current directory
    // when none is given): its history is what is scanned, not its files.
    const repositories = opts.paths?.length ? opts.paths : [undefined];
    for (const given of repositories) {
      const dir = given === undefined ? cwd : await directoryOf(resolve(cwd, given));
      const found = await scanGit(compiled, {
        cwd: dir,
        mode,
        ...(opts.since ? { since: opts.since } : {}),
        onWarning: warn,
        onProgress: (chars) => {
          done += chars;
          report.stats.bytes = done;
          opts.onProgress?.(done, 0);
        },
      });
      // Paths in a named repository: relative to the current directory when the repository is
      // inside it (as without PATH), else absolute.
      if (given !== undefined) {
        const root = await repositoryRoot(dir);
        for (const f of found) f.file = displayPath(join(root, f.file), cwd);
      }
      report.findings.push(...found);
    }
    if (opts.staged && opts.git) warn('--staged and --git given: scanned the staged changes only');
  }

  const paths = gitMode ? [] : [...(opts.paths ?? [])];
  const homePaths = new Set<string>();
  if (opts.home) {
    const home = opts.homeDir ?? homedir();
    for (const rel of HOME_CREDENTIAL_PATHS) {
      paths.push(join(home, rel));
      homePaths.add(join(home, rel));
    }
  }
  if (paths.length === 0 && !opts.git && !opts.staged) paths.push('.');

  // Measured on 2 cores (bench/scan): this thread and one worker scan the bench tree ~1.15-1.35x
  // faster than this thread alone, worker start-up included, so the pool is the default on any
  // multi-core machine for large trees; small ones stay in this thread.
  const cores = availableParallelism();
  let pool: FileWorkerPool | undefined;
  const startPool = (threads: number) =>
    new FileWorkerPool({
      size: threads - 1,
      customRules: opts.customRules,
      limits,
      ruleTimeBudgetMs: compiled.ruleTimeBudgetMs,
      prefilter: compiled.prefilter,
    });
  try {
    const tasks: FileTask[] = [];
    let walked = 0;
    for (const p of paths) {
      if (p === '-' || (await isPipe(p))) {
        const bytes = await readStdin(p === '-' ? (opts.stdin ?? process.stdin) : createReadStream(p));
        report.stats.files++;
        report.stats.bytes += bytes.length;
        absorb(scanContent(bytes, p, compiled, { archiveDepth: 0, maxEntryBytes: limits.maxArchiveBytes }));
        continue;
      }
      const onSkip = opts.home ? (s: SkippedInput) => (/missing/.test(s.reason) ? undefined : skip(s)) : skip;
      for await (const t of walkPaths([p], {
        // The user's own credential files may well be links into a dotfiles repository.
        followOutsideRoot: homePaths.has(p),
        gitignore: opts.gitignore === true,
        includeNodeModules: opts.includeNodeModules === true,
        onSkip,
      })) {
        tasks.push(t);
        walked += t.size;
        // Once the tree is large enough, the workers boot (~55 ms here) while the walk goes on.
        if (pool) continue;
        if (
          opts.workers === undefined
            ? cores > 1 && walked >= POOL_MIN_BYTES && tasks.length >= POOL_MIN_FILES
            : opts.workers > 1 && tasks.length >= opts.workers
        ) {
          pool = startPool(opts.workers ?? cores);
        }
      }
    }
    const total = tasks.reduce((n, t) => n + t.size, 0);
    const wanted = opts.workers ?? (pool ? cores : 0);
    let done = 0;
    // A scanned batch's results, in the batch's order.
    const absorbBatch = (batch: readonly FileTask[], results: readonly ContentResult[]) => {
      results.forEach((r, k) => {
        absorb(r);
        const task = batch[k] as FileTask;
        done += task.size;
        report.stats.files++;
        report.stats.bytes += task.size;
        opts.onProgress?.(done, total);
      });
    };
    const scanHere = async (batch: readonly FileTask[]) => absorbBatch(batch, await scanFileBatch(batch, compiled, limits));
    if (wanted > 1 && tasks.length > 1) {
      // This thread scans too, so `wanted` threads scan in all: it starts at once while the
      // workers boot, and no core sits idle waiting on results.
      const workers = pool ?? startPool(Math.min(wanted, tasks.length + 1));
      pool = workers;
      // Each worker keeps two batches queued; the rest is scanned here. Memory stays flat.
      const window = (wanted - 1) * 2;
      const inFlight = new Set<Promise<void>>();
      for (const batch of batches(tasks)) {
        if (inFlight.size >= window || workers.alive === 0) {
          await scanHere(batch);
          // Let the workers' answers in, so they get their next batches.
          await new Promise((resolve) => setImmediate(resolve));
          continue;
        }
        const p: Promise<void> = workers.scanBatch(batch).then(
          (results) => {
            absorbBatch(batch, results);
            inFlight.delete(p);
          },
          async (e: unknown) => {
            // A dead worker must not lose files: scan these here instead.
            warn(`worker failed (${(e as Error).message}); scanned its ${batch.length} files in the main thread`);
            await scanHere(batch);
            inFlight.delete(p);
          },
        );
        inFlight.add(p);
      }
      await Promise.all(inFlight);
    } else {
      for (const batch of batches(tasks)) await scanHere(batch);
    }
  } finally {
    await pool?.close();
  }
  report.stats.durationMs = Math.round(performance.now() - started);
  return report;
}

/**
 * Scans a string with the built-in rules (and optional custom ones): the simplest entry point.
 *
 * @example
 * ```ts
 * scanString('const k = "tw_k_..."', 'inline.ts').length;
 * ```
 */
export function scanString(text: string, file = '<string>', customRules?: unknown): RawFinding[] {
  return scanText(text, compileRules([...BUILTIN_RULES, ...parseCustomRules(customRules)]), { file }).findings;
}
