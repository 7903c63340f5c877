import { lstatSync, readdirSync, readFileSync, realpathSync, type Stats, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { SkippedInput } from '../types.js';
import type { FileTask } from './scan-file.js';

/** Options of {@link walkPaths}. */
export interface WalkOptions {
  /** Honour `.gitignore` files (root and nested). */
  gitignore: boolean;
  /** Descend into `node_modules` (skipped by default: third-party code, huge, rarely ours). */
  includeNodeModules: boolean;
  /** Called for every path that cannot be walked (reported and skipped). */
  onSkip: (s: SkippedInput) => void;
  /**
   * Follow symlinks whose target is outside the root being walked (default false: reported and
   * skipped). Only for trees the user owns, such as the home credential locations of `--home`.
   */
  followOutsideRoot?: boolean;
}

interface IgnoreScope {
  base: string;
  rules: Ignore;
}

function loadGitignore(dir: string): Ignore | undefined {
  try {
    return ignore().add(readFileSync(join(dir, '.gitignore'), 'utf8'));
  } catch {
    return undefined;
  }
}

function ignored(scopes: IgnoreScope[], path: string, isDir: boolean): boolean {
  for (const scope of scopes) {
    const rel = relative(scope.base, path).split('\\').join('/');
    if (rel === '' || rel.startsWith('..')) continue;
    if (scope.rules.ignores(isDir ? `${rel}/` : rel)) return true;
  }
  return false;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function realPathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

// `path` is `root` or inside it (both real paths).
function within(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

function errText(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? String(e);
}

/**
 * Walks files and directories depth-first, yielding regular files to scan. Skips `.git`
 * internals except its `config` (history is scanned with `--git`; remote URLs may hold tokens),
 * `node_modules` unless asked, and ignored paths with `--gitignore`. Symlinks inside a root are
 * followed, each directory and file visited once by its real path (device and inode), so symlink
 * loops end. A symlink whose target leaves the root (`leak.txt -> ~/.aws/credentials` in a
 * cloned repo) is not followed but reported as skipped, as gitleaks and trufflehog do not follow
 * links either: a scan of an untrusted tree must not read, and publish in its report, the host's
 * files. A root that is itself a symlink is followed (the user named it). Unreadable entries are reported via
 * `onSkip` and the walk goes on. The file system calls are synchronous: a promise per lstat
 * bounced through the libuv pool made the walk of the bench tree 10x slower than reading it on a
 * loaded machine, and the scan that consumes the walk is CPU-bound in this thread anyway.
 *
 * @example
 * ```ts
 * for await (const file of walkPaths(['.'], { gitignore: true, includeNodeModules: false, onSkip })) ...
 * ```
 */
export async function* walkPaths(roots: readonly string[], opts: WalkOptions): AsyncGenerator<FileTask> {
  const seen = new Set<string>();
  const idOf = (s: { dev: number; ino: number }) => `${s.dev}:${s.ino}`;

  function* visit(path: string, root: string, scopes: IgnoreScope[], depth: number): Generator<FileTask> {
    let info: Stats;
    try {
      const link = lstatSync(path);
      if (link.isSymbolicLink() && depth > 0 && !opts.followOutsideRoot && !within(root, realpathSync(path))) {
        opts.onSkip({ file: path, reason: 'symlink to a target outside the scanned root: not followed' });
        return;
      }
      info = link.isSymbolicLink() ? statSync(path) : link;
    } catch (e) {
      const code = errText(e);
      opts.onSkip({
        file: path,
        reason: code === 'ELOOP' ? 'symlink loop' : code === 'ENOENT' ? 'broken symlink or missing' : `unreadable (${code})`,
      });
      return;
    }
    const id = idOf(info);
    if (seen.has(id)) {
      if (info.isDirectory()) opts.onSkip({ file: path, reason: `symlink loop or duplicate (already scanned as ${realPathOr(path)})` });
      return;
    }
    seen.add(id);
    if (info.isFile()) {
      yield { path, display: path, size: info.size, mode: info.mode };
      return;
    }
    if (!info.isDirectory()) return;
    if (depth > 64) {
      opts.onSkip({ file: path, reason: 'directory nesting deeper than 64 levels' });
      return;
    }
    let entries: string[];
    try {
      entries = readdirSync(path).sort();
    } catch (e) {
      opts.onSkip({ file: path, reason: `unreadable directory (${errText(e)})` });
      return;
    }
    let inner = scopes;
    if (opts.gitignore) {
      const rules = loadGitignore(path);
      if (rules) inner = [...scopes, { base: path, rules }];
    }
    for (const name of entries) {
      if (name === '.git') {
        // Its objects are history (`--git`), but a remote URL holding a token (`git clone
        // https://x:<token>@host/...`) sits in plain text in .git/config.
        const config = join(path, name, 'config');
        if (!isDirectory(join(path, name)) || !isFile(config)) continue;
        // A `.git` linked elsewhere (a worktree's is a file, never a link) would read that config.
        if (!opts.followOutsideRoot && !within(root, realPathOr(config))) {
          opts.onSkip({ file: config, reason: 'symlink to a target outside the scanned root: not followed' });
          continue;
        }
        yield* visit(config, root, inner, depth + 1);
        continue;
      }
      if (name === 'node_modules' && !opts.includeNodeModules) continue;
      const child = join(path, name);
      if (opts.gitignore && inner.length > 0) {
        const isDir = isDirectory(child);
        if (ignored(inner, child, isDir)) continue;
      }
      yield* visit(child, root, inner, depth + 1);
    }
  }

  for (const root of roots) yield* visit(root, realPathOr(root), [], 0);
}
