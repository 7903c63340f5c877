/**
 * What well-known cloud and SaaS operations mean to an attacker. Sources: AWS CloudTrail event names used in
 * published intrusions (Stratus Red Team, Pacu, enumerate-iam, the Scattered Spider and LAPSUS$ write-ups), and
 * first-party HTTP path segments. Okta's event types are in `okta-catalog.ts`.
 */

/** Stop or blind audit logging, alerting and threat detection. */
export const DEFENSE_EVASION_OPERATIONS: ReadonlySet<string> = new Set([
  'cloudtrail:StopLogging',
  'cloudtrail:DeleteTrail',
  'cloudtrail:UpdateTrail',
  'cloudtrail:PutEventSelectors',
  'cloudtrail:PutInsightSelectors',
  'cloudtrail:DeleteEventDataStore',
  'guardduty:DeleteDetector',
  'guardduty:UpdateDetector',
  'guardduty:DisassociateFromMasterAccount',
  'guardduty:DisassociateFromAdministratorAccount',
  'guardduty:DeleteMembers',
  'guardduty:DisassociateMembers',
  'guardduty:StopMonitoringMembers',
  'guardduty:DeletePublishingDestination',
  'guardduty:UpdateIPSet',
  'guardduty:CreateIPSet',
  'config:StopConfigurationRecorder',
  'config:DeleteConfigurationRecorder',
  'config:DeleteDeliveryChannel',
  'config:DeleteConfigRule',
  'securityhub:DisableSecurityHub',
  'securityhub:BatchDisableStandards',
  'securityhub:DeleteInsight',
  'logs:DeleteLogGroup',
  'logs:DeleteLogStream',
  'logs:DeleteSubscriptionFilter',
  'logs:PutRetentionPolicy',
  'cloudwatch:DeleteAlarms',
  'cloudwatch:DisableAlarmActions',
  'ec2:DeleteFlowLogs',
  'access-analyzer:DeleteAnalyzer',
  'macie2:DisableMacie',
  'inspector2:Disable',
  'detective:DeleteGraph',
  'waf:DeleteWebACL',
  'wafv2:DeleteWebACL',
  'organizations:LeaveOrganization',
  // Route 53 Resolver query logs: the VPC's DNS queries (what a miner's pool or a C2 domain resolves) stop being kept.
  'route53resolver:DeleteResolverQueryLogConfig',
  'route53resolver:DisassociateResolverQueryLogConfig',
  // LLM hijacking: the prompts a stolen key sends to Bedrock stop being logged.
  'bedrock:DeleteModelInvocationLoggingConfiguration',
]);

/**
 * The defense-evasion operations that switch audit logging, alerting or threat detection off outright (a trail
 * stopped or deleted, a detector or recorder removed, alarm actions disabled, an account leaving its organisation's
 * view), as against those that tune it (a trail's event selectors, a log group's retention, an alarm deleted),
 * which administrators do every week. Selectors or a detector update whose parameters switch logging off count too
 * (`switchesMonitoringOff`). No owner's first days explain exploring an account and then blinding it: see the
 * unbaselined chain.
 */
export const BLINDING_OPERATIONS: ReadonlySet<string> = new Set([
  'cloudtrail:StopLogging',
  'cloudtrail:DeleteTrail',
  'cloudtrail:DeleteEventDataStore',
  'guardduty:DeleteDetector',
  'guardduty:DisassociateFromMasterAccount',
  'guardduty:DisassociateFromAdministratorAccount',
  'config:StopConfigurationRecorder',
  'config:DeleteConfigurationRecorder',
  'config:DeleteDeliveryChannel',
  'securityhub:DisableSecurityHub',
  'ec2:DeleteFlowLogs',
  'cloudwatch:DisableAlarmActions',
  'access-analyzer:DeleteAnalyzer',
  'macie2:DisableMacie',
  'inspector2:Disable',
  'detective:DeleteGraph',
  'organizations:LeaveOrganization',
  'route53resolver:DeleteResolverQueryLogConfig',
  'route53resolver:DisassociateResolverQueryLogConfig',
  'bedrock:DeleteModelInvocationLoggingConfiguration',
]);

