import { TokenWardenError } from '@tokenwarden/core/formats';

/** One regular file inside a tar stream. `data` is undefined when the entry was too large to keep. */
export interface TarEntry {
  name: string;
  size: number;
  data: Uint8Array | undefined;
}

const BLOCK = 512;

function readString(b: Uint8Array, start: number, length: number): string {
  const slice = b.subarray(start, start + length);
  const nul = slice.indexOf(0);
  return Buffer.from(nul === -1 ? slice : slice.subarray(0, nul)).toString('utf8');
}

function readOctal(b: Uint8Array, start: number, length: number, what: string): number {
  // GNU base-256 for sizes over 8 GB: high bit of the first byte set.
  if (((b[start] as number) & 0x80) !== 0) {
    let n = 0;
    for (let i = start + 1; i < start + length; i++) n = n * 256 + (b[i] as number);
    return n;
  }
  const text = readString(b, start, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new TokenWardenError('TW_SCAN_ARCHIVE_CORRUPT', `tar header ${what} is not octal`);
  return Number.parseInt(text, 8);
}

function checksumOk(h: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (h[i] as number);
  return sum === readOctal(h, 148, 8, 'checksum');
}

function paxPath(data: Uint8Array): string | undefined {
  const text = Buffer.from(data).toString('utf8');
  const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(text);
  return m?.[1];
}

/**
 * A push-style streaming tar reader (ustar, GNU long names, pax `path`): feed it chunks, it
 * calls `onEntry` for each regular file. Memory is bounded by `maxEntryBytes`: larger entries are
 * reported with `data: undefined` and their bytes are skipped, not buffered. A corrupt header
 * (bad checksum, non-octal size) throws `TW_SCAN_ARCHIVE_CORRUPT` naming the offset.
 *
 * @example
 * ```ts
 * const tar = new TarReader((e) => console.log(e.name), 64 << 20);
 * tar.push(chunk); tar.end();
 * ```
 */
export class TarReader {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private offset = 0;
  private state: 'header' | 'data' | 'done' = 'header';
  private entry:
    | { name: string; type: string; size: number; remaining: number; padding: number; chunks: Uint8Array[] | undefined }
    | undefined;
  private nextName: string | undefined;
  private zeroBlocks = 0;

  constructor(
    private readonly onEntry: (entry: TarEntry) => void,
    private readonly maxEntryBytes: number,
  ) {}

  /** True once the end-of-archive marker (two zero blocks) was read: later bytes are ignored. */
  get done(): boolean {
    return this.state === 'done';
  }

  /** Feeds the next bytes of the tar stream. */
  push(chunk: Uint8Array): void {
    if (this.state === 'done') return;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    this.drain();
  }

  /** Signals the end of the stream; throws when it ends inside an entry. */
  end(): void {
    if (this.state === 'data') {
      throw new TokenWardenError('TW_SCAN_ARCHIVE_CORRUPT', `tar stream truncated inside an entry at byte ${this.offset}`);
    }
  }

  private take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const head = this.pending[0] as Uint8Array;
      const use = Math.min(head.length, n - filled);
      out.set(head.subarray(0, use), filled);
      filled += use;
      if (use === head.length) this.pending.shift();
      else this.pending[0] = head.subarray(use);
    }
    this.pendingBytes -= n;
    this.offset += n;
    return out;
  }

  private drain(): void {
    while (this.state !== 'done') {
      if (this.state === 'header') {
        if (this.pendingBytes < BLOCK) return;
        this.readHeader(this.take(BLOCK));
      } else {
        const e = this.entry as NonNullable<TarReader['entry']>;
        if (e.remaining > 0) {
          if (this.pendingBytes === 0) return;
          const n = Math.min(e.remaining, this.pendingBytes);
          const data = this.take(n);
          if (e.chunks) e.chunks.push(data);
          e.remaining -= n;
          if (e.remaining > 0) return;
        }
        if (this.pendingBytes < e.padding) return;
        this.take(e.padding);
        this.finishEntry(e);
        this.state = 'header';
      }
    }
  }

  private readHeader(h: Uint8Array): void {
    if (h.every((b) => b === 0)) {
      if (++this.zeroBlocks >= 2) this.state = 'done';
      return;
    }
    this.zeroBlocks = 0;
    if (!checksumOk(h)) {
      throw new TokenWardenError('TW_SCAN_ARCHIVE_CORRUPT', `tar header checksum mismatch at byte ${this.offset - BLOCK}`);
    }
    const type = String.fromCharCode(h[156] as number);
    const size = readOctal(h, 124, 12, 'size');
    const prefix = readString(h, 345, 155);
    const base = readString(h, 0, 100);
    const name = this.nextName ?? (prefix && readString(h, 257, 6) === 'ustar' ? `${prefix}/${base}` : base);
    this.nextName = undefined;
    const keep = type === 'L' || type === 'x' || ((type === '0' || type === '\0' || type === '7') && size <= this.maxEntryBytes);
    this.entry = { name, type, size, remaining: size, padding: (BLOCK - (size % BLOCK)) % BLOCK, chunks: keep ? [] : undefined };
    this.state = 'data';
  }

  private finishEntry(e: NonNullable<TarReader['entry']>): void {
    const data = e.chunks ? Buffer.concat(e.chunks) : undefined;
    if (e.type === 'L' && data) this.nextName = readString(data, 0, data.length);
    else if (e.type === 'x' && data) this.nextName = paxPath(data);
    else if (e.type === '0' || e.type === '\0' || e.type === '7') this.onEntry({ name: e.name, size: e.size, data });
    this.entry = undefined;
  }
}
