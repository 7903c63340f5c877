import { type ToolProfile, toolUserAgent } from '../model/clients.js';
import type { HardNegative } from '../model/labels.js';
import { addressIn, type Network, network } from '../model/networks.js';
import { op } from '../model/operations.js';
import { type EventDraft, makeEvent, newCredential, type SimCredential, type SimEvent } from '../model/sim-event.js';
import type { Rng } from '../prng.js';
import { BUCKETS, objectKey } from './resources.js';
import type { Intent } from './roles.js';
import { appIntent, deployJob, postureScan, terraformApply, terraformPlan } from './service-jobs.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MIN = 60_000;

/** The automation a company runs, each with its own schedule, network and client. */
export type ServiceKind =
  | 'ci-deploy'
  | 'ci-runner'
  | 'terraform'
  | 'backup'
  | 'monitoring'
  | 'app-backend'
  | 'billing-export'
  | 'log-shipper'
  | 'data-pipeline'
  | 'posture-scanner';

/** Services in the order they are created (service i is `SERVICE_KINDS[i % 10]`). */
export const SERVICE_KINDS: readonly ServiceKind[] = [
  'ci-deploy',
  'terraform',
  'ci-runner',
  'posture-scanner',
  'monitoring',
  'app-backend',
  'data-pipeline',
  'backup',
  'billing-export',
  'log-shipper',
];

/** One service credential and its habits. */
export interface ServicePlan {
  rng: Rng;
  kind: ServiceKind;
  name: string;
  credential: SimCredential;
  tool: ToolProfile;
  hardNegative: HardNegative;
  /** Where the service runs; some move during the window. */
  net: Network;
  /** Fixed egress addresses (NAT gateway, elastic IP) when the service has them. */
  fixedIps: string[];
  /** For runners that move: the moment and the network they move to. */
  move?: { at: number; net: Network };
  region: string;
}

const HARD: Partial<Record<ServiceKind, HardNegative>> = {
  'ci-runner': 'ci_runner_move',
  terraform: 'terraform_apply',
  'posture-scanner': 'posture_scanner',
};

const HOME: Record<ServiceKind, { net: string; tool: ToolProfile['tool']; region: string; fixed: number }> = {
  'ci-deploy': { net: 'azure-github', tool: 'aws-cli', region: 'us-east-1', fixed: 0 },
  'ci-runner': { net: 'aws-use1-a', tool: 'aws-cli', region: 'us-east-1', fixed: 0 },
  terraform: { net: 'aws-use1-a', tool: 'terraform', region: 'us-east-1', fixed: 1 },
  backup: { net: 'aws-use1-a', tool: 'boto3', region: 'us-east-1', fixed: 1 },
  monitoring: { net: 'aws-use2', tool: 'sdk-go', region: 'us-east-1', fixed: 4 },
  'app-backend': { net: 'aws-use2', tool: 'sdk-java', region: 'us-east-1', fixed: 2 },
  'billing-export': { net: 'aws-use1-b', tool: 'boto3', region: 'us-east-1', fixed: 1 },
  'log-shipper': { net: 'aws-euw1', tool: 'sdk-go', region: 'eu-west-1', fixed: 1 },
  'data-pipeline': { net: 'gcp-usc1', tool: 'boto3', region: 'us-east-1', fixed: 0 },
  'posture-scanner': { net: 'aws-use1-b', tool: 'boto3', region: 'us-east-1', fixed: 1 },
};

/**
 * Decides one service's habits.
 *
 * @example
 * ```ts
 * const plan = planService(rng.fork('svc-0'), 0, start, days);
 * ```
 */
