import type { ForensicReport } from './forensic-report.js';

const MAX_ROWS = 500;

// Text from requests (user agents, paths, summaries) is the attacker's: in a plain cell, what
// opens inline HTML, a link, code or emphasis is escaped, so viewers that render inline HTML show
// `<img onerror=...>` as text instead of running it.
function cell(v: unknown): string {
  return String(v ?? '')
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*[\]|]/g, '\\$&');
}

// In a code span nothing is HTML, but a backtick in the value would end the span early: it is
// fenced with one backtick more than its longest run (CommonMark). Pipes are escaped for the table.
function code(v: unknown): string {
  const s = String(v ?? '')
    .replace(/[\r\n]+/g, ' ')
    .replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return longest > 0 ? `${fence} ${s} ${fence}` : `${fence}${s}${fence}`;
}

/**
 * Renders a forensic report as Markdown: summary, stages, resources, sources, devices,
 * created credentials and accounts, and the request list (first 500 rows; JSON has all).
 *
 * @example
 * ```ts
 * writeFileSync('report.md', renderMarkdown(report));
 * ```
 */
export function renderMarkdown(r: ForensicReport): string {
  const out: string[] = [];
  out.push(`# What did ${code(r.credential)} touch?`, '');
  out.push(
    `Generated ${r.generated_at}. Window: ${r.window.mode === 'all_time' ? 'all time' : 'since the first suspicious event'}` +
      (r.window.from ? ` (${r.window.from} → ${r.window.to ?? r.window.from})` : '') +
      '.',
    '',
  );
  const t = r.totals;
  out.push(
    '## Summary',
    '',
    `- Requests: **${t.requests}** (${t.reads} reads, ${t.changes} changes, ${t.failures} failed)`,
    `- Data out: **${formatBytes(t.bytes_out)}**, in: ${formatBytes(t.bytes_in)}`,
  );
  if (r.first_suspicious_at) out.push(`- First suspicious event: ${r.first_suspicious_at}`);
  out.push(
    `- Countries: ${r.countries.join(', ') || 'unknown'}`,
    `- Stages reached: ${r.stages.map((s) => s.stage).join(' → ') || 'none'}`,
    '',
  );
  if (r.alerts.length > 0) {
    out.push('## Alerts', '', '| time | severity | rule | stage | summary |', '|---|---|---|---|---|');
    for (const a of r.alerts) out.push(`| ${a.time} | ${a.severity} | ${cell(a.rule)} | ${a.stage} | ${cell(a.summary)} |`);
    out.push('');
  }
  out.push('## Resources touched', '', '| kind | reads | changes | data out | examples |', '|---|---:|---:|---:|---|');
  for (const res of r.resources)
    out.push(
      `| ${cell(res.kind)} | ${res.reads} | ${res.changes} | ${formatBytes(res.bytes_out)} | ${res.examples.map((e) => code(e)).join(', ')} |`,
    );
  out.push('', '## Sources', '', '| IP | requests | country | ASN | first seen | last seen |', '|---|---:|---|---|---|---|');
  for (const s of r.sources)
    out.push(
      `| ${cell(s.ip)} | ${s.requests} | ${cell(s.country)} | ${s.asn === undefined ? '' : `AS${s.asn} ${cell(s.as_org)}`} | ${s.first_seen} | ${s.last_seen} |`,
    );
  out.push('', '## Devices', '', '| user agent | requests |', '|---|---:|');
  for (const d of r.devices) out.push(`| ${cell(d.user_agent)} | ${d.requests} |`);
  out.push('', '## Created by this credential', '');
  if (r.created.credentials.length === 0 && r.created.principals.length === 0) out.push('Nothing.');
  for (const c of r.created.credentials) out.push(`- credential ${code(c.id)} (${c.kind}), ${c.status}, created ${c.created_at}`);
  for (const p of r.created.principals) out.push(`- ${p.kind} ${code(p.name)} (${cell(p.id)}), ${p.status}, created ${p.created_at}`);
  out.push('', `## Requests (${r.requests.length})`, '', '| time | kind | request | status | IP |', '|---|---|---|---:|---|');
  for (const q of r.requests.slice(0, MAX_ROWS)) {
    const what = q.method || q.path ? `${q.method ?? ''} ${q.path ?? ''}`.trim() : (q.operation ?? q.resource ?? '');
    out.push(`| ${q.time} | ${q.kind} | ${code(what)} | ${q.status ?? q.outcome} | ${cell(q.source_ip)} |`);
  }
  if (r.requests.length > MAX_ROWS) out.push('', `…and ${r.requests.length - MAX_ROWS} more (see the JSON export).`);
  return `${out.join('\n')}\n`;
}

/** `1536` → `1.5 KiB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}
