/** Assertions shared by the real-shaped scenario tests. */
import assert from 'node:assert/strict';
import { type Alert, ATTACK_STAGES } from '@tokenwarden/core';

/** A page: high or critical. */
export const isPage = (a: Alert) => a.severity === 'high' || a.severity === 'critical';

/** One line per alert, for assertion messages. */
export function describeAlerts(alerts: Alert[]): string {
  return alerts.map((a) => `${a.time} ${a.credential} ${a.rule} ${a.severity} ${a.stage} ${a.summary}`).join('\n');
}

/** The first page on the attacked credential is at or after the attack's start and strictly before its first damage (to the second). */
export function assertCaughtBeforeDamage(alerts: Alert[], attack: { credential: string; startAt: number; damageAt: number }): void {
  const pages = alerts.filter((a) => a.credential === attack.credential && isPage(a) && Date.parse(a.time) >= attack.startAt);
  assert.ok(
    pages.length > 0,
    `no page on ${attack.credential}:\n${describeAlerts(alerts.filter((a) => a.credential === attack.credential))}`,
  );
  const first = Date.parse(pages[0]!.time);
  assert.ok(
    Math.floor(first / 1000) < Math.floor(attack.damageAt / 1000),
    `first page at ${pages[0]!.time}, damage at ${new Date(attack.damageAt).toISOString()}`,
  );
}

/** Stages of the chain, in order of position: a chain alert never reports a stage before one it already reported. */
const STAGE_ORDER: readonly string[] = ATTACK_STAGES;

/** The attack chain never reports validity_check once it reported a later stage. */
export function assertChainNeverStepsBack(alerts: Alert[], credential: string): void {
  const chain = alerts.filter((a) => a.credential === credential && a.rule === 'attack_chain');
  const reached = new Set<string>();
  for (const a of chain) {
    const furthest = Math.max(-1, ...[...reached].map((s) => STAGE_ORDER.indexOf(s)));
    assert.ok(
      a.stage !== 'validity_check' || furthest < STAGE_ORDER.indexOf('capability_probe'),
      `the chain went back to validity_check after ${[...reached].join(', ')}:\n${describeAlerts(chain)}`,
    );
    reached.add(a.stage);
  }
}

/** The thief's backdoor user, whose key the leaked key minted, is followed to defense evasion. */
export function assertBackdoorFollowed(alerts: Alert[]): void {
  const minted = alerts.filter((a) => a.principal?.endsWith(':user/backup-svc'));
  assert.ok(
    minted.some((a) => a.rule === 'attack_chain' && a.stage === 'defense_evasion' && a.severity === 'critical'),
    describeAlerts(minted),
  );
}

/** No page on any credential but the attacked ones (and the key an attacker minted). */
export function assertNoBenignPages(alerts: Alert[], attacked: string[]): void {
  const benignPages = alerts.filter((a) => isPage(a) && !attacked.includes(a.credential) && !a.principal?.endsWith(':user/backup-svc'));
  assert.deepEqual(benignPages, [], describeAlerts(benignPages));
}
