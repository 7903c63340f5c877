import { readFileSync } from 'node:fs';
import { ConfigError, TokenWardenError } from '@tokenwarden/core';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';

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
  try {
    value = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (cause) {
    throw new TokenWardenError(
      'TW_CONFIG_INVALID',
      `config file ${file} is not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(cause as Error).message.split('\n')[0]}`,
      {
        hint: 'fix the syntax of the config file',
        cause,
      },
    );
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError('(root)', value, 'an object of settings', { hint: `the top level of ${file} must be a mapping` });
  }
  return value as ConfigTree;
}

/**
 * Turns `TOKENWARDEN_A__B_C=v` into `{ a: { b_c: v } }`. A value that parses as JSON
 * (numbers, booleans, arrays) is taken as such, otherwise as a string.
 */
export function envToTree(env: NodeJS.ProcessEnv, prefix = 'TOKENWARDEN_'): ConfigTree {
  const tree: ConfigTree = {};
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(prefix) || raw === undefined) continue;
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

/** Deep-merges plain objects; later sources win; `undefined` never overrides. */
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
 * naming the key, the bad value and what is allowed.
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
  const issue = result.error.issues[0];
  if (!issue) throw new ConfigError('(root)', tree, 'a valid configuration');
  if (issue.code === 'unrecognized_keys') {
    const key = [...issue.path, issue.keys[0] ?? ''].join('.');
    throw new ConfigError(key, valueAt(tree, [...issue.path, issue.keys[0] ?? '']), 'no such key (unknown setting)', {
      hint: `remove "${key}" or check its spelling`,
    });
  }
  const key = issue.path.map(String).join('.') || '(root)';
  const allowed = issue.message.replace(/^Invalid (input|option|string|value): ?/i, '');
  throw new ConfigError(key, valueAt(tree, issue.path), allowed || 'a valid value');
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
  return validateConfig(schema, mergeTrees(fileTree, envTree, sources.flags ?? {}));
}
