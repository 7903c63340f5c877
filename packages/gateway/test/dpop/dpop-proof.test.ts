// The DPoP proof reader checks proofs with node:crypto instead of jose's jwtVerify: it must accept
// and refuse exactly what jose (with EmbeddedJWK and the same options) accepts and refuses.
import assert from 'node:assert/strict';
import { generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import { type CryptoKey, calculateJwkThumbprint, EmbeddedJWK, exportJWK, generateKeyPair, type JWK, jwtVerify } from 'jose';
import { DpopProofReader } from '../../src/dpop-proof.js';

type Alg = 'EdDSA' | 'ES256' | 'ES384' | 'PS256' | 'RS256';
const ALGS: Alg[] = ['EdDSA', 'ES256', 'ES384', 'PS256', 'RS256'];
const options = { algorithms: ALGS, maxAgeSeconds: 300 };

async function keyOf(alg: Alg) {
  const pair = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
  return { alg, privateKey: pair.privateKey, jwk: await exportJWK(pair.publicKey) };
}

// jose will not make an RSA key under 2048 bits; node:crypto will.
function smallRsaKey() {
  const pair = generateKeyPairSync('rsa', { modulusLength: 1024 });
  return { privateKey: pair.privateKey, jwk: pair.publicKey.export({ format: 'jwk' }) as JWK };
}

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

// Signs any header and payload text as they are (jose's SignJWT would refuse some of the bad ones).
function signRaw(alg: Alg, privateKey: CryptoKey | KeyObject, header: string, payload: string): string {
  const input = `${header}.${payload}`;
  const key = privateKey instanceof KeyObject ? privateKey : KeyObject.from(privateKey);
  const digest = alg === 'EdDSA' ? null : `sha${alg.slice(2)}`;
  const signer = alg.startsWith('ES')
    ? { key, dsaEncoding: 'ieee-p1363' as const }
    : alg === 'PS256'
      ? { key, padding: 6, saltLength: 32 }
      : key;
  return `${input}.${sign(digest, Buffer.from(input), signer).toString('base64url')}`;
}

const now = () => Math.floor(Date.now() / 1000);
let n = 0;
const claims = (extra: Record<string, unknown> = {}) => ({ htm: 'GET', htu: 'https://api.test/x', jti: `j${n++}`, iat: now(), ...extra });

async function joseAccepts(proof: string): Promise<boolean> {
  try {
    await jwtVerify(proof, EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: ALGS,
      maxTokenAge: 300,
      clockTolerance: 5,
      requiredClaims: ['iat', 'jti', 'htm', 'htu'],
    });
    return true;
  } catch {
    return false;
  }
}

