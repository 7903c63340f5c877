// The signature thread's shared-memory transport: every job answered as the event loop would
// answer it, whichever side verified it (the thread, the event loop taking work back, or the event
// loop after the thread died or was closed), through slot and data-area reuse, for jobs too large
// for the shared area, and for a key the thread does not have. A job is never answered valid unless
// its signature verified.
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { after, describe, it } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { SignatureThread, type VerifyKey, verifyOnEventLoop } from '../../src/signature-thread.js';

type Alg = 'EdDSA' | 'ES256' | 'PS256';

interface Case {
  id: number;
  key: VerifyKey;
  data: Buffer;
  signature: Buffer;
  valid: boolean;
}

function signer(alg: Alg, id: number): (data: Buffer, good: boolean) => Case {
  const pair =
    alg === 'EdDSA'
      ? generateKeyPairSync('ed25519')
      : alg === 'ES256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key: VerifyKey =
    alg === 'EdDSA'
      ? { key: pair.publicKey, digest: null, rawEd25519: pair.publicKey.export({ format: 'der', type: 'spki' }).subarray(12) }
      : alg === 'ES256'
        ? { key: pair.publicKey, digest: 'sha256', dsaEncoding: 'ieee-p1363' }
        : { key: pair.publicKey, digest: 'sha256', padding: 6, saltLength: 32 };
  const options =
    alg === 'EdDSA'
      ? pair.privateKey
      : alg === 'ES256'
        ? { key: pair.privateKey, dsaEncoding: 'ieee-p1363' as const }
        : { key: pair.privateKey, padding: 6, saltLength: 32 };
  return (data, good) => {
    const signature = sign(key.digest, data, options);
    // A bad one: one bit of the signature flipped (the length stays right).
    const middle = signature.length >> 1;
    if (!good) signature[middle] = (signature[middle] as number) ^ 0x10;
    return { id, key, data, signature, valid: good };
  };
}

const signers = [signer('EdDSA', 9001), signer('ES256', 9002), signer('PS256', 9003)];
const mixed = (n: number, size = 600): Case[] =>
  Array.from({ length: n }, (_, i) => (signers[i % 3] as (d: Buffer, g: boolean) => Case)(Buffer.alloc(size, `job ${i} `), i % 4 !== 1));
const ringOf = (t: SignatureThread) => (t as unknown as { ring: { worker: Worker; table: Int32Array } | undefined }).ring;