export function planService(rng: Rng, index: number, start: number, days: number): ServicePlan {
  const kind = SERVICE_KINDS[index % SERVICE_KINDS.length] as ServiceKind;
  const home = HOME[kind];
  const name = `svc-${kind}${index >= SERVICE_KINDS.length ? `-${Math.floor(index / SERVICE_KINDS.length) + 1}` : ''}`;
  const net = network(home.net);
  const fixedIps = Array.from({ length: home.fixed }, () => addressIn(rng, net));
  const plan: ServicePlan = {
    rng,
    kind,
    name,
    credential: newCredential(rng, name, false),
    tool: { tool: home.tool, os: 'linux' },
    hardNegative: HARD[kind] ?? 'none',
    net,
    fixedIps,
    region: home.region,
  };
  if (kind === 'ci-runner')
    plan.move = { at: start + Math.floor(days * rng.float(0.4, 0.6)) * DAY + rng.int(0, 23) * HOUR, net: network('aws-use1-b') };
  return plan;
}

type Emit = (t: number, intent: Intent, extra?: Partial<EventDraft>) => void;

/**
 * Plays a service's schedule as a time-ordered stream, one UTC day at a time.
 *
 * @example
 * ```ts
 * for (const ev of serviceTraffic(plan, start, end)) write(ev);
 * ```
 */
