import type { Alert, Incident, Severity } from '@tokenwarden/core';
import { newId, SEVERITIES } from '@tokenwarden/core';
import type { ActionOutcome } from '../containment/responder.js';
import type { SecurityEvent } from './security-event-token.js';
import type { SsfTransmitter } from './ssf-transmitter.js';
import { type DeliveryResult, deliverWebhook, type SignalPayload, type WebhookTarget } from './webhook.js';

/** A webhook and the least severity it is sent. */
export interface DispatchWebhook extends WebhookTarget {
  min_severity: Severity;
}

/** What came of one delivery, for logs and tests (never holds a secret). */
export interface DispatchResult {
  channel: 'webhook' | 'ssf';
  /** The webhook URL or the SSF receiver id. */
  target: string;
  signal: string;
  ok: boolean;
  detail: string;
}

/** Options of {@link SignalDispatcher}. */
export interface SignalDispatcherOptions {
  webhooks?: readonly DispatchWebhook[];
  ssf?: SsfTransmitter;
  /** Deliveries in flight at once (default 4). */
  concurrency?: number;
  /** Waiting deliveries kept; beyond it the oldest is dropped and counted (default 1000). */
  maxQueue?: number;
  /** Told about every finished delivery. */
  onResult?: (result: DispatchResult) => void;
  fetchImpl?: typeof fetch;
}

type Job = { name: string; run: () => Promise<DispatchResult[]> };

function severityAtLeast(s: Severity | undefined, min: Severity): boolean {
  return SEVERITIES.indexOf(s ?? 'low') >= SEVERITIES.indexOf(min);
}

/**
 * Sends signals out without ever holding up detection or containment: alerts, incident changes
 * and response actions go to the configured webhooks (HMAC-signed, each at or above its
 * `min_severity`), and CAEP/RISC events to the Shared Signals receivers. Every call only enqueues;
 * a bounded pool delivers in the background with the retries and backoff of
 * {@link deliverWebhook} and {@link SsfTransmitter}. When receivers are down long enough for the
 * queue to fill, the oldest waiting delivery is dropped and counted rather than growing memory.
 *
 * @example
 * ```ts
 * const signals = new SignalDispatcher({ webhooks: [{ url, secret, format: 'slack', min_severity: 'high' }], ssf });
 * signals.alert(alert); // returns at once
 * await signals.close(); // at shutdown: deliver what is queued (bounded wait)
 * ```
 */
export class SignalDispatcher {
  private readonly queue: Job[] = [];
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  private readonly counts = { sent: 0, failed: 0, dropped: 0 };
  private closed = false;

  constructor(private readonly o: SignalDispatcherOptions) {}

  /** True when there is somewhere to send signals. */
  get enabled(): boolean {
    return (this.o.webhooks?.length ?? 0) > 0 || this.o.ssf !== undefined;
  }

  /** Sends an alert to the webhooks whose `min_severity` it reaches. */
  alert(alert: Alert): void {
    this.webhooks({
      id: newId('sig'),
      type: 'alert',
      time: alert.time,
      severity: alert.severity,
      title: `${alert.rule} on ${alert.credential}`,
      text: alert.summary,
      credential: alert.credential,
      ...(alert.principal ? { principal: alert.principal } : {}),
      data: {
        alert_id: alert.id,
        rule: alert.rule,
        stage: alert.stage,
        score: alert.score,
        ...(alert.incident_id ? { incident_id: alert.incident_id } : {}),
      },
    });
  }

  /** Sends an incident's change of status (for example contained) to the webhooks. */
  incident(incident: Incident, change: string): void {
    this.webhooks({
      id: newId('sig'),
      type: 'incident',
      time: incident.updated_at,
      severity: incident.severity,
      title: `incident ${incident.id} ${change}`,
      text: `${incident.credential_id}: stage ${incident.stage}, risk ${incident.risk_score}, status ${incident.status}`,
      credential: incident.credential_id,
      ...(incident.principal ? { principal: incident.principal } : {}),
      data: { incident_id: incident.id, status: incident.status, stage: incident.stage, risk_score: incident.risk_score },
    });
  }

