import { param, q, type Rule, userName } from './remediation-params.js';

/** Removing the access an attacker made to stay in: users, keys, passwords, policies, roles (priority 2). */
export const ACCESS_RULES: Readonly<Record<string, Rule>> = {
  'iam:CreateAccessKey': (e) => ({
    priority: 2,
    why: 'the attacker created an access key to stay in',
    // The new key's id: in the response, or as the detection parsers keep it (`issued_credential_id`).
    command: `aws iam update-access-key --user-name ${q(userName(e), 'user')} --access-key-id ${q(param(e, 'accessKeyId', 'issued_credential_id'), 'new-key-id')} --status Inactive && aws iam delete-access-key --user-name ${q(userName(e), 'user')} --access-key-id ${q(param(e, 'accessKeyId', 'issued_credential_id'), 'new-key-id')}`,
  }),
  'iam:CreateUser': (e) => ({
    priority: 2,
    why: 'the attacker created an IAM user; remove its keys, login profile, policies and groups, then the user',
    command: `aws iam delete-login-profile --user-name ${q(userName(e), 'user')}; aws iam list-access-keys --user-name ${q(userName(e), 'user')}; aws iam delete-user --user-name ${q(userName(e), 'user')}`,
  }),
  'iam:CreateLoginProfile': (e) => ({
    priority: 2,
    why: 'the attacker gave a user a console password',
    command: `aws iam delete-login-profile --user-name ${q(userName(e), 'user')}`,
  }),
  'iam:UpdateLoginProfile': (e) => ({
    priority: 2,
    why: "the attacker changed a user's console password; reset it and force a change",
    command: `aws iam update-login-profile --user-name ${q(userName(e), 'user')} --password-reset-required`,
  }),
  'iam:AttachUserPolicy': (e) => ({
    priority: 2,
    why: 'the attacker attached a policy to a user',
    command: `aws iam detach-user-policy --user-name ${q(userName(e), 'user')} --policy-arn ${q(param(e, 'policyArn'), 'policy-arn')}`,
  }),
  'iam:AttachRolePolicy': (e) => ({
    priority: 2,
    why: 'the attacker attached a policy to a role',
    command: `aws iam detach-role-policy --role-name ${q(param(e, 'roleName'), 'role')} --policy-arn ${q(param(e, 'policyArn'), 'policy-arn')}`,
  }),
  'iam:PutUserPolicy': (e) => ({
    priority: 2,
    why: 'the attacker added an inline policy to a user',
    command: `aws iam delete-user-policy --user-name ${q(userName(e), 'user')} --policy-name ${q(param(e, 'policyName'), 'policy-name')}`,
  }),
  'iam:PutRolePolicy': (e) => ({
    priority: 2,
    why: 'the attacker added an inline policy to a role',
    command: `aws iam delete-role-policy --role-name ${q(param(e, 'roleName'), 'role')} --policy-name ${q(param(e, 'policyName'), 'policy-name')}`,
  }),
  'iam:AddUserToGroup': (e) => ({
    priority: 2,
    why: 'the attacker added a user to a group',
    command: `aws iam remove-user-from-group --user-name ${q(userName(e), 'user')} --group-name ${q(param(e, 'groupName'), 'group')}`,
  }),
  'iam:UpdateAssumeRolePolicy': (e) => ({
    priority: 2,
    why: 'the attacker changed who may assume a role; restore the trust policy from your infrastructure code',
    command: `aws iam update-assume-role-policy --role-name ${q(param(e, 'roleName'), 'role')} --policy-document file://trust-policy.json`,
  }),
  'iam:CreateRole': (e) => ({
    priority: 2,
    why: 'the attacker created a role',
    command: `aws iam delete-role --role-name ${q(param(e, 'roleName'), 'role')}`,
  }),
  'sts:GetFederationToken': () => ({
    priority: 3,
    why: 'the attacker minted federation tokens; they live until expiry: deny them with a policy revoking older sessions',
    command:
      'aws iam put-user-policy --user-name <user> --policy-name RevokeOldSessions --policy-document \'{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:TokenIssueTime":"<now>"}}}]}\'',
  }),
};
