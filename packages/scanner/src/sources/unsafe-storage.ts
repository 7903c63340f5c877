import { basename, sep } from 'node:path';
import { SEVERITY_ORDER, type Severity } from '../types.js';

const SHELL_HISTORY = new Set([
  '.bash_history',
  '.zsh_history',
  '.sh_history',
  'fish_history',
  '.python_history',
  '.psql_history',
  '.mysql_history',
  '.sqlite_history',
  '.node_repl_history',
  '.rediscli_history',
  '.irb_history',
  '.lesshst',
]);

// Files whose job is to hold credentials: expected to be private to their owner (mode 0600).
const CREDENTIAL_FILES: { test: (path: string) => boolean; name: string }[] = [
  { name: '.npmrc', test: (p) => basename(p) === '.npmrc' },
  { name: '.netrc', test: (p) => basename(p) === '.netrc' || basename(p) === '_netrc' },
  { name: '.aws/credentials', test: (p) => p.endsWith(`.aws${sep}credentials`) || p.endsWith('.aws/credentials') },
  { name: '.docker/config.json', test: (p) => p.endsWith(`.docker${sep}config.json`) || p.endsWith('.docker/config.json') },
  { name: '.git-credentials', test: (p) => basename(p) === '.git-credentials' },
  { name: '.pypirc', test: (p) => basename(p) === '.pypirc' },
  { name: '.kube/config', test: (p) => p.endsWith(`.kube${sep}config`) || p.endsWith('.kube/config') },
  { name: '.pgpass', test: (p) => basename(p) === '.pgpass' },
  // ssh refuses a private key that others can read ("UNPROTECTED PRIVATE KEY FILE").
  {
    name: 'SSH private key',
    test: (p) => /(?:^|[\\/])\.ssh[\\/][^\\/]+$/.test(p) && !/\.pub$|known_hosts|authorized_keys|(?:^|[\\/])config$/.test(p),
  },
  { name: '.config/gcloud credentials', test: (p) => /[\\/]\.config[\\/]gcloud[\\/]/.test(p) },
  { name: '.vault-token', test: (p) => basename(p) === '.vault-token' },
  { name: '.cargo/credentials.toml', test: (p) => /\.cargo[\\/]credentials(?:\.toml)?$/.test(p) },
  { name: '.gem/credentials', test: (p) => /\.gem[\\/]credentials$/.test(p) },
];

/**
 * Why a file is an unsafe place for a secret: readable by group or others, a log file, a shell
 * history, or a credential file with a loose mode. Empty when none applies.
 *
 * @example
 * ```ts
 * unsafeStorageReasons('/home/u/.bash_history', 0o600); // ["shell history"]
 * ```
 */
export function unsafeStorageReasons(path: string, mode: number | undefined): string[] {
  const reasons: string[] = [];
  const name = basename(path);
  const loose = mode !== undefined && process.platform !== 'win32' && (mode & 0o077) !== 0;
  const credential = CREDENTIAL_FILES.find((c) => c.test(path));
  if (credential && loose) {
    reasons.push(`credential file ${credential.name} with loose mode ${(mode & 0o777).toString(8).padStart(4, '0')} (expected 0600)`);
  } else if (mode !== undefined && process.platform !== 'win32' && (mode & 0o044) !== 0) {
    reasons.push(
      `file is readable by ${(mode & 0o040) !== 0 ? 'group' : ''}${(mode & 0o044) === 0o044 ? ' and ' : ''}${(mode & 0o004) !== 0 ? 'others' : ''} (mode ${(mode & 0o777).toString(8).padStart(4, '0')})`,
    );
  }
  if (/\.log(?:\.\d+)?$/i.test(name) || /(?:^|[\\/])logs?[\\/]/i.test(path)) reasons.push('log file');
  if (SHELL_HISTORY.has(name)) reasons.push('shell history');
  return reasons;
}

/**
 * One step up the severity scale (a secret in an unsafe place is worse than the same secret in a
 * private file).
 *
 * @example
 * ```ts
 * raiseSeverity('medium'); // "high"
 * ```
 */
export function raiseSeverity(severity: Severity): Severity {
  return SEVERITY_ORDER[Math.min(SEVERITY_ORDER.length - 1, SEVERITY_ORDER.indexOf(severity) + 1)] as Severity;
}
