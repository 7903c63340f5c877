import { closeSync, openSync, readSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import type { CompiledRules } from '../engine/compile.js';
import { scanText } from '../engine/scan-text.js';
import type { RawFinding } from '../types.js';
import { type ContentResult, scanContent } from './scan-content.js';
import { archiveKind, SNIFF_BYTES, sniffBinary, unopenedCompression } from './sniff.js';
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
let arena = Buffer.allocUnsafe(2 << 20);

/**
 * Reads the whole file into the thread's read buffer from offset `at` (the bytes before it are
 * kept, the buffer grows as needed) and returns the end offset. The bytes are valid until the
 * next call that starts before that end; get them with {@link readBuffer}.
 *
 * @example
 * ```ts
 * const end = readIntoBuffer('a.ts', 120, 0);
 * const bytes = readBuffer().subarray(0, end);
 * ```
 */
export function readIntoBuffer(path: string, expected: number, at: number): number {
  const fd = openSync(path, 'r');
  try {
    let end = at;
    for (;;) {
      // One byte of room past the expected size tells a file that grew since the walk.
      if (arena.length < Math.max(at + expected, end) + 1) {
        const grown = Buffer.allocUnsafe(Math.max(arena.length * 2, at + expected + 1));
        arena.copy(grown, 0, 0, end);
        arena = grown;
      }
      const n = readSync(fd, arena, end, arena.length - end, null);
      if (n === 0) return end;
      end += n;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * The thread's read buffer (replaced when it grows: fetch it after the reads).
 *
 * @example
 * ```ts
 * readBuffer().subarray(0, readIntoBuffer('a.ts', 120, 0));
 * ```
 */
export function readBuffer(): Buffer {
  return arena;
}

/**
 * The result for a file that could not be read or scanned: reported and skipped.
 *
 * @example
 * ```ts
 * unreadable(task, new Error('EACCES: permission denied')).skipped[0].reason;
 * ```
 */
export function unreadable(task: FileTask, e: unknown): ContentResult {
  return { findings: [], skipped: [{ file: task.display, reason: `unreadable (${describe(e)})` }], warnings: [] };
}

/**
 * Adds the unsafe-storage reasons of the file (mode, log, shell history, credential file) to
 * its findings, with a raised severity when any applies.
 *
 * @example
 * ```ts
 * withStorageReasons(task, scanContent(bytes, task.display, compiled, opts));
 * ```
 */
export function withStorageReasons(task: FileTask, result: ContentResult): ContentResult {
  const reasons = unsafeStorageReasons(task.path, task.mode);
  if (reasons.length > 0) result.findings = result.findings.map((f) => withReasons(f, reasons));
  return result;
}

async function scanLargeText(task: FileTask, compiled: CompiledRules, limits: FileScanLimits): Promise<ContentResult> {
  const handle = await open(task.path, 'r');
  const result: ContentResult = { findings: [], skipped: [], warnings: [] };
  const seen = new Set<string>();
  const decoder = new TextDecoder('utf-8');
  const buffer = Buffer.allocUnsafe(limits.chunkBytes);
  let carry = '';
  let carryLine = 0; // lines before the start of `carry`
  let carryColumn = 0; // characters of its first line before the start of `carry` (a minified line cut mid-way)
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      const last = bytesRead === 0;
      const text = carry + decoder.decode(buffer.subarray(0, bytesRead), { stream: !last });
      if (text.length === 0) break;
      const { findings, warnings } = scanText(text, compiled, { file: task.display });
      result.warnings.push(...warnings);
      // The tail (from a line start when there is one) is scanned again with the next chunk: a match starting in it
      // is left to that round, which sees it whole (here a token cut by the chunk's end was a shorter, other secret).
      let cut = text.length;
      let linesBeforeCut = 0;
      let cutColumn = 0;
      if (!last) {
        cut = Math.max(0, text.length - limits.overlapChars);
        const nl = text.indexOf('\n', cut);
        if (nl !== -1 && nl < text.length - 1) cut = nl + 1;
        let cutLineStart = 0;
        for (let i = text.indexOf('\n'); i !== -1 && i < cut; i = text.indexOf('\n', i + 1)) {
          linesBeforeCut++;
          cutLineStart = i + 1;
        }
        cutColumn = cut - cutLineStart + 1;
      }
      for (const f of findings) {
        if (!last && (f.line > linesBeforeCut + 1 || (f.line === linesBeforeCut + 1 && f.column >= cutColumn))) continue;
        const line = f.line + carryLine;
        const column = f.line === 1 ? f.column + carryColumn : f.column;
        const key = `${f.rule}:${line}:${column}:${f.secret}`;
        if (seen.has(key)) continue;
        seen.add(key);
        result.findings.push({ ...f, line, column });
      }
      if (last) break;
      carryLine += linesBeforeCut;
      carryColumn = linesBeforeCut === 0 ? carryColumn + cut : cutColumn - 1;
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
      let head = Buffer.alloc(SNIFF_BYTES);
      try {
        // Only what was read: the zeros after a short read (a file that shrank, a small chunk size) are no NUL bytes.
        head = head.subarray(0, (await handle.read(head, 0, SNIFF_BYTES, 0)).bytesRead);
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
        const binary = unopenedCompression(head) ?? sniffBinary(head);
        if (binary) return { findings: [], skipped: [{ file: task.display, reason: binary }], warnings: [] };
        result = await scanLargeText(task, compiled, limits);
      }
    } else {
      // One synchronous read: the scan is CPU-bound in this thread anyway, and the promise
      // readFile's open/fstat/read/close round trips through the libuv pool left the thread idle
      // ~20% of a scan on the bench tree. Only files up to `chunkBytes` take this path.
      const end = readIntoBuffer(task.path, task.size, 0);
      result = scanContent(readBuffer().subarray(0, end), task.display, compiled, {
        archiveDepth: 0,
        maxEntryBytes: limits.maxArchiveBytes,
      });
    }
  } catch (e) {
    return unreadable(task, e);
  }
  return withStorageReasons(task, result);
}

function withReasons(f: RawFinding, reasons: string[]): RawFinding {
  return { ...f, reason: reasons.join('; '), severity: raiseSeverity(f.severity) };
}