export function* serviceTraffic(s: ServicePlan, start: number, end: number): Generator<SimEvent> {
  const rng = s.rng;
  let runnerIp = addressIn(rng, s.net);
  for (let day = Math.floor(start / DAY) * DAY; day < end; day += DAY) {
    const out: SimEvent[] = [];
    const weekday = new Date(day).getUTCDay();
    const workday = weekday >= 1 && weekday <= 5;
    let ip = s.fixedIps[0] ?? runnerIp;
    const emit: Emit = (t, intent, extra = {}) => {
      if (t < start || t >= end) return;
      const o = op(intent.op);
      const draft: EventDraft = {
        time: t,
        credential: s.credential,
        ip,
        userAgent: toolUserAgent(s.tool, s.tool.tool === 'aws-cli' ? `${o.service}.${o.action.toLowerCase()}` : ''),
        op: o,
        interactive: false,
        region: s.region,
        status: rng.chance(0.004) ? 429 : 200,
        ...extra,
      };
      if (intent.resource !== undefined) draft.resource = intent.resource;
      if (intent.requestParameters) draft.requestParameters = intent.requestParameters;
      out.push(makeEvent(rng, draft));
    };
    const seq = (t: number, intents: Intent[], gapMs: [number, number]): number => {
      for (const i of intents) {
        emit(t, i);
        t += rng.float(gapMs[0], gapMs[1]);
      }
      return t;
    };
    const newRunner = (t: number): void => {
      const net = s.move && t >= s.move.at ? s.move.net : s.net;
      runnerIp = addressIn(rng, net);
      ip = runnerIp;
    };
    switch (s.kind) {
      case 'ci-deploy':
      case 'ci-runner': {
        // Pushes land in working hours across US and EU; weekends are quiet but not silent.
        const jobs = rng.poisson(workday ? 9 : 0.8);
        for (let j = 0; j < jobs; j++) {
          const t0 = day + rng.float(7, 23) * HOUR;
          newRunner(t0);
          deployJob(rng, t0, s.kind, seq);
        }
        break;
      }
      case 'terraform':
        // Drift check every morning; applies on merge, a couple of times a week.
        ip = s.fixedIps[0] as string;
        terraformPlan(rng, day + 6 * HOUR + rng.float(0, 10) * MIN, seq);
        if (workday && rng.chance(0.45)) {
          const t = terraformPlan(rng, day + rng.float(14, 21) * HOUR, seq);
          terraformApply(rng, t + 20_000, seq);
        }
        break;
      case 'backup': {
        let t = day + 2 * HOUR + rng.float(0, 5) * MIN;
        emit(t, { op: 'rds:CreateDBSnapshot', resource: 'orders', requestParameters: { dBInstanceIdentifier: 'orders' } });
        t += 12 * MIN;
        for (let i = 0; i < 40; i++) {
          const key = objectKey(rng, BUCKETS.dbBackups, day);
          emit(t, {
            op: 's3:PutObject',
            resource: `${BUCKETS.dbBackups}/${key}`,
            requestParameters: { bucketName: BUCKETS.dbBackups, key },
          });
          t += rng.float(2, 15) * 1000;
        }
        emit(t, { op: 's3:ListObjectsV2', resource: BUCKETS.dbBackups, requestParameters: { bucketName: BUCKETS.dbBackups } });
        break;
      }
      case 'monitoring':
        for (let t = day + rng.float(0, 60) * 1000; t < day + DAY; t += 10 * MIN + rng.float(-15, 15) * 1000) {
          ip = rng.pick(s.fixedIps);
          const polls: Intent[] = [{ op: 'cloudwatch:GetMetricData' }, { op: 'cloudwatch:GetMetricData' }, { op: 'ec2:DescribeInstances' }];
          if (Math.floor((t - day) / HOUR) !== Math.floor((t - day - 10 * MIN) / HOUR)) {
            polls.push(
              { op: 'lambda:ListFunctions' },
              { op: 'rds:DescribeDBInstances' },
              { op: 's3:ListBuckets' },
              { op: 'ecs:ListClusters' },
            );
          }
          seq(t, polls, [100, 900]);
        }
        break;
      case 'app-backend':
        for (let h = 0; h < 24; h++) {
          // Customer load follows the US day.
          const usHour = (h + 24 - 6) % 24;
          const load = usHour >= 8 && usHour <= 22 ? 55 : 12;
          const n = rng.poisson(load);
          for (let i = 0; i < n; i++) {
            ip = rng.pick(s.fixedIps);
            const t = day + h * HOUR + rng.float(0, HOUR);
            emit(t, appIntent(rng, t));
          }
        }
        break;
      case 'billing-export': {
        const t = day + 7 * HOUR + rng.float(0, 3) * MIN;
        const key = `daily/${new Date(day).toISOString().slice(0, 10)}/cost.csv`;
        seq(
          t,
          [
            { op: 'ce:GetCostAndUsage' },
            { op: 'ce:GetCostAndUsage' },
            { op: 'ce:GetCostAndUsage' },
            {
              op: 's3:PutObject',
              resource: `${BUCKETS.financeReports}/${key}`,
              requestParameters: { bucketName: BUCKETS.financeReports, key },
            },
          ],
          [800, 4000],
        );
        break;
      }
      case 'log-shipper':
        for (let t = day + rng.float(0, 30) * 1000; t < day + DAY; t += 5 * MIN + rng.float(-5, 5) * 1000) {
          const key = objectKey(rng, BUCKETS.appLogs, t);
          emit(t, { op: 's3:PutObject', resource: `${BUCKETS.appLogs}/${key}`, requestParameters: { bucketName: BUCKETS.appLogs, key } });
        }
        break;
      case 'data-pipeline':
        for (let h = 0; h < 24; h++) {
          const t0 = day + h * HOUR + 5 * MIN + rng.float(0, 60) * 1000;
          newRunner(t0);
          const intents: Intent[] = [
            { op: 's3:ListObjectsV2', resource: BUCKETS.dataLake, requestParameters: { bucketName: BUCKETS.dataLake } },
          ];
          for (let i = 0; i < rng.int(10, 25); i++) {
            const key = objectKey(rng, BUCKETS.dataLake, t0);
            intents.push({
              op: 's3:GetObject',
              resource: `${BUCKETS.dataLake}/${key}`,
              requestParameters: { bucketName: BUCKETS.dataLake, key },
            });
          }
          for (let i = 0; i < rng.int(3, 8); i++) {
            const key = objectKey(rng, BUCKETS.dataLake, t0);
            intents.push({
              op: 's3:PutObject',
              resource: `${BUCKETS.dataLake}/${key}`,
              requestParameters: { bucketName: BUCKETS.dataLake, key },
            });
          }
          seq(t0, intents, [500, 6000]);
        }
        break;
      case 'posture-scanner':
        postureScan(day + 3 * HOUR + rng.float(0, 10) * MIN, seq);
        break;
    }
    out.sort((a, b) => a.time - b.time);
    yield* out;
  }
}
