import { readFileSync } from 'node:fs';
import { ConfigError, TokenWardenError } from '@tokenwarden/core';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { duplicateJsonKey } from './json-duplicate-keys.js';
import { otherProblems, withRestOfKeys } from './other-problems.js';
import { lineAndColumn } from './text-position.js';

/** A nested plain object of config values. */
export type ConfigTree = Record<string, unknown>;

/** Where config values come from, lowest precedence first: file, then environment, then flags. */
export interface ConfigSources {
  /** Path of a JSON or YAML config file. */
  file?: string | undefined;
  /** Environment; only `TOKENWARDEN_*` variables are read. `TOKENWARDEN_STORE__URL` sets `store.url`. */
  env?: NodeJS.ProcessEnv;
  /** Values from command-line flags, already nested (`{ store: { url } }`). Undefined leaves are ignored. */
  flags?: ConfigTree;
}

/**
 * Reads a JSON or YAML config file into a tree. Errors name the file and, for syntax errors,
 * the line.
 *
 * @example
 * ```ts
 * const tree = readConfigFile('tokenwarden.yaml');
 * ```
 */
export function readConfigFile(file: string): ConfigTree {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new TokenWardenError('TW_CONFIG_UNREADABLE', `cannot read config file ${file}: ${(cause as Error).message}`, {
      hint: 'check the path given to --config and its permissions',
      cause,
    });
  }
  let value: unknown;
  const isJson = /\.json$/i.test(file);
  try {
    value = isJson ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (cause) {
    const reason = (cause as Error).message.split('\n')[0] ?? '';
    throw new TokenWardenError(
      'TW_CONFIG_INVALID',
      `config file ${file} is not valid ${isJson ? 'JSON' : 'YAML'}: ${isJson ? withLineNumber(reason, text) : reason}`,
      {
        hint: 'fix the syntax of the config file',
        cause,
      },
    );
  }
  const duplicate = isJson ? duplicateJsonKey(text) : undefined;
  if (duplicate) {
    throw new TokenWardenError(
      'TW_CONFIG_INVALID',
      `config file ${file} sets "${duplicate.key}" twice in one object (line ${duplicate.line}, column ${duplicate.column}); JSON would silently keep only the last`,
      { hint: 'keep one of the two, or merge them' },
    );
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError('(root)', redactValue('(root)', value), 'an object of settings', {
      hint: `the top level of ${file} must be a mapping`,
    });
  }
  return value as ConfigTree;
}

/** Adds `at line L, column C` to a JSON.parse message that only gives a character position. */
function withLineNumber(raw: string, text: string): string {
  // JSON.parse may quote the file's first characters ("ghp_u8jzPd"...): a secret, when the wrong
  // file is named. The message never repeats the file's text.
  const reason = raw.replace(/, ".*"(?:\.\.\.)? is not valid JSON$/, ' (not valid JSON)');
  const m = /position (\d+)/.exec(reason);
  if (!m) {
    // A truncated file gives no position: its end is where the parser stopped.
    return /end of JSON input/i.test(reason) ? `${reason} (the file ends at line ${text.split('\n').length} before the JSON does)` : reason;
  }
  const { line, column } = lineAndColumn(text, Number(m[1]));
  return `${reason} (line ${line}, column ${column})`;
}

/**
 * `TOKENWARDEN_*` variables that steer the tooling rather than configure TokenWarden (run from
 * source, debug output, test switches and test server addresses). They are never config keys, so
 * they must not be reported as unknown settings.
 */
export const NON_CONFIG_ENV: RegExp = /^TOKENWARDEN_(FROM_SOURCE|CLI_FROM_DIST|DEBUG|SKIP_[A-Z0-9_]+|TEST_[A-Z0-9_]+)$/;

/**
 * Turns `TOKENWARDEN_A__B_C=v` into `{ a: { b_c: v } }`. A value that parses as JSON
 * (numbers, booleans, arrays) is taken as such, otherwise as a string. Variables matching
 * {@link NON_CONFIG_ENV} are skipped.
 *
 * @example
 * ```ts
 * envToTree({ TOKENWARDEN_STORE__DRIVER: 'postgres' }); // { store: { driver: 'postgres' } }
 * ```
 */
