import { shannonEntropy } from '../text/entropy.js';
import type { Rule, Severity } from '../types.js';

// Words and runs that mark a block as made up rather than a key.
const FILLER = /example|dummy|sample|placeholder|redacted|fake|notreal|([^A])\1{11}/i;

// A PEM block: header, a base64 body (possibly with headers like Proc-Type), footer. Public keys
// and certificates never match because only "PRIVATE KEY" labels are listed.
const pem = (id: string, label: string, description: string, severity: Severity = 'critical'): Rule => ({
  id,
  description,
  provider: 'pem',
  keywords: [`begin ${label.toLowerCase()}`],
  // Lazy and bounded: the window is at most 16 KB, so this cannot run away.
  pattern: new RegExp(`(-----BEGIN ${label}-----[\\s\\S]{40,16000}?-----END ${label}-----)`, 'g'),
  severity,
  confidence: 'high',
  window: { before: 32, after: 16384 },
  // The shared placeholder check takes a run of 8 equal characters for filler, and every OpenSSH
  // key has runs of 'A' (its zero-length fields): keys judge their own body instead (below).
  skipPlaceholderCheck: true,
  validate: (secret) => {
    const inner = secret.replace(/^-----BEGIN[^-]*-----/, '').replace(/-----END[^-]*-----$/, '');
    const lines = inner
      .split(/\\n|\r?\n/)
      .map((l) => l.trim().replace(/^["']|["',+\s]+$/g, ''))
      .filter((l) => l.length > 0 && !l.includes(':'));
    const payload = lines.join('');
    // Truncated or templated blocks ("...", "<key>") are not usable keys, nor filler ("xxxx...",
    // "MIIE...EXAMPLE"): a real key's base64 carries over 4.5 bits per character.
    if (payload.length < 40 || !/^[A-Za-z0-9+/=]+$/.test(payload) || FILLER.test(inner)) return { valid: false };
    if (shannonEntropy(payload) < 4.5) return { valid: false };
    // A key under a passphrase is worth less to whoever finds it (and still worth rotating).
    const cipher = encryptedWith(inner, payload);
    return cipher ? { valid: true, severity: 'high', details: { encrypted: true, cipher } } : { valid: true };
  },
});

/**
 * The cipher protecting a private key block, or undefined when it is in the clear: a legacy PEM
 * `Proc-Type: 4,ENCRYPTED` header (cipher from `DEK-Info`), or an OpenSSH `openssh-key-v1` body
 * whose cipher name is not `none`.
 *
 * @example
 * ```ts
 * encryptedWith('Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00', ''); // "AES-128-CBC"
 * ```
 */
export function encryptedWith(inner: string, payload: string): string | undefined {
  if (/Proc-Type:\s*4,ENCRYPTED/.test(inner)) return /DEK-Info:\s*([A-Za-z0-9-]+)/.exec(inner)?.[1] ?? 'unknown';
  if (!payload.startsWith('b3BlbnNzaC1rZXktdjEA')) return undefined;
  // "openssh-key-v1\0", then a uint32 length and the cipher name.
  const head = Buffer.from(payload.slice(0, 64), 'base64');
  const length = head.length >= 19 ? head.readUInt32BE(15) : 0;
  const cipher = head.subarray(19, 19 + Math.min(length, 32)).toString('latin1');
  return cipher === 'none' || cipher === '' ? undefined : cipher;
}

/**
 * PEM, OpenSSH, PGP and PuTTY private keys.
 *
 * @example
 * ```ts
 * privateKeyRules.length; // 8
 * ```
 */
export const privateKeyRules: Rule[] = [
  pem('private-key-rsa', 'RSA PRIVATE KEY', 'RSA private key (PKCS#1 PEM)'),
  pem('private-key-ec', 'EC PRIVATE KEY', 'EC private key (SEC1 PEM)'),
  pem('private-key-dsa', 'DSA PRIVATE KEY', 'DSA private key (PEM)'),
  pem('private-key-openssh', 'OPENSSH PRIVATE KEY', 'OpenSSH private key'),
  pem('private-key-pkcs8', 'PRIVATE KEY', 'Private key (PKCS#8 PEM)'),
  pem('private-key-encrypted', 'ENCRYPTED PRIVATE KEY', 'Encrypted private key (PKCS#8 PEM)', 'high'),
  pem('private-key-pgp', 'PGP PRIVATE KEY BLOCK', 'PGP private key block'),
  {
    id: 'putty-private-key',
    description: 'PuTTY private key file (.ppk)',
    provider: 'putty',
    keywords: ['putty-user-key-file-'],
    // The private part is the base64 block after "Private-Lines: N"; the file names its cipher.
    pattern:
      /PuTTY-User-Key-File-[23]: [\w@.-]+\r?\nEncryption: ([\w-]+)\r?\n[\s\S]{0,4000}?Private-Lines: \d{1,2}\r?\n((?:[A-Za-z0-9+/=]{1,64}\r?\n?){1,40})/g,
    secretGroup: 2,
    severity: 'critical',
    confidence: 'high',
    window: { before: 0, after: 8192 },
    skipPlaceholderCheck: true,
    validate: (secret, ctx) => {
      const payload = secret.replace(/\s+/g, '');
      if (payload.length < 40 || FILLER.test(payload) || shannonEntropy(payload) < 4.5) return { valid: false };
      const cipher = /Encryption: ([\w-]+)/.exec(ctx.match)?.[1] ?? 'none';
      return cipher === 'none' ? { valid: true } : { valid: true, severity: 'high', details: { encrypted: true, cipher } };
    },
  },
];
