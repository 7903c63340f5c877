import type { ForensicReport } from './forensic-report.js';
import { formatBytes } from './render-markdown.js';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(v: unknown): string {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ESC[c] as string);
}

const SEVERITY_COLOUR: Record<string, string> = { low: '#6b7280', medium: '#d97706', high: '#dc2626', critical: '#7f1d1d' };

/**
 * Draws the timeline chart as inline SVG: requests per time bucket stacked by reads, changes and
 * other, with alert markers coloured by severity. No script, no external asset.
 */
export function timelineSvg(r: ForensicReport, width = 960, height = 220): string {
  const times = r.requests.map((q) => Date.parse(q.time)).filter(Number.isFinite);
  const alertTimes = r.alerts.map((a) => Date.parse(a.time)).filter(Number.isFinite);
  const all = [...times, ...alertTimes];
  if (all.length === 0)
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="40" role="img" aria-label="no activity"><text x="8" y="24">No activity in the window.</text></svg>`;
  const t0 = Math.min(...all);
  const t1 = Math.max(...all, t0 + 1000);
  const buckets = 60;
  const span = (t1 - t0) / buckets;
  const counts = Array.from({ length: buckets }, () => ({ read: 0, change: 0, other: 0 }));
  r.requests.forEach((q, i) => {
    const t = times[i];
    if (t === undefined) return;
    const b = counts[Math.min(buckets - 1, Math.floor((t - t0) / span))]!;
    b[q.kind]++;
  });
  const max = Math.max(1, ...counts.map((c) => c.read + c.change + c.other));
  const left = 40;
  const top = 16;
  const plotH = height - top - 36;
  const plotW = width - left - 10;
  const bw = plotW / buckets;
  const parts: string[] = [];
  counts.forEach((c, i) => {
    let y = top + plotH;
    for (const [kind, colour] of [
      ['read', '#2563eb'],
      ['change', '#dc2626'],
      ['other', '#9ca3af'],
    ] as const) {
      const h = (c[kind] / max) * plotH;
      if (h <= 0) continue;
      y -= h;
      parts.push(
        `<rect x="${(left + i * bw).toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${colour}"><title>${c[kind]} ${kind}</title></rect>`,
      );
    }
  });
  r.alerts.forEach((a, i) => {
    const t = alertTimes[i];
    if (t === undefined) return;
    const x = left + ((t - t0) / (t1 - t0)) * plotW;
    parts.push(
      `<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${top}" y2="${top + plotH}" stroke="${SEVERITY_COLOUR[a.severity]}" stroke-dasharray="3,2"><title>${escapeHtml(`${a.time} ${a.severity} ${a.rule}: ${a.summary}`)}</title></line>`,
    );
  });
  const axis = `<line x1="${left}" x2="${left + plotW}" y1="${top + plotH}" y2="${top + plotH}" stroke="#111"/><text x="${left}" y="${height - 18}" font-size="11">${escapeHtml(new Date(t0).toISOString())}</text><text x="${left + plotW}" y="${height - 18}" font-size="11" text-anchor="end">${escapeHtml(new Date(t1).toISOString())}</text><text x="4" y="${top + 10}" font-size="11">${max}</text>`;
  const legend = `<text x="${left}" y="${height - 4}" font-size="11"><tspan fill="#2563eb">■ reads</tspan> <tspan fill="#dc2626">■ changes</tspan> <tspan fill="#9ca3af">■ other/failed</tspan> ┆ dashed: alerts</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="request timeline">${parts.join('')}${axis}${legend}</svg>`;
}