export function envToTree(env: NodeJS.ProcessEnv, prefix = 'TOKENWARDEN_'): ConfigTree {
  const tree: ConfigTree = {};
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(prefix) || raw === undefined || NON_CONFIG_ENV.test(name)) continue;
    const path = name.slice(prefix.length).toLowerCase().split('__').filter(Boolean);
    if (path.length === 0) continue;
    let value: unknown = raw;
    if (/^(true|false|null|-?\d+(\.\d+)?|\[.*\]|\{.*\})$/s.test(raw)) {
      try {
        value = JSON.parse(raw);
      } catch {
        value = raw;
      }
    }
    setPath(tree, path, value);
  }
  return tree;
}

function setPath(tree: ConfigTree, path: string[], value: unknown): void {
  let node = tree;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as ConfigTree;
  }
  node[path[path.length - 1] as string] = value;
}

/**
 * Deep-merges plain objects; later sources win; `undefined` never overrides.
 *
 * @example
 * ```ts
 * mergeTrees({ store: { driver: 'sqlite' } }, { store: { url: 'postgres://db' } });
 * // { store: { driver: 'sqlite', url: 'postgres://db' } }
 * ```
 */
export function mergeTrees(...trees: ConfigTree[]): ConfigTree {
  const out: ConfigTree = {};
  for (const tree of trees) {
    for (const [k, v] of Object.entries(tree)) {
      if (v === undefined) continue;
      const prev = out[k];
      if (isPlainObject(v) && isPlainObject(prev)) out[k] = mergeTrees(prev, v);
      else out[k] = isPlainObject(v) ? mergeTrees(v) : v;
    }
  }
  return out;
}

