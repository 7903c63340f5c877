import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import type { VerifyKey } from './signature-thread.js';

// Shared memory between the event loop and the verifying thread, in one SharedArrayBuffer:
//   control   Int32 x 8: HEAD (jobs published), DONE (jobs answered), SLEEPING (the thread waits on
//             HEAD), KEYGEN (key messages posted), STOP
//   table     Int32 x 8 per slot: key id, offset of the signed bytes in the data area, their length,
//             the signature's length (the signature follows the signed bytes), claim (PUBLISHED, then
//             TAKEN by the thread or STOLEN by the event loop, by compare-and-swap), answer (VALID,
//             INVALID, or 0: the thread does not know the key)
//   data      the signed bytes and signatures, written once by the event loop where a job asks for them
// Counters are sequence numbers that wrap at 2^32 (compared for equality only); a job's slot is its
// sequence number modulo SLOTS. Why not postMessage: structured-cloning two Buffers per job, a message
// event on each side and a wake-up per batch cost ~20-35 µs of CPU per proof on the 2-core bench host,
// more than the thread saved (see SignatureThread).
const HEAD = 0;
const DONE = 1;
const SLEEPING = 2;
const KEYGEN = 3;
const STOP = 4;
const CONTROL_BYTES = 32;
const STRIDE = 8;
const PUBLISHED = 1;
const TAKEN = 2;
const STOLEN = 3;
/** Jobs that may be waiting on the thread at once (a power of two). */
export const SLOTS = 256;
const AREA_BYTES = 256 * 1024;

