import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildForensicReport, renderMarkdown } from '@tokenwarden/response';
import { alert, ev } from '../fakes.js';

// What an attacker sends (user agent, path, alert summaries quoting it) must reach a Markdown
// viewer that renders inline HTML as text, never as markup.
describe('forensic report as Markdown, with attacker-controlled text', () => {
  const events = [
    ev({
      id: 'x1',
      time: '2026-11-02T03:00:00.000Z',
      credential_id: 'key_x',
      method: 'GET',
      path: '/api/me`<img src=x onerror=alert(2)>',
      status: 200,
      source_ip: '159.89.214.31',
      user_agent: 'curl <img src=x onerror=alert(1)> | a | [click](javascript:alert(3))',
    }),
  ];
  const md = renderMarkdown(
    buildForensicReport({
      credential: 'key_x',
      events,
      alerts: [alert({ id: 'ax', time: '2026-11-02T03:00:00.000Z', credential: 'key_x', summary: 'odd agent <svg onload=alert(4)>' })],
    }),
  );

  it('escapes HTML, links and table pipes in plain cells', () => {
    assert.match(md, /\| curl &lt;img src=x onerror=alert\(1\)&gt; \\\| a \\\| \\\[click\\\]\(javascript:alert\(3\)\) \| 1 \|/);
    assert.match(md, /odd agent &lt;svg onload=alert\(4\)&gt;/);
  });

  it('keeps a value with a backtick inside its code span', () => {
    // Fenced with two backticks, so the one in the path cannot close the span and free the tag.
    assert.ok(md.includes('`` GET /api/me`<img src=x onerror=alert(2)> ``'), md);
  });
});
