import { createRequire } from 'node:module';
import { TokenWardenError } from '@tokenwarden/core/formats';
import type { CompiledRules } from '../engine/compile.js';
import type { ContentOptions, ContentResult } from './scan-content.js';
import { scanContent } from './scan-content.js';
import { type ArchiveKind, archiveKind } from './sniff.js';
import { TarReader } from './tar-reader.js';

// fflate loads on the first archive: most scans open none, and loading it cost each scan thread
// (the main one and every worker, at start-up) ~14 ms here.
const require = createRequire(import.meta.url);
let fflate: typeof import('fflate') | undefined;
function inflater(): typeof import('fflate') {
  fflate ??= require('fflate') as typeof import('fflate');
  return fflate;
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// Compressed bytes handed to the inflater at a time. fflate inflates a whole push into one
// growing buffer before calling back, and deflate expands up to ~1032:1, so pushing a 5 MB gzip
// bomb at once built a 1.2 GB buffer (3.6 GB RSS) before any size check could run. 16 KB of
// input inflates to at most ~17 MB per push.
const INFLATE_SLICE = 16 << 10;

/**
 * Decompressed bytes a gzip stream may produce before the rest is left unread (reported as
 * skipped, keeping what was found): a tar.gz is streamed entry by entry with bounded memory, but
 * inflating a bomb of terabytes would still take hours.
 */
const MAX_INFLATE_FACTOR = 4;

function merge(into: ContentResult, r: ContentResult): void {
  into.findings.push(...r.findings);
  into.skipped.push(...r.skipped);
  into.warnings.push(...r.warnings);
}

function scanEntry(data: Uint8Array, inner: string, compiled: CompiledRules, opts: ContentOptions, result: ContentResult): void {
  merge(result, scanContent(data, inner, compiled, { ...opts, archiveDepth: opts.archiveDepth + 1 }));
}

function tarReader(file: string, compiled: CompiledRules, opts: ContentOptions, result: ContentResult): TarReader {
  return new TarReader((entry) => {
    const inner = `${file}!${entry.name}`;
    if (!entry.data) result.skipped.push({ file: inner, reason: `archive entry larger than ${opts.maxEntryBytes} bytes` });
    else scanEntry(entry.data, inner, compiled, opts, result);
  }, opts.maxEntryBytes);
}

// Entries are inflated in groups of at most `maxEntryBytes` (declared sizes; fflate inflates an
// entry into a buffer of its declared size, never more), each group scanned and dropped before
// the next: one unzipSync of the whole archive held every entry at once, so a zip of many
// entries just under the limit each took their sum in memory.
function scanZip(bytes: Uint8Array, file: string, compiled: CompiledRules, opts: ContentOptions, result: ContentResult): void {
  const { unzipSync } = inflater();
  const groups: Set<string>[] = [];
  let group = new Set<string>();
  let groupBytes = 0;
  unzipSync(bytes, {
    filter: (f) => {
      if (f.name.endsWith('/')) return false;
      if (f.originalSize > opts.maxEntryBytes) {
        result.skipped.push({ file: `${file}!${f.name}`, reason: `archive entry larger than ${opts.maxEntryBytes} bytes` });
        return false;
      }
      if (group.size > 0 && groupBytes + f.originalSize > opts.maxEntryBytes) {
        groups.push(group);
        group = new Set();
        groupBytes = 0;
      }
      group.add(f.name);
      groupBytes += f.originalSize;
      return false;
    },
  });
  if (group.size > 0) groups.push(group);
  for (const names of groups) {
    const entries = unzipSync(bytes, { filter: (f) => names.has(f.name) && !f.name.endsWith('/') });
    for (const [name, data] of Object.entries(entries)) scanEntry(data, `${file}!${name}`, compiled, opts, result);
  }
}

// gzip: inflated in slices; a tar inside is parsed as it streams (entries over the limit skipped
// unbuffered), anything else is buffered up to `maxEntryBytes` and scanned as one file. Inflating
// stops as soon as the outcome is known: plain content over the limit, the tar's end, or more
// than MAX_INFLATE_FACTOR times the limit in all.
function scanGzip(bytes: Uint8Array, file: string, compiled: CompiledRules, opts: ContentOptions, result: ContentResult): void {
  let mode = 'sniff' as 'sniff' | 'tar' | 'plain';
  const head: Uint8Array[] = [];
  let inflated = 0;
  let stop: string | undefined;
  const reader = tarReader(file, compiled, opts, result);
  const maxInflated = opts.maxEntryBytes * MAX_INFLATE_FACTOR;
  const toTar = (chunk: Uint8Array): void => {
    reader.push(chunk);
    if (reader.done) stop = 'end of tar';
    else if (inflated > maxInflated) stop = `decompressed size over ${maxInflated} bytes: the rest was not scanned`;
  };
  const gunzip = new (inflater().Gunzip)((chunk) => {
    if (stop) return;
    inflated += chunk.length;
    if (mode === 'tar') return toTar(chunk);
    head.push(chunk);
    // Told apart on the first 512 bytes, before any size check: one slice can inflate past the limit.
    if (mode === 'sniff' && inflated >= 512) {
      const first = Buffer.concat(head);
      head.length = 0;
      if (archiveKind(first) === 'tar') {
        mode = 'tar';
        return toTar(first);
      }
      mode = 'plain';
      head.push(first);
    }
    if (inflated > opts.maxEntryBytes) {
      stop = `decompressed size over ${opts.maxEntryBytes} bytes`;
      head.length = 0;
    }
  });
  for (let at = 0; at < bytes.length && !stop; at += INFLATE_SLICE) {
    const end = Math.min(bytes.length, at + INFLATE_SLICE);
    gunzip.push(bytes.subarray(at, end), end === bytes.length);
  }
  if (stop && stop !== 'end of tar') result.skipped.push({ file, reason: stop });
  else if (mode === 'tar') reader.end();
  else if (!stop) {
    const inner = `${file}!${file.replace(/^.*[\\/]/, '').replace(/\.gz$/i, '') || 'content'}`;
    scanEntry(Buffer.concat(head), inner, compiled, opts, result);
  }
}

/**
 * Scans the files inside a zip, tar or gzip (tar.gz / .gz) archive held in memory; entries are
 * named `archive!entry`. Memory stays bounded by `maxEntryBytes` whatever the archive expands
 * to (a gzip or zip bomb is reported as skipped, not inflated). A corrupt archive is reported as
 * skipped with the reason, keeping every finding made before the corruption.
 *
 * @example
 * ```ts
 * scanArchive(bytes, 'zip', 'release.zip', compiled, { archiveDepth: 0, maxEntryBytes: 64 << 20 });
 * ```
 */
export function scanArchive(
  bytes: Uint8Array,
  kind: ArchiveKind,
  file: string,
  compiled: CompiledRules,
  opts: ContentOptions,
): ContentResult {
  const result: ContentResult = { findings: [], skipped: [], warnings: [] };
  try {
    if (kind === 'zip') scanZip(bytes, file, compiled, opts, result);
    else if (kind === 'tar') {
      const reader = tarReader(file, compiled, opts, result);
      reader.push(bytes);
      reader.end();
    } else scanGzip(bytes, file, compiled, opts, result);
  } catch (e) {
    const reason = e instanceof TokenWardenError ? e.message : `corrupt ${kind} archive: ${describe(e)}`;
    result.skipped.push({ file, reason });
  }
  return result;
}
