/**
 * `aws.evasion.dns-query-logging-deleted`: Route 53 Resolver query logging is deleted or detached
 * from a VPC, ending the record of DNS lookups made from inside it.
 */
import { defineApiRule } from '../../engine/rule.js';
import { actorName, ctRecord, did, reqString, tamperPriority, where } from '../lib.js';

const CONFIG_ID = 'rqlc-8ca61fe7c055415a';

export default defineApiRule({
  id: 'aws.evasion.dns-query-logging-deleted',
  title: 'Route 53 Resolver query logging deleted',
  category: 'evasion',
  row: 'EVA-1',
  priority: 'high',
  mitre: ['T1562.008'],
  description:
    'DeleteResolverQueryLogConfig deletes a query logging configuration, which stops DNS query ' +
    'logging for every VPC it was associated with; DisassociateResolverQueryLogConfig detaches one ' +
    'VPC from it (reported one level lower). DNS logs are often the only trace of malware ' +
    'resolving its command-and-control or tunnelling data out. Failed calls are reported one level ' +
    'lower as attempts.',
  falsePositives: ['Logging pipeline redesign or VPC tear-down by infrastructure-as-code.'],
  response: [
    'Re-create the configuration and re-associate the VPCs (CreateResolverQueryLogConfig, AssociateResolverQueryLogConfig).',
    'Check that the destination log group or bucket still exists and was not deleted too.',
    'Review GuardDuty DNS findings and flow logs for the affected VPCs during the gap.',
  ],
  references: [
    'https://docs.aws.amazon.com/Route53/latest/APIReference/API_route53resolver_DeleteResolverQueryLogConfig.html',
    'https://docs.aws.amazon.com/Route53/latest/APIReference/API_route53resolver_DisassociateResolverQueryLogConfig.html',
  ],
  knobs: {},
  kind: 'match',
  on: {
    eventSource: ['route53resolver.amazonaws.com'],
    eventNames: ['DeleteResolverQueryLogConfig', 'DisassociateResolverQueryLogConfig'],
  },
  match: () => true,
  priorityOf: (e, ctx) =>
    tamperPriority(e, ctx, 'high', { lower: e.eventName === 'DisassociateResolverQueryLogConfig' }),
  summary: (e) => {
    const config = reqString(e, 'resolverQueryLogConfigId') ?? '(unknown)';
    return e.eventName === 'DeleteResolverQueryLogConfig'
      ? `${actorName(e)} ${did(e, 'deleted', 'delete')} Route 53 Resolver query logging configuration ${config} ${where(e)}`
      : `${actorName(e)} ${did(e, 'detached', 'detach')} ${reqString(e, 'resourceId') ?? 'a VPC'} from Route 53 Resolver query logging configuration ${config} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'A query logging configuration deleted',
        record: ctRecord({
          eventSource: 'route53resolver.amazonaws.com',
          eventName: 'DeleteResolverQueryLogConfig',
          requestParameters: { resolverQueryLogConfigId: CONFIG_ID },
          responseElements: {
            resolverQueryLogConfig: {
              id: CONFIG_ID,
              ownerId: '123456789012',
              status: 'DELETING',
              shareStatus: 'NOT_SHARED',
              associationCount: 0,
              arn: `arn:aws:route53resolver:us-east-1:123456789012:resolver-query-log-config/${CONFIG_ID}`,
              name: 'vpc-dns-logs',
              destinationArn: 'arn:aws:logs:us-east-1:123456789012:log-group:/dns/queries',
              creatorRequestId: 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f',
              creationTime: '2025-06-11T09:12:44.318Z',
            },
          },
        }),
      },
      {
        title: 'A VPC detached from query logging',
        record: ctRecord({
          eventSource: 'route53resolver.amazonaws.com',
          eventName: 'DisassociateResolverQueryLogConfig',
          identity: 'role',
          requestParameters: {
            resolverQueryLogConfigId: CONFIG_ID,
            resourceId: 'vpc-098ff30ff74b36f73',
          },
        }),
      },
    ],
    miss: [
      {
        title: 'A VPC attached to query logging',
        record: ctRecord({
          eventSource: 'route53resolver.amazonaws.com',
          eventName: 'AssociateResolverQueryLogConfig',
          identity: 'ci',
          requestParameters: {
            resolverQueryLogConfigId: CONFIG_ID,
            resourceId: 'vpc-098ff30ff74b36f73',
          },
        }),
      },
    ],
  },
});