// Atomics.waitAsync (ES2024, in Node since 16) is not in the project's TypeScript lib.
type WaitAsync = (a: Int32Array, index: number, value: number) => { async: false; value: string } | { async: true; value: Promise<string> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;
/** A job's answer: the signature verified. */
export const VALID = 2;
/** A job's answer: the signature did not verify (or the input was unusable). */
export const INVALID = 1;

// The thread: blocks in Atomics.wait until HEAD moves, takes new keys from its port when KEYGEN
// moved, verifies every published job in order, publishes DONE after each and wakes the event loop
// (Atomics.waitAsync there) when it has caught up. Ed25519 keys verify with libsodium when the event
// loop's does (workerData.sodium names the module). A key it does not have leaves the job
// UNANSWERED (0): the event loop verifies it itself.
const WORKER_SOURCE = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
let sodium = null;
try { if (workerData.sodium) sodium = require(workerData.sodium); } catch {}
const { sab, slots, port, control, areaBytes } = workerData;
const ctrl = new Int32Array(sab, 0, 8);
const table = new Int32Array(sab, control, slots * ${STRIDE});
const area = Buffer.from(sab, control + slots * ${STRIDE * 4}, areaBytes);
const keys = new Map();
let keygen = 0;
function takeKeys() {
  keygen = Atomics.load(ctrl, ${KEYGEN});
  for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
    const k = m.message;
    keys.delete(k.id);
    if (k.type !== 'key') continue;
    try {
      const key = createPublicKey({ key: Buffer.from(k.der), format: 'der', type: 'spki' });
      const options = k.dsaEncoding || k.padding !== undefined ? { key, dsaEncoding: k.dsaEncoding, padding: k.padding, saltLength: k.saltLength } : key;
      const raw = sodium && k.digest === null && k.der.byteLength === 44 ? Buffer.from(k.der).subarray(12) : null;
      keys.set(k.id, { digest: k.digest, options, raw });
    } catch {}
  }
}
function answer(t) {
  const k = keys.get(table[t]);
  if (k === undefined) return 0;
  const at = table[t + 1];
  const end = at + table[t + 2];
  const data = area.subarray(at, end);
  const signature = area.subarray(end, end + table[t + 3]);
  try {
    if (k.raw) return signature.length === 64 && sodium.crypto_sign_verify_detached(signature, data, k.raw) ? ${VALID} : ${INVALID};
    return verify(k.digest, data, k.options, signature) ? ${VALID} : ${INVALID};
  } catch {
    return ${INVALID};
  }
}
let tail = 0;
for (;;) {
  const head = Atomics.load(ctrl, ${HEAD});
  if (head === tail) {
    if (Atomics.load(ctrl, ${STOP}) !== 0) break;
    Atomics.store(ctrl, ${SLEEPING}, 1);
    Atomics.wait(ctrl, ${HEAD}, tail);
    Atomics.store(ctrl, ${SLEEPING}, 0);
    continue;
  }
  if (Atomics.load(ctrl, ${KEYGEN}) !== keygen) takeKeys();
  while (tail !== head) {
    const t = (tail & (slots - 1)) * ${STRIDE};
    if (Atomics.compareExchange(table, t + 4, ${PUBLISHED}, ${TAKEN}) === ${PUBLISHED}) Atomics.store(table, t + 5, answer(t));
    tail = (tail + 1) | 0;
    Atomics.store(ctrl, ${DONE}, tail);
  }
  Atomics.notify(ctrl, ${DONE});
}
`;

/**
 * The event loop's side of the shared-memory transport to the verifying thread: a data area to
 * write jobs' bytes into, a slot table to publish them, and their answers. Used by SignatureThread,
 * which owns the order of jobs; one instance per thread, used from one event loop only.
 *
 * @example
 * ```ts
 * const ring = new SignatureRing(sodiumPath, () => giveUp());
 * const at = ring.reserve(data.length + signature.length, -1);
 * ring.area.set(data, at); ring.area.set(signature, at + data.length);
 * ring.push(7, key, at, data.length, signature.length);
 * ring.publish();
 * ```
 */
export class SignatureRing {
  /** Where jobs' signed bytes and signatures are written (shared with the thread). */
  readonly area: Buffer;
  readonly worker: Worker;
  private readonly ctrl: Int32Array;
  private readonly table: Int32Array;
  private readonly port: MessagePort;
  private readonly known = new Set<number>();
  // The event loop's copies: jobs pushed (published or not) and answers read.
  private head = 0;
  private seen = 0;
  private areaHead = 0;
  private waiting = false;

  /** Starts the thread; `onAnswers` runs when it published answers while the event loop was idle. */
  constructor(sodium: string | undefined, onAnswers: () => void) {
    const sab = new SharedArrayBuffer(CONTROL_BYTES + SLOTS * STRIDE * 4 + AREA_BYTES);
    this.ctrl = new Int32Array(sab, 0, 8);
    this.table = new Int32Array(sab, CONTROL_BYTES, SLOTS * STRIDE);
    this.area = Buffer.from(sab, CONTROL_BYTES + SLOTS * STRIDE * 4, AREA_BYTES);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.port.unref();
    this.onAnswers = onAnswers;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      stdout: false,
      stderr: false,
      workerData: { sab, slots: SLOTS, port: port2, control: CONTROL_BYTES, areaBytes: AREA_BYTES, sodium },
      transferList: [port2],
    });
    // A gateway that is done must be able to exit with the thread idle (SignatureThread refs it
    // while it owes answers).
    this.worker.unref();
  }

  private readonly onAnswers: () => void;

  /** Jobs pushed and not yet taken back with {@link answer}. */
  get backlog(): number {
    return (this.head - this.seen) | 0;
  }

  /**
   * Offset of `bytes` free bytes in the data area, or -1. `oldest` is the offset of the oldest
   * reservation still in use (-1: none is, the whole area is free); reservations are used in order.
   */
  reserve(bytes: number, oldest: number): number {
    if (oldest === -1) this.areaHead = 0;
    const head = this.areaHead;
    let at = -1;
    if (oldest === -1 || head > oldest) {
      if (AREA_BYTES - head >= bytes) at = head;
      // Wrapped: strictly below the oldest, so a full area never looks empty.
      else if (oldest !== -1 && bytes < oldest) at = 0;
    } else if (oldest - head > bytes) at = head;
    if (at !== -1) this.areaHead = at + bytes;
    return at;
  }

  /** Writes a job into the next slot (published by {@link publish}); sends its key first if the thread lacks it. */
  push(id: number, key: VerifyKey, at: number, dataBytes: number, signatureBytes: number): void {
    if (!this.known.has(id)) {
      this.known.add(id);
      const der = key.key.export({ format: 'der', type: 'spki' });
      const { digest, dsaEncoding, padding, saltLength } = key;
      this.port.postMessage({ type: 'key', id, der, digest, dsaEncoding, padding, saltLength });
      Atomics.add(this.ctrl, KEYGEN, 1);
    }
    const t = (this.head & (SLOTS - 1)) * STRIDE;
    this.table[t] = id;
    this.table[t + 1] = at;
    this.table[t + 2] = dataBytes;
    this.table[t + 3] = signatureBytes;
    this.table[t + 5] = 0;
    this.table[t + 4] = PUBLISHED;
    this.head = (this.head + 1) | 0;
  }

  /** Hands the pushed jobs to the thread, waking it if it sleeps. */
  publish(): void {
    Atomics.store(this.ctrl, HEAD, this.head);
    if (Atomics.load(this.ctrl, SLEEPING) !== 0) Atomics.notify(this.ctrl, HEAD);
  }

  /**
   * The oldest pushed job's answer if the thread has given it (VALID, INVALID, or 0: verify it
   * yourself), else -1; taking it frees the slot.
   */
  answer(): number {
    if (this.seen === this.head || this.seen === Atomics.load(this.ctrl, DONE)) return -1;
    const r = this.table[(this.seen & (SLOTS - 1)) * STRIDE + 5] as number;
    this.seen = (this.seen + 1) | 0;
    return r;
  }

  /**
   * Claims the job `k` places after the oldest unanswered one for the event loop, unless the thread
   * has taken it: true when the caller must verify it itself (its answer will be 0).
   */
  steal(k: number): boolean {
    const t = ((this.seen + k) & (SLOTS - 1)) * STRIDE;
    return Atomics.compareExchange(this.table, t + 4, PUBLISHED, STOLEN) === PUBLISHED;
  }

  /** Calls `onAnswers` once the thread publishes an answer beyond those taken (one wait at a time). */
  waitForAnswers(): void {
    if (this.waiting || this.backlog === 0) return;
    const w = waitAsync(this.ctrl, DONE, this.seen);
    if (!w.async) {
      queueMicrotask(this.onAnswers);
      return;
    }
    this.waiting = true;
    void w.value.then(() => {
      this.waiting = false;
      this.onAnswers();
    });
  }

  /** The thread will not need the key with this id again. */
  forget(id: number): void {
    if (!this.known.delete(id)) return;
    this.port.postMessage({ type: 'forget', id });
    Atomics.add(this.ctrl, KEYGEN, 1);
  }

  /**
   * Asks the thread to stop and terminates it (if it still runs); releases a pending
   * {@link waitForAnswers}, which would otherwise hold this memory for good.
   */
  stop(): void {
    Atomics.store(this.ctrl, STOP, 1);
    Atomics.notify(this.ctrl, HEAD);
    Atomics.notify(this.ctrl, DONE);
    this.port.close();
    void this.worker.terminate();
  }
}
