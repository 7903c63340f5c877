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
