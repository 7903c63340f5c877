// Kubernetes Secret manifests keep every value base64-encoded under `data:`, most of them far
// shorter than the 40 characters the encoded-content pass looks for, and the decoded value alone
// has lost the name (`password`, `api-key`) the generic rules judge it by.

// `kind: Secret` (YAML) or `"kind": "Secret"` (JSON, kubectl -o json).
const SECRET_KIND = /(?:^|[\s{,])["']?kind["']?[ \t]*:[ \t]*["']?Secret["']?[ \t]*(?:[,}\r\n]|$)/m;
// One `name: base64` entry: a YAML mapping line or a JSON member.
const DATA_ENTRY = /^[ \t]*["']?([A-Za-z0-9_.-]{1,253})["']?[ \t]*:[ \t]*["']?([A-Za-z0-9+/]{4,}={0,2})["']?[ \t]*,?[ \t]*\r?$/gm;
const MAX_ENTRIES = 1000;

/** A decoded `data` entry: where its value starts in the manifest and `name: "value"` decoded. */
export interface DecodedEntry {
  index: number;
  decoded: string;
}

/**
 * The `data` entries of the Kubernetes Secret manifests in `text`, decoded and written back as
 * `name: "value"`, so a value is judged with its name: `password: ZXhhbXBsZS1wYXNzd29yZA==` becomes
 * `password: "example-password"`. Values that do not decode to printable text (certificates in DER,
 * keystores) are left out. Nothing for a text without `kind: Secret`.
 *
 * @example
 * ```ts
 * kubernetesSecretEntries('kind: Secret\ndata:\n  token: c2VjcmV0VmFsdWU=\n');
 * // [{ index: 29, decoded: 'token: "secretValue"' }]
 * ```
 */
export function kubernetesSecretEntries(text: string): DecodedEntry[] {
  if (!text.includes('Secret') || !SECRET_KIND.test(text)) return [];
  const out: DecodedEntry[] = [];
  DATA_ENTRY.lastIndex = 0;
  for (let m = DATA_ENTRY.exec(text); m !== null && out.length < MAX_ENTRIES; m = DATA_ENTRY.exec(text)) {
    const [line, name, value] = m as unknown as [string, string, string];
    if (value.length % 4 !== 0) continue;
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    // Printable text on one line: a token, a password, a URL (a JSON config keeps its newlines).
    if (decoded.length === 0 || /[\x00-\x08\x0e-\x1f\x7f\ufffd]/.test(decoded)) continue;
    out.push({ index: m.index + line.lastIndexOf(value), decoded: `${name}: ${JSON.stringify(decoded)}` });
  }
  return out;
}
