/**
 * The automation of the AWS account of `aws-org.ts`: Terraform from GitHub Actions on an OIDC role, CodeBuild
 * deploys, CloudFormation acting for a console user, a Lambda's execution role, a weekly Packer image build in three
 * regions, an assistant's model calls that fall back to other regions when throttled, and the jobs that read secrets
 * in bulk as their work (a cluster's secrets operator, a deploy that renders its configuration).
 */
import { assumedRole, type Call, getObject, keyId, UA } from './cloudtrail-writer.js';
import { DAY, HOUR, MIN, type Prng, weekdays } from './prng.js';

/** Monday 5 October 2026, 00:00 UTC. */
export const START = Date.parse('2026-10-05T00:00:00Z');
export const DAYS = 16;

const GHA_RUNNERS = ['20.42.10.5', '40.78.10.3', '104.210.5.3'];
// From the tenth day the repository's jobs also run on larger runners in Azure's European regions.
const GHA_EU_RUNNERS = ['20.61.10.5', '20.105.10.5'];
const CODEBUILD = [
  { ip: '3.80.12.5', region: 'us-east-1' },
  { ip: '52.14.50.3', region: 'us-east-2' },
  { ip: '54.220.10.3', region: 'eu-west-1' },
];

/** Terraform from GitHub Actions: a new OIDC session per job, runners in several Azure regions; applies change IAM. */
export function terraformRuns(rng: Prng): Call[] {
  const out: Call[] = [];
  for (let d = 0; d < DAYS; d++) {
    for (let run = 0; run < 3; run++) {
      const t0 = START + d * DAY + rng.int(13, 23) * HOUR + rng.int(0, 59) * MIN;
      const key = keyId('ASIA', `tf${d}-${run}`);
      const who = assumedRole('gha-terraform', 'GitHubActions', key, new Date(t0).toISOString());
      const ip = d >= 10 && run !== 0 ? rng.pick(GHA_EU_RUNNERS) : rng.pick(GHA_RUNNERS);
      const plan = [
        'sts:GetCallerIdentity',
        'iam:GetRole',
        'iam:GetPolicy',
        'iam:GetPolicyVersion',
        'iam:ListAttachedRolePolicies',
        'iam:ListRolePolicies',
        's3:GetBucketPolicy',
        'ec2:DescribeVpcs',
        'ec2:DescribeSecurityGroups',
        'lambda:GetFunction20150331v2',
      ];
      for (let k = 0; k < 25; k++)
        out.push({ at: t0 + k * 900, who, op: plan[k % plan.length]!, source: ip, ua: UA.terraform, params: {} });
      // Applies on some runs: a role, its policy, a new policy version.
      if (run === 2 && d % 3 === 1) {
        const role = `svc-reports-${d}`;
        out.push(
          {
            at: t0 + 40_000,
            who,
            op: 'iam:CreateRole',
            source: ip,
            ua: UA.terraform,
            params: {
              roleName: role,
              assumeRolePolicyDocument:
                '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
            },
          },
          {
            at: t0 + 42_000,
            who,
            op: 'iam:PutRolePolicy',
            source: ip,
            ua: UA.terraform,
            params: {
              roleName: role,
              policyName: 'reports-read',
              policyDocument:
                '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::acme-analytics/*"}]}',
            },
          },
          {
            at: t0 + 44_000,
            who,
            op: 'iam:CreatePolicyVersion',
            source: ip,
            ua: UA.terraform,
            params: { policyArn: 'arn:aws:iam::418295730164:policy/ci-deploy', setAsDefault: true },
          },
          {
            at: t0 + 46_000,
            who,
            op: 'iam:AttachRolePolicy',
            source: ip,
            ua: UA.terraform,
            params: { roleName: role, policyArn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole' },
          },
        );
      }
    }
  }
  return out;
}

/** CodeBuild deploys: a session per build named after the build, from AWS addresses in three regions. */
export function codebuild(rng: Prng): Call[] {
  const out: Call[] = [];
  for (let d = 0; d < DAYS; d++) {
    for (let b = 0; b < 4; b++) {
      const t0 = START + d * DAY + rng.int(0, 23) * HOUR + rng.int(0, 59) * MIN;
      const where = rng.pick(CODEBUILD);
      const build = `AWSCodeBuild-${keyId('ASIA', `build${d}-${b}`).slice(4, 12).toLowerCase()}`;
      const who = assumedRole('codebuild-deploy', build, keyId('ASIA', `cb${d}-${b}`), new Date(t0).toISOString(), {
        path: 'service-role/',
      });
      const ops = [
        'ecr:GetAuthorizationToken',
        'ecr:BatchCheckLayerAvailability',
        'ecr:PutImage',
        'ecs:RegisterTaskDefinition',
        'ecs:UpdateService',
        'ecs:DescribeServices',
        's3:PutObject',
      ];
      for (const [k, op] of ops.entries())
        out.push({ at: t0 + k * 7_000, who, op, source: where.ip, ua: UA.codebuild, region: where.region, params: {} });
    }
  }
  return out;
}

/** bob deploys a stack from the console: CloudFormation creates the role and function with bob's session. */
export function consoleStack(rng: Prng): Call[] {
  const out: Call[] = [];
  for (const [i, day] of weekdays(START, DAYS).entries()) {
    const t0 = day + 15 * HOUR + rng.int(0, 120) * MIN;
    const key = keyId('ASIA', `bob-console-${i}`);
    const who = assumedRole('AWSReservedSSO_PowerUser_5c2e8b1d4a7f9e03', 'bob@acme.io', key, new Date(t0).toISOString(), {
      console: true,
      path: 'aws-reserved/sso.amazonaws.com/',
    });
    for (let k = 0; k < 20; k++) {
      out.push({
        at: t0 + k * rng.int(20, 200) * 1000,
        who,
        op: rng.pick([
          'ec2:DescribeInstances',
          'cloudformation:DescribeStacks',
          'cloudwatch:DescribeAlarms',
          's3:ListBuckets',
          'lambda:ListFunctions20150331',
        ]),
        source: '68.33.10.9',
        ua: UA.console,
        params: {},
      });
    }
    if (i % 4 === 2) {
      const t = t0 + 30 * MIN;
      out.push({
        at: t,
        who,
        op: 'cloudformation:CreateStack',
        source: '68.33.10.9',
        ua: UA.console,
        params: { stackName: `reports-${i}` },
      });
      for (const [k, op] of ['iam:CreateRole', 'iam:AttachRolePolicy', 'iam:PutRolePolicy', 'lambda:CreateFunction20150331'].entries()) {
        out.push({
          at: t + (k + 1) * 3_000,
          who,
          op,
          source: 'cloudformation.amazonaws.com',
          ua: 'cloudformation.amazonaws.com',
          invokedBy: 'cloudformation.amazonaws.com',
          params: { roleName: `reports-${i}-FunctionRole` },
        });
      }
    }
  }
  return out;
}

/** A Lambda's execution role: short sessions, calls from AWS addresses around the clock. */
export function lambdaRole(rng: Prng): Call[] {
  const out: Call[] = [];
  for (let h = 0; h < DAYS * 24; h++) {
    const key = keyId('ASIA', `lambda-${Math.floor(h / 6)}`);
    const who = assumedRole('reports-exporter-role', 'reports-exporter', key, new Date(START + h * HOUR).toISOString());
    for (let k = 0; k < 3; k++) {
      out.push(
        getObject(
          { at: START + h * HOUR + k * 7 * MIN + rng.int(0, 30_000), who, source: '3.80.12.5', ua: UA.lambdaNode },
          'acme-analytics',
          `exports/${h}-${k}.csv`,
          rng.int(1e3, 1e6),
        ),
      );
    }
  }
  return out;
}

/**
 * AWS Config recording the account through its service-linked role: every few hours, in three regions, a sweep of
 * Describe/List/Get calls across services, made by config.amazonaws.com (no address, no user agent of a client).
 */
export function configRecorder(rng: Prng): Call[] {
  const out: Call[] = [];
  const ops = [
    'ec2:DescribeInstances',
    'ec2:DescribeSecurityGroups',
    'iam:GetRole',
    'iam:ListAttachedRolePolicies',
    'iam:GetUser',
    'iam:ListUsers',
    's3:GetBucketPolicy',
    's3:GetBucketAcl',
    'lambda:ListFunctions20150331',
    'rds:DescribeDBInstances',
    'kms:DescribeKey',
    'cloudtrail:DescribeTrails',
  ];
  for (let h = 0; h < DAYS * 24; h += 3) {
    for (const region of ['us-east-1', 'us-west-2', 'eu-west-1']) {
      const t0 = START + h * HOUR + rng.int(0, 50) * MIN;
      const who = assumedRole(
        'AWSServiceRoleForConfig',
        'AWSConfig-Describe',
        keyId('ASIA', `config-${h}-${region}`),
        new Date(t0).toISOString(),
        {
          path: 'aws-service-role/config.amazonaws.com/',
        },
      );
      for (const [k, op] of ops.entries()) {
        out.push({
          at: t0 + k * 700,
          who,
          op,
          source: 'config.amazonaws.com',
          ua: 'config.amazonaws.com',
          invokedBy: 'config.amazonaws.com',
          region,
          params: {},
        });
      }
    }
  }
  return out;
}

const PACKER_UA =
  'APN/1.0 HashiCorp/1.0 Packer/1.10.3 (+https://www.packer.io) aws-sdk-go/1.50.20 (go1.21.8; linux; amd64) exec-env/AWS_ECS_EC2';

/**
 * The weekly golden-image build: Packer in CodeBuild (a new role session per build) launches a builder instance in
 * each of three regions, opens SSH to it, images it and cleans up. Three regions of launches within minutes from a
 * credential with no history: what the cloud-abuse compute rule must leave to infrastructure as code.
 */
export function amiBuilds(rng: Prng): Call[] {
  const out: Call[] = [];
  for (let d = 2; d < DAYS; d += 7) {
    const t0 = START + d * DAY + 3 * HOUR + rng.int(0, 30) * MIN;
    const who = assumedRole('codebuild-packer', `AWSCodeBuild-packer${d}`, keyId('ASIA', `packer${d}`), new Date(t0).toISOString(), {
      path: 'service-role/',
    });
    for (const [r, region] of ['us-east-1', 'us-west-2', 'eu-west-1'].entries()) {
      const at = t0 + r * 40_000;
      const call = (op: string, dt: number, params: Record<string, unknown>, response?: Record<string, unknown>): Call => ({
        at: at + dt,
        who,
        op,
        source: '3.80.12.5',
        ua: PACKER_UA,
        region,
        params,
        ...(response ? { response } : {}),
      });
      out.push(
        call('ec2:CreateKeyPair', 0, { keyName: `packer_${d}_${r}` }),
        call('ec2:CreateSecurityGroup', 2_000, { groupName: `packer_${d}_${r}` }),
        call('ec2:AuthorizeSecurityGroupIngress', 3_000, {
          groupId: `sg-0packer${r}`,
          ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '3.80.12.5/32' }] } }] },
        }),
        call(
          'ec2:RunInstances',
          5_000,
          { instanceType: 't3.large', instancesSet: { items: [{ imageId: 'ami-0base', minCount: 1, maxCount: 1 }] } },
          { instancesSet: { items: [{ instanceId: `i-0packer${d}${r}` }] } },
        ),
        call('ec2:CreateImage', 600_000, { instanceId: `i-0packer${d}${r}`, name: `golden-${d}` }),
        call('ec2:TerminateInstances', 900_000, { instancesSet: { items: [{ instanceId: `i-0packer${d}${r}` }] } }),
        call('ec2:DeleteKeyPair', 905_000, { keyName: `packer_${d}_${r}` }),
      );
    }
  }
  return out;
}

