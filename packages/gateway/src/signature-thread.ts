import { type KeyObject, type VerifyKeyObjectInput, verify as verifySignature } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { fastEd25519Module, fastEd25519Verify } from './ed25519-fast-verify.js';

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
  key: VerifyKey;
  data: Buffer;
  signature: Buffer;
  resolve: (valid: boolean) => void;
}

// The worker: keys arrive once (SPKI DER and how they verify), then batches of (key id, data,
// signature); it answers each batch with one byte per signature.
// Ed25519 keys verify with libsodium there too when the event loop's does (workerData names the module).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
let sodium = null;
try { if (workerData.sodium) sodium = require(workerData.sodium); } catch {}
const keys = new Map();
parentPort.on('message', (m) => {
  if (m.type === 'key') {
    const key = createPublicKey({ key: Buffer.from(m.der), format: 'der', type: 'spki' });
    const options = m.dsaEncoding || m.padding !== undefined ? { key, dsaEncoding: m.dsaEncoding, padding: m.padding, saltLength: m.saltLength } : key;
    const raw = sodium && m.digest === null && m.der.byteLength === 44 ? Buffer.from(m.der).subarray(12) : null;
    keys.set(m.id, { digest: m.digest, options, raw });
    return;
  }
  if (m.type === 'forget') {
    keys.delete(m.id);
    return;
  }
  const out = new Uint8Array(m.keys.length);
  for (let i = 0; i < m.keys.length; i++) {
    const k = keys.get(m.keys[i]);
    try {
      if (k === undefined) out[i] = 0;
      else if (k.raw) out[i] = m.signatures[i].byteLength === 64 && sodium.crypto_sign_verify_detached(Buffer.from(m.signatures[i]), Buffer.from(m.data[i]), k.raw) ? 1 : 0;
      else out[i] = verify(k.digest, m.data[i], k.options, m.signatures[i]) ? 1 : 0;
    } catch {
      out[i] = 0;
    }
  }
  parentPort.postMessage({ id: m.id, out }, [out.buffer]);
});
`;

/**
 * Verifies signatures on the event loop or, when several are waiting at once, on a second thread.
 *
 * A DPoP proof needs one signature verification per request (~110 µs for Ed25519 on the bench
 * host), which made a busy single-process gateway bound by its event loop while the machine's other
 * core sat partly idle. Verifications asked for in one turn of the event loop are gathered; at the
 * end of the turn one is verified right there and the rest go to the thread in one message, so both
 * cores work on them. A lone verification (a quiet gateway) never leaves the event loop: a thread
 * hop costs more CPU than it saves when nothing else is waiting. Keys are sent to the thread once
 * (by the id the caller gives them). If the thread fails, its pending verifications are done on the
 * event loop and the thread is not used again.
 *
 * @example
 * ```ts
 * const thread = new SignatureThread();
 * const valid = await thread.verify(7, { key, digest: null }, data, signature);
 * thread.close();
 * ```
 */
export class SignatureThread {
  private worker: Worker | undefined;
  private broken = false;
  private queue: Job[] = [];
  private queueIds: number[] = [];
  private scheduled = false;
  private nextBatch = 0;
  private readonly inFlight = new Map<number, Job[]>();
  /** Key ids the thread has been sent. */
  private readonly known = new Set<number>();

  /** Verifications done on the thread so far (tests, benchmarks). */
  offloaded = 0;

  /** Verifies `signature` over `data` with key `id` (the same id always names the same key). */
  verify(id: number, key: VerifyKey, data: Buffer, signature: Buffer): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      this.queue.push({ key, data, signature, resolve });
      this.queueIds.push(id);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  /** The key with this id will not be used again: the thread can drop it. */
  forget(id: number): void {
    if (this.known.delete(id)) this.worker?.postMessage({ type: 'forget', id });
  }

  /** Stops the thread; later verifications run on the event loop. */
  close(): void {
    this.broken = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) void worker.terminate();
    this.failInFlight();
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    const jobs = this.queue;
    const ids = this.queueIds;
    this.queue = [];
    this.queueIds = [];
    const worker = jobs.length > 1 ? this.thread() : undefined;
    if (worker) {
      const batch = this.nextBatch++;
      const sent = jobs.slice(1);
      const keys = ids.slice(1);
      for (let i = 0; i < sent.length; i++) this.sendKey(worker, keys[i] as number, (sent[i] as Job).key);
      this.inFlight.set(batch, sent);
      // Held while it owes answers (an awaiting caller must not see the process exit), not idle.
      if (this.inFlight.size === 1) worker.ref();
      worker.postMessage({
        type: 'verify',
        id: batch,
        keys,
        data: sent.map((j) => j.data),
        signatures: sent.map((j) => j.signature),
      });
      this.offloaded += sent.length;
      verifyHere(jobs[0] as Job);
      return;
    }
    for (const job of jobs) verifyHere(job);
  };

  private thread(): Worker | undefined {
    if (this.broken) return undefined;
    if (this.worker) return this.worker;
    try {
      const worker = new Worker(WORKER_SOURCE, { eval: true, stdout: false, stderr: false, workerData: { sodium: fastEd25519Module() } });
      // A gateway that is done must be able to exit with the thread idle.
      worker.unref();
      worker.on('message', (m: { id: number; out: Uint8Array }) => {
        const jobs = this.inFlight.get(m.id);
        if (!jobs) return;
        this.inFlight.delete(m.id);
        if (this.inFlight.size === 0) worker.unref();
        for (let i = 0; i < jobs.length; i++) (jobs[i] as Job).resolve(m.out[i] === 1);
      });
      worker.on('error', () => this.giveUp());
      worker.on('exit', () => this.giveUp());
      this.worker = worker;
      return worker;
    } catch {
      this.broken = true;
      return undefined;
    }
  }

  private sendKey(worker: Worker, id: number, key: VerifyKey): void {
    if (this.known.has(id)) return;
    this.known.add(id);
    const der = key.key.export({ format: 'der', type: 'spki' });
    worker.postMessage({
      type: 'key',
      id,
      der,
      digest: key.digest,
      dsaEncoding: key.dsaEncoding,
      padding: key.padding,
      saltLength: key.saltLength,
    });
  }

  private giveUp(): void {
    this.broken = true;
    this.worker = undefined;
    this.known.clear();
    this.failInFlight();
  }

  // Verifications the thread took and will not answer are done here instead.
  private failInFlight(): void {
    for (const jobs of this.inFlight.values()) for (const job of jobs) verifyHere(job);
    this.inFlight.clear();
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
