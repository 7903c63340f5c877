import { lineAndColumn } from './text-position.js';

/** Where a key repeats within one JSON object. */
export interface DuplicateJsonKey {
  /** The key, decoded (`"\u0061"` and `"a"` are the same key). */
  key: string;
  /** 1-based line and column of its second appearance. */
  line: number;
  column: number;
}

/**
 * The first key that appears twice in one object of a JSON text that `JSON.parse` already accepted, or
 * undefined. `JSON.parse` keeps the last value silently, so a config holding two `routes` would run on
 * the second one while its reader trusts the first: a security config must refuse it instead, as the
 * YAML reader does.
 *
 * @example
 * ```ts
 * duplicateJsonKey('{"routes": [], "routes": [1]}'); // { key: 'routes', line: 1, column: 16 }
 * ```
 */
export function duplicateJsonKey(text: string): DuplicateJsonKey | undefined {
  // One entry per open container: the keys seen so far for an object, undefined for an array.
  const open: (Set<string> | undefined)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */) {
      open.push(new Set());
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      open.push(undefined);
      expectKey = false;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      open.pop();
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      expectKey = open[open.length - 1] !== undefined;
    } else if (c === 0x22 /* " */) {
      const start = i;
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c /* \ */) i++;
      if (!expectKey) continue;
      expectKey = false;
      const key = JSON.parse(text.slice(start, i + 1)) as string;
      const keys = open[open.length - 1] as Set<string>;
      if (keys.has(key)) return { key, ...lineAndColumn(text, start) };
      keys.add(key);
    }
  }
  return undefined;
}