function table(headers: string[], rows: unknown[][]): string {
  return `<table><thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

/**
 * Renders a forensic report as one self-contained HTML page (inline CSS and SVG, no script, no
 * external request), safe to attach to a ticket or open from disk.
 *
 * @example
 * ```ts
 * writeFileSync('report.html', renderHtml(report));
 * ```
 */
export function renderHtml(r: ForensicReport): string {
  const t = r.totals;
  const rows = r.requests
    .slice(0, 2000)
    .map((q) => [
      q.time,
      q.kind,
      q.method || q.path ? `${q.method ?? ''} ${q.path ?? ''}`.trim() : (q.operation ?? q.resource ?? ''),
      q.status ?? q.outcome,
      q.source_ip ?? '',
      q.user_agent ?? '',
    ]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>TokenWarden forensic report: ${escapeHtml(r.credential)}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#111;max-width:1200px}h1{font-size:1.4rem}table{border-collapse:collapse;margin:.5rem 0 1.5rem;width:100%}th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top;font-size:12px}th{background:#f3f4f6}.kpi{display:flex;gap:1rem;flex-wrap:wrap}.kpi div{background:#f9fafb;border:1px solid #e5e7eb;border-radius:6px;padding:.5rem 1rem}.sev-critical,.sev-high{color:#b91c1c;font-weight:600}code{background:#f3f4f6;padding:0 3px}</style>
</head><body>
<h1>What did <code>${escapeHtml(r.credential)}</code> touch?</h1>
<p>Generated ${escapeHtml(r.generated_at)}. Window: ${r.window.mode === 'all_time' ? 'all time' : 'since the first suspicious event'} ${escapeHtml(r.window.from ?? '')} → ${escapeHtml(r.window.to ?? '')}.</p>
<div class="kpi"><div><b>${t.requests}</b> requests</div><div><b>${t.reads}</b> reads</div><div><b>${t.changes}</b> changes</div><div><b>${t.failures}</b> failed</div><div><b>${escapeHtml(formatBytes(t.bytes_out))}</b> out</div><div>stages: <b>${escapeHtml(r.stages.map((s) => s.stage).join(' → ') || 'none')}</b></div></div>
<h2>Timeline</h2>
${timelineSvg(r)}
<h2>Alerts</h2>
${r.alerts.length === 0 ? '<p>None.</p>' : `<table><thead><tr><th>time</th><th>severity</th><th>rule</th><th>stage</th><th>summary</th></tr></thead><tbody>${r.alerts.map((a) => `<tr><td>${escapeHtml(a.time)}</td><td class="sev-${escapeHtml(a.severity)}">${escapeHtml(a.severity)}</td><td>${escapeHtml(a.rule)}</td><td>${escapeHtml(a.stage)}</td><td>${escapeHtml(a.summary)}</td></tr>`).join('')}</tbody></table>`}
<h2>Resources touched</h2>
${table(
  ['kind', 'reads', 'changes', 'data out', 'examples'],
  r.resources.map((x) => [x.kind, x.reads, x.changes, formatBytes(x.bytes_out), x.examples.join(', ')]),
)}
<h2>Sources</h2>
${table(
  ['IP', 'requests', 'country', 'ASN', 'first seen', 'last seen'],
  r.sources.map((s) => [
    s.ip,
    s.requests,
    s.country ?? '',
    s.asn === undefined ? '' : `AS${s.asn} ${s.as_org ?? ''}`,
    s.first_seen,
    s.last_seen,
  ]),
)}
<h2>Devices</h2>
${table(
  ['user agent', 'requests'],
  r.devices.map((d) => [d.user_agent, d.requests]),
)}
<h2>Created by this credential</h2>
${r.created.credentials.length + r.created.principals.length === 0 ? '<p>Nothing.</p>' : table(['what', 'id', 'kind', 'status', 'created'], [...r.created.credentials.map((c) => ['credential', c.id, c.kind, c.status, c.created_at]), ...r.created.principals.map((p) => [p.name, p.id, p.kind, p.status, p.created_at])])}
<h2>Requests (${r.requests.length}${r.requests.length > 2000 ? ', first 2000 shown' : ''})</h2>
${table(['time', 'kind', 'request', 'status', 'IP', 'user agent'], rows)}
</body></html>
`;
}
