/**
 * The calls of the ways a leaked cloud key is turned into money or damage, which need no baseline to recognise
 * (see `detectCloudAbuse`). Sources: published incident write-ups of leaked AWS keys: crypto-mining across every
 * region (often GPU instances, after a quota increase), LLM-jacking of Bedrock (Sysdig, Permiso: check that
 * invocations are not logged, enable model access, invoke from many regions), SES spam and phishing (check the
 * sending quota, verify a sender, lift the sandbox), and S3 ransom (versioning suspended then objects deleted;
 * Codefinger's in-place re-encryption with a customer-provided key and a short expiry rule), and a disk snapshot,
 * machine image or database snapshot made public: the quickest way to copy a whole disk or database out. Deleting
 * object versions (listed first, then removed one by one or in batches) destroys data with no undo.
 */

/** What one call means to a monetisation playbook; `ABUSE_NONE` for the rest. */
export const ABUSE_NONE = 0;
/** Launching compute: instances, spot requests and fleets, notebooks, training jobs, compute environments. */
export const ABUSE_COMPUTE_LAUNCH = 1;
/** Asking for a higher service quota (EC2 vCPUs, GPU instances). */
export const ABUSE_QUOTA_INCREASE = 2;
/** Invoking a foundation model. */
export const ABUSE_LLM_INVOKE = 3;
/** Reading whether model invocations are logged. */
export const ABUSE_LLM_LOGGING_CHECK = 4;
/** Enabling access to foundation models (use-case form, agreement, entitlement). */
export const ABUSE_LLM_ENABLE = 5;
/** Reading the mail service's sending limits and senders. */
export const ABUSE_MAIL_RECON = 6;
/** Verifying a new sender address or domain. */
export const ABUSE_MAIL_IDENTITY = 7;
/** Turning sending on or asking to leave the sandbox. */
export const ABUSE_MAIL_ENABLE = 8;
/** Changing a bucket's versioning (counts when it suspends it). */
export const ABUSE_DATA_VERSIONING = 9;
/** Setting a bucket's lifecycle rules (counts when they expire objects). */
export const ABUSE_DATA_LIFECYCLE = 10;
/** Writing an object (counts when encrypted with a customer-provided key, SSE-C). */
export const ABUSE_DATA_OBJECT_WRITE = 11;
/** Deleting objects. */
export const ABUSE_DATA_OBJECT_DELETE = 12;
/** Disabling or scheduling the deletion of an encryption key. */
export const ABUSE_KEY_DESTROY = 13;
/** Deleting a backup: a snapshot, a recovery point, a vault. */
export const ABUSE_BACKUP_DELETE = 14;
/** Changing who may use a disk snapshot, machine image or database snapshot (counts when it is everyone). */
export const ABUSE_SHARE = 15;
/** Listing a bucket's object versions: what a deletion that leaves nothing to restore needs first. */
export const ABUSE_VERSIONS_LIST = 16;

function roles(role: number, names: readonly string[]): [string, number][] {
  return names.map((n) => [n, role]);
}

/** Each catalogued `service:Action` with its role. */
export const ABUSE_ROLES: ReadonlyMap<string, number> = new Map([
  ...roles(ABUSE_COMPUTE_LAUNCH, [
    'ec2:RunInstances',
    'ec2:RequestSpotInstances',
    'ec2:RequestSpotFleet',
    'ec2:CreateFleet',
    'ec2:RunScheduledInstances',
    'lightsail:CreateInstances',
    'sagemaker:CreateNotebookInstance',
    'sagemaker:CreateTrainingJob',
    'sagemaker:CreateProcessingJob',
    'batch:CreateComputeEnvironment',
    'eks:CreateNodegroup',
    'autoscaling:CreateAutoScalingGroup',
  ]),
  ...roles(ABUSE_QUOTA_INCREASE, ['servicequotas:RequestServiceQuotaIncrease']),
  ...roles(ABUSE_LLM_INVOKE, [
    'bedrock:InvokeModel',
    'bedrock:InvokeModelWithResponseStream',
    'bedrock:Converse',
    'bedrock:ConverseStream',
    'bedrock-runtime:InvokeModel',
    'bedrock-runtime:InvokeModelWithResponseStream',
    'bedrock-runtime:Converse',
    'bedrock-runtime:ConverseStream',
  ]),
  ...roles(ABUSE_LLM_LOGGING_CHECK, ['bedrock:GetModelInvocationLoggingConfiguration']),
  ...roles(ABUSE_LLM_ENABLE, [
    'bedrock:PutUseCaseForModelAccess',
    'bedrock:CreateFoundationModelAgreement',
    'bedrock:PutFoundationModelEntitlement',
    'bedrock:CreateProvisionedModelThroughput',
  ]),
  ...roles(ABUSE_MAIL_RECON, [
    'ses:GetSendQuota',
    'ses:GetAccount',
    'ses:GetAccountSendingEnabled',
    'ses:ListIdentities',
    'ses:ListEmailIdentities',
    'ses:GetIdentityVerificationAttributes',
    'ses:GetSendStatistics',
  ]),
  ...roles(ABUSE_MAIL_IDENTITY, [
    'ses:VerifyEmailIdentity',
    'ses:VerifyEmailAddress',
    'ses:VerifyDomainIdentity',
    'ses:CreateEmailIdentity',
  ]),
  ...roles(ABUSE_MAIL_ENABLE, ['ses:UpdateAccountSendingEnabled', 'ses:PutAccountDetails', 'ses:PutAccountSendingAttributes']),
  ...roles(ABUSE_DATA_VERSIONING, ['s3:PutBucketVersioning']),
  ...roles(ABUSE_DATA_LIFECYCLE, ['s3:PutBucketLifecycle', 's3:PutBucketLifecycleConfiguration']),
  ...roles(ABUSE_DATA_OBJECT_WRITE, ['s3:CopyObject', 's3:PutObject', 's3:CreateMultipartUpload']),
  ...roles(ABUSE_DATA_OBJECT_DELETE, ['s3:DeleteObject', 's3:DeleteObjects']),
  ...roles(ABUSE_VERSIONS_LIST, ['s3:ListBucketVersions', 's3:ListObjectVersions']),
  ...roles(ABUSE_KEY_DESTROY, ['kms:ScheduleKeyDeletion', 'kms:DisableKey']),
  ...roles(ABUSE_SHARE, [
    'ec2:ModifySnapshotAttribute',
    'ec2:ModifyImageAttribute',
    'rds:ModifyDBSnapshotAttribute',
    'rds:ModifyDBClusterSnapshotAttribute',
  ]),
  ...roles(ABUSE_BACKUP_DELETE, [
    'ec2:DeleteSnapshot',
    'rds:DeleteDBSnapshot',
    'rds:DeleteDBClusterSnapshot',
    'backup:DeleteRecoveryPoint',
    'backup:DeleteBackupVault',
    'backup:DeleteBackupPlan',
  ]),
]);