  /** Sends a containment action's outcome (with the incident's severity) to the webhooks. */
  action(incident: Incident, outcome: ActionOutcome): void {
    this.webhooks({
      id: newId('sig'),
      type: 'action',
      time: new Date().toISOString(),
      severity: incident.severity,
      title: `${outcome.action.kind} ${outcome.action.target}: ${outcome.status}`,
      text: outcome.detail,
      credential: incident.credential_id,
      data: { incident_id: incident.id, kind: outcome.action.kind, target: outcome.action.target, status: outcome.status },
    });
  }

  /**
   * Queues a CAEP/RISC event for every interested Shared Signals receiver. Resolves at once, so it
   * can be the responder's `signals.securityEvent` sink without slowing containment.
   */
  async securityEvent(event: SecurityEvent): Promise<void> {
    const ssf = this.o.ssf;
    if (!ssf) return;
    this.enqueue({
      name: event.type,
      run: async () =>
        (await ssf.transmit(event)).map((r) => ({
          channel: 'ssf' as const,
          target: r.receiver,
          signal: event.type,
          ok: r.ok,
          detail: r.ok
            ? `HTTP ${r.status} after ${r.attempts} attempt(s)`
            : `${r.status === undefined ? '' : `HTTP ${r.status} `}${r.err ?? ''} ${r.description ?? ''}`.trim(),
        })),
    });
  }

  /** Deliveries sent, failed after retries, and dropped because the queue was full. */
  stats(): { queued: number; active: number; sent: number; failed: number; dropped: number } {
    return { queued: this.queue.length, active: this.active, ...this.counts };
  }

  /** Resolves when nothing is queued or in flight, or after `timeoutMs` (then false). */
  async flush(timeoutMs = 30_000): Promise<boolean> {
    if (this.queue.length === 0 && this.active === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const drained = new Promise<boolean>((resolve) => this.waiters.push(() => resolve(true)));
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
      timer.unref();
    });
    const done = await Promise.race([drained, timeout]);
    if (timer) clearTimeout(timer);
    return done;
  }

  /** Stops accepting signals and waits (at most `timeoutMs`) for queued deliveries. */
  async close(timeoutMs = 10_000): Promise<boolean> {
    this.closed = true;
    return this.flush(timeoutMs);
  }

  private webhooks(payload: SignalPayload): void {
    for (const hook of this.o.webhooks ?? []) {
      if (!severityAtLeast(payload.severity, hook.min_severity)) continue;
      this.enqueue({
        name: payload.type,
        run: async () => {
          let r: DeliveryResult;
          try {
            r = await deliverWebhook(hook, payload, this.o.fetchImpl);
          } catch (e) {
            r = { ok: false, attempts: 0, error: e instanceof Error ? e.message : String(e) };
          }
          return [
            {
              channel: 'webhook',
              target: hook.url,
              signal: payload.type,
              ok: r.ok,
              detail: r.ok ? `HTTP ${r.status} after ${r.attempts} attempt(s)` : `${r.error ?? 'failed'} after ${r.attempts} attempt(s)`,
            },
          ];
        },
      });
    }
  }

  private enqueue(job: Job): void {
    if (this.closed) return;
    this.queue.push(job);
    if (this.queue.length > (this.o.maxQueue ?? 1000)) {
      this.queue.shift();
      this.counts.dropped++;
    }
    this.pump();
  }

  private pump(): void {
    while (this.active < (this.o.concurrency ?? 4) && this.queue.length > 0) {
      const job = this.queue.shift() as Job;
      this.active++;
      // Settles on its own: every rejection is turned into a failed result above the finally.
      void job
        .run()
        .catch((e: unknown): DispatchResult[] => [
          { channel: 'webhook', target: '?', signal: job.name, ok: false, detail: e instanceof Error ? e.message : String(e) },
        ])
        .then((results) => {
          for (const r of results) {
            if (r.ok) this.counts.sent++;
            else this.counts.failed++;
            try {
              this.o.onResult?.(r);
            } catch {
              // A failing listener must not stop deliveries.
            }
          }
        })
        .finally(() => {
          this.active--;
          this.pump();
          if (this.active === 0 && this.queue.length === 0) for (const w of this.waiters.splice(0)) w();
        });
    }
  }
}
