import { isAscii } from 'node:buffer';

/** Bytes sniffed at the start of a file to tell text from binary. */
export const SNIFF_BYTES = 8192;

/**
 * Decides from its first bytes whether content is binary: any NUL byte, or more than 10% of
 * the sample failing UTF-8 decoding. Extensions are not trusted (a `.txt` can be a binary).
 *
 * @example
 * ```ts
 * sniffBinary(Buffer.from([0x50, 0x4b, 0x00])); // "contains NUL bytes"
 * sniffBinary(Buffer.from('hello')); // undefined
 * ```
 */
export function sniffBinary(sample: Uint8Array): string | undefined {
  const head = sample.subarray(0, SNIFF_BYTES);
  if (head.includes(0)) return 'binary (contains NUL bytes)';
  // Pure ASCII (checked natively) is valid UTF-8: no need to decode the sample.
  if (isAscii(head)) return undefined;
  // A cut multi-byte character at the end of the sample is not an error.
  const text = new TextDecoder('utf-8').decode(head.subarray(0, Math.max(0, head.length - 3)));
  let bad = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0xfffd) bad++;
  if (text.length > 0 && bad / text.length > 0.1) return 'binary (invalid UTF-8)';
  return undefined;
}

// Compressed formats Node has no decoder for (no zlib support for bzip2, xz, zstd on Node 20,
// and no small pure-JS decoder among our pinned dependencies): their bytes are not text, and
// judging them as "binary" would hide that a secret inside was never looked at.
const UNOPENED: readonly { magic: readonly number[]; name: string }[] = [
  // "BZh" + block size 1-9 is checked below with the first block's (or end-of-stream) magic.
  { magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], name: 'xz' },
  { magic: [0x28, 0xb5, 0x2f, 0xfd], name: 'zstd' },
  { magic: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], name: '7z' },
];

function startsWith(head: Uint8Array, magic: readonly number[], at = 0): boolean {
  if (head.length < at + magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (head[at + i] !== magic[i]) return false;
  return true;
}

// After "BZh1".."BZh9": the pi digits that open a block, or the sqrt(pi) ones of an empty stream.
const BZIP2_BLOCK = [0x31, 0x41, 0x59, 0x26, 0x53, 0x59];
const BZIP2_END = [0x17, 0x72, 0x45, 0x38, 0x50, 0x90];

/**
 * Names the compressed format of content the scanner cannot open (bzip2, xz, zstd, 7z: so
 * `.tar.bz2`, `.tbz2`, `.tar.xz`, `.txz`, `.tar.zst`), told by magic bytes, not by the file name;
 * `undefined` for anything else. The caller reports such a file as skipped with this reason.
 *
 * @example
 * ```ts
 * unopenedCompression(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])); // "xz-compressed: ..."
 * unopenedCompression(Buffer.from('hello')); // undefined
 * ```
 */
export function unopenedCompression(head: Uint8Array): string | undefined {
  // One compare for almost every file: none of the magics starts with this byte.
  const first = head[0];
  if (first !== 0x42 && first !== 0xfd && first !== 0x28 && first !== 0x37) return undefined;
  let name: string | undefined;
  if (head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68 && (head[3] ?? 0) >= 0x31 && (head[3] ?? 0) <= 0x39) {
    if (startsWith(head, BZIP2_BLOCK, 4) || startsWith(head, BZIP2_END, 4)) name = 'bzip2';
  } else name = UNOPENED.find((u) => startsWith(head, u.magic))?.name;
  return name && `${name}-compressed: not opened (no ${name} decoder), its contents were not scanned`;
}

/** Archive kinds the scanner opens. */
export type ArchiveKind = 'zip' | 'tar' | 'gzip';

/**
 * Detects an archive by magic bytes (and `.tar` by its ustar header).
 *
 * @example
 * ```ts
 * archiveKind(Buffer.from('PK\x03\x04')); // "zip"
 * ```
 */
export function archiveKind(head: Uint8Array): ArchiveKind | undefined {
  if (head[0] === 0x50 && head[1] === 0x4b && (head[2] === 0x03 || head[2] === 0x05) && (head[3] === 0x04 || head[3] === 0x06))
    return 'zip';
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (looksLikeTarHeader(head)) return 'tar';
  return undefined;
}

// "ustar" at 257, then NUL (POSIX) or a space (GNU "ustar  "), and a checksum field of octal digits
// padded with spaces or NULs: source code that merely mentions 'ustar' at that offset (a tar
// library's own headers.js does) is text, not an archive.
// Compared byte by byte: a copy of the five bytes per file (Buffer.from) showed in the profiles.
const USTAR = [0x75, 0x73, 0x74, 0x61, 0x72];

function looksLikeTarHeader(head: Uint8Array): boolean {
  if (head.length < 263) return false;
  for (let i = 0; i < USTAR.length; i++) if (head[257 + i] !== USTAR[i]) return false;
  if (head[262] !== 0x00 && head[262] !== 0x20) return false;
  for (let i = 148; i < 156; i++) {
    const c = head[i] as number;
    if (!(c === 0x00 || c === 0x20 || (c >= 0x30 && c <= 0x37))) return false;
  }
  return true;
}
