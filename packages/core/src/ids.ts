import { createHash, randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
let lastTime = -1;
let lastRandom: Uint8Array = new Uint8Array(10);

/**
 * A ULID: 48-bit millisecond time + 80 random bits, Crockford base32, 26 characters.
 * Sorts by creation time, and is monotonic within one process and millisecond, which keeps
 * B-tree inserts cheap and ids portable across SQLite and PostgreSQL as plain text keys.
 *
 * @example
 * ```ts
 * ulid(); // "01JD3Z2K8Q4W5E6R7T8Y9U0I1O"
 * ```
 */
export function ulid(now: number = Date.now()): string {
  let random: Uint8Array;
  if (now === lastTime) {
    random = lastRandom.slice();
    for (let i = random.length - 1; i >= 0; i--) {
      random[i] = ((random[i] as number) + 1) & 0xff;
      if (random[i] !== 0) break;
    }
  } else {
    random = randomBytes(10);
  }
  lastTime = now;
  lastRandom = random;
  return encodeUlid(now, random);
}

/**
 * A ULID whose 80 "random" bits are the first 10 bytes of a SHA-256 of `parts`: the same time and
 * parts always give the same id, so a record derived from its input (an alert raised by one event)
 * keeps its id when the input is processed again, and a store's insert-if-absent drops the repeat.
 *
 * @example
 * ```ts
 * derivedUlid(Date.parse('2026-11-02T10:00:00Z'), ['AKIA…', 'new_place', 'evt_1']); // the same on every run
 * ```
 */
export function derivedUlid(time: number, parts: readonly string[]): string {
  const digest = createHash('sha256').update(parts.join('\0')).digest();
  return encodeUlid(time, digest.subarray(0, 10));
}

function encodeUlid(now: number, random: Uint8Array): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let bits = 0;
  let value = 0;
  let rand = '';
  for (const byte of random) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      rand += CROCKFORD[(value >>> (bits - 5)) & 31];
      bits -= 5;
      value &= (1 << bits) - 1;
    }
  }
  return time + rand;
}

/**
 * A prefixed id such as `cred_01JD...`, so an id says what it names wherever it shows up.
 *
 * @example
 * ```ts
 * newId('inc'); // "inc_01JD3Z..."
 * ```
 */
export function newId(prefix: string): string {
  return `${prefix}_${ulid()}`;
}

/** Milliseconds encoded in a ULID (or in the ULID part of a prefixed id). */
export function ulidTime(id: string): number {
  const u = id.includes('_') ? id.slice(id.lastIndexOf('_') + 1) : id;
  let t = 0;
  for (let i = 0; i < 10; i++) t = t * 32 + CROCKFORD.indexOf(u[i] ?? '0');
  return t;
}
