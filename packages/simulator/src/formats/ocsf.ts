import type { SimEvent } from '../model/sim-event.js';
import { API_HOST, httpPath } from './native.js';

/** An OCSF 1.3 API Activity (class 6003) event, as the simulator writes it. */
export interface OcsfApiActivity {
  class_uid: 6003;
  class_name: 'API Activity';
  category_uid: 6;
  category_name: 'Application Activity';
  activity_id: number;
  activity_name: string;
  type_uid: number;
  severity_id: 1;
  time: number;
  status: 'Success' | 'Failure';
  status_id: 1 | 2;
  status_code?: string;
  status_detail?: string;
  actor: {
    user: { name: string; uid: string; type: string; type_id: number };
    session: { credential_uid: string; is_mfa?: boolean };
  };
  src_endpoint: { ip: string };
  http_request: { http_method: string; url: { hostname: string; path: string; scheme: 'https' }; user_agent: string };
  http_response: { code: number };
  api: { operation: string; service: { name: string }; request: { uid: string }; response?: { error: string; error_message: string } };
  resources?: { name: string; type: string }[];
  cloud: { provider: 'AWS'; region: string; account: { uid: string } };
  metadata: { version: '1.3.0'; uid: string; product: { name: string; vendor_name: string; version: string }; logged_time: number };
  unmapped?: Record<string, unknown>;
}

const ACTIVITY_NAMES: Record<number, string> = { 1: 'Create', 2: 'Read', 3: 'Update', 4: 'Delete', 99: 'Other' };

/**
 * Renders an event as OCSF API Activity.
 *
 * @example
 * ```ts
 * toOcsf(ev).class_uid; // 6003
 * ```
 */
export function toOcsf(ev: SimEvent, accountId: string): OcsfApiActivity {
  const ok = ev.status < 400;
  const out: OcsfApiActivity = {
    class_uid: 6003,
    class_name: 'API Activity',
    category_uid: 6,
    category_name: 'Application Activity',
    activity_id: ev.op.activity,
    activity_name: ACTIVITY_NAMES[ev.op.activity] ?? 'Other',
    type_uid: 600300 + ev.op.activity,
    severity_id: 1,
    time: ev.time,
    status: ok ? 'Success' : 'Failure',
    status_id: ok ? 1 : 2,
    actor: {
      user: {
        name: ev.credential.userName,
        uid: ev.credential.principalId,
        type: ev.credential.human ? 'User' : 'System',
        type_id: ev.credential.human ? 1 : 3,
      },
      session: { credential_uid: ev.credential.id },
    },
    src_endpoint: { ip: ev.ip },
    http_request: { http_method: ev.op.method, url: { hostname: API_HOST, path: httpPath(ev), scheme: 'https' }, user_agent: ev.userAgent },
    http_response: { code: ev.status },
    api: { operation: ev.op.action, service: { name: ev.op.service }, request: { uid: ev.id } },
    cloud: { provider: 'AWS', region: ev.region, account: { uid: accountId } },
    metadata: {
      version: '1.3.0',
      uid: ev.id,
      product: { name: 'TokenWarden Simulator', vendor_name: 'TokenWarden', version: '0.1.0' },
      logged_time: ev.time + 1200,
    },
  };
  if (ev.interactive) out.actor.session.is_mfa = true;
  if (!ok) {
    out.status_code = ev.errorCode ?? String(ev.status);
    out.status_detail = ev.errorMessage ?? '';
    out.api.response = { error: ev.errorCode ?? String(ev.status), error_message: ev.errorMessage ?? '' };
  }
  if (ev.resource !== undefined) out.resources = [{ name: ev.resource, type: ev.op.service }];
  return out;
}
