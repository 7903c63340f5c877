import type { AccessEvent } from '@tokenwarden/core';
import { param, q, type Rule, regionFlag, requestParameters } from './remediation-params.js';

/** `object.items` of a CloudTrail list (`{ items: [...] }`), else empty. */
function items(v: unknown): Record<string, unknown>[] {
  const list = v !== null && typeof v === 'object' ? (v as Record<string, unknown>).items : undefined;
  return Array.isArray(list) ? list.filter((x): x is Record<string, unknown> => x !== null && typeof x === 'object') : [];
}

/** The accounts (`--user-ids`) and groups (`--group-names all`) a snapshot or image permission added. */
function sharedWith(permission: unknown): { users: string[]; groups: string[] } {
  const add = permission !== null && typeof permission === 'object' ? (permission as Record<string, unknown>).add : undefined;
  const entries = items(add);
  const text = (k: string) => entries.map((x) => x[k]).filter((v): v is string => typeof v === 'string' && /^[A-Za-z0-9-]+$/.test(v));
  return { users: text('userId'), groups: text('group') };
}

function bucket(e: AccessEvent): string {
  return q(param(e, 'bucketName'), 'bucket');
}

const BLOCK_PUBLIC = 'BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true';

function restorePublicAccessBlock(e: AccessEvent): ReturnType<Rule> {
  return {
    priority: 2,
    why: "the attacker lifted a bucket's public access block",
    command: `aws s3api put-public-access-block --bucket ${bucket(e)} --public-access-block-configuration ${BLOCK_PUBLIC}`,
  };
}

/**
 * Closing what an attacker opened to take data out (snapshots, images and database snapshots shared, buckets made
 * public, a port opened to the world: priority 2) and getting back what it set up to destroy (versioning suspended,
 * an expiry rule, encryption keys disabled or scheduled for deletion, which are undone before they take effect).
 */
