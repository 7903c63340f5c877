import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { TokenWardenError } from '@tokenwarden/core/formats';
import type { CompiledRules } from '../engine/compile.js';
import { scanText } from '../engine/scan-text.js';
import type { RawFinding } from '../types.js';
import { type AddedLines, COMMIT_MARKER, DiffParser, FIELD_SEPARATOR } from './diff-parser.js';

/** Options of {@link scanGit}. */
export interface GitScanOptions {
  /** Repository (any directory inside it). */
  cwd: string;
  /** `history`: every commit on all branches; `staged`: the index against HEAD. */
  mode: 'history' | 'staged';
  /** Incremental history: only commits not reachable from this one. */
  since?: string;
  onWarning: (message: string) => void;
  /** Called after each file of each commit, with the number of added-line characters scanned. */
  onProgress?: (chars: number) => void;
}

// Plain git, without user configuration that would change the diff format.
const GIT_BASE = ['-c', 'core.quotePath=false', '-c', 'diff.noprefix=false', '-c', 'color.ui=false'];

function run(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...GIT_BASE, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 2, stdout, stderr }));
  });
}

async function assertRepository(cwd: string): Promise<void> {
  const r = await run(['rev-parse', '--git-dir'], cwd).catch((e: unknown) => {
    throw new TokenWardenError('TW_SCAN_GIT_FAILED', `cannot run git: ${(e as Error).message}`, { hint: 'install git and put it on PATH' });
  });
  if (r.code !== 0) {
    throw new TokenWardenError('TW_SCAN_GIT_FAILED', `${cwd} is not inside a git repository`, {
      hint: 'name a repository (tokenwarden scan --git PATH) or run from inside one, or drop --git/--staged',
    });
  }
}

/**
 * The top directory of the work tree holding `dir` (absolute), or `dir` itself for a bare
 * repository, which has none. Call it after {@link scanGit}, which checks `dir` is a repository.
 *
 * @example
 * ```ts
 * await repositoryRoot('/src/app/packages/a'); // '/src/app'
 * ```
 */
export async function repositoryRoot(dir: string): Promise<string> {
  const r = await run(['rev-parse', '--show-toplevel'], dir);
  return r.code === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : dir;
}

// A merge's own changes (an "evil merge", a conflict resolved with new lines) are in no parent's
// diff and `git log -p` shows none for merges; `--diff-merges=remerge` (git 2.36+) shows exactly
// them, as the diff from git's automatic merge to the commit.
async function mergeDiffArgs(cwd: string): Promise<string[]> {
  const m = /git version (\d+)\.(\d+)/.exec((await run(['version'], cwd)).stdout);
  const [major, minor] = m ? [Number(m[1]), Number(m[2])] : [0, 0];
  return major > 2 || (major === 2 && minor >= 36) ? ['--diff-merges=remerge'] : [];
}

async function resolveSince(since: string, cwd: string): Promise<string> {
  if (!/^[A-Za-z0-9][\w./~^@{}-]*$/.test(since)) {
    throw new TokenWardenError('TW_USAGE', 'invalid --since revision', { hint: 'pass a commit id, tag or branch name' });
  }
  const r = await run(['rev-parse', '--verify', '--quiet', `${since}^{commit}`], cwd);
  if (r.code !== 0)
    throw new TokenWardenError('TW_USAGE', `--since ${since} is not a commit in this repository`, { hint: 'check the id with git log' });
  return r.stdout.trim();
}

function toFindings(added: AddedLines, compiled: CompiledRules, onWarning: (m: string) => void): RawFinding[] {
  const { findings, warnings } = scanText(added.lines.join('\n'), compiled, { file: added.file });
  for (const w of warnings) onWarning(added.commit ? `${added.commit.slice(0, 12)} ${w}` : w);
  return findings.map((f) => ({
    ...f,
    line: added.numbers[f.line - 1] ?? f.line,
    ...(added.commit ? { commit: added.commit, author: added.author ?? '', date: added.date ?? '' } : {}),
  }));
}

/**
 * Scans git content: with `history`, the added lines of every commit on all branches (`git log
 * --all -p -U0`, merges with what they add themselves, streamed and parsed hunk by hunk, each finding with commit, author and date);
 * with `since`, only commits not reachable from that commit; with `staged`, the added lines of
 * `git diff --cached` (for pre-commit hooks). A commit git cannot read (a corrupt object) is
 * reported as a warning and skipped, and the history goes on past it.
 *
 * @example
 * ```ts
 * const findings = await scanGit(compiled, { cwd: '.', mode: 'history', onWarning: console.error });
 * ```
 */
