import type { AccessEvent, Alert, Incident, LifecycleEvent } from './model/index.js';

/**
 * Orders that detection or response send to every gateway: block a credential, an IP or an ASN,
 * or lift a block. Enforced at once by every instance.
 */
export interface ControlOrder {
  id: string;
  time: string;
  action: 'block' | 'unblock';
  target: { kind: 'credential'; id: string } | { kind: 'ip'; value: string } | { kind: 'asn'; value: number };
  reason: string;
  expires_at?: string;
  actor: string;
}

/**
 * The event bus topics and what each carries. Events are the only currency between parts,
 * and they flow one way: token service and gateway publish, detection and response consume.
 */
export interface TopicMap {
  access: AccessEvent;
  lifecycle: LifecycleEvent;
  alert: Alert;
  incident: Incident;
  control: ControlOrder;
}

/** A bus topic name. */
export type Topic = keyof TopicMap;

/** Every topic, in a stable order. */
export const TOPICS: readonly Topic[] = ['access', 'lifecycle', 'alert', 'incident', 'control'];
