import type { Finding, Rule, Severity } from '../types.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };

function uriOf(file: string): string {
  // Archive members (a.zip!b.txt) and Windows separators become plain relative URIs; an absolute
  // path (a PATH named absolutely) a file:// URI, as SARIF consumers resolve absolute locations.
  const path = file.replace(/\\/g, '/').replace(/^\.\//, '');
  const encoded = path
    .split('/')
    .map((part, i) => (i === 0 && /^[A-Za-z]:$/.test(part) ? part : encodeURIComponent(part).replace(/%21/g, '!')))
    .join('/');
  if (path.startsWith('/')) return `file://${encoded}`;
  return /^[A-Za-z]:\//.test(path) ? `file:///${encoded}` : encoded;
}

/**
 * SARIF 2.1.0 log for code-scanning UIs: one run, the rules that fired as
 * `tool.driver.rules` (id, shortDescription, help), one result per finding with ruleId, level,
 * a redacted message, the physical location, and `partialFingerprints.secretHash/v1` so that
 * the same leak is tracked across runs without the secret.
 *
 * @example
 * ```ts
 * JSON.stringify(formatSarif(findings, BUILTIN_RULES, '0.1.0'));
 * ```
 */
export function formatSarif(
  findings: readonly Finding[],
  rules: readonly Pick<Rule, 'id' | 'description' | 'severity' | 'provider'>[],
  version: string,
): object {
  const fired = [...new Set(findings.map((f) => f.rule))].sort();
  const byId = new Map(rules.map((r) => [r.id, r]));
  const ruleIndex = new Map(fired.map((id, i) => [id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'tokenwarden',
            informationUri: 'https://github.com/tokenwarden/tokenwarden',
            version,
            rules: fired.map((id) => {
              const r = byId.get(id);
              const description = r?.description ?? id;
              return {
                id,
                name: id,
                shortDescription: { text: description },
                fullDescription: { text: `${description} (${r?.provider ?? 'custom'})` },
                help: {
                  // No article: "A AWS ..." / "A npm ..." read wrong in code-scanning UIs.
                  text: `Secret found: ${description}. Revoke or rotate it at the issuer, remove it from the code and history, and load it from a secret store instead.`,
                },
                defaultConfiguration: { level: LEVEL[r?.severity ?? 'high'] },
                properties: { tags: ['security', 'secret'], provider: r?.provider ?? 'custom' },
              };
            }),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: ruleIndex.get(f.rule),
          level: LEVEL[f.severity],
          message: {
            text: `${f.description}: ${f.match}${f.reason ? ` (unsafe storage: ${f.reason})` : ''}${f.commit ? ` in commit ${f.commit.slice(0, 12)}` : ''}`,
          },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: uriOf(f.file) },
                region: { startLine: Math.max(1, f.line), startColumn: Math.max(1, f.column) },
              },
            },
          ],
          partialFingerprints: { 'secretHash/v1': f.secret_hash },
          properties: {
            severity: f.severity,
            confidence: f.confidence,
            ...(f.commit ? { commit: f.commit, author: f.author, date: f.date } : {}),
            ...(f.encoding ? { encoding: f.encoding } : {}),
            ...(f.verification ? { verification: f.verification.status } : {}),
          },
        })),
      },
    ],
  };
}