function isPlainObject(v: unknown): v is ConfigTree {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function valueAt(tree: unknown, path: readonly PropertyKey[]): unknown {
  let node = tree;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/**
 * Validates a config tree against a zod schema; the first problem becomes a {@link ConfigError}
 * naming the key, the bad value (secrets redacted) and what is allowed, and its hint names the others.
 *
 * @example
 * ```ts
 * const cfg = validateConfig(BaseConfig, { store: { driver: 'mysql' } });
 * // throws: invalid config store.driver="mysql": expected one of "sqlite"|"postgres"
 * ```
 */
export function validateConfig<S extends z.ZodType>(schema: S, tree: unknown): z.infer<S> {
  const result = schema.safeParse(tree);
  if (result.success) return result.data;
  const [issue, ...others] = result.error.issues;
  if (!issue) throw new ConfigError('(root)', redactValue('(root)', tree), 'a valid configuration');
  if (issue.code === 'unrecognized_keys') {
    const more = otherProblems(withRestOfKeys(issue, others));
    const path = [...issue.path, issue.keys[0] ?? ''];
    const key = path.map(String).join('.');
    const known = knownKeysAt(schema, issue.path);
    const allowed = known.length > 0 ? `one of the known keys ${known.map((k) => `"${k}"`).join(', ')}` : 'no key here';
    const guess = closest(String(issue.keys[0] ?? ''), known);
    throw new ConfigError(key, redactValue(key, valueAt(tree, path)), allowed, {
      hint:
        (guess === undefined
          ? `remove "${key}" or check its spelling`
          : `did you mean "${[...issue.path, guess].map(String).join('.')}"?`) + more,
    });
  }
  const key = issue.path.map(String).join('.') || '(root)';
  const more = otherProblems(others);
  const options = more ? { hint: `fix "${key}" in the config file, environment or flags${more}` } : {};
  throw new ConfigError(key, redactValue(key, valueAt(tree, issue.path)), describeExpectation(issue.message), options);
}

/**
 * Turns a zod issue message into the "what is allowed" part: `expected ...` without zod's prefixes.
 *
 * @example
 * ```ts
 * describeExpectation('Invalid input: expected array, received string'); // 'array, received string'
 * ```
 */
export function describeExpectation(message: string): string {
  const text = message
    .replace(/^Invalid (input|option|string|value|type): ?/i, '')
    .replace(/^Too (small|big): ?/i, '')
    .replace(/^expected /i, '')
    .trim();
  return text || 'a valid value';
}

const SECRET_KEY = /(password|passwd|secret|token|pepper|api_?key|private_?key|credential|authorization)s?$/i;

// A run of token characters (base64's `/` included: an AWS secret key is one run) long and
// varied enough to be a credential: digits with letters, or upper with lower case (`ghp_Ky9P...`,
// a hex digest). Words, host names and kebab-case names have neither or are cut by their dots;
// a path with digits may be masked too, an acceptable loss in an error message.
const TOKEN_RUN = /[A-Za-z0-9_+/=-]{16,}/g;

function credentialLike(run: string): boolean {
  const digit = /[0-9]/.test(run);
  const upper = /[A-Z]/.test(run);
  const lower = /[a-z]/.test(run);
  return (digit && (upper || lower)) || (upper && lower && run.length >= 24);
}

/** Masks every credential-like run of a string, keeping its first 4 characters. */
function maskCredentials(text: string): string {
  return text.replace(TOKEN_RUN, (run) => (credentialLike(run) ? `${run.slice(0, 4)}[REDACTED]` : run));
}

/**
 * Keeps secrets out of error messages: a secret-named key shows `[REDACTED]`, a URL shows no
 * password, and any credential-like run in a string shows its first 4 characters only (a file
 * that is not a config, `--config .env`, is rejected with its content as the value).
 */
function redactValue(key: string, value: unknown): unknown {
  if (value === undefined || value === null) return value;
  if (SECRET_KEY.test(key.split('.').pop() ?? '')) return '[REDACTED]';
  if (typeof value === 'string') return maskCredentials(value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/i, '$1[REDACTED]@'));
  if (typeof value === 'object') {
    try {
      return JSON.parse(JSON.stringify(value), (k, v: unknown) =>
        k !== '' && SECRET_KEY.test(k) ? '[REDACTED]' : typeof v === 'string' ? redactValue('', v) : v,
      );
    } catch {
      return '(unprintable)';
    }
  }
  return value;
}

/** The known key within edit distance 2 of `word`, if any. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length] as number;
}

/** The keys a (possibly wrapped) zod object schema accepts at `path`, for "did you mean" errors. */
function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: unknown = schema;
  for (const key of [undefined, ...path]) {
    node = unwrap(node);
    if (key === undefined) continue;
    // An array index steps into the array's element schema.
    const element = (node as { _zod?: { def?: { type?: string; element?: unknown } } } | undefined)?._zod?.def;
    if (element?.type === 'array') {
      node = element.element;
      continue;
    }
    const shape = (node as { shape?: Record<string, unknown> } | undefined)?.shape;
    node = shape?.[String(key)];
  }
  const shape = (unwrap(node) as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

function unwrap(node: unknown): unknown {
  let current = node;
  for (let i = 0; i < 10; i++) {
    const def = (current as { _zod?: { def?: { innerType?: unknown; in?: unknown } } } | undefined)?._zod?.def;
    const inner = def?.innerType ?? def?.in;
    if (inner === undefined) return current;
    current = inner;
  }
  return current;
}

/** Names of the `TOKENWARDEN_*` variables that set `path` or something below it. */
function envNamesUnder(env: NodeJS.ProcessEnv, path: readonly string[]): string[] {
  const names = Object.keys(env).filter((name) => {
    if (!name.startsWith('TOKENWARDEN_') || NON_CONFIG_ENV.test(name)) return false;
    const keys = name.slice('TOKENWARDEN_'.length).toLowerCase().split('__').filter(Boolean);
    return path.every((p, i) => keys[i] === p);
  });
  return names.length > 0 ? names : [`TOKENWARDEN_${path.map((p) => p.toUpperCase()).join('__')}`];
}

/**
 * Loads a configuration: file, then `TOKENWARDEN_*` environment, then flags, validated once.
 *
 * @example
 * ```ts
 * const cfg = loadConfig(BaseConfig, { file: opts.config, env: process.env, flags: { data: opts.data } });
 * ```
 */
export function loadConfig<S extends z.ZodType>(schema: S, sources: ConfigSources = {}): z.infer<S> {
  const fileTree = sources.file ? readConfigFile(sources.file) : {};
  const envTree = sources.env ? envToTree(sources.env) : {};
  const flagTree = sources.flags ?? {};
  try {
    return validateConfig(schema, mergeTrees(fileTree, envTree, flagTree));
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const path = e.key.split('.');
    const origin =
      valueAt(flagTree, path) !== undefined
        ? 'a command-line flag'
        : valueAt(envTree, path) !== undefined
          ? `environment variable ${envNamesUnder(sources.env ?? {}, path).join(', ')}`
          : valueAt(fileTree, path) !== undefined && sources.file
            ? `config file ${sources.file}`
            : undefined;
    if (origin === undefined) throw e;
    // Where the first key came from goes right after its own advice, before the other problems' names.
    const hint = e.hint ?? `fix "${e.key}"`;
    const also = hint.indexOf('; also ');
    const located = also < 0 ? `${hint} (set by ${origin})` : `${hint.slice(0, also)} (set by ${origin})${hint.slice(also)}`;
    throw new ConfigError(e.key, e.value, e.allowed, { hint: located, cause: e.cause });
  }
}