export const EXPOSURE_RULES: Readonly<Record<string, Rule>> = {
  's3:PutBucketVersioning': (e) => {
    const status = (requestParameters(e).VersioningConfiguration as Record<string, unknown> | undefined)?.Status;
    if (typeof status !== 'string' || status.toLowerCase() !== 'suspended') return undefined;
    return {
      priority: 2,
      why: 'the attacker suspended versioning, so deleted or overwritten objects are gone for good',
      command: `aws s3api put-bucket-versioning --bucket ${bucket(e)} --versioning-configuration Status=Enabled`,
    };
  },
  's3:PutBucketLifecycle': (e) => removeExpiryRule(e),
  's3:PutBucketLifecycleConfiguration': (e) => removeExpiryRule(e),
  's3:PutBucketPolicy': (e) => ({
    priority: 2,
    why: "the attacker replaced a bucket's policy (often to read it from outside); put your own back",
    command: `aws s3api put-bucket-policy --bucket ${bucket(e)} --policy file://bucket-policy.json`,
  }),
  's3:PutBucketAcl': (e) => ({
    priority: 2,
    why: "the attacker changed a bucket's access list",
    command: `aws s3api put-bucket-acl --bucket ${bucket(e)} --acl private`,
  }),
  's3:DeletePublicAccessBlock': restorePublicAccessBlock,
  's3:PutBucketPublicAccessBlock': restorePublicAccessBlock,
  'kms:ScheduleKeyDeletion': (e) => ({
    priority: 2,
    why: 'the attacker scheduled an encryption key for deletion (everything it encrypts is lost when it runs out)',
    command: `aws kms cancel-key-deletion --key-id ${q(param(e, 'keyId'), 'key-id')}${regionFlag(e)} && aws kms enable-key --key-id ${q(param(e, 'keyId'), 'key-id')}${regionFlag(e)}`,
  }),
  'kms:DisableKey': (e) => ({
    priority: 2,
    why: 'the attacker disabled an encryption key (what it encrypts cannot be read)',
    command: `aws kms enable-key --key-id ${q(param(e, 'keyId'), 'key-id')}${regionFlag(e)}`,
  }),
  'kms:PutKeyPolicy': (e) => ({
    priority: 2,
    why: "the attacker replaced an encryption key's policy; put your own back",
    command: `aws kms put-key-policy --key-id ${q(param(e, 'keyId'), 'key-id')} --policy-name default --policy file://key-policy.json${regionFlag(e)}`,
  }),
  'ec2:ModifySnapshotAttribute': (e) => {
    const { users, groups } = sharedWith(requestParameters(e).createVolumePermission);
    if (users.length === 0 && groups.length === 0) return undefined;
    const who = [users.length > 0 ? `--user-ids ${users.join(' ')}` : '', groups.length > 0 ? `--group-names ${groups.join(' ')}` : '']
      .filter((s) => s)
      .join(' ');
    return {
      priority: 2,
      why: `the attacker shared a disk snapshot with ${groups.includes('all') ? 'everyone' : 'another account'} (a copy of the disk leaves with it)`,
      command: `aws ec2 modify-snapshot-attribute --snapshot-id ${q(param(e, 'snapshotId'), 'snapshot-id')} --attribute createVolumePermission --operation-type remove ${who}${regionFlag(e)}`,
    };
  },
  'ec2:ModifyImageAttribute': (e) => ({
    priority: 2,
    why: 'the attacker changed who may launch a machine image (shared it out)',
    command: `aws ec2 reset-image-attribute --image-id ${q(param(e, 'imageId'), 'image-id')} --attribute launchPermission${regionFlag(e)}`,
  }),
  'rds:ModifyDBSnapshotAttribute': (e) => {
    const added = requestParameters(e).valuesToAdd;
    const values = Array.isArray(added) ? added.filter((v): v is string => typeof v === 'string' && /^[A-Za-z0-9-]+$/.test(v)) : [];
    if (values.length === 0) return undefined;
    return {
      priority: 2,
      why: `the attacker shared a database snapshot with ${values.includes('all') ? 'everyone' : 'another account'}`,
      command: `aws rds modify-db-snapshot-attribute --db-snapshot-identifier ${q(param(e, 'dBSnapshotIdentifier'), 'snapshot')} --attribute-name restore --values-to-remove ${values.join(' ')}${regionFlag(e)}`,
    };
  },
  'ec2:AuthorizeSecurityGroupIngress': (e) => {
    const p = requestParameters(e);
    const rules = items(p.ipPermissions);
    const only = rules.length === 1 ? rules[0] : undefined;
    const cidrs = only ? items(only.ipRanges).map((r) => r.cidrIp) : [];
    const group = q(param(e, 'groupId'), 'group-id');
    // One rule with one range: revoke exactly it; otherwise the rule is shown in the event.
    if (only && cidrs.length === 1 && typeof cidrs[0] === 'string') {
      // All traffic (protocol -1) has no ports; a range is FROM-TO.
      const from = typeof only.fromPort === 'number' ? only.fromPort : undefined;
      const to = typeof only.toPort === 'number' ? only.toPort : from;
      const port = from === undefined ? '' : ` --port ${q(from === to ? `${from}` : `${from}-${to}`, 'port')}`;
      return {
        priority: 2,
        why: 'the attacker opened a port in a security group',
        command: `aws ec2 revoke-security-group-ingress --group-id ${group} --protocol ${q(String(only.ipProtocol ?? 'tcp'), 'protocol')}${port} --cidr ${q(cidrs[0], 'cidr')}${regionFlag(e)}`,
      };
    }
    return {
      priority: 2,
      why: 'the attacker opened ports in a security group; revoke the rules the event lists',
      command: `aws ec2 revoke-security-group-ingress --group-id ${group} --ip-permissions file://rules-added.json${regionFlag(e)}`,
    };
  },
};

function removeExpiryRule(e: AccessEvent): ReturnType<Rule> {
  if (!/"Expiration"/i.test(JSON.stringify(requestParameters(e)))) return undefined;
  return {
    priority: 2,
    why: 'the attacker set a lifecycle rule that expires objects (deletion on a schedule); remove it, then put your own rules back',
    command: `aws s3api delete-bucket-lifecycle --bucket ${bucket(e)}`,
  };
}
