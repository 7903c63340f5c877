import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import { fastEd25519Verify } from '../../src/ed25519-fast-verify.js';

const fast = fastEd25519Verify();

function keyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { publicKey, privateKey, raw: publicKey.export({ format: 'der', type: 'spki' }).subarray(12) };
}

function flipBit(b: Buffer, bit: number): Buffer {
  const out = Buffer.from(b);
  out[bit >> 3] = (out[bit >> 3] as number) ^ (1 << (bit & 7));
  return out;
}

describe('Ed25519 through libsodium', () => {
  it('loads here (sodium-native is installed with the gateway)', () => {
    assert.equal(typeof fast, 'function');
  });

  it('agrees with node:crypto on valid signatures and on every kind of tampering', () => {
    const verifyFast = fast as NonNullable<typeof fast>;
    for (let i = 0; i < 150; i++) {
      const { publicKey, privateKey, raw } = keyPair();
      const message = randomBytes(1 + (i % 300));
      const signature = sign(null, message, privateKey);
      assert.equal(verifyFast(signature, message, raw), true);
      const cases: [Buffer, Buffer, Buffer][] = [
        [flipBit(signature, i % 512), message, raw],
        [signature, flipBit(message, i % (message.length * 8)), raw],
        [signature, message, flipBit(raw, i % 256)],
      ];
      for (const [sig, msg, key] of cases) {
        let expected: boolean;
        try {
          expected = verify(
            null,
            msg,
            { key: Buffer.concat([publicKey.export({ format: 'der', type: 'spki' }).subarray(0, 12), key]), format: 'der', type: 'spki' },
            sig,
          );
        } catch {
          expected = false; // OpenSSL refuses a key that is no curve point
        }
        assert.equal(verifyFast(sig, msg, key), false);
        assert.equal(expected, false);
      }
    }
  });

  it('a signature or key of the wrong length, or a small-order key, is invalid, never a throw', () => {
    const verifyFast = fast as NonNullable<typeof fast>;
    const { privateKey, raw } = keyPair();
    const message = Buffer.from('GET /x');
    const signature = sign(null, message, privateKey);
    assert.equal(verifyFast(signature.subarray(0, 63), message, raw), false);
    assert.equal(verifyFast(Buffer.concat([signature, Buffer.alloc(1)]), message, raw), false);
    assert.equal(verifyFast(signature, message, raw.subarray(0, 31)), false);
    // The neutral element (y = 1): a key every signature with R = identity and S = 0 would satisfy.
    const identity = Buffer.alloc(32);
    identity[0] = 1;
    const forged = Buffer.alloc(64);
    forged[0] = 1;
    assert.equal(verifyFast(forged, message, identity), false);
  });

  it('TOKENWARDEN_ED25519=openssl turns it off (node:crypto verifies)', () => {
    const out = execFileSync(
      process.execPath,
      [
        '--conditions=source',
        '--import',
        'tsx',
        '-e',
        "import('./src/ed25519-fast-verify.ts').then((m) => console.log(typeof m.fastEd25519Verify()))",
      ],
      { cwd: new URL('../..', import.meta.url).pathname, env: { ...process.env, TOKENWARDEN_ED25519: 'openssl' }, encoding: 'utf8' },
    );
    assert.equal(out.trim(), 'undefined');
  });
});
