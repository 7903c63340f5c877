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

function scanTarStream(
  feed: (push: (chunk: Uint8Array) => void) => void,
  file: string,
  compiled: CompiledRules,
  opts: ContentOptions,
  result: ContentResult,
): void {
  const reader = new TarReader((entry) => {
    const inner = `${file}!${entry.name}`;
    if (!entry.data) {
      result.skipped.push({ file: inner, reason: `archive entry larger than ${opts.maxEntryBytes} bytes` });
      return;
    }
    const r = scanContent(entry.data, inner, compiled, { ...opts, archiveDepth: opts.archiveDepth + 1 });
    result.findings.push(...r.findings);
    result.skipped.push(...r.skipped);
    result.warnings.push(...r.warnings);
  }, opts.maxEntryBytes);
  feed((chunk) => reader.push(chunk));
  reader.end();
}

/**
 * Scans the files inside a zip, tar or gzip (tar.gz / .gz) archive held in memory; entries are
 * named `archive!entry`. A corrupt archive is reported as skipped with the reason, keeping every
 * finding made before the corruption.
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
    if (kind === 'zip') {
      const tooBig: string[] = [];
      const entries = inflater().unzipSync(bytes, {
        filter: (f) => {
          if (f.name.endsWith('/')) return false;
          if (f.originalSize > opts.maxEntryBytes) tooBig.push(f.name);
          return f.originalSize <= opts.maxEntryBytes;
        },
      });
      for (const name of tooBig)
        result.skipped.push({ file: `${file}!${name}`, reason: `archive entry larger than ${opts.maxEntryBytes} bytes` });
      for (const [name, data] of Object.entries(entries)) {
        const r = scanContent(data, `${file}!${name}`, compiled, { ...opts, archiveDepth: opts.archiveDepth + 1 });
        result.findings.push(...r.findings);
        result.skipped.push(...r.skipped);
        result.warnings.push(...r.warnings);
      }
    } else if (kind === 'tar') {
      scanTarStream((push) => push(bytes), file, compiled, opts, result);
    } else {
      // gzip: stream-decompress; a tar inside is parsed as it streams, anything else is buffered
      // (bounded by maxEntryBytes) and scanned as one file.
      let mode = 'sniff' as 'sniff' | 'tar' | 'plain';
      const head: Uint8Array[] = [];
      let headBytes = 0;
      let truncated = false;
      let tarPush: ((c: Uint8Array) => void) | undefined;
      const tarResult: ContentResult = result;
      const reader = new TarReader((entry) => {
        const inner = `${file}!${entry.name}`;
        if (!entry.data) {
          result.skipped.push({ file: inner, reason: `archive entry larger than ${opts.maxEntryBytes} bytes` });
          return;
        }
        const r = scanContent(entry.data, inner, compiled, { ...opts, archiveDepth: opts.archiveDepth + 1 });
        tarResult.findings.push(...r.findings);
        tarResult.skipped.push(...r.skipped);
        tarResult.warnings.push(...r.warnings);
      }, opts.maxEntryBytes);
      const gunzip = new (inflater().Gunzip)((chunk) => {
        if (mode === 'tar') return tarPush?.(chunk);
        if (truncated) return;
        head.push(chunk);
        headBytes += chunk.length;
        if (headBytes > opts.maxEntryBytes) {
          truncated = true;
          head.length = 0;
          return;
        }
        if (mode === 'sniff' && headBytes >= 512) {
          const first = Buffer.concat(head);
          if (archiveKind(first) === 'tar') {
            mode = 'tar';
            tarPush = (c) => reader.push(c);
            head.length = 0;
            reader.push(first);
            return;
          }
          mode = 'plain';
        }
      });
      gunzip.push(bytes, true);
      if (mode === 'tar') reader.end();
      else if (truncated) result.skipped.push({ file, reason: `decompressed size over ${opts.maxEntryBytes} bytes` });
      else {
        const inner = `${file}!${file.replace(/^.*[\\/]/, '').replace(/\.gz$/i, '') || 'content'}`;
        const r = scanContent(Buffer.concat(head), inner, compiled, { ...opts, archiveDepth: opts.archiveDepth + 1 });
        result.findings.push(...r.findings);
        result.skipped.push(...r.skipped);
        result.warnings.push(...r.warnings);
      }
    }
  } catch (e) {
    const reason = e instanceof TokenWardenError ? e.message : `corrupt ${kind} archive: ${describe(e)}`;
    result.skipped.push({ file, reason });
  }
  return result;
}
