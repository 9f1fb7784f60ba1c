/**
 * `aws.evasion.flow-logs-deleted`: VPC, subnet or interface flow logs are deleted, ending the
 * network record of connections in and out of the VPC.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import {
  actorName,
  ctRecord,
  did,
  ec2Values,
  names,
  tamperPriority,
  USER_AGENTS,
  where,
} from '../lib.js';

function flowLogIds(e: ApiEvent): string[] {
  // Logged as `DeleteFlowLogsRequest.FlowLogId` (one `{tag, content}` or an array of them); the
  // normaliser has already removed the `…Request` wrapper.
  const ids = ec2Values(e.request, 'FlowLogId');
  return ids.length > 0 ? ids : ec2Values(e.request, 'flowLogIds');
}

function deleteRecord(
  flowLogId: JsonObject | JsonObject[],
  extra: Partial<Parameters<typeof ctRecord>[0]> = {},
): JsonObject {
  return ctRecord({
    eventSource: 'ec2.amazonaws.com',
    eventName: 'DeleteFlowLogs',
    eventVersion: '1.08',
    requestParameters: { DeleteFlowLogsRequest: { FlowLogId: flowLogId } },
    responseElements: {
      DeleteFlowLogsResponse: {
        xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/',
        requestId: 'bd26b4b4-133e-4610-8be1-9c5d645bb2ee',
        unsuccessful: '',
      },
    },
    ...extra,
  });
}

export default defineApiRule({
  id: 'aws.evasion.flow-logs-deleted',
  title: 'VPC flow logs deleted',
  category: 'evasion',
  row: 'EVA-1',
  priority: 'high',
  mitre: ['T1562.008'],
  description:
    'A principal deleted one or more flow logs (DeleteFlowLogs). Connections to and from the VPC, ' +
    'subnet or network interface are no longer recorded, which hides command-and-control traffic, ' +
    'exfiltration and lateral movement from here on. Failed calls are reported one level lower ' +
    'as attempts.',
  falsePositives: [
    'Tear-down of a VPC by infrastructure-as-code (flow logs go with it).',
    'Replacing a flow log by one with a new format or destination.',
  ],
  response: [
    'Find which resources the deleted flow logs covered (DescribeFlowLogs in earlier records, or the creating CreateFlowLogs call).',
    'Re-create the flow logs with the same destination and format.',
    'Look at other network evidence (load balancer logs, DNS query logs, GuardDuty) for the gap.',
    'Restrict ec2:DeleteFlowLogs to the network team.',
  ],
  references: [
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteFlowLogs.html',
    'https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html',
  ],
  knobs: {},
  kind: 'match',
  on: { eventSource: ['ec2.amazonaws.com'], eventNames: ['DeleteFlowLogs'] },
  match: () => true,
  priorityOf: (e, ctx) => tamperPriority(e, ctx, 'high'),
  summary: (e) => {
    const ids = flowLogIds(e);
    return (
      `${actorName(e)} ${did(e, 'deleted', 'delete')} VPC flow log${ids.length === 1 ? '' : 's'} ` +
      `${names(ids)} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'One flow log deleted (the shape Stratus Red Team leaves)',
        record: deleteRecord(
          { tag: 1, content: 'fl-064ed3a785e4a37ef' },
          { userAgent: 'stratus-red-team_20f9795b-aa02-4c8e-bad6-bd338ec09f59' },
        ),
      },
      {
        title: 'Three flow logs deleted in one call',
        record: deleteRecord(
          [
            { tag: 1, content: 'fl-0a1b2c3d4e5f60718' },
            { tag: 2, content: 'fl-0b2c3d4e5f6071829' },
            { tag: 3, content: 'fl-0c3d4e5f607182930' },
          ],
          { identity: 'role', userAgent: USER_AGENTS.boto3 },
        ),
      },
    ],
    miss: [
      {
        title: 'A flow log created',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'CreateFlowLogs',
          eventVersion: '1.08',
          identity: 'ci',
          userAgent: USER_AGENTS.terraform,
          requestParameters: {
            CreateFlowLogsRequest: {
              ResourceId: { tag: 1, content: 'vpc-0255d384b4b458b46' },
              MaxAggregationInterval: 600,
              ResourceType: 'VPC',
              LogDestination: 'arn:aws:logs:us-east-1:123456789012:log-group:/vpc/flow-logs',
              DeliverLogsPermissionArn: 'arn:aws:iam::123456789012:role/vpc-flow-logs',
              LogDestinationType: 'cloud-watch-logs',
              TrafficType: 'ALL',
            },
          },
          responseElements: {
            CreateFlowLogsResponse: {
              xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/',
              requestId: '353ea5d4-f889-46d4-a632-ed784656dda4',
              clientToken: 'oueUIFMk93wJinrrwc0QUGz+O0GaqjxHhhquvXQ1UQc=',
              unsuccessful: '',
              flowLogIdSet: { item: 'fl-064ed3a785e4a37ef' },
            },
          },
        }),
      },
    ],
  },
});
