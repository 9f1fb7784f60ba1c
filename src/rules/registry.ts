/**
 * The rule registry: every rule trailhound ships, in one explicit list. A rule exists for the
 * engine, the docs and the CLI only when it is listed here; nothing registers itself on import.
 * Keep the list grouped by category and, within a category, by matrix row.
 */
import type { Rule } from '../engine/rule.js';
import accessAnalyzerDeleted from './evasion/access-analyzer-deleted.js';
import alarmActionsDisabled from './evasion/alarm-actions-disabled.js';
import alarmsDeleted from './evasion/alarms-deleted.js';
import cloudtrailBucketLifecycleExpiration from './evasion/cloudtrail-bucket-lifecycle-expiration.js';
import cloudtrailDeleted from './evasion/cloudtrail-deleted.js';
import cloudtrailManagementEventsDropped from './evasion/cloudtrail-management-events-dropped.js';
import cloudtrailStopped from './evasion/cloudtrail-stopped.js';
import cloudtrailWeakened from './evasion/cloudtrail-weakened.js';
import configDeliveryChannelDeleted from './evasion/config-delivery-channel-deleted.js';
import configRecorderStopped from './evasion/config-recorder-stopped.js';
import configRulesDeleted from './evasion/config-rules-deleted.js';
import detectiveDisabled from './evasion/detective-disabled.js';
import dnsQueryLoggingDeleted from './evasion/dns-query-logging-deleted.js';
import flowLogsDeleted from './evasion/flow-logs-deleted.js';
import guarddutyDetectorDeleted from './evasion/guardduty-detector-deleted.js';
import guarddutyDetectorDisabled from './evasion/guardduty-detector-disabled.js';
import guarddutyMemberRemoved from './evasion/guardduty-member-removed.js';
import guarddutySuppressionFilter from './evasion/guardduty-suppression-filter.js';
import guarddutyThreatIntelSet from './evasion/guardduty-threat-intel-set.js';
import guarddutyTrustedIpList from './evasion/guardduty-trusted-ip-list.js';
import logGroupDeleted from './evasion/log-group-deleted.js';
import logMetricFilterDeleted from './evasion/log-metric-filter-deleted.js';
import logRetentionShortened from './evasion/log-retention-shortened.js';
import logStreamDeleted from './evasion/log-stream-deleted.js';
import logSubscriptionFilterDeleted from './evasion/log-subscription-filter-deleted.js';
import macieDisabled from './evasion/macie-disabled.js';
import requestParametersOmitted from './evasion/request-parameters-omitted.js';
import securityhubDisabled from './evasion/securityhub-disabled.js';

export const RULES: readonly Rule[] = [
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
];
