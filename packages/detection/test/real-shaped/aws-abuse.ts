/**
 * Leaked keys put to work on the AWS account of `aws-org.ts` the way published incidents describe it: keys that no
 * one in the logs has used, first seen as the thief replays them, so nothing about them can look new.
 */
import type { Attack } from './aws-attacks.js';
import { START } from './aws-org.js';
import { type Call, iamUser, keyId, UA } from './cloudtrail-writer.js';
import { DAY, HOUR, MIN } from './prng.js';

/** When the abuse is first unmistakable (the call that should page). */
export interface AbuseAttack extends Attack {
  evidentAt: number;
}

function clock(start: number): (seconds: number) => number {
  let at = start;
  return (seconds) => {
    at += seconds * 1000;
    return at;
  };
}

/**
 * LLM-jacking, after Sysdig's 2024 write-up: a reporting job's old key, scraped from a public repository, is
 * checked from a VPS, then Bedrock is probed region by region with a deliberately invalid request (a validation
 * error means "models enabled here"), invocation logging is read to see whether anyone would notice, and prompts
 * are proxied through the regions that answered.
 */
export function llmJackedKey(): AbuseAttack {
  const credential = keyId('AKIA', 'reports-legacy');
  const who = iamUser('reports-legacy', credential);
  const source = '91.92.243.16';
  const ua = UA.boto3Linux;
  const startAt = START + 9 * DAY + 2 * HOUR + 7 * MIN;
  const step = clock(startAt);
  const calls: Call[] = [{ at: startAt, who, op: 'sts:GetCallerIdentity', source, ua, params: null }];
  const regions = ['us-east-1', 'us-west-2', 'eu-central-1', 'ap-northeast-1'];
  let evidentAt = 0;
  for (const [i, region] of regions.entries()) {
    const at = step(3);
    // A third region asked: a sweep, before any model has answered.
    if (i === 2) evidentAt = at;
    calls.push({
      at,
      who,
      op: 'bedrock:InvokeModel',
      region,
      source,
      ua,
      params: { modelId: 'anthropic.claude-3-sonnet-20240229-v1:0' },
      error: { code: 'ValidationException', message: 'max_tokens_to_sample: range: 1..1,000,000' },
    });
  }
  calls.push({ at: step(5), who, op: 'bedrock:GetModelInvocationLoggingConfiguration', region: 'us-east-1', source, ua, params: null });
  const damageAt = step(40);
  calls.push({
    at: damageAt,
    who,
    op: 'bedrock:InvokeModel',
    region: 'us-east-1',
    source,
    ua,
    params: { modelId: 'anthropic.claude-3-sonnet-20240229-v1:0' },
  });
  for (let i = 0; i < 30; i++) {
    calls.push({
      at: step(20 + (i % 7)),
      who,
      op: 'bedrock:InvokeModelWithResponseStream',
      region: regions[i % 2]!,
      source,
      ua,
      params: { modelId: 'anthropic.claude-3-sonnet-20240229-v1:0' },
    });
  }
  // The probes were refused: the first model answer is the first damage.
  return { calls, credential, damageAt, startAt, evidentAt };
}

/**
 * Crypto-mining: a build server's old key is checked, every region is asked whether it may run instances (dry
 * runs), then GPU instances are launched wherever the quota allows, some regions refusing for lack of vCPUs.
 */
export function minerKey(): AbuseAttack {
  const credential = keyId('AKIA', 'packer-old');
  const who = iamUser('packer-old', credential);
  const source = '45.148.10.81';
  const ua = UA.cliLinux;
  const startAt = START + 11 * DAY + 23 * HOUR + 52 * MIN;
  const step = clock(startAt);
  const calls: Call[] = [
    { at: startAt, who, op: 'sts:GetCallerIdentity', source, ua, params: null },
    { at: step(4), who, op: 'ec2:DescribeRegions', source, ua, params: { allRegions: false } },
  ];
  const regions = ['us-east-1', 'us-east-2', 'us-west-2', 'eu-west-1', 'eu-central-1'];
  const launch = (region: string) => ({
    instanceType: 'g4dn.12xlarge',
    instancesSet: { items: [{ imageId: 'ami-0c7217cdde317cfec', minCount: 1, maxCount: 10 }] },
    userData: '<sensitiveDataRemoved>',
    availabilityZone: `${region}a`,
  });
  for (const region of regions) {
    calls.push({
      at: step(2),
      who,
      op: 'ec2:RunInstances',
      region,
      source,
      ua,
      params: { ...launch(region), dryRun: true },
      error: { code: 'Client.DryRunOperation', message: 'Request would have succeeded, but DryRun flag is set.' },
    });
  }
  calls.push({
    at: step(6),
    who,
    op: 'ec2:RunInstances',
    region: 'us-east-1',
    source,
    ua,
    params: launch('us-east-1'),
    error: { code: 'Client.VcpuLimitExceeded', message: 'You have requested more vCPU capacity than your current vCPU limit allows' },
  });
  const damageAt = step(5);
  calls.push({
    at: damageAt,
    who,
    op: 'ec2:RunInstances',
    region: 'us-east-2',
    source,
    ua,
    params: launch('us-east-2'),
    response: { instancesSet: { items: [{ instanceId: 'i-0a1b2c3d4e5f60718', instanceType: 'g4dn.12xlarge' }] } },
  });
  // The first dry run already asks for ten GPU instances (a fleet no one tries a GPU box with): the evident moment.
  return { calls, credential, damageAt, startAt, evidentAt: startAt + 6_000 };
}

/**
 * Credential harvesting, as Stratus Red Team's secretsmanager-retrieve-secrets and most leaked-key write-ups show it: an
 * old ETL key is checked from a VPS with a Go script, the vault is listed, and every secret in it is read within a
 * minute. The first secret read is already damage; the tenth new secret in minutes is when it is unmistakable.
 */
export function secretHarvestKey(): AbuseAttack {
  const credential = keyId('AKIA', 'etl-legacy');
  const who = iamUser('etl-legacy', credential);
  const source = '159.89.120.45';
  const ua = 'aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/secretsmanager#1.32.3';
  const startAt = START + 12 * DAY + 3 * HOUR + 11 * MIN;
  const step = clock(startAt);
  const calls: Call[] = [
    { at: startAt, who, op: 'sts:GetCallerIdentity', source, ua, params: null },
    { at: step(6), who, op: 'secretsmanager:ListSecrets', source, ua, params: {} },
  ];
  let evidentAt = 0;
  const damageAt = step(2);
  for (let i = 0; i < 22; i++) {
    const at = i === 0 ? damageAt : step(1);
    if (i === 9) evidentAt = at;
    calls.push({
      at,
      who,
      op: 'secretsmanager:GetSecretValue',
      source,
      ua,
      params: { secretId: `prod/${['db', 'api', 'stripe', 'smtp'][i % 4]}/${i}` },
    });
  }
  return { calls, credential, damageAt, startAt, evidentAt };
}
