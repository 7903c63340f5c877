import { closeSync, createReadStream, type Dirent, openSync, readSync } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { TokenWardenError } from '@tokenwarden/core';

/** One input to read: a file, or stdin (`-`). */
export interface InputSource {
  /** Path as given (or found under a given directory); `-` for stdin. */
  name: string;
  /** Size in bytes when known (files), for progress. */
  size?: number;
}

/** A PATH that could not be read, with the reason. */
export interface UnreadableInput {
  path: string;
  error: TokenWardenError;
}

function unreadable(path: string, e: unknown): TokenWardenError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === 'ENOENT'
      ? 'no such file or directory'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'is a directory'
          : e instanceof Error
            ? e.message
            : String(e);
  return new TokenWardenError('TW_INPUT_UNREADABLE', `cannot read ${path}: ${why}`, {
    hint: 'check the path and its permissions',
    data: { path, ...(code ? { errno: code } : {}) },
  });
}

/**
 * Expands the PATH arguments into inputs: files as given, directories recursed (entries
 * sorted, hidden entries skipped, each real directory visited once), `-` for stdin. No PATH
 * means stdin. Paths that cannot be read are returned separately so the rest still runs.
 *
 * @example
 * ```ts
 * const { sources, unreadable } = await expandInputs(['logs/', 'extra.json.gz']);
 * ```
 */
export async function expandInputs(paths: readonly string[]): Promise<{ sources: InputSource[]; unreadable: UnreadableInput[] }> {
  const sources: InputSource[] = [];
  const bad: UnreadableInput[] = [];
  const seenDirs = new Set<string>();
  const visit = async (path: string, explicit: boolean): Promise<void> => {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch (e) {
      bad.push({ path, error: unreadable(path, e) });
      return;
    }
    if (info.isDirectory()) {
      let entries: Dirent[];
      try {
        const real = await realpath(path);
        if (seenDirs.has(real)) return;
        seenDirs.add(real);
        entries = await readdir(path, { withFileTypes: true });
      } catch (e) {
        bad.push({ path, error: unreadable(path, e) });
        return;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) if (!entry.name.startsWith('.')) await visit(join(path, entry.name), false);
      return;
    }
    if (info.isFile() || explicit) sources.push({ name: path, size: info.isFile() ? info.size : undefined });
  };
  if (paths.length === 0) return { sources: [{ name: '-' }], unreadable: [] };
  for (const p of paths) {
    if (p === '-') sources.push({ name: '-' });
    else await visit(p, true);
  }
  return { sources, unreadable: bad };
}

