import type { CompiledRules } from '../engine/compile.js';
import { scanBytes, scanText } from '../engine/scan-text.js';
import type { RawFinding, SkippedInput } from '../types.js';
import { scanArchive } from './archive.js';
import { scanNotebook } from './notebook.js';
import { archiveKind, sniffBinary, unopenedCompression } from './sniff.js';

/** What scanning one file or archive entry produced. */
export interface ContentResult {
  findings: RawFinding[];
  skipped: SkippedInput[];
  warnings: string[];
}

/** Options for scanning in-memory content. */
export interface ContentOptions {
  /** Archive nesting depth: archives are opened at depth 0 and 1 (nested one level). */
  archiveDepth: number;
  /** Largest archive entry kept in memory. */
  maxEntryBytes: number;
}

/**
 * Scans one in-memory file: opens archives (zip, tar, tar.gz, one nested level), parses
 * notebooks cell by cell, skips binaries and compressed formats it cannot open (bzip2, xz) by
 * content with the reason, and scans text. `latin1` returns the Latin-1
 * string of exactly these bytes when the caller has it cheaper (see {@link scanBytes}).
 *
 * @example
 * ```ts
 * scanContent(bytes, 'bundle.zip', compiled, { archiveDepth: 0, maxEntryBytes: 64 << 20 });
 * ```
 */
export function scanContent(
  bytes: Uint8Array,
  file: string,
  compiled: CompiledRules,
  opts: ContentOptions,
  latin1?: () => string,
): ContentResult {
  const kind = archiveKind(bytes.subarray(0, 512));
  if (kind) {
    if (opts.archiveDepth > 1)
      return { findings: [], skipped: [{ file, reason: 'archive nested more than one level deep' }], warnings: [] };
    return scanArchive(bytes, kind, file, compiled, opts);
  }
  const binary = unopenedCompression(bytes) ?? sniffBinary(bytes);
  if (binary) return { findings: [], skipped: [{ file, reason: binary }], warnings: [] };
  if (/\.ipynb$/i.test(file)) {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    const nb = scanNotebook(text, compiled, file);
    if (nb) return { ...nb, skipped: [] };
    const { findings, warnings } = scanText(text, compiled, { file });
    return { findings, skipped: [], warnings };
  }
  const { findings, warnings } = scanBytes(bytes, compiled, { file }, latin1);
  return { findings, skipped: [], warnings };
}