describe('DPoP proof reader', () => {
  it('accepts a proof of every allowed algorithm, with the RFC 7638 thumbprint, again from its cached header', async () => {
    const reader = new DpopProofReader(options);
    for (const alg of ALGS) {
      const k = await keyOf(alg);
      for (let i = 0; i < 2; i++) {
        const proof = signRaw(alg, k.privateKey, b64({ alg, typ: 'dpop+jwt', jwk: k.jwk }), b64(claims()));
        const r = await reader.read(proof);
        assert.ok(r.ok, `${alg}: ${r.ok ? '' : r.reason}`);
        assert.equal(r.thumbprint, await calculateJwkThumbprint(k.jwk));
        assert.equal(await joseAccepts(proof), true);
      }
    }
  });

  it('agrees with jose on malformed, mis-signed, badly typed and stale proofs', async () => {
    const reader = new DpopProofReader(options);
    const ed = await keyOf('EdDSA');
    const es = await keyOf('ES256');
    const small = smallRsaKey();
    const priv = await exportJWK(ed.privateKey);
    const header = (extra: Record<string, unknown> = {}, jwk: JWK = ed.jwk) => b64({ alg: 'EdDSA', typ: 'dpop+jwt', jwk, ...extra });
    const good = signRaw('EdDSA', ed.privateKey, header(), b64(claims()));
    const [h, p, s] = good.split('.') as [string, string, string];
    const cases: Record<string, string> = {
      'two parts': `${h}.${p}`,
      'four parts': `${good}.x`,
      'signature of another payload': `${h}.${b64(claims())}.${s}`,
      'signature bit flipped': `${h}.${p}.${s.slice(0, -2)}${s.at(-2) === 'A' ? 'B' : 'A'}${s.at(-1)}`,
      'short signature': `${h}.${p}.${s.slice(0, 40)}`,
      'non-base64url signature': `${h}.${p}.${s.slice(0, -4)}+/==`,
      'non-base64url payload': `${h}.${p}*.${s}`,
      'signed by another key': signRaw('EdDSA', (await keyOf('EdDSA')).privateKey, header(), b64(claims())),
      'typ JWT': signRaw('EdDSA', ed.privateKey, header({ typ: 'JWT' }), b64(claims())),
      'typ missing': signRaw('EdDSA', ed.privateKey, b64({ alg: 'EdDSA', jwk: ed.jwk }), b64(claims())),
      'typ application/dpop+jwt': signRaw('EdDSA', ed.privateKey, header({ typ: 'application/dpop+jwt' }), b64(claims())),
      'alg none': `${b64({ alg: 'none', typ: 'dpop+jwt', jwk: ed.jwk })}.${b64(claims())}.`,
      'alg HS256': `${b64({ alg: 'HS256', typ: 'dpop+jwt', jwk: ed.jwk })}.${p}.${s}`,
      'alg ES256 over an Ed25519 key': signRaw('ES256', es.privateKey, b64({ alg: 'ES256', typ: 'dpop+jwt', jwk: ed.jwk }), b64(claims())),
      'crit b64': signRaw('EdDSA', ed.privateKey, header({ crit: ['b64'], b64: true }), b64(claims())),
      'private key in jwk': signRaw('EdDSA', ed.privateKey, header({}, { ...ed.jwk, d: priv.d }), b64(claims())),
      'jwk use enc': signRaw('EdDSA', ed.privateKey, header({}, { ...ed.jwk, use: 'enc' }), b64(claims())),
      'jwk missing': signRaw('EdDSA', ed.privateKey, b64({ alg: 'EdDSA', typ: 'dpop+jwt' }), b64(claims())),
      'jwk not an object': signRaw('EdDSA', ed.privateKey, header({ jwk: 'x' }), b64(claims())),
      'RSA key of 1024 bits': signRaw('RS256', small.privateKey, b64({ alg: 'RS256', typ: 'dpop+jwt', jwk: small.jwk }), b64(claims())),
      'header not JSON': signRaw('EdDSA', ed.privateKey, b64('{"alg":'), b64(claims())),
      'payload not JSON': signRaw('EdDSA', ed.privateKey, header(), b64('not json')),
      'payload an array': signRaw('EdDSA', ed.privateKey, header(), b64([1, 2])),
      'payload invalid UTF-8': signRaw('EdDSA', ed.privateKey, header(), Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')),
      'iat missing': signRaw('EdDSA', ed.privateKey, header(), b64({ ...claims(), iat: undefined })),
      'iat a string': signRaw('EdDSA', ed.privateKey, header(), b64(claims({ iat: String(now()) }))),
      'iat too old': signRaw('EdDSA', ed.privateKey, header(), b64(claims({ iat: now() - 400 }))),
      'iat just within max age': signRaw('EdDSA', ed.privateKey, header(), b64(claims({ iat: now() - 302 }))),
      'iat in the future': signRaw('EdDSA', ed.privateKey, header(), b64(claims({ iat: now() + 60 }))),
      'exp passed': signRaw('EdDSA', ed.privateKey, header(), b64(claims({ exp: now() - 60 }))),
      'exp a string': signRaw('EdDSA', ed.privateKey, header(), b64(claims({ exp: 'soon' }))),
      'nbf in the future': signRaw('EdDSA', ed.privateKey, header(), b64(claims({ nbf: now() + 60 }))),
      'jti missing': signRaw('EdDSA', ed.privateKey, header(), b64({ ...claims(), jti: undefined })),
      'htu missing': signRaw('EdDSA', ed.privateKey, header(), b64({ ...claims(), htu: undefined })),
    };
    for (const [name, proof] of Object.entries(cases)) {
      const expected = await joseAccepts(proof);
      const r = await new DpopProofReader(options).read(proof);
      // The reader leaves jti/htm/htu to the verifier; jose's presence check covers them here.
      const readerAccepts = r.ok && ['jti', 'htm', 'htu'].every((c) => c in r.payload);
      if (name === 'crit b64') assert.equal(readerAccepts, false, 'no JWS extension is accepted (stricter than jose)');
      else assert.equal(readerAccepts, expected, `${name}: jose ${expected}, reader ${r.ok ? 'ok' : r.reason}`);
      // A cached header must not change the outcome.
      const again = await reader.read(good);
      assert.ok(again.ok || again.reason === 'proof ERR_JWT_EXPIRED', name);
    }
  });

  it('never throws on mutated proofs, and accepts a mutant exactly when jose does (seeded fuzz)', async () => {
    const ed = await keyOf('EdDSA');
    const good = signRaw('EdDSA', ed.privateKey, b64({ alg: 'EdDSA', typ: 'dpop+jwt', jwk: ed.jwk }), b64(claims()));
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ {}"\\\u00e9\u0000';
    let seed = 0x9e3779b9;
    const next = (below: number) => {
      seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
      return seed % below;
    };
    const mutate = (text: string): string => {
      let out = text;
      for (let k = 1 + next(3); k > 0; k--) {
        const at = next(out.length + 1);
        const ch = alphabet[next(alphabet.length)] as string;
        const op = next(4);
        if (op === 0) out = out.slice(0, at) + ch + out.slice(at + 1);
        else if (op === 1) out = out.slice(0, at) + out.slice(at + 1);
        else if (op === 2) out = out.slice(0, at) + ch + out.slice(at);
        else out = out.slice(0, at);
      }
      return out;
    };
    const reader = new DpopProofReader(options);
    for (let i = 0; i < 600; i++) {
      const proof = mutate(good);
      let r: Awaited<ReturnType<DpopProofReader['read']>>;
      try {
        r = await reader.read(proof);
      } catch (e) {
        assert.fail(`mutant ${i} threw: ${String(e)} (${JSON.stringify(proof)})`);
      }
      if (r.ok) assert.equal(await joseAccepts(proof), true, `mutant ${i} accepted by the reader only: ${JSON.stringify(proof)}`);
    }
  });
});
