import type { AccessEvent } from '@tokenwarden/core';
import { listParam, param, q, type Rule, regionFlag, requestParameters } from './remediation-params.js';

/** The ids a launch started, as the detection parsers keep them (`attributes.created_compute_ids`). */
function createdIds(e: AccessEvent): string[] {
  const ids = e.attributes?.created_compute_ids;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string' && /^[A-Za-z0-9-]+$/.test(id)) : [];
}

/** `setting=true` unless the call's parameters say false (a responder pausing sending is not undone). */
function turnsOn(e: AccessEvent, ...keys: string[]): boolean {
  const p = requestParameters(e);
  return keys.every((k) => p[k] !== false && p[k] !== 'false');
}

const STOP_COMPUTE = 'the attacker started compute (mining runs up the bill by the hour)';

/** Sending paused for the account, in the call's region. */
function pauseSending(e: AccessEvent, why: string): ReturnType<Rule> {
  return { priority: 2, why, command: `aws sesv2 put-account-sending-attributes --no-sending-enabled${regionFlag(e)}` };
}

function deleteSesIdentity(...keys: string[]): Rule {
  return (e) => ({
    priority: 2,
    why: 'the attacker verified a sender to mail from this account',
    command: `aws ses delete-identity --identity ${q(param(e, ...keys), 'identity')}${regionFlag(e)}`,
  });
}

/**
 * Stopping what a leaked key was turned into money with (priority 2, beside removing persistence): compute it
 * started (mining), model capacity it bought, mail sending it switched on and the senders it verified.
 */
