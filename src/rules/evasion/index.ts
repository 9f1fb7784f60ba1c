/**
 * The evasion rules (matrix rows EVA-1 and EVA-2, then detections beyond the matrix), in the
 * order the registry lists them.
 */
import type { Rule } from '../../engine/rule.js';
import accessAnalyzerDeleted from './access-analyzer-deleted.js';
import alarmActionsDisabled from './alarm-actions-disabled.js';
import alarmsDeleted from './alarms-deleted.js';
import bedrockGuardrailDeleted from './bedrock-guardrail-deleted.js';
import bedrockInvocationLoggingDisabled from './bedrock-invocation-logging-disabled.js';
import cloudtrailBucketLifecycleExpiration from './cloudtrail-bucket-lifecycle-expiration.js';
import cloudtrailDeleted from './cloudtrail-deleted.js';
import cloudtrailManagementEventsDropped from './cloudtrail-management-events-dropped.js';
import cloudtrailStopped from './cloudtrail-stopped.js';
import cloudtrailWeakened from './cloudtrail-weakened.js';
import configDeliveryChannelDeleted from './config-delivery-channel-deleted.js';
import configRecorderStopped from './config-recorder-stopped.js';
import configRulesDeleted from './config-rules-deleted.js';
import detectiveDisabled from './detective-disabled.js';
import dnsQueryLoggingDeleted from './dns-query-logging-deleted.js';
import eventbridgeRuleDisabled from './eventbridge-rule-disabled.js';
import flowLogsDeleted from './flow-logs-deleted.js';
import guarddutyDetectorDeleted from './guardduty-detector-deleted.js';
import guarddutyDetectorDisabled from './guardduty-detector-disabled.js';
import guarddutyMemberRemoved from './guardduty-member-removed.js';
import guarddutySuppressionFilter from './guardduty-suppression-filter.js';
import guarddutyThreatIntelSet from './guardduty-threat-intel-set.js';
import guarddutyTrustedIpList from './guardduty-trusted-ip-list.js';
import inspectorDisabled from './inspector-disabled.js';
import logGroupDeleted from './log-group-deleted.js';
import logMetricFilterDeleted from './log-metric-filter-deleted.js';
import logRetentionShortened from './log-retention-shortened.js';
import logStreamDeleted from './log-stream-deleted.js';
import logSubscriptionFilterDeleted from './log-subscription-filter-deleted.js';
import macieDisabled from './macie-disabled.js';
import organizationLeft from './organization-left.js';
import regionEnabled from './region-enabled.js';
import requestParametersOmitted from './request-parameters-omitted.js';
import scpRemoved from './scp-removed.js';
import securityhubDisabled from './securityhub-disabled.js';

export const EVASION_RULES: readonly Rule[] = [
  // evasion, EVA-1: CloudTrail
  cloudtrailStopped,
  cloudtrailDeleted,
  cloudtrailWeakened,
  cloudtrailManagementEventsDropped,
  cloudtrailBucketLifecycleExpiration,
  requestParametersOmitted,
  // evasion, EVA-1: GuardDuty
  guarddutyDetectorDeleted,
  guarddutyDetectorDisabled,
  guarddutyTrustedIpList,
  guarddutyThreatIntelSet,
  guarddutyMemberRemoved,
  guarddutySuppressionFilter,
  // evasion, EVA-1: AWS Config
  configRecorderStopped,
  configDeliveryChannelDeleted,
  configRulesDeleted,
  // evasion, EVA-1: other security services and network logs
  securityhubDisabled,
  macieDisabled,
  accessAnalyzerDeleted,
  detectiveDisabled,
  inspectorDisabled,
  flowLogsDeleted,
  dnsQueryLoggingDeleted,
  // evasion, EVA-2: CloudWatch Logs and alarms
  logGroupDeleted,
  logStreamDeleted,
  logRetentionShortened,
  logSubscriptionFilterDeleted,
  logMetricFilterDeleted,
  alarmsDeleted,
  alarmActionsDisabled,
  // evasion, beyond the matrix
  regionEnabled,
  organizationLeft,
  eventbridgeRuleDisabled,
  bedrockGuardrailDeleted,
  bedrockInvocationLoggingDisabled,
  scpRemoved,
];
