import { listParam, param, q, type Rule, regionFlag, trailName } from './remediation-params.js';

/** Undoing what switched audit logging, alerting or threat detection off: run first (priority 1). */
export const MONITORING_RULES: Readonly<Record<string, Rule>> = {
  'cloudtrail:StopLogging': (e) => ({
    priority: 1,
    why: 'the attacker stopped CloudTrail logging',
    command: `aws cloudtrail start-logging --name ${q(trailName(e), 'trail-name')}${regionFlag(e)}`,
  }),
  'cloudtrail:DeleteTrail': (e) => ({
    priority: 1,
    why: 'the attacker deleted a trail; recreate it from your infrastructure code, then start it',
    command: `aws cloudtrail create-trail --name ${q(trailName(e), 'trail-name')} --s3-bucket-name <log-bucket> --is-multi-region-trail${regionFlag(e)} && aws cloudtrail start-logging --name ${q(trailName(e), 'trail-name')}${regionFlag(e)}`,
  }),
  'cloudtrail:UpdateTrail': (e) => ({
    priority: 1,
    why: 'the attacker changed a trail (destination, regions or validation); restore its settings from your infrastructure code',
    command: `aws cloudtrail update-trail --name ${q(trailName(e), 'trail-name')} --is-multi-region-trail --enable-log-file-validation${regionFlag(e)}`,
  }),
  'cloudtrail:PutEventSelectors': (e) => ({
    priority: 1,
    why: 'the attacker narrowed what CloudTrail records; restore management events',
    command: `aws cloudtrail put-event-selectors --trail-name ${q(trailName(e), 'trail-name')} --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]'${regionFlag(e)}`,
  }),
  'guardduty:DeleteDetector': (e) => ({
    priority: 1,
    why: 'the attacker deleted the GuardDuty detector',
    command: `aws guardduty create-detector --enable${regionFlag(e)}`,
  }),
  'guardduty:UpdateDetector': (e) => ({
    priority: 1,
    why: 'the attacker changed (likely disabled) the GuardDuty detector',
    command: `aws guardduty update-detector --detector-id ${q(param(e, 'detectorId'), 'detector-id')} --enable${regionFlag(e)}`,
  }),
  'guardduty:DisassociateFromMasterAccount': () => ({
    priority: 1,
    why: 'the attacker detached this account from the GuardDuty administrator',
    command:
      'aws guardduty accept-administrator-invitation --detector-id <detector-id> --administrator-id <admin-account> --invitation-id <invitation-id>',
  }),
  'config:StopConfigurationRecorder': (e) => ({
    priority: 1,
    why: 'the attacker stopped AWS Config recording',
    command: `aws configservice start-configuration-recorder --configuration-recorder-name ${q(param(e, 'configurationRecorderName'), 'recorder-name')}${regionFlag(e)}`,
  }),
  'config:DeleteConfigurationRecorder': () => ({
    priority: 1,
    why: 'the attacker deleted the AWS Config recorder; recreate it from your infrastructure code',
    command: 'aws configservice put-configuration-recorder --configuration-recorder name=default,roleARN=<role-arn>',
  }),
  'guardduty:DisassociateFromAdministratorAccount': (e) => ({
    priority: 1,
    why: 'the attacker detached this account from the GuardDuty administrator',
    command: `aws guardduty accept-administrator-invitation --detector-id ${q(param(e, 'detectorId'), 'detector-id')} --administrator-id <admin-account> --invitation-id <invitation-id>${regionFlag(e)}`,
  }),
  'config:DeleteDeliveryChannel': (e) => ({
    priority: 1,
    why: 'the attacker deleted the AWS Config delivery channel; recreate it, then start the recorder',
    command: `aws configservice put-delivery-channel --delivery-channel name=${q(param(e, 'deliveryChannelName'), 'channel-name')},s3BucketName=<config-bucket>${regionFlag(e)} && aws configservice start-configuration-recorder --configuration-recorder-name <recorder-name>${regionFlag(e)}`,
  }),
  'cloudtrail:DeleteEventDataStore': (e) => ({
    priority: 1,
    why: 'the attacker deleted a CloudTrail Lake event data store; it can be restored within 7 days',
    command: `aws cloudtrail restore-event-data-store --event-data-store ${q(param(e, 'eventDataStore'), 'event-data-store-arn')}${regionFlag(e)}`,
  }),
  'cloudwatch:DisableAlarmActions': (e) => {
    const alarms = listParam(e, 'alarmNames');
    return {
      priority: 1,
      why: 'the attacker silenced CloudWatch alarms (their actions no longer notify anyone)',
      command: `aws cloudwatch enable-alarm-actions --alarm-names ${alarms.length > 0 ? alarms.map((a) => q(a, 'alarm')).join(' ') : '<alarm-names>'}${regionFlag(e)}`,
    };
  },
  'securityhub:DisableSecurityHub': (e) => ({
    priority: 1,
    why: 'the attacker disabled Security Hub',
    command: `aws securityhub enable-security-hub --enable-default-standards${regionFlag(e)}`,
  }),
  'ec2:DeleteFlowLogs': (e) => ({
    priority: 1,
    why: 'the attacker deleted VPC flow logs; recreate them (from your infrastructure code, or as below)',
    command: `aws ec2 create-flow-logs --resource-type VPC --resource-ids <vpc-id> --traffic-type ALL --log-destination-type s3 --log-destination <flow-log-bucket-arn>${regionFlag(e)}`,
  }),
  'bedrock:DeleteModelInvocationLoggingConfiguration': (e) => ({
    priority: 1,
    why: 'the attacker turned off Bedrock model invocation logging (what LLM-jacking does before using the models)',
    command: `aws bedrock put-model-invocation-logging-configuration --logging-config file://bedrock-invocation-logging.json${regionFlag(e)}`,
  }),
};
