import { type KeyObject, type VerifyKeyObjectInput, verify as verifySignature } from 'node:crypto';
import { fastEd25519Module, fastEd25519Verify } from './ed25519-fast-verify.js';
import { INVALID, SignatureRing, SLOTS, VALID } from './signature-ring.js';

// libsodium's Ed25519 when it loads (about twice as fast as node:crypto's here), else undefined.
const fastEd25519 = fastEd25519Verify();

/** How one public key verifies (node:crypto's one-shot `verify` arguments besides the data). */
export interface VerifyKey {
  key: KeyObject;
  /** Digest name, or null for EdDSA. */
  digest: string | null;
  dsaEncoding?: 'ieee-p1363';
  padding?: number;
  saltLength?: number;
  /** An Ed25519 key's raw 32 bytes: verified with libsodium on the event loop when it is available. */
  rawEd25519?: Buffer;
}

interface Job {
  id: number;
  key: VerifyKey;
  data: Buffer;
  signature: Buffer;
  /** Where `data` and `signature` sit in the ring's data area, or -1 (buffers of their own). */
  at: number;
  /** Taken back from the thread and verified on the event loop. */
  stolen: boolean;
  resolve: (valid: boolean) => void;
}

/** How many jobs may wait on the thread before the event loop verifies the rest itself. */
const MAX_BACKLOG = 16;

/**
 * Verifies signatures on the event loop or, when several are waiting at once, on a second thread.
 *
 * A DPoP proof needs one signature verification per request (~70 µs for Ed25519 or ES256 on the
 * bench host), which makes a busy single-process gateway bound by its event loop. Verifications
 * asked for in one turn of the event loop are gathered; at the end of the turn they go to the
 * thread through shared memory (see SignatureRing: the signed bytes are written there once, no
 * message per job), up to {@link MAX_BACKLOG} waiting on it, and the event loop verifies the rest
 * itself, so both cores work when the thread cannot keep up. A lone verification with nothing on the
 * thread (a quiet gateway) never leaves the event loop: a hop costs more than it saves then. Keys
 * are sent to the thread once (by the id the caller gives them). If the thread fails or is closed,
 * its unanswered verifications are done on the event loop and it is not used again; a job the
 * thread could not answer (a key it lacks) is verified on the event loop too.
 *
 * @example
 * ```ts
 * const thread = new SignatureThread();
 * const valid = await thread.verify(7, { key, digest: null }, data, signature);
 * thread.close();
 * ```
 */
export class SignatureThread {
  private ring: SignatureRing | undefined;
  private broken = false;
  private queue: Job[] = [];
  // The oldest reservation in the data area among queued jobs (-1: none).
  private queuedAt = -1;
  private scheduled = false;
  private stealing = false;
  /** Jobs on the thread, oldest first from `sentAt` (the ring answers in this order). */
  private sent: (Job | undefined)[] = [];
  private sentAt = 0;
  private readonly maxBacklog: number;

  /** Verifications handed to the thread so far (tests, benchmarks). */
  offloaded = 0;
  /** Of those, how many the event loop took back and verified itself (tests, benchmarks). */
  stolen = 0;

  /** `maxBacklog`: jobs that may wait on the thread before the event loop keeps the rest (default 16). */
  constructor(options: { maxBacklog?: number } = {}) {
    this.maxBacklog = Math.max(1, Math.min(SLOTS, options.maxBacklog ?? MAX_BACKLOG));
  }