export const ABUSE_RULES: Readonly<Record<string, Rule>> = {
  'ec2:RunInstances': (e) => {
    const ids = createdIds(e);
    const region = regionFlag(e);
    if (ids.length > 0)
      return { priority: 2, why: STOP_COMPUTE, command: `aws ec2 terminate-instances --instance-ids ${ids.join(' ')}${region}` };
    // The response was not logged: the instances launched in that minute, still running.
    const minute = `${e.time.slice(0, 16)}*`;
    return {
      priority: 2,
      why: `${STOP_COMPUTE}; the log kept no instance ids, so this finds the instances launched in that minute`,
      command: `ids=$(aws ec2 describe-instances --filters ${q(`Name=launch-time,Values=${minute}`, 'filter')} Name=instance-state-name,Values=pending,running --query 'Reservations[].Instances[].InstanceId' --output text${region}) && [ -n "$ids" ] && aws ec2 terminate-instances --instance-ids $ids${region}`,
    };
  },
  'ec2:RequestSpotInstances': (e) => {
    const ids = createdIds(e);
    const region = regionFlag(e);
    const list = ids.length > 0 ? ids.join(' ') : '<spot-request-ids>';
    return {
      priority: 2,
      why: `${STOP_COMPUTE}: cancel the spot requests, then terminate the instances they started`,
      command: `aws ec2 cancel-spot-instance-requests --spot-instance-request-ids ${list}${region} && ids=$(aws ec2 describe-instances --filters Name=spot-instance-request-id,Values=${ids.length > 0 ? ids.join(',') : '<spot-request-ids>'} --query 'Reservations[].Instances[].InstanceId' --output text${region}) && [ -n "$ids" ] && aws ec2 terminate-instances --instance-ids $ids${region}`,
    };
  },
  'ec2:RequestSpotFleet': (e) => ({
    priority: 2,
    why: STOP_COMPUTE,
    command: `aws ec2 cancel-spot-fleet-requests --spot-fleet-request-ids ${createdIds(e)[0] ?? '<spot-fleet-request-id>'} --terminate-instances${regionFlag(e)}`,
  }),
  'ec2:CreateFleet': (e) => ({
    priority: 2,
    why: STOP_COMPUTE,
    command: `aws ec2 delete-fleets --fleet-ids ${createdIds(e)[0] ?? '<fleet-id>'} --terminate-instances${regionFlag(e)}`,
  }),
  'lightsail:CreateInstances': (e) => {
    const names = listParam(e, 'instanceNames');
    const each = (names.length > 0 ? names : [undefined]).map(
      (n) => `aws lightsail delete-instance --instance-name ${q(n, 'instance-name')}${regionFlag(e)}`,
    );
    return { priority: 2, why: STOP_COMPUTE, command: each.join(' && ') };
  },
  'sagemaker:CreateNotebookInstance': (e) => {
    const name = q(param(e, 'notebookInstanceName'), 'notebook');
    const region = regionFlag(e);
    return {
      priority: 2,
      why: STOP_COMPUTE,
      command: `aws sagemaker stop-notebook-instance --notebook-instance-name ${name}${region} && aws sagemaker wait notebook-instance-stopped --notebook-instance-name ${name}${region} && aws sagemaker delete-notebook-instance --notebook-instance-name ${name}${region}`,
    };
  },
  'sagemaker:CreateTrainingJob': (e) => ({
    priority: 2,
    why: STOP_COMPUTE,
    command: `aws sagemaker stop-training-job --training-job-name ${q(param(e, 'trainingJobName'), 'job')}${regionFlag(e)}`,
  }),
  'sagemaker:CreateProcessingJob': (e) => ({
    priority: 2,
    why: STOP_COMPUTE,
    command: `aws sagemaker stop-processing-job --processing-job-name ${q(param(e, 'processingJobName'), 'job')}${regionFlag(e)}`,
  }),
  'batch:CreateComputeEnvironment': (e) => ({
    priority: 2,
    why: STOP_COMPUTE,
    command: `aws batch update-compute-environment --compute-environment ${q(param(e, 'computeEnvironmentName'), 'environment')} --state DISABLED${regionFlag(e)}`,
  }),
  'eks:CreateNodegroup': (e) => ({
    priority: 2,
    why: STOP_COMPUTE,
    command: `aws eks delete-nodegroup --cluster-name ${q(param(e, 'name', 'clusterName'), 'cluster')} --nodegroup-name ${q(param(e, 'nodegroupName'), 'nodegroup')}${regionFlag(e)}`,
  }),
  'autoscaling:CreateAutoScalingGroup': (e) => ({
    priority: 2,
    why: STOP_COMPUTE,
    command: `aws autoscaling delete-auto-scaling-group --auto-scaling-group-name ${q(param(e, 'autoScalingGroupName'), 'group')} --force-delete${regionFlag(e)}`,
  }),
  'bedrock:CreateProvisionedModelThroughput': (e) => ({
    priority: 2,
    why: 'the attacker bought provisioned model throughput (billed by the hour, committed for months)',
    command: `aws bedrock delete-provisioned-model-throughput --provisioned-model-id ${q(param(e, 'provisionedModelName'), 'provisioned-model')}${regionFlag(e)}`,
  }),
  'bedrock:CreateFoundationModelAgreement': (e) => ({
    priority: 2,
    why: 'the attacker accepted a model offer to use it from this account',
    command: `aws bedrock delete-foundation-model-agreement --model-id ${q(param(e, 'modelId'), 'model-id')}${regionFlag(e)}`,
  }),
  'ses:UpdateAccountSendingEnabled': (e) =>
    turnsOn(e, 'enabled', 'Enabled')
      ? pauseSending(e, 'the attacker switched mail sending on (spam, phishing from your domain)')
      : undefined,
  'ses:PutAccountSendingAttributes': (e) =>
    turnsOn(e, 'sendingEnabled') ? pauseSending(e, 'the attacker switched mail sending on (spam, phishing from your domain)') : undefined,
  'ses:PutAccountDetails': (e) =>
    pauseSending(
      e,
      'the attacker asked AWS to lift the SES sandbox; pause sending, and withdraw the request in the support case it opened',
    ),
  'ses:VerifyEmailIdentity': deleteSesIdentity('emailAddress'),
  'ses:VerifyEmailAddress': deleteSesIdentity('emailAddress'),
  'ses:VerifyDomainIdentity': deleteSesIdentity('domain'),
  'ses:CreateEmailIdentity': (e) => ({
    priority: 2,
    why: 'the attacker verified a sender to mail from this account',
    command: `aws sesv2 delete-email-identity --email-identity ${q(param(e, 'emailIdentity'), 'identity')}${regionFlag(e)}`,
  }),
};
