import { randomBytes } from 'node:crypto';

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