  /**
   * Verifies `signature` over `data` with key `id` (the same id always names the same key). Both
   * buffers must stay unchanged until the answer.
   */
  verify(id: number, key: VerifyKey, data: Buffer, signature: Buffer): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const job: Job = { id, key, data, signature, at: -1, stolen: false, resolve };
      const ring = this.ring;
      if (ring) this.copyIn(ring, job, this.oldestAt());
      this.enqueue(job);
    });
  }

  /**
   * {@link verify} over the first `length` characters of `text` as latin1 bytes, written straight
   * into the memory shared with the thread (no Buffer of their own); `signature` is copied.
   */
  verifyText(id: number, key: VerifyKey, text: string, length: number, signature: Buffer): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const ring = this.ring;
      const bytes = length + signature.length;
      const at = ring ? ring.reserve(bytes, this.oldestAt()) : -1;
      let job: Job;
      if (ring && at !== -1) {
        const area = ring.area;
        area.write(text, at, length, 'latin1');
        signature.copy(area, at + length);
        job = {
          id,
          key,
          data: area.subarray(at, at + length),
          signature: area.subarray(at + length, at + bytes),
          at,
          stolen: false,
          resolve,
        };
      } else {
        job = {
          id,
          key,
          data: Buffer.from(text.slice(0, length), 'latin1'),
          signature: Buffer.from(signature),
          at: -1,
          stolen: false,
          resolve,
        };
      }
      this.enqueue(job);
    });
  }

  /** The key with this id will not be used again: the thread can drop it. */
  forget(id: number): void {
    this.ring?.forget(id);
  }

  /** Stops the thread; its unanswered verifications and later ones run on the event loop. */
  close(): void {
    this.giveUp();
  }

  private enqueue(job: Job): void {
    if (job.at !== -1 && this.queuedAt === -1) this.queuedAt = job.at;
    this.queue.push(job);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  // The oldest reservation still in use: the oldest job on the thread's, else the oldest queued one's.
  private oldestAt(): number {
    return this.sentAt < this.sent.length ? (this.sent[this.sentAt] as Job).at : this.queuedAt;
  }

  // Moves a job with buffers of its own into the data area; false when it does not fit.
  private copyIn(ring: SignatureRing, job: Job, oldest: number): boolean {
    const dataBytes = job.data.length;
    const bytes = dataBytes + job.signature.length;
    const at = ring.reserve(bytes, oldest);
    if (at === -1) return false;
    job.data.copy(ring.area, at);
    job.signature.copy(ring.area, at + dataBytes);
    job.data = ring.area.subarray(at, at + dataBytes);
    job.signature = ring.area.subarray(at + dataBytes, at + bytes);
    job.at = at;
    return true;
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    const jobs = this.queue;
    this.queue = [];
    let oldest = this.oldestAt();
    // Jobs reach the thread in the order of their reservations (oldestAt relies on it): a job with
    // buffers of its own may be copied in now only when no job of this turn has a reservation yet.
    const reservedEarlier = this.queuedAt !== -1;
    this.queuedAt = -1;
    this.takeAnswers();
    const waiting = this.sent.length - this.sentAt;
    const ring = jobs.length > 1 || waiting > 0 ? this.thread() : undefined;
    let sent = 0;
    if (ring) {
      const room = Math.min(jobs.length, this.maxBacklog - waiting);
      for (; sent < room; sent++) {
        const job = jobs[sent] as Job;
        if (job.at === -1) {
          if (reservedEarlier || !this.copyIn(ring, job, oldest)) break;
          if (oldest === -1) oldest = job.at;
        }
        ring.push(job.id, job.key, job.at, job.data.length, job.signature.length);
        this.sent.push(job);
      }
      if (sent > 0) {
        // Held while it owes answers (an awaiting caller must not see the process exit), not idle.
        if (waiting === 0) ring.worker.ref();
        ring.publish();
        this.offloaded += sent;
        if (!this.stealing) {
          this.stealing = true;
          setImmediate(this.steal);
        }
      }
    }
    for (let i = sent; i < jobs.length; i++) verifyHere(jobs[i] as Job);
    if (ring && this.ring === ring) {
      this.takeAnswers();
      ring.waitForAnswers();
    }
  };

  // One turn after jobs went to the thread (the event loop has read its sockets since): those it has
  // not started on yet are verified here, newest first, while it works from the oldest. A thread
  // that keeps up has taken them all by then; one that does not (descheduled, or slower than the
  // event loop hands work to it) is relieved by the event loop, which would otherwise wait.
  private readonly steal = (): void => {
    this.stealing = false;
    const ring = this.ring;
    if (!ring) return;
    this.takeAnswers();
    for (let k = this.sent.length - this.sentAt - 1; k >= 0; k--) {
      const job = this.sent[this.sentAt + k] as Job;
      if (job.stolen) continue;
      if (!ring.steal(k)) break;
      job.stolen = true;
      this.stolen++;
      verifyHere(job);
    }
    this.takeAnswers();
  };

  private readonly onAnswers = (): void => {
    this.takeAnswers();
    this.ring?.waitForAnswers();
  };

  private takeAnswers(): void {
    const ring = this.ring;
    if (!ring || this.sentAt === this.sent.length) return;
    for (let r = ring.answer(); r !== -1; r = ring.answer()) {
      const job = this.sent[this.sentAt] as Job;
      this.sent[this.sentAt++] = undefined;
      if (job.stolen) continue;
      if (r === VALID) job.resolve(true);
      else if (r === INVALID) job.resolve(false);
      else verifyHere(job);
    }
    if (this.sentAt === this.sent.length) {
      this.sent = [];
      this.sentAt = 0;
      ring.worker.unref();
    }
  }

  private thread(): SignatureRing | undefined {
    if (this.broken) return undefined;
    if (this.ring) return this.ring;
    try {
      const ring = new SignatureRing(fastEd25519Module(), this.onAnswers);
      ring.worker.on('error', () => this.giveUp());
      ring.worker.on('exit', () => this.giveUp());
      this.ring = ring;
      return ring;
    } catch {
      this.broken = true;
      return undefined;
    }
  }

  // Verifications the thread took and will not answer are done here instead.
  private giveUp(): void {
    this.broken = true;
    const ring = this.ring;
    this.ring = undefined;
    ring?.stop();
    const jobs = this.sent;
    const from = this.sentAt;
    this.sent = [];
    this.sentAt = 0;
    for (let i = from; i < jobs.length; i++) if (!(jobs[i] as Job).stolen) verifyHere(jobs[i] as Job);
  }
}

/**
 * Verifies one signature on the calling thread; false for a bad signature or unusable input.
 *
 * @example
 * ```ts
 * verifyOnEventLoop({ key, digest: 'sha256', dsaEncoding: 'ieee-p1363' }, data, signature);
 * ```
 */
export function verifyOnEventLoop(key: VerifyKey, data: Buffer, signature: Buffer): boolean {
  if (key.rawEd25519 !== undefined && fastEd25519 !== undefined) return fastEd25519(signature, data, key.rawEd25519);
  try {
    return verifySignature(key.digest, data, verifyInput(key), signature);
  } catch {
    return false;
  }
}

function verifyInput(key: VerifyKey): KeyObject | VerifyKeyObjectInput {
  if (key.dsaEncoding === undefined && key.padding === undefined) return key.key;
  const input: VerifyKeyObjectInput = { key: key.key };
  if (key.dsaEncoding !== undefined) input.dsaEncoding = key.dsaEncoding;
  if (key.padding !== undefined) input.padding = key.padding;
  if (key.saltLength !== undefined) input.saltLength = key.saltLength;
  return input;
}

function verifyHere(job: Job): void {
  job.resolve(verifyOnEventLoop(job.key, job.data, job.signature));
}