export async function scanGit(compiled: CompiledRules, opts: GitScanOptions): Promise<RawFinding[]> {
  await assertRepository(opts.cwd);
  const exclude = opts.mode === 'history' && opts.since ? [`^${await resolveSince(opts.since, opts.cwd)}`] : [];
  const logArgs = [
    'log',
    '-p',
    '--no-ext-diff',
    '--no-textconv',
    '--no-color',
    '-U0',
    `--format=${COMMIT_MARKER}%H${FIELD_SEPARATOR}%an <%ae>${FIELD_SEPARATOR}%aI`,
    ...(await mergeDiffArgs(opts.cwd)),
  ];
  const args =
    opts.mode === 'staged'
      ? ['diff', '--cached', '--no-ext-diff', '--no-textconv', '--no-color', '-U0', '--diff-filter=ACMRT']
      : [...logArgs, '--all', ...exclude];
  if (opts.mode === 'staged') {
    const head = await run(['rev-parse', '--verify', '--quiet', 'HEAD'], opts.cwd);
    // Before the first commit there is no HEAD: diff the index against the empty tree.
    if (head.code !== 0) args.push('4b825dc642cb6eb9a060e54bf8d69288fbee4904');
  }
  const findings: RawFinding[] = [];
  const parser = new DiffParser((added) => {
    findings.push(...toFindings(added, compiled, opts.onWarning));
    opts.onProgress?.(added.lines.reduce((n, l) => n + l.length + 1, 0));
  });
  const seen = new Set<string>();
  let result = await streamGit(args, opts.cwd, parser, seen);
  // A corrupt object stops `git log` at the commit that needs it; the commits it had not reached
  // yet are read again without that one, so one bad object costs one commit, not the history.
  let remaining: string[] | undefined;
  while (result.code !== 0) {
    const message = result.stderr.trim().split('\n').slice(0, 3).join(' | ') || `exit code ${result.code}`;
    if (opts.mode === 'history' && remaining === undefined) {
      const listed = await run(['rev-list', '--all', ...exclude], opts.cwd);
      // Without the list (a corrupt commit object) the rest cannot be told apart: stop there.
      if (listed.code === 0) remaining = listed.stdout.split('\n').filter((c) => c !== '');
    }
    const failed = result.current ?? remaining?.find((c) => !seen.has(c));
    if (remaining === undefined || failed === undefined) {
      // Nothing read at all (a corrupt HEAD commit, a broken index): "no secrets found" would be a lie.
      if (seen.size === 0 && findings.length === 0) {
        throw new TokenWardenError('TW_SCAN_GIT_FAILED', `git ${args[0]} failed before reading anything: ${message}`, {
          hint: 'repair the repository (git fsck) or scan a clone of it',
        });
      }
      opts.onWarning(`git ${args[0]} stopped early (${message}); results cover the history read before the error`);
      break;
    }
    opts.onWarning(`skipped commit ${failed.slice(0, 12)}: ${message}`);
    seen.add(failed);
    const rest = remaining.filter((c) => !seen.has(c));
    if (rest.length === 0) break;
    result = await streamGit([...logArgs, '--no-walk=unsorted', '--stdin'], opts.cwd, parser, seen, `${rest.join('\n')}\n`);
  }
  return findings;
}

/** How one git run ended, and the last commit whose diff it had started. */
interface GitStream {
  code: number;
  stderr: string;
  current?: string;
}

// Runs git and feeds its output to the parser line by line, noting each commit it starts.
async function streamGit(args: string[], cwd: string, parser: DiffParser, seen: Set<string>, input?: string): Promise<GitStream> {
  const child = spawn('git', [...GIT_BASE, ...args], { cwd, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  if (input !== undefined && child.stdin) {
    child.stdin.on('error', () => {}); // git may stop before reading it all
    child.stdin.end(input);
  }
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    if (stderr.length < 8192) stderr += c.toString('utf8');
  });
  const exit = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 2));
  });
  let current: string | undefined;
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.startsWith(COMMIT_MARKER)) {
      current = line.slice(1, line.indexOf(FIELD_SEPARATOR));
      seen.add(current);
    }
    parser.line(line);
  }
  parser.end();
  const code = await exit;
  return { code, stderr, ...(current === undefined ? {} : { current }) };
}