/** Create identities, credentials or trust that outlive the stolen token. */
export const PERSISTENCE_OPERATIONS: ReadonlySet<string> = new Set([
  'iam:CreateUser',
  'iam:CreateAccessKey',
  'iam:CreateLoginProfile',
  'iam:UpdateLoginProfile',
  'iam:CreateServiceSpecificCredential',
  'iam:UploadSSHPublicKey',
  'iam:UploadSigningCertificate',
  'iam:CreateVirtualMFADevice',
  'iam:EnableMFADevice',
  'iam:DeactivateMFADevice',
  'iam:CreateRole',
  'iam:CreateOpenIDConnectProvider',
  'iam:CreateSAMLProvider',
  'iam:UpdateSAMLProvider',
  'sts:GetFederationToken',
  'ec2:CreateKeyPair',
  'ec2:ImportKeyPair',
  'sso:CreateAccountAssignment',
  'identitystore:CreateUser',
  'cognito-idp:AdminCreateUser',
  'lambda:CreateFunctionUrlConfig',
  // IAM Roles Anywhere: a certificate authority the attacker holds, trusted to hand out the account's role sessions.
  'rolesanywhere:CreateTrustAnchor',
  'rolesanywhere:UpdateTrustAnchor',
]);

/** Grant permissions or share data outward. */
export const GRANT_OPERATIONS: ReadonlySet<string> = new Set([
  'iam:AttachUserPolicy',
  'iam:AttachRolePolicy',
  'iam:AttachGroupPolicy',
  'iam:PutUserPolicy',
  'iam:PutRolePolicy',
  'iam:PutGroupPolicy',
  'iam:AddUserToGroup',
  'iam:CreatePolicyVersion',
  'iam:SetDefaultPolicyVersion',
  'iam:UpdateAssumeRolePolicy',
  'iam:PassRole',
  's3:PutBucketPolicy',
  's3:PutBucketAcl',
  's3:PutObjectAcl',
  's3:DeleteBucketPolicy',
  's3:PutBucketPublicAccessBlock',
  's3:DeletePublicAccessBlock',
  'kms:CreateGrant',
  'kms:PutKeyPolicy',
  'lambda:AddPermission',
  'lambda:AddLayerVersionPermission',
  'sns:AddPermission',
  'sqs:AddPermission',
  'ec2:AuthorizeSecurityGroupIngress',
  'ec2:ModifySnapshotAttribute',
  'ec2:ModifyImageAttribute',
  'rds:ModifyDBSnapshotAttribute',
  'rds:ModifyDBClusterSnapshotAttribute',
  'ram:CreateResourceShare',
]);

/** A credential managing its own keys: rotation when habitual and from a familiar context. */
export const SELF_KEY_OPERATIONS: ReadonlySet<string> = new Set([
  'iam:CreateAccessKey',
  'iam:DeleteAccessKey',
  'iam:UpdateAccessKey',
  'iam:ListAccessKeys',
]);

/** "Who am I, what can I do": the first calls of a stolen cloud key. */
export const CAPABILITY_PROBE_OPERATIONS: ReadonlySet<string> = new Set([
  'sts:GetCallerIdentity',
  'sts:GetAccessKeyInfo',
  'iam:GetUser',
  'iam:ListAttachedUserPolicies',
  'iam:ListUserPolicies',
  'iam:ListGroupsForUser',
  'iam:GetAccountSummary',
  'iam:SimulatePrincipalPolicy',
  'iam:GetAccountAuthorizationDetails',
  'iam:ListAccountAliases',
]);

