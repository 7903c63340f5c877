import { TokenWardenError } from '@tokenwarden/core';
import type { AsnKind } from '../enriched-event.js';
import { DEFAULT_DETECTION_CONFIG, type DetectionConfig } from './config.js';
import { ASN_KIND_CODES } from './detectors/asn-kind-code.js';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// Every kind a config may name: the ones profiles can store.
const ASN_KINDS: readonly AsnKind[] = ASN_KIND_CODES;

function invalid(path: string, problem: string, hint: string): TokenWardenError {
  return new TokenWardenError('TW_DETECT_CONFIG_INVALID', `detection config "${path}" ${problem}`, { hint });
}

function isAsnKind(v: unknown): v is AsnKind {
  return typeof v === 'string' && (ASN_KINDS as readonly string[]).includes(v);
}

// One value of a section, checked against the type of its default.
function checkedValue(path: string, value: unknown, fallback: unknown): unknown {
  if (typeof fallback === 'number') {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw invalid(path, 'must be a non-negative number', `got ${JSON.stringify(value)}; default ${fallback}`);
    }
    return value;
  }
  if (Array.isArray(fallback)) {
    if (!Array.isArray(value) || !value.every(isAsnKind)) {
      throw invalid(path, 'must be a list of network kinds', `allowed: ${ASN_KINDS.join(', ')}; got ${JSON.stringify(value)}`);
    }
    return [...value];
  }
  // kindWeight: a partial map of network kind to a weight between 0 and 1, over the defaults.
  if (!isPlainObject(value)) throw invalid(path, 'must be an object of network kind to weight', `e.g. { "hosting": 0.8 }`);
  const merged: Record<string, unknown> = { ...(fallback as Record<string, unknown>) };
  for (const [kind, weight] of Object.entries(value)) {
    if (!isAsnKind(kind)) throw invalid(`${path}.${kind}`, 'is not a network kind', `allowed: ${ASN_KINDS.join(', ')}`);
    if (typeof weight !== 'number' || !(weight >= 0 && weight <= 1)) {
      throw invalid(`${path}.${kind}`, 'must be a number between 0 and 1', `got ${JSON.stringify(weight)}`);
    }
    merged[kind] = weight;
  }
  return merged;
}

/**
 * Merge user options over the defaults, one level deep per section, and check every value: an unknown section
 * or key (a typo), a value of the wrong type, a negative number or a network kind that does not exist throws
 * `TW_DETECT_CONFIG_INVALID` naming the key, so a misspelt threshold never silently keeps its default.
 *
 * @example
 * ```ts
 * const cfg = resolveDetectionConfig({ risk: { ...DEFAULT_DETECTION_CONFIG.risk, halfLifeHours: 6 } });
 * ```
 */
export function resolveDetectionConfig(options: Partial<DetectionConfig> = {}): DetectionConfig {
  const base = DEFAULT_DETECTION_CONFIG as unknown as Record<string, Record<string, unknown>>;
  if (!isPlainObject(options)) throw invalid('detection', 'must be an object', 'e.g. { "probing": { "windowSeconds": 30 } }');
  const given = options as Record<string, unknown>;
  for (const section of Object.keys(given)) {
    if (!(section in base)) throw invalid(section, 'is not a detection config section', `sections: ${Object.keys(base).join(', ')}`);
  }
  const out: Record<string, unknown> = {};
  for (const section of Object.keys(base)) {
    const defaults = base[section]!;
    const override = given[section];
    if (override !== undefined && !isPlainObject(override)) {
      throw invalid(section, 'must be an object', 'pass a partial section, e.g. { probing: { windowSeconds: 30 } }');
    }
    const merged: Record<string, unknown> = {};
    for (const [key, fallback] of Object.entries(defaults)) {
      merged[key] = checkedValue(`${section}.${key}`, fallback, fallback);
    }
    for (const [key, value] of Object.entries(override ?? {})) {
      if (!(key in defaults))
        throw invalid(`${section}.${key}`, 'is not a known setting', `${section} settings: ${Object.keys(defaults).join(', ')}`);
      merged[key] = checkedValue(`${section}.${key}`, value, defaults[key]);
    }
    out[section] = merged;
  }
  const cfg = out as unknown as DetectionConfig;
  const r = cfg.risk;
  if (!(r.mediumScore < r.highScore && r.highScore < r.criticalScore && r.criticalScore <= 100)) {
    throw invalid(
      'risk',
      'thresholds must satisfy medium < high < critical <= 100',
      `got medium=${r.mediumScore} high=${r.highScore} critical=${r.criticalScore}`,
    );
  }
  return cfg;
}

/**
 * Reads the `detection` section of a config file (or any untrusted value) into a checked
 * {@link DetectionConfig}: the same checks as {@link resolveDetectionConfig}, for input whose
 * shape is not known yet.
 *
 * @example
 * ```ts
 * const cfg = parseDetectionConfig(JSON.parse(text).detection ?? {});
 * const engine = createDetectionEngine(cfg);
 * ```
 */
export function parseDetectionConfig(value: unknown): DetectionConfig {
  if (!isPlainObject(value)) throw invalid('detection', 'must be an object', 'e.g. { "probing": { "windowSeconds": 30 } }');
  return resolveDetectionConfig(value as Partial<DetectionConfig>);
}
