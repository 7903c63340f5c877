import { createHmac } from 'node:crypto';
import { safeEqual, TokenWardenError } from '@tokenwarden/core';

/** Where and how to deliver webhooks. */
export interface WebhookTarget {
  url: string;
  /** Shared secret for the HMAC signature (at least 32 bytes of entropy recommended). */
  secret: string;
  /** `json`: our generic envelope; `slack`: a Slack incoming-webhook message. */
  format: 'json' | 'slack';
  timeoutMs?: number;
  retries?: number;
}

/** A signal sent out: an alert, an incident change or a response action. */
export interface SignalPayload {
  id: string;
  type: 'alert' | 'incident' | 'action';
  time: string;
  severity?: 'low' | 'medium' | 'high' | 'critical';
  title: string;
  text: string;
  credential?: string;
  principal?: string;
  link?: string;
  data: Record<string, unknown>;
}

/** Name of the signature header. */
export const SIGNATURE_HEADER = 'x-tokenwarden-signature';

/**
 * Signs a webhook body: `t=<unix seconds>,v1=<hex HMAC-SHA-256 of "<t>.<body>">`. The timestamp is
 * inside the MAC so a captured delivery cannot be replayed later.
 *
 * @example
 * ```ts
 * const header = signWebhook(secret, body, Math.floor(Date.now() / 1000));
 * ```
 */
export function signWebhook(secret: string, body: string, timestamp: number): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/**
 * Verifies a webhook signature in constant time, refusing timestamps outside `toleranceSec`.
 * For receivers (and our tests).
 *
 * @example
 * ```ts
 * if (!verifyWebhookSignature(secret, req.headers['x-tokenwarden-signature'], rawBody)) return res.status(401);
 * ```
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  body: string,
  toleranceSec = 300,
  now = Date.now(),
): boolean {
  if (!header) return false;
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  const v1 = parts.v1;
  if (!Number.isInteger(t) || !v1) return false;
  if (Math.abs(now / 1000 - t) > toleranceSec) return false;
  return safeEqual(signWebhook(secret, body, t), `t=${t},v1=${v1}`);
}

const SLACK_EMOJI: Record<string, string> = {
  low: ':information_source:',
  medium: ':warning:',
  high: ':rotating_light:',
  critical: ':fire:',
};

/**
 * Formats a signal as a Slack incoming-webhook message (text fallback + Block Kit).
 *
 * @example
 * ```ts
 * formatSlack(payload).text; // ":fire: [critical] Attack chain advanced on AKIA…"
 * ```
 */
export function formatSlack(p: SignalPayload): { text: string; blocks: unknown[] } {
  const head = `${p.severity ? `${SLACK_EMOJI[p.severity]} [${p.severity}] ` : ''}${p.title}`;
  const fields = [
    p.credential ? { type: 'mrkdwn', text: `*Credential*\n\`${p.credential}\`` } : undefined,
    p.principal ? { type: 'mrkdwn', text: `*Principal*\n${p.principal}` } : undefined,
    { type: 'mrkdwn', text: `*Time*\n${p.time}` },
  ].filter(Boolean);
  return {
    text: head,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: head.slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: p.text.slice(0, 2900) }, fields },
      ...(p.link ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: `<${p.link}|Open in TokenWarden>` }] }] : []),
    ],
  };
}

/** Result of one delivery. */
export interface DeliveryResult {
  ok: boolean;
  status?: number;
  attempts: number;
  error?: string;
}

/**
 * Delivers a signal to a webhook with an HMAC signature, a timeout, and retries with backoff on
 * network errors and 5xx/429 (never on other 4xx).
 *
 * @example
 * ```ts
 * await deliverWebhook({ url, secret, format: 'slack' }, payload);
 * ```
 */
export async function deliverWebhook(
  target: WebhookTarget,
  payload: SignalPayload,
  fetchImpl: typeof fetch = fetch,
): Promise<DeliveryResult> {
  if (!/^https?:\/\//.test(target.url))
    throw new TokenWardenError('TW_CONFIG_INVALID', `webhook url must be http(s): ${target.url}`, { hint: 'fix response.webhooks[].url' });
  const body = JSON.stringify(target.format === 'slack' ? formatSlack(payload) : payload);
  const retries = target.retries ?? 3;
  let lastError = '';
  let status: number | undefined;
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    try {
      const res = await fetchImpl(target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'TokenWarden-Webhook/1',
          'x-tokenwarden-event-id': payload.id,
          [SIGNATURE_HEADER]: signWebhook(target.secret, body, Math.floor(Date.now() / 1000)),
        },
        body,
        signal: AbortSignal.timeout(target.timeoutMs ?? 5000),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { ok: true, status, attempts: attempt };
      lastError = `HTTP ${res.status}`;
      if (res.status < 500 && res.status !== 429) break;
    } catch (e) {
      lastError = (e as Error).message;
    }
    if (attempt <= retries) await new Promise((r) => setTimeout(r, 200 * 2 ** (attempt - 1)));
  }
  return { ok: false, attempts: retries + 1, error: lastError, ...(status === undefined ? {} : { status }) };
}
