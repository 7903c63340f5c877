import { terminalSafe as safe } from '../text/terminal-safe.js';
import type { Finding, Severity } from '../types.js';

const COLOURS: Record<Severity, string> = { critical: '\x1b[1;31m', high: '\x1b[31m', medium: '\x1b[33m', low: '\x1b[36m' };
const DIM = '\x1b[2m';
const BOLD = '\x1b[1m';
const RESET = '\x1b[0m';

/**
 * Human-readable report: findings grouped by file, secrets redacted (unless the findings carry
 * them because of `--show-secrets`), ANSI colours only when `colour` is true (a TTY). Text from
 * the scanned content (file names, authors, matches, details) has its control characters shown
 * as escapes: a hostile file name cannot drive the terminal or forge report lines.
 *
 * @example
 * ```ts
 * process.stdout.write(formatText(findings, process.stdout.isTTY));
 * ```
 */
export function formatText(findings: readonly Finding[], colour: boolean): string {
  const c = (code: string, s: string) => (colour ? `${code}${s}${RESET}` : s);
  if (findings.length === 0) return 'no secrets found\n';
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) {
    const list = byFile.get(f.file) ?? [];
    list.push(f);
    byFile.set(f.file, list);
  }
  const out: string[] = [];
  for (const [file, list] of [...byFile.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    out.push(c(BOLD, safe(file)));
    for (const f of list.sort((a, b) => a.line - b.line || a.column - b.column)) {
      const where = `${f.line}:${f.column}`.padEnd(9);
      const sev = c(COLOURS[f.severity], f.severity.padEnd(8));
      const value = f.secret ?? f.match;
      out.push(`  ${where} ${sev} ${safe(f.rule)}  ${safe(value)}  ${c(DIM, `confidence ${f.confidence}`)}`);
      const extra: string[] = [];
      if (f.commit) extra.push(`commit ${f.commit.slice(0, 12)} by ${f.author} on ${f.date}`);
      if (f.encoding) extra.push(`inside ${f.encoding}-encoded content`);
      if (f.cell !== undefined) extra.push(`notebook cell ${f.cell}`);
      if (f.reason) extra.push(`unsafe storage: ${f.reason}`);
      if (f.verification) extra.push(`verification: ${f.verification.status} (${f.verification.detail})`);
      if (f.revoked) extra.push('revoked');
      if (f.details)
        extra.push(
          Object.entries(f.details)
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(' '),
        );
      for (const e of extra) out.push(`            ${c(DIM, safe(e))}`);
    }
    out.push('');
  }
  const counts = new Map<Severity, number>();
  for (const f of findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  const summary = (['critical', 'high', 'medium', 'low'] as const)
    .filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${s}`)
    .join(', ');
  out.push(
    `${findings.length} finding${findings.length === 1 ? '' : 's'} in ${byFile.size} file${byFile.size === 1 ? '' : 's'} (${summary})`,
  );
  return `${out.join('\n')}\n`;
}
