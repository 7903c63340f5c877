import type { Rule, Severity } from '../types.js';

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
  validate: (secret) => {
    const inner = secret.replace(/^-----BEGIN[^-]*-----/, '').replace(/-----END[^-]*-----$/, '');
    const lines = inner
      .split(/\\n|\r?\n/)
      .map((l) => l.trim().replace(/^["']|["',+\s]+$/g, ''))
      .filter((l) => l.length > 0 && !l.includes(':'));
    const payload = lines.join('');
    // Truncated or templated blocks ("...", "<key>") are not usable keys.
    return { valid: payload.length >= 40 && /^[A-Za-z0-9+/=]+$/.test(payload) };
  },
});

/**
 * PEM, OpenSSH and PGP private keys.
 *
 * @example
 * ```ts
 * privateKeyRules.length; // 7
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
];