/** Reads that return data (not metadata): what a thief came for. */
export const COLLECTION_OPERATIONS: ReadonlySet<string> = new Set([
  's3:GetObject',
  's3:GetObjectVersion',
  'secretsmanager:GetSecretValue',
  'secretsmanager:BatchGetSecretValue',
  'ssm:GetParameter',
  'ssm:GetParameters',
  'ssm:GetParametersByPath',
  'dynamodb:Scan',
  'dynamodb:Query',
  'dynamodb:BatchGetItem',
  'dynamodb:ExportTableToPointInTime',
  'rds:CreateDBSnapshot',
  'rds:StartExportTask',
  'kms:Decrypt',
  'athena:GetQueryResults',
  'ec2:GetPasswordData',
  'lambda:GetFunction',
  'ecr:GetDownloadUrlForLayer',
  'ecr:BatchGetImage',
  'codecommit:GitPull',
  'logs:GetLogEvents',
  'logs:FilterLogEvents',
  'sqs:ReceiveMessage',
]);

/** First-party path segments whose creation makes a long-lived credential or identity. */
export const HTTP_PERSISTENCE_SEGMENTS: ReadonlySet<string> = new Set([
  'keys',
  'api-keys',
  'apikeys',
  'tokens',
  'access-tokens',
  'personal-access-tokens',
  'credentials',
  'ssh-keys',
  'deploy-keys',
  'users',
  'members',
  'invitations',
  'invites',
  'apps',
  'applications',
  'clients',
  'oauth-apps',
  'webhooks',
  'hooks',
  'service-accounts',
  'integrations',
]);

/** First-party path segments that grant privilege. */
export const HTTP_GRANT_SEGMENTS: ReadonlySet<string> = new Set([
  'roles',
  'permissions',
  'grants',
  'admins',
  'policies',
  'acl',
  'acls',
  'collaborators',
  'scopes',
  'memberships',
  'role',
  'permission',
  'privileges',
]);

/** First-party path segments of alerting and audit that an attacker turns off. */
export const HTTP_DEFENSE_SEGMENTS: ReadonlySet<string> = new Set([
  'alerts',
  'alert-rules',
  'alerting',
  'audit',
  'audit-log',
  'audit-logs',
  'auditlog',
  'logging',
  'log-streams',
  'monitoring',
  'detectors',
  'siem',
  'mfa',
  '2fa',
  'sso',
  'log-forwarding',
  'log-drains',
  'log-sinks',
  'log-exports',
  'audit-streams',
  'security-alerts',
  'alert-policies',
  'notification-rules',
]);

/** "Who am I" endpoints. */
export const HTTP_CAPABILITY_SEGMENTS: ReadonlySet<string> = new Set([
  'me',
  'whoami',
  'userinfo',
  'self',
  'current',
  'current-user',
  'introspect',
  'tokeninfo',
  'scopes',
  'permissions',
  'account',
  'viewer',
  'profile',
  'token-info',
  'auth.test',
  'verify',
]);

/** Reads of bulk data. */
export const HTTP_COLLECTION_SEGMENTS: ReadonlySet<string> = new Set([
  'export',
  'exports',
  'download',
  'downloads',
  'backup',
  'backups',
  'dump',
  'billing',
  'invoices',
  'payments',
  'customers',
  'users',
  'members',
  'secrets',
  'credentials',
  'reports',
  'files',
  'documents',
  'records',
  'contacts',
  'payment-methods',
  'payouts',
  'bank-accounts',
  'transactions',
  'env-vars',
  'environment-variables',
  'variables',
]);

/** Administrative and internal areas whose listing is reconnaissance. */
export const HTTP_DISCOVERY_SEGMENTS: ReadonlySet<string> = new Set([
  'admin',
  'internal',
  'management',
  'manage',
  'config',
  'settings',
  'debug',
  'actuator',
  'swagger',
  'openapi',
  'api-docs',
  'graphql',
  '.env',
  '.git',
  'server-status',
  'audit-logs',
  'audit-log',
]);