/** Options of {@link openText}. */
export interface OpenTextOptions {
  /** Stream used for `-` (default process.stdin). */
  stdin?: Readable;
  /** Called with the number of raw (possibly compressed) bytes read, for progress. */
  onBytes?: (bytes: number) => void;
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/**
 * Opens an input as a stream of decoded UTF-8 text, gunzipping it when it starts with the gzip
 * magic bytes (whatever its name). Failing to open or read the first bytes throws
 * `TW_INPUT_UNREADABLE`; a later read or gzip error (corrupt or truncated `.gz`) surfaces from
 * the iteration, after everything decoded before it.
 *
 * @example
 * ```ts
 * for await (const text of await openText({ name: 'trail.json.gz' })) process(text);
 * ```
 */
export async function openText(source: InputSource, options: OpenTextOptions = {}): Promise<AsyncIterable<string>> {
  // A regular file (its size known from expandInputs) is read synchronously; stdin, pipes and devices as streams.
  if (source.name !== '-' && source.size !== undefined) return openFileText(source.name, options);
  const raw: Readable =
    source.name === '-' ? (options.stdin ?? process.stdin) : createReadStream(source.name, { highWaterMark: DECODE_CHUNK_BYTES });
  const it = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  let first: IteratorResult<Buffer | string>;
  try {
    first = await it.next();
  } catch (e) {
    raw.destroy();
    throw unreadable(source.name, e);
  }
  if (first.done) return (async function* () {})();
  const firstBuf = typeof first.value === 'string' ? Buffer.from(first.value) : first.value;
  const onBytes = options.onBytes;
  async function* bytes(): AsyncGenerator<Buffer> {
    try {
      onBytes?.(firstBuf.length);
      yield firstBuf;
      for (;;) {
        const n = await it.next();
        if (n.done) return;
        const buf = typeof n.value === 'string' ? Buffer.from(n.value) : n.value;
        onBytes?.(buf.length);
        yield buf;
      }
    } finally {
      // A consumer that stops early (a file of unknown format) must not leak the descriptor.
      if (raw !== process.stdin) raw.destroy();
    }
  }
  return decodeText(firstBuf, bytes());
}

/** Chunks read from a file between two turns of the event loop (4 MiB): timers, signals and stdout get their turn. */
const CHUNKS_PER_TURN = 64;

/**
 * A file read with synchronous 64 KiB reads into fresh buffers: a read from the page cache takes microseconds,
 * while a stream's read goes through the thread pool, a callback and the stream's buffering for every chunk.
 * The event loop still turns every {@link CHUNKS_PER_TURN} chunks, and whenever the consumer waits (stdout
 * backpressure). The descriptor is closed however the consumer stops.
 */
function openFileText(path: string, options: OpenTextOptions): AsyncIterable<string> {
  let fd: number;
  let first: Buffer;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw unreadable(path, e);
  }
  try {
    first = readChunk(fd);
  } catch (e) {
    closeSync(fd);
    throw unreadable(path, e);
  }
  const onBytes = options.onBytes;
  async function* bytes(): AsyncGenerator<Buffer> {
    try {
      let buf = first;
      for (let n = 1; buf.length > 0; n++) {
        onBytes?.(buf.length);
        yield buf;
        if (n % CHUNKS_PER_TURN === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        buf = readChunk(fd);
      }
    } finally {
      closeSync(fd);
    }
  }
  if (first.length === 0) {
    closeSync(fd);
    return (async function* () {})();
  }
  return decodeText(first, bytes());
}

function readChunk(fd: number): Buffer {
  // A fresh buffer per chunk: the decoder and gunzip may still hold the previous one.
  const buf = Buffer.allocUnsafe(DECODE_CHUNK_BYTES);
  const n = readSync(fd, buf, 0, DECODE_CHUNK_BYTES, null);
  return n === DECODE_CHUNK_BYTES ? buf : buf.subarray(0, n);
}

/** Text of a byte stream, gunzipped when its first bytes are the gzip magic. */
function decodeText(firstBuf: Buffer, bytes: AsyncIterable<Buffer>): AsyncIterable<string> {
  const gz = firstBuf.length >= 2 && firstBuf[0] === GZIP_MAGIC_0 && firstBuf[1] === GZIP_MAGIC_1;
  return decode(gz ? gunzip(bytes) : bytes);
}

async function* gunzip(input: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const inflater = createGunzip();
  const feeding = pipeline(Readable.from(input), inflater).catch(() => {
    // The same error is raised by iterating the inflater below.
  });
  try {
    for await (const chunk of inflater) yield chunk as Buffer;
  } finally {
    inflater.destroy();
    await feeding;
  }
}

/**
 * Largest piece of input decoded into one string. V8 puts a string over 128 KiB in its large-object
 * space, and making one there costs about 70 times as much per character as making one of 64 KiB in the
 * young generation (measured on Node 20: 70 MB decoded as 256 KiB strings took 600 ms, as 64 KiB strings
 * 8 ms). 64 KiB bytes decode to at most 64 Ki characters, so every chunk string stays a small one.
 */
const DECODE_CHUNK_BYTES = 1 << 16;

async function* decode(input: AsyncIterable<Buffer>): AsyncGenerator<string> {
  // StringDecoder (what readline uses) is several times faster than a streaming TextDecoder in
  // Node 20; like TextDecoder it keeps split multi-byte characters and replaces invalid bytes
  // with U+FFFD. TextDecoder also dropped a leading byte-order mark, so that is done here.
  const decoder = new StringDecoder('utf8');
  let first = true;
  for await (const buffer of input) {
    // A larger buffer (stdin, gunzip) is decoded in pieces; the decoder carries a character split between them.
    for (let at = 0; at < buffer.length; at += DECODE_CHUNK_BYTES) {
      const chunk = at === 0 && buffer.length <= DECODE_CHUNK_BYTES ? buffer : buffer.subarray(at, at + DECODE_CHUNK_BYTES);
      let text = decoder.write(chunk);
      if (first && text.length > 0) {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      if (text.length > 0) yield text;
    }
  }
  let tail = decoder.end();
  if (first && tail.charCodeAt(0) === 0xfeff) tail = tail.slice(1);
  if (tail.length > 0) yield tail;
}