/**
 * The support assistant's model calls: its ECS task role (a session per hour) invokes a model in us-east-1 all day
 * and, when throttled there at the daily peak, retries in us-west-2 and eu-central-1. Three regions with refusals, but
 * refusals that say "busy": not a region sweep.
 */
export function assistantModelCalls(rng: Prng): Call[] {
  const out: Call[] = [];
  const model = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
  for (let h = 0; h < DAYS * 24; h++) {
    const t0 = START + h * HOUR;
    const who = assumedRole('support-assistant-task', `ecs-task-${h}`, keyId('ASIA', `assist-${h}`), new Date(t0).toISOString());
    const peak = h % 24 === 15;
    const calls = rng.int(4, 10);
    for (let k = 0; k < calls; k++) {
      const at = t0 + k * 5 * MIN + rng.int(0, 60_000);
      const base = { who, op: 'bedrock:InvokeModel', source: '3.80.12.9', ua: UA.boto3Linux, params: { modelId: model } };
      if (peak && k < 2) {
        out.push({
          ...base,
          at,
          region: 'us-east-1',
          error: { code: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' },
        });
        out.push({ ...base, at: at + 800, region: 'us-west-2', error: { code: 'ThrottlingException', message: 'Too many requests.' } });
        out.push({ ...base, at: at + 1_600, region: 'eu-central-1' });
      } else out.push({ ...base, at, region: 'us-east-1' });
    }
  }
  return out;
}

/** The Go SDK of a Kubernetes controller on EKS, as CloudTrail logs it. */
const ESO_UA = 'aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/secretsmanager#1.32.3';

/**
 * Secrets read in bulk by the account's own automation, every run: the EKS cluster's secrets operator (a web-identity
 * session per hour from the cluster's NAT gateway) lists the vault and reads the fourteen secrets it syncs; the deploy
 * job on GitHub Actions lists and reads the twelve its templates need on every weekday deploy. Both read more than
 * ten secrets in a minute after listing them, the operator from inside AWS, the deploy from Azure's runners.
 */
export function bulkSecretReaders(rng: Prng): Call[] {
  const out: Call[] = [];
  const arn = (name: string) => `arn:aws:secretsmanager:us-east-1:418295730164:secret:${name}`;
  for (let h = 0; h < DAYS * 24; h++) {
    const t0 = START + h * HOUR + rng.int(0, 5) * MIN;
    const who = assumedRole('eks-external-secrets', `eso-${h}`, keyId('ASIA', `eso-${h}`), new Date(t0).toISOString());
    out.push({
      at: t0,
      who,
      op: 'secretsmanager:ListSecrets',
      source: '3.80.12.9',
      ua: ESO_UA,
      params: { filters: [{ key: 'tag-key', values: ['k8s-sync'] }] },
    });
    for (let i = 0; i < 14; i++) {
      out.push({
        at: t0 + 500 + i * 120,
        who,
        op: 'secretsmanager:GetSecretValue',
        source: '3.80.12.9',
        ua: ESO_UA,
        params: { secretId: arn(`k8s/prod/svc-${i}`) },
      });
    }
  }
  for (const [i, day] of weekdays(START, DAYS).entries()) {
    const t0 = day + 15 * HOUR + rng.int(0, 120) * MIN;
    const who = assumedRole('gha-deploy', 'GitHubActions', keyId('ASIA', `deploy-${i}`), new Date(t0).toISOString());
    const source = GHA_RUNNERS[i % GHA_RUNNERS.length]!;
    out.push({ at: t0, who, op: 'secretsmanager:ListSecrets', source, ua: UA.ghaCli, params: {} });
    for (let k = 0; k < 12; k++) {
      out.push({
        at: t0 + 2_000 + k * 400,
        who,
        op: 'secretsmanager:GetSecretValue',
        source,
        ua: UA.ghaCli,
        params: { secretId: `deploy/web/${k}` },
      });
    }
  }
  return out;
}
