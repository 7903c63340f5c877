import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Database } from '@tokenwarden/store';
import type { Provider } from 'oidc-provider';
import type { LoginThrottle } from '../accounts/login-throttle.js';
import { authenticateUser } from '../accounts/users.js';
import type { EventSink } from '../events.js';
import { escapeHtml } from './provider.js';

const MAX_FORM_BYTES = 8 * 1024;

/**
 * Serves `/interaction/:uid`: the login page (plain HTML, one `<form method="post">` with fields
 * `login` and `password`) and automatic consent for first-party clients (every client is created
 * by an administrator through the CLI, so there is no third-party consent screen). Failed
 * sign-ins are counted by `throttle`; past its limits an attempt gets 429 with `Retry-After` and
 * its password is not checked.
 *
 * @example
 * ```ts
 * if (url.pathname.startsWith('/interaction/')) return handleInteraction(provider, database, events, req, res);
 * ```
 */
export async function handleInteraction(
  provider: Provider,
  database: Database,
  events: EventSink,
  throttle: LoginThrottle,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  let details: Awaited<ReturnType<Provider['interactionDetails']>>;
  try {
    details = await provider.interactionDetails(req, res);
  } catch {
    return sendHtml(
      res,
      400,
      page('Session expired', '<p>This sign-in link expired or was opened in another browser. Start again from the application.</p>'),
    );
  }
  const { prompt, params } = details;
  if (prompt.name === 'login') {
    if (req.method === 'GET') return sendHtml(res, 200, loginPage(String(params.client_id ?? ''), undefined));
    if (req.method !== 'POST') return sendHtml(res, 405, page('Method not allowed', ''));
    const form = await readForm(req);
    if (!form) return sendHtml(res, 400, loginPage(String(params.client_id ?? ''), 'The form could not be read.'));
    const login = form.get('login') ?? '';
    const password = form.get('password') ?? '';
    const address = req.socket.remoteAddress ?? 'unknown';
    const waitMs = throttle.retryAfterMs(login, address);
    if (waitMs > 0) {
      events.emit('client_auth.failure', { reason: 'too many failed sign-ins', details: { stage: 'user_login', throttled: true } });
      const minutes = Math.ceil(waitMs / 60_000);
      return sendHtml(
        res,
        429,
        loginPage(String(params.client_id ?? ''), `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`),
        { 'retry-after': String(Math.ceil(waitMs / 1000)) },
      );
    }
    const user = login && password ? await authenticateUser(database, login, password) : undefined;
    if (!user) {
      throttle.failed(login, address);
      events.emit('client_auth.failure', { reason: 'invalid login or password', details: { stage: 'user_login' } });
      return sendHtml(res, 401, loginPage(String(params.client_id ?? ''), 'Invalid login or password.'));
    }
    throttle.succeeded(login, address);
    await provider.interactionFinished(req, res, { login: { accountId: user.id } }, { mergeWithLastSubmission: false });
    return;
  }
  if (prompt.name === 'consent') {
    const accountId = details.session?.accountId;
    const clientId = String(params.client_id);
    if (!accountId) return sendHtml(res, 400, page('Not signed in', ''));
    const grant = details.grantId ? await provider.Grant.find(details.grantId) : new provider.Grant({ accountId, clientId });
    if (!grant) return sendHtml(res, 400, page('Grant not found', ''));
    const missing = prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
      grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: details.grantId ? {} : { grantId } }, { mergeWithLastSubmission: true });
    return;
  }
  return sendHtml(res, 400, page('Unsupported step', `<p>${escapeHtml(prompt.name)}</p>`));
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function loginPage(clientId: string, error: string | undefined): string {
  return page(
    'Sign in',
    `${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}<p>Sign in to continue to ${escapeHtml(clientId)}.</p>
<form method="post" autocomplete="on">
<label>Login <input name="login" autocomplete="username" required autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>`,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)} - TokenWarden</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function sendHtml(res: ServerResponse, status: number, html: string, extraHeaders: Record<string, string> = {}): void {
  res.writeHead(status, {
    ...extraHeaders,
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    'x-frame-options': 'DENY',
  });
  res.end(html);
}
