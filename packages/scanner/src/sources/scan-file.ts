import { closeSync, openSync, readSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import type { CompiledRules } from '../engine/compile.js';
import { scanText } from '../engine/scan-text.js';
import type { RawFinding } from '../types.js';
import { type ContentResult, scanContent } from './scan-content.js';
import { archiveKind, SNIFF_BYTES, sniffBinary } from './sniff.js';
import { raiseSeverity, unsafeStorageReasons } from './unsafe-storage.js';

/** A file to scan, as the walker found it. */
export interface FileTask {
  /** Path to open. */
  path: string;
  /** Path to report. */
  display: string;
  size: number;
  mode: number | undefined;
}

/** Limits for file scanning. */
export interface FileScanLimits {
  /** Files larger than this are streamed in chunks instead of read whole. */
  chunkBytes: number;
  /** Characters of the previous chunk rescanned with the next one (tokens cut by a chunk end). */
  overlapChars: number;
  /** Largest archive (read whole) and archive entry kept in memory. */
  maxArchiveBytes: number;
}

/** Defaults: 8 MB chunks with a 16 KB overlap, archives up to 256 MB. */
export const DEFAULT_LIMITS: FileScanLimits = { chunkBytes: 8 << 20, overlapChars: 16 << 10, maxArchiveBytes: 256 << 20 };

function describe(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code}: ${err.message.replace(/^[A-Z]+: /, '').split(',')[0]}` : String(err.message ?? e);
}

// One read buffer per thread, reused for every file read whole: a fresh buffer per file (what
// readFileSync allocates) cost page faults and garbage collection on the bench tree. Nothing
// keeps the bytes after `scanContent` returns: findings hold strings, archive entries are copies.
let scratch = Buffer.allocUnsafe(1 << 20);

/** The whole file in the thread's read buffer, valid until the next call. */
function readWhole(path: string, expected: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    let length = 0;
    for (;;) {
      // One byte of room past the expected size tells a file that grew since the walk.
      if (scratch.length < Math.max(expected, length) + 1) {
        const grown = Buffer.allocUnsafe(Math.max(scratch.length * 2, expected + 1));
        scratch.copy(grown, 0, 0, length);
        scratch = grown;
      }
      const n = readSync(fd, scratch, length, scratch.length - length, null);
      if (n === 0) return scratch.subarray(0, length);
      length += n;
    }
  } finally {
    closeSync(fd);
  }
}

async function scanLargeText(task: FileTask, compiled: CompiledRules, limits: FileScanLimits): Promise<ContentResult> {
  const handle = await open(task.path, 'r');
  const result: ContentResult = { findings: [], skipped: [], warnings: [] };
  const seen = new Set<string>();
  const decoder = new TextDecoder('utf-8');
  const buffer = Buffer.allocUnsafe(limits.chunkBytes);
  let carry = '';
  let carryLine = 0; // lines before the start of `carry`
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      const last = bytesRead === 0;
      const text = carry + decoder.decode(buffer.subarray(0, bytesRead), { stream: !last });
      if (text.length === 0) break;
      const { findings, warnings } = scanText(text, compiled, { file: task.display });
      result.warnings.push(...warnings);
      for (const f of findings) {
        const line = f.line + carryLine;
        const key = `${f.rule}:${line}:${f.column}:${f.secret}`;
        if (seen.has(key)) continue;
        seen.add(key);
        result.findings.push({ ...f, line });
      }
      if (last) break;
      // Keep the tail (from a line start when there is one) for the next round.
      let cut = Math.max(0, text.length - limits.overlapChars);
      const nl = text.indexOf('\n', cut);
      if (nl !== -1 && nl < text.length - 1) cut = nl + 1;
      for (let i = text.indexOf('\n'); i !== -1 && i < cut; i = text.indexOf('\n', i + 1)) carryLine++;
      carry = text.slice(cut);
      if (seen.size > 100_000) seen.clear();
    }
  } finally {
    await handle.close();
  }
  return result;
}

/**
 * Scans one file from disk: small files are read whole (archives, notebooks, binaries detected
 * by content), large text files are streamed in overlapping chunks so memory stays bounded and a
 * minified multi-megabyte line is still scanned. Findings get the unsafe-storage reasons of the
 * file (mode, log, shell history, credential file) and a raised severity when any applies.
 * Unreadable files are returned as skipped, never thrown.
 *
 * @example
 * ```ts
 * const r = await scanFile({ path: 'a.env', display: 'a.env', size: 10, mode: 0o644 }, compiled);
 * ```
 */
export async function scanFile(task: FileTask, compiled: CompiledRules, limits: FileScanLimits = DEFAULT_LIMITS): Promise<ContentResult> {
  let result: ContentResult;
  try {
    if (task.size > limits.chunkBytes) {
      const handle = await open(task.path, 'r');
      const head = Buffer.alloc(SNIFF_BYTES);
      try {
        await handle.read(head, 0, SNIFF_BYTES, 0);
      } finally {
        await handle.close();
      }
      const kind = archiveKind(head);
      if (kind && task.size > limits.maxArchiveBytes) {
        return {
          findings: [],
          skipped: [{ file: task.display, reason: `archive larger than ${limits.maxArchiveBytes} bytes` }],
          warnings: [],
        };
      }
      if (kind) {
        result = scanContent(await readFile(task.path), task.display, compiled, { archiveDepth: 0, maxEntryBytes: limits.maxArchiveBytes });
      } else {
        const binary = sniffBinary(head);
        if (binary) return { findings: [], skipped: [{ file: task.display, reason: binary }], warnings: [] };
        result = await scanLargeText(task, compiled, limits);
      }
    } else {
      // One synchronous read: the scan is CPU-bound in this thread anyway, and the promise
      // readFile's open/fstat/read/close round trips through the libuv pool left the thread idle
      // ~20% of a scan on the bench tree. Only files up to `chunkBytes` take this path.
      const bytes = readWhole(task.path, task.size);
      result = scanContent(bytes, task.display, compiled, { archiveDepth: 0, maxEntryBytes: limits.maxArchiveBytes });
    }
  } catch (e) {
    return { findings: [], skipped: [{ file: task.display, reason: `unreadable (${describe(e)})` }], warnings: [] };
  }
  const reasons = unsafeStorageReasons(task.path, task.mode);
  if (reasons.length > 0) result.findings = result.findings.map((f) => withReasons(f, reasons));
  return result;
}

function withReasons(f: RawFinding, reasons: string[]): RawFinding {
  return { ...f, reason: reasons.join('; '), severity: raiseSeverity(f.severity) };
}
