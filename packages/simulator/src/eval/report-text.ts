import type { EvalReport } from './score.js';

const pct = (v: number | null): string => (v === null ? '-' : `${(v * 100).toFixed(1)}%`);
const num = (v: number | null, digits = 1): string => (v === null ? '-' : v.toFixed(digits));

function duration(s: number | null): string {
  if (s === null) return '-';
  if (s < 120) return `${s.toFixed(0)}s`;
  if (s < 7200) return `${(s / 60).toFixed(1)}m`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)}h`;
  return `${(s / 86_400).toFixed(1)}d`;
}

/** A plain-text table; `align` has one letter per column: `l` for text, `r` for numbers. */
function table(headers: string[], rows: string[][], align: string): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (align[i] === 'r' ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * Formats an evaluation report as plain-text tables for a terminal.
 *
 * @example
 * ```ts
 * process.stdout.write(`${formatEvalReport(report)}\n`);
 * ```
 */
export function formatEvalReport(r: EvalReport): string {
  const out: string[] = [];
  out.push(
    `alerts: ${r.alerts}  malformed lines: ${r.malformed_lines}  alerts on unlabelled credentials: ${r.unlabelled_alerts} (${r.unlabelled_credentials} credentials)`,
  );
  out.push(`paging threshold: ${r.page_threshold}  grace after attack end: ${duration(r.grace_s)}`);
  out.push('');
  out.push('Per credential, by threshold (alerts at or above it count)');
  out.push(
    table(
      ['threshold', 'flagged', 'caught', 'precision', 'recall', 'false pages/1k benign', 'before damage', 'TTD median', 'TTD p90'],
      r.thresholds.map((t) => [
        t.threshold,
        String(t.flagged),
        `${t.caught}/${t.attacks}`,
        pct(t.precision),
        pct(t.recall),
        `${num(t.false_pages_per_1000)} (${t.benign_paged}/${t.benign})`,
        `${t.caught_before_damage}/${t.attacks_with_damage} ${pct(t.before_damage_share)}`,
        duration(t.ttd_median_s),
        duration(t.ttd_p90_s),
      ]),
      'lrrrrrrrr',
    ),
  );
  out.push('');
  out.push(`Attacks (at ${r.page_threshold})`);
  out.push(
    table(
      ['kind', 'principal', 'start', 'caught', 'TTD', 'before damage', 'max severity', 'rules'],
      r.attacks.map((a) => [
        a.kind,
        a.principal,
        a.start.slice(0, 16).replace('T', ' '),
        a.caught ? 'yes' : 'no',
        duration(a.ttd_s),
        a.before_damage === null ? '-' : a.before_damage ? 'yes' : 'no',
        a.max_severity ?? '-',
        a.rules.join(',') || '-',
      ]),
      'lllrrrll',
    ),
  );
  out.push('');
  out.push(`Hard negatives (benign credentials; paged = an alert at ${r.page_threshold} or above)`);
  out.push(
    table(
      ['category', 'credentials', 'paged', 'alerts', 'paged principals'],
      r.categories.map((c) => [c.category, String(c.credentials), String(c.paged), String(c.alerts), c.paged_principals.join(',') || '-']),
      'lrrrl',
    ),
  );
  out.push('');
  out.push(`Rules (true = during an attack on that credential; pages = at ${r.page_threshold} or above)`);
  out.push(
    table(
      ['rule', 'true', 'false', 'true pages', 'false pages'],
      r.rules.map((x) => [x.rule, String(x.true_alerts), String(x.false_alerts), String(x.true_pages), String(x.false_pages)]),
      'lrrrr',
    ),
  );
  return out.join('\n');
}
