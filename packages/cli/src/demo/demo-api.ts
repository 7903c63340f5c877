import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { SettingsStore } from '@tokenwarden/response';
import type { AdminApi } from '@tokenwarden/token-service';

/** What the demo API needs: the token service's admin API (to mint keys and users) and settings. */
export interface DemoApiDeps {
  admin: AdminApi;
  settings: SettingsStore;
}

interface Caller {
  subject: string;
  credential: string;
  scopes: string[];
}

const PROJECTS = Array.from({ length: 40 }, (_, i) => ({ id: i + 1, name: `project-${i + 1}`, owner: ['alice', 'bob', 'carol'][i % 3] }));
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin'].map((login, i) => ({
  id: i + 1,
  login,
  email: `${login}@example.com`,
  role: i === 0 ? 'admin' : 'member',
}));
const INVOICES = Array.from({ length: 200 }, (_, i) => ({
  id: 1000 + i,
  amount_cents: 1999 + i * 7,
  currency: 'EUR',
  card_last4: String(4242 + i).slice(-4),
}));

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 64 * 1024) throw new Error('body too large');
  }
  if (!body) return {};
  const parsed = JSON.parse(body) as unknown;
  return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}

/**
 * A small SaaS-like API that sits behind the gateway in the demo. It trusts the identity headers
 * the gateway sets (and only the gateway can reach it: it listens on loopback on a random port).
 * Its admin endpoints mint keys and users through the token service, recording which credential
 * created them (lineage), and switch alerting through the audited settings store, which is what
 * lets response find and undo what an attacker did.
 *
 * @example
 * ```ts
 * const api = await startDemoApi({ admin: service.admin, settings });
 * ```
 */
export async function startDemoApi(deps: DemoApiDeps, host = '127.0.0.1', port = 0): Promise<Server> {
  const server = createServer((req, res) => {
    handle(deps, req, res).catch((e: unknown) => send(res, 500, { error: e instanceof Error ? e.message : 'error' }));
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return server;
}

async function handle(deps: DemoApiDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const caller: Caller = {
    subject: String(req.headers['x-tokenwarden-subject'] ?? ''),
    credential: String(req.headers['x-tokenwarden-credential-id'] ?? ''),
    scopes: String(req.headers['x-tokenwarden-scopes'] ?? '')
      .split(' ')
      .filter(Boolean),
  };
  const url = new URL(req.url ?? '/', 'http://demo');
  const path = url.pathname;
  const method = req.method ?? 'GET';
  if (method === 'GET' && path === '/api/health') return send(res, 200, { ok: true });
  if (method === 'GET' && path === '/api/me')
    return send(res, 200, { subject: caller.subject, credential: caller.credential, scopes: caller.scopes });
  if (method === 'GET' && path === '/api/projects') return send(res, 200, PROJECTS.filter((p) => p.owner === caller.subject).slice(0, 10));
  const project = /^\/api\/projects\/(\d+)$/.exec(path);
  if (method === 'GET' && project) {
    const p = PROJECTS.find((x) => x.id === Number(project[1]));
    return p ? send(res, 200, p) : send(res, 404, { error: 'not found' });
  }
  if (method === 'GET' && path === '/api/billing/invoices') return send(res, 200, INVOICES);
  if (method === 'GET' && path === '/api/users') return send(res, 200, USERS);
  if (method === 'GET' && path === '/api/admin/settings') return send(res, 200, await deps.settings.all());
  if (method === 'PUT' && path === '/api/admin/alerts') {
    const body = await readJson(req);
    const enabled = body.enabled === true;
    await deps.settings.set('alerts.enabled', enabled, {
      actor: caller.credential || caller.subject,
      credential_id: caller.credential,
      reason: 'PUT /api/admin/alerts',
    });
    return send(res, 200, { 'alerts.enabled': enabled });
  }
  if (method === 'POST' && path === '/api/admin/keys') {
    const body = await readJson(req);
    const scopes = Array.isArray(body.scopes) ? body.scopes.map(String) : caller.scopes;
    const minted = await deps.admin.createApiKey({
      subject: String(body.subject ?? caller.subject),
      scopes,
      createdByCredentialId: caller.credential,
    });
    return send(res, 201, { id: minted.id, key: minted.key });
  }
  if (method === 'POST' && path === '/api/admin/users') {
    const body = await readJson(req);
    const user = await deps.admin.createUser({
      login: String(body.login ?? ''),
      password: String(body.password ?? ''),
      createdByCredentialId: caller.credential,
    });
    return send(res, 201, { id: user.id, login: user.login });
  }
  return send(res, 404, { error: 'not found' });
}
