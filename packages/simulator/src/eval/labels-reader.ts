import { readFile } from 'node:fs/promises';
import { MalformedInputError, TokenWardenError } from '@tokenwarden/core';
import type { CredentialLabel, LabelsFile } from '../model/labels.js';

const isIso = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));

function check(ok: boolean, source: string, where: string, what: string): asserts ok {
  if (!ok)
    throw new MalformedInputError({ source }, `${where}: ${what}`, { hint: 'pass the labels.json written by `tokenwarden simulate`' });
}

/**
 * Reads and checks a `labels.json` written by `tokenwarden simulate`. A missing file is
 * `TW_INPUT_UNREADABLE`; a file that is not valid labels is `TW_INPUT_MALFORMED`, naming the
 * first problem and where it is.
 *
 * @example
 * ```ts
 * const labels = await readLabels('sim/labels.json');
 * labels.credentials.filter((c) => c.label === 'attack').length;
 * ```
 */
export async function readLabels(path: string): Promise<LabelsFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new TokenWardenError('TW_INPUT_UNREADABLE', `cannot read labels file ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, {
      hint: 'pass --labels with the labels.json written by `tokenwarden simulate`',
      cause: e,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new MalformedInputError({ source: path }, `not JSON: ${(e as Error).message}`, {
      hint: 'pass the labels.json written by `tokenwarden simulate`',
    });
  }
  return validateLabels(value, path);
}

/**
 * Checks a parsed labels value (see {@link readLabels}); `source` names it in errors.
 *
 * @example
 * ```ts
 * validateLabels(JSON.parse(text), 'labels.json');
 * ```
 */
export function validateLabels(value: unknown, source: string): LabelsFile {
  check(typeof value === 'object' && value !== null && !Array.isArray(value), source, '/', 'must be an object');
  const v = value as Record<string, unknown>;
  check(v.format === 'tokenwarden-sim-labels', source, '/format', 'must be "tokenwarden-sim-labels"');
  check(Array.isArray(v.credentials), source, '/credentials', 'must be an array');
  const seen = new Set<string>();
  (v.credentials as unknown[]).forEach((c, i) => {
    const at = `/credentials/${i}`;
    check(typeof c === 'object' && c !== null, source, at, 'must be an object');
    const l = c as Partial<CredentialLabel>;
    check(typeof l.credential === 'string' && l.credential.length > 0, source, `${at}/credential`, 'must be a non-empty string');
    check(!seen.has(l.credential), source, `${at}/credential`, `duplicate credential ${l.credential}`);
    seen.add(l.credential);
    check(l.label === 'benign' || l.label === 'attack', source, `${at}/label`, 'must be "benign" or "attack"');
    check(typeof l.hard_negative === 'string', source, `${at}/hard_negative`, 'must be a string');
    if (l.label === 'attack') {
      const a = l.attack;
      check(typeof a === 'object' && a !== null, source, `${at}/attack`, 'must be present on an attack credential');
      check(isIso(a.start) && isIso(a.end), source, `${at}/attack`, 'start and end must be ISO 8601 times');
      check(Date.parse(a.end) >= Date.parse(a.start), source, `${at}/attack/end`, 'must not be before start');
      check(a.first_damage === null || isIso(a.first_damage), source, `${at}/attack/first_damage`, 'must be an ISO 8601 time or null');
      check(typeof a.kind === 'string', source, `${at}/attack/kind`, 'must be a string');
    }
  });
  return value as LabelsFile;
}
