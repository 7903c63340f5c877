import type { AccessEvent, Alert, Credential, Incident, LifecycleEvent, Principal } from '@tokenwarden/core';

/** A canonical ISO time `minutes` after 2026-03-01T12:00:00Z. */
export function at(minutes: number): string {
  return new Date(Date.UTC(2026, 2, 1, 12, 0, 0) + minutes * 60_000).toISOString();
}

export function principal(overrides: Partial<Principal> = {}): Principal {
  return { id: 'usr_alice', kind: 'user', name: 'alice', status: 'active', created_at: at(0), source_system: 'okta', ...overrides };
}

/** A credential with every optional field set. */
export function fullCredential(overrides: Partial<Credential> = {}): Credential {
  return {
    id: 'cred_full',
    kind: 'refresh_token',
    status: 'active',
    principal_id: 'usr_alice',
    client_id: 'client_web',
    grant_id: 'grant_1',
    scopes: ['read', 'write'],
    audience: ['https://api.example.com'],
    created_at: at(0),
    expires_at: at(60),
    last_used_at: at(5),
    last_used_ip: '198.51.100.7',
    cidr_allowlist: ['10.0.0.0/8'],
    secret_hash: 'hmac_full',
    display_prefix: 'tw_r_ab',
    canary: false,
    created_by_credential_id: 'cred_parent',
    source_system: 'token-service',
    external_id: 'AKIAEXAMPLE',
    metadata: { note: 'ünïcode ✓', nested: { n: 1, list: [1, 'two', null] } },
    ...overrides,
  };
}

/** A credential with only the required fields. */
export function minimalCredential(overrides: Partial<Credential> = {}): Credential {
  return {
    id: 'cred_min',
    kind: 'api_key',
    status: 'active',
    scopes: [],
    audience: [],
    created_at: at(1),
    canary: true,
    source_system: 'token-service',
    ...overrides,
  };
}

export function accessEvent(id: string, minutes: number, overrides: Partial<AccessEvent> = {}): AccessEvent {
  return { id, time: at(minutes), outcome: 'success', source_system: 'gateway', credential_id: 'cred_a', principal: 'alice', ...overrides };
}

/** An access event with every field set. */
export function fullAccessEvent(): AccessEvent {
  return {
    id: 'evt_full',
    time: at(30),
    credential_id: 'cred_full',
    credential_kind: 'cloud_access_key',
    principal: 'arn:aws:iam::123456789012:user/alice',
    source_ip: '2001:db8::1',
    user_agent: 'aws-cli/2.15 Python/3.11',
    tls_fingerprint: 't13d1516h2_8daaf6152771_02713d6af862',
    device_id: 'dev-42',
    operation: 'iam:CreateAccessKey',
    method: 'POST',
    path: '/',
    resource: 'arn:aws:iam::123456789012:user/bob',
    outcome: 'failure',
    status: 403,
    bytes_in: 512,
    bytes_out: 9_007_199_254_740_991,
    request_id: 'req-1',
    interactive: false,
    error_code: 'AccessDenied',
    source_system: 'cloudtrail',
    origin: { file: 'trail.json', line: 12 },
    attributes: { region: 'eu-west-1', tags: ['a', 'b'] },
  };
}

export function lifecycleEvent(id: string, minutes: number, overrides: Partial<LifecycleEvent> = {}): LifecycleEvent {
  return { id, time: at(minutes), type: 'token.issued', credential_id: 'cred_a', source_system: 'token-service', ...overrides };
}

export function alert(id: string, minutes: number, overrides: Partial<Alert> = {}): Alert {
  return {
    id,
    time: at(minutes),
    credential: 'cred_a',
    rule: 'new-asn',
    severity: 'high',
    score: 72.5,
    stage: 'discovery',
    summary: 'first use from AS64500',
    evidence: { asn: 64500, baseline: [64496] },
    ...overrides,
  };
}

export function incident(id: string, overrides: Partial<Incident> = {}): Incident {
  return {
    id,
    credential_id: 'cred_a',
    status: 'open',
    severity: 'high',
    risk_score: 80,
    stage: 'collection',
    opened_at: at(10),
    updated_at: at(11),
    first_event_at: at(9),
    alert_ids: ['alr_1'],
    related_credential_ids: [],
    timeline: [{ time: at(10), kind: 'alert', summary: 'new ASN', ref: 'alr_1' }],
    ...overrides,
  };
}