describe('signature thread transport (shared memory)', () => {
  const threads: SignatureThread[] = [];
  const newThread = (maxBacklog?: number) => {
    const t = new SignatureThread(maxBacklog === undefined ? {} : { maxBacklog });
    threads.push(t);
    return t;
  };
  after(() => {
    for (const t of threads) t.close();
  });

  it('answers many concurrent jobs of three algorithms as the event loop does, through slot and data-area reuse', async () => {
    const thread = newThread(256);
    for (let round = 0; round < 3; round++) {
      // 300 jobs of ~600 bytes a round, 900 in all: past the 256 slots and the 256 KiB data area.
      const cases = mixed(300);
      const got = await Promise.all(cases.map((c) => thread.verify(c.id, c.key, c.data, c.signature)));
      assert.deepEqual(
        got,
        cases.map((c) => c.valid),
      );
      assert.deepEqual(
        got,
        cases.map((c) => verifyOnEventLoop(c.key, c.data, c.signature)),
      );
    }
    assert.ok(thread.offloaded > 300, `${thread.offloaded} went to the thread`);
  });

  it('keeps what does not fit on the event loop: jobs beyond the backlog cap and larger than the shared area', async () => {
    const thread = newThread(4);
    const cases = [...mixed(20), ...mixed(3, 300_000)];
    const got = await Promise.all(cases.map((c) => thread.verify(c.id, c.key, c.data, c.signature)));
    assert.deepEqual(
      got,
      cases.map((c) => c.valid),
    );
    assert.ok(thread.offloaded <= 4, `${thread.offloaded} sent with a cap of 4`);
  });

  it('never reuses shared bytes still in use, with large and small jobs asked for over many turns', async () => {
    const thread = newThread(64);
    const sign1 = signers[0] as (d: Buffer, g: boolean) => Case;
    const sign2 = signers[1] as (d: Buffer, g: boolean) => Case;
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    const pending: Promise<boolean>[] = [];
    const expected: boolean[] = [];
    for (let turn = 0; turn < 60; turn++) {
      for (let i = 0, n = 1 + Math.floor(random() * 6); i < n; i++) {
        // Mostly proof-sized, some 40-120 KiB: the area fills, jobs keep buffers of their own, and
        // later ones fit again while older ones are still on the thread.
        const size = random() < 0.3 ? 40_000 + Math.floor(random() * 80_000) : 300 + Math.floor(random() * 900);
        const c = (random() < 0.5 ? sign1 : sign2)(Buffer.alloc(size, `t${turn} j${i} `), random() < 0.8);
        expected.push(c.valid);
        pending.push(thread.verify(c.id, c.key, c.data, c.signature));
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.deepEqual(await Promise.all(pending), expected);
    assert.ok(thread.offloaded > 0);
  });

  it('verifies text written straight into the shared area (verifyText) like bytes', async () => {
    const thread = newThread();
    const text = 'eyJhbGciOiJFZERTQSJ9.eyJqdGkiOiJ4In0.ignored-after-the-length';
    const length = text.lastIndexOf('.');
    const sign1 = signers[0] as (d: Buffer, g: boolean) => Case;
    const good = sign1(Buffer.from(text.slice(0, length), 'latin1'), true);
    const bad = sign1(Buffer.from(text.slice(0, length), 'latin1'), false);
    const got = await Promise.all([good, bad, good, bad, good].map((c) => thread.verifyText(c.id, c.key, text, length, c.signature)));
    assert.deepEqual(got, [true, false, true, false, true]);
    assert.ok(thread.offloaded > 0);
  });

  it('verifies on the event loop a job whose key the thread does not have, never answering it valid unchecked', async () => {
    const thread = newThread(64);
    const cases = mixed(12);
    assert.deepEqual(
      await Promise.all(cases.map((c) => thread.verify(c.id, c.key, c.data, c.signature))),
      cases.map((c) => c.valid),
    );
    // The thread drops the keys behind the event loop's back (the event loop still thinks it has them).
    const ring = ringOf(thread) as unknown as { port: { postMessage(m: unknown): void }; ctrl: Int32Array };
    for (const id of [9001, 9002, 9003]) ring.port.postMessage({ type: 'forget', id });
    Atomics.add(ring.ctrl, 3, 1);
    const before = thread.offloaded;
    const again = mixed(30);
    assert.deepEqual(
      await Promise.all(again.map((c) => thread.verify(c.id, c.key, c.data, c.signature))),
      again.map((c) => c.valid),
    );
    assert.ok(thread.offloaded > before, 'they went to the thread, which could not answer them');
  });

  it('answers every job when the thread dies in the middle of a batch, then works without it', async () => {
    const thread = newThread(256);
    const cases = mixed(240);
    const pending = Promise.all(cases.map((c) => thread.verify(c.id, c.key, c.data, c.signature)));
    await new Promise((resolve) => setImmediate(resolve)); // handed over
    const ring = ringOf(thread);
    assert.ok(ring, 'the batch went to a thread');
    const ctrl = (ring as unknown as { ctrl: Int32Array }).ctrl;
    // Killed once it has answered some and not all.
    const deadline = Date.now() + 5000;
    while (Atomics.load(ctrl, 1) === 0 && Date.now() < deadline);
    await ring.worker.terminate();
    assert.deepEqual(
      await pending,
      cases.map((c) => c.valid),
    );
    const later = mixed(9);
    const before = thread.offloaded;
    assert.deepEqual(
      await Promise.all(later.map((c) => thread.verify(c.id, c.key, c.data, c.signature))),
      later.map((c) => c.valid),
    );
    assert.equal(thread.offloaded, before, 'nothing more went to a dead thread');
  });

  it('answers jobs in flight and jobs still queued when closed', async () => {
    const thread = newThread(256);
    const inFlight = mixed(90);
    const pending = Promise.all(inFlight.map((c) => thread.verify(c.id, c.key, c.data, c.signature)));
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(ringOf(thread), 'handed to the thread');
    const queued = mixed(6);
    const pendingQueued = Promise.all(queued.map((c) => thread.verify(c.id, c.key, c.data, c.signature)));
    const ring = ringOf(thread) as unknown as { waiting: boolean };
    thread.close();
    assert.equal(ringOf(thread), undefined);
    assert.deepEqual(
      await pending,
      inFlight.map((c) => c.valid),
    );
    assert.deepEqual(
      await pendingQueued,
      queued.map((c) => c.valid),
    );
    // The event loop's wait for answers is released, not left holding the shared memory.
    for (let i = 0; i < 100 && ring.waiting; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(ring.waiting, false);
    const after = mixed(4);
    assert.deepEqual(
      await Promise.all(after.map((c) => thread.verify(c.id, c.key, c.data, c.signature))),
      after.map((c) => c.valid),
    );
  });

  it('refuses signatures of the wrong length or over other bytes on the thread', async () => {
    const thread = newThread(64);
    const base = mixed(6);
    const cases = base.flatMap((c) => [
      { ...c, signature: c.signature.subarray(0, c.signature.length - 1), valid: false },
      { ...c, data: Buffer.concat([c.data, Buffer.from('x')]), valid: false },
      { ...c, signature: Buffer.alloc(0), valid: false },
    ]);
    assert.deepEqual(
      await Promise.all(cases.map((c) => thread.verify(c.id, c.key, c.data, c.signature))),
      cases.map(() => false),
    );
    assert.ok(thread.offloaded > 0);
  });
});
