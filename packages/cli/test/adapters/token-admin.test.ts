import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AdminApi, LineageEntry } from '@tokenwarden/token-service';
import { tokenAdminAdapter } from '../../src/adapters/token-admin.js';

const at = '2026-11-30T19:17:10.986Z';
const lineage: LineageEntry[] = [
  { entity_id: 'key_revoked', entity_kind: 'api_key', created_by_credential_id: 'key_stolen', created_at: at, depth: 1, status: 'revoked' },
  { entity_id: 'key_live', entity_kind: 'api_key', created_by_credential_id: 'key_stolen', created_at: at, depth: 1, status: 'active' },
  { entity_id: 'grant_x', entity_kind: 'grant', created_by_credential_id: 'key_stolen', created_at: at, depth: 1, status: 'expired' },
  { entity_id: 'cl_x', entity_kind: 'client', created_by_credential_id: 'key_stolen', created_at: at, depth: 1 },
  {
    entity_id: 'usr_backdoor',
    entity_kind: 'user',
    created_by_credential_id: 'key_stolen',
    created_at: at,
    depth: 1,
    status: 'suspended',
    name: 'svc-backup',
  },
];

describe("the response's view of the token service lineage", () => {
  it('reports each created thing in the state the token service holds it in, users by login', async () => {
    const admin = { lineage: async () => lineage } as unknown as AdminApi;
    const created = await tokenAdminAdapter(admin, { query: async () => [] }).createdBy('key_stolen');
    assert.deepEqual(
      created.credentials.map((c) => [c.id, c.kind, c.status]),
      [
        ['key_revoked', 'api_key', 'revoked'],
        ['key_live', 'api_key', 'active'],
        ['grant_x', 'refresh_token', 'expired'],
      ],
    );
    assert.deepEqual(
      created.principals.map((p) => [p.id, p.kind, p.name, p.status]),
      [
        ['cl_x', 'oauth_client', 'cl_x', 'active'],
        ['usr_backdoor', 'user', 'svc-backup', 'suspended'],
      ],
    );
  });
});

describe("the response's rotation of a service-account token", () => {
  it('rotates the account of a sat_ token and reports when the old token stops working; anything else is no service-account token', async () => {
    const asked: string[] = [];
    const admin = {
      rotateServiceAccount: async (id: string) => {
        asked.push(id);
        return { id: 'sat_new', key: 'tw_s_x', service_account_id: 'sa_1', superseded: [{ id: 'sat_old', valid_until: at }] };
      },
    } as unknown as AdminApi;
    const tokens = tokenAdminAdapter(admin, { query: async () => [] });
    assert.deepEqual(await tokens.rotateServiceAccount('sat_old', { actor: 'a', reason: 'r' }), {
      new_credential_id: 'sat_new',
      service_account_id: 'sa_1',
      old_valid_until: at,
    });
    assert.equal(await tokens.rotateServiceAccount('key_1', { actor: 'a', reason: 'r' }), undefined);
    assert.deepEqual(asked, ['sat_old']);
  });
});
