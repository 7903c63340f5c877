import { boolAt, isObject, type JsonObject, objAt, strAt } from '../fields.js';

/** Okta's own risk level of a request (`debugData.risk`), lower-cased. */
export type VendorRiskLevel = 'low' | 'medium' | 'high';

/**
 * What Okta itself concluded about an event, as flat attributes the detectors read (`vendor_*`). Okta sees
 * every customer's traffic, so its IP reputation and its session-roaming checks know things one org's logs
 * cannot; they are weighed as evidence next to the engine's own baselines, never instead of them.
 */
export interface OktaVendorSignals {
  /** ThreatInsight judged the source address malicious (`debugData.threatSuspected`). */
  vendor_threat?: true;
  /** Okta's risk engine's level for the request. */
  vendor_risk?: VendorRiskLevel;
  /** Its reasons as Okta words them (`Anomalous Device, Anomalous Location`). */
  vendor_risk_reasons?: string;
  /** The behaviours Okta found positive (`New Device, New IP`). */
  vendor_behaviors?: string;
  /** An event Okta raises about the session or user itself (see {@link VENDOR_SIGNAL_EVENTS}). */
  vendor_signal?: string;
}

/**
 * Okta event types that are Okta's own detections. The session ones name the session they saw move: Identity
 * Threat Protection's context change and continuous re-evaluation, and session roaming detection.
 */
export const VENDOR_SIGNAL_EVENTS: ReadonlyMap<string, string> = new Map([
  ['security.session.detect_client_roaming', 'session_roaming'],
  ['user.session.context.change', 'session_context_change'],
  ['policy.auth_reevaluate.fail', 'reevaluation_failed'],
  ['user.risk.detect', 'user_risk'],
  ['user.risk.change', 'user_risk'],
  ['security.threat.detected', 'threat_detected'],
  ['user.account.report_suspicious_activity_by_enduser', 'user_reported'],
]);

// A Map, not an object literal: a hostile `level=constructor` must not find Object.prototype's members.
const LEVELS: ReadonlyMap<string, VendorRiskLevel> = new Map([
  ['low', 'low'],
  ['medium', 'medium'],
  ['high', 'high'],
]);

/**
 * Reads Okta's `{reasons=Anomalous Device, Anomalous Location, level=HIGH}` (the System Log's map text), its JSON
 * spelling, or an object. Anything else gives nothing: the field is advisory.
 */
function parseRisk(value: unknown): { level?: VendorRiskLevel; reasons?: string } {
  let o: JsonObject | undefined;
  if (isObject(value)) o = value;
  else if (typeof value === 'string' && value.length <= 2_048) {
    const text = value.trim();
    if (text.startsWith('{"')) {
      try {
        const parsed: unknown = JSON.parse(text);
        if (isObject(parsed)) o = parsed;
      } catch {
        return {};
      }
    } else {
      const level = /(?:^|[{,\s])level\s*=\s*([A-Za-z]+)/.exec(text)?.[1];
      // Reasons run to the next `key=` (their own commas included) or the closing brace.
      const reasons = /(?:^|[{,\s])reasons\s*=\s*(.*?)\s*(?:,\s*[A-Za-z_]+\s*=|}|$)/.exec(text)?.[1];
      return { level: level === undefined ? undefined : LEVELS.get(level.toLowerCase()), reasons: reasons || undefined };
    }
  }
  if (o === undefined) return {};
  const level = strAt(o, 'level');
  return { level: level === undefined ? undefined : LEVELS.get(level.toLowerCase()), reasons: strAt(o, 'reasons') };
}

/** `{New Geo-Location=NEGATIVE, New Device=POSITIVE, New IP=POSITIVE}` → `New Device, New IP`. */
function positiveBehaviors(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2_048) return undefined;
  const positive: string[] = [];
  for (const m of value.matchAll(/([A-Za-z][\w -]*?)\s*=\s*POSITIVE/gi)) positive.push(m[1]!.trim());
  return positive.length > 0 ? positive.join(', ') : undefined;
}

/**
 * Okta's own verdicts on one System Log event.
 *
 * @example
 * ```ts
 * oktaVendorSignals('user.session.context.change', { risk: '{reasons=Anomalous Device, level=HIGH}', threatSuspected: 'false' });
 * // { vendor_risk: 'high', vendor_risk_reasons: 'Anomalous Device', vendor_signal: 'session_context_change' }
 * ```
 */
export function oktaVendorSignals(eventType: string, debugData: JsonObject | undefined): OktaVendorSignals {
  const out: OktaVendorSignals = {};
  if (boolAt(debugData, 'threatSuspected') === true) out.vendor_threat = true;
  const risk = parseRisk(debugData?.risk);
  if (risk.level !== undefined) out.vendor_risk = risk.level;
  if (risk.reasons !== undefined) out.vendor_risk_reasons = risk.reasons.slice(0, 256);
  const behaviors = positiveBehaviors(debugData?.behaviors);
  if (behaviors !== undefined) out.vendor_behaviors = behaviors.slice(0, 256);
  const signal = VENDOR_SIGNAL_EVENTS.get(eventType);
  if (signal !== undefined) out.vendor_signal = signal;
  return out;
}

/**
 * True for a request Okta's own services made inside the org (`client.id` `okta.<uuid>`, user agent
 * `Okta-Integrations`): it comes from Okta's cloud, not from whoever holds the session, so its address and
 * client say nothing about where the session is.
 *
 * @example
 * ```ts
 * isOktaInternalClient({ id: 'okta.b58d5b75-07d4-5f25-bf59-368a1261a405', userAgent: { rawUserAgent: 'Okta-Integrations' } }); // true
 * ```
 */
export function isOktaInternalClient(client: JsonObject | undefined): boolean {
  if (client === undefined) return false;
  const id = strAt(client, 'id');
  if (id !== undefined && /^okta\.[0-9a-f-]{8,}$/i.test(id)) return true;
  const ua = strAt(objAt(client, 'userAgent'), 'rawUserAgent');
  return ua !== undefined && /^Okta-Integrations\b/i.test(ua);
}
