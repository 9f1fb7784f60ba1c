/**
 * `aws.evasion.config-rules-deleted`: AWS Config rules or conformance packs are deleted, in one
 * account or across the organisation, removing the checks that would flag later misconfiguration.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  byAwsService,
  ctRecord,
  did,
  reqString,
  tamperPriority,
  where,
} from '../lib.js';

const WHAT: Record<string, [noun: string, param: string]> = {
  DeleteConfigRule: ['AWS Config rule', 'configRuleName'],
  DeleteOrganizationConfigRule: ['organisation-wide AWS Config rule', 'organizationConfigRuleName'],
  DeleteConformancePack: ['AWS Config conformance pack', 'conformancePackName'],
  DeleteOrganizationConformancePack: [
    'organisation-wide AWS Config conformance pack',
    'organizationConformancePackName',
  ],
};

function organisationWide(e: ApiEvent): boolean {
  return e.eventName.startsWith('DeleteOrganization');
}

export default defineApiRule({
  id: 'aws.evasion.config-rules-deleted',
  title: 'AWS Config rules or conformance packs deleted',
  category: 'evasion',
  row: 'EVA-1',
  priority: 'medium',
  mitre: ['T1562.001'],
  description:
    'A principal deleted an AWS Config rule (DeleteConfigRule), a conformance pack ' +
    '(DeleteConformancePack) or their organisation-wide forms (DeleteOrganizationConfigRule, ' +
    'DeleteOrganizationConformancePack, reported one level higher since they remove checks from ' +
    'every account). Deletions made by an AWS service itself, such as Security Hub removing the ' +
    'rules of a standard it no longer runs, do not match; disabling the standard is its own ' +
    'finding. Failed calls are reported one level lower as attempts.',
  falsePositives: [
    'Rule clean-up by the compliance team or infrastructure-as-code replacing rules.',
  ],
  response: [
    'Identify the deleted rule or pack and what it checked; re-deploy it from source control.',
    'Evaluate the resources it covered now (for example with a one-off conformance pack run) to find changes made since.',
    'Restrict config:DeleteConfigRule and the organisation variants to the compliance pipeline.',
  ],
  references: [
    'https://docs.aws.amazon.com/config/latest/APIReference/API_DeleteConfigRule.html',
    'https://docs.aws.amazon.com/config/latest/APIReference/API_DeleteOrganizationConfigRule.html',
    'https://docs.aws.amazon.com/config/latest/APIReference/API_DeleteConformancePack.html',
    'https://docs.aws.amazon.com/config/latest/APIReference/API_DeleteOrganizationConformancePack.html',
  ],
  knobs: {},
  kind: 'match',
  on: { eventSource: ['config.amazonaws.com'], eventNames: Object.keys(WHAT) },
  match: (e) => !byAwsService(e),
  priorityOf: (e, ctx) => tamperPriority(e, ctx, 'medium', { sensitive: organisationWide(e) }),
  summary: (e) => {
    const [noun, param] = WHAT[e.eventName] ?? ['AWS Config resource', 'name'];
    return (
      `${actorName(e)} ${did(e, 'deleted', 'delete')} ${noun} ` +
      `${reqString(e, param) ?? '(unnamed)'} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'A rule that checks for public buckets deleted',
        record: ctRecord({
          eventSource: 'config.amazonaws.com',
          eventName: 'DeleteConfigRule',
          requestParameters: { configRuleName: 's3-bucket-public-read-prohibited' },
        }),
      },
      {
        title: 'An organisation conformance pack deleted from the management account',
        record: ctRecord({
          eventSource: 'config.amazonaws.com',
          eventName: 'DeleteOrganizationConformancePack',
          identity: 'role',
          requestParameters: { organizationConformancePackName: 'OrgCISBenchmark' },
        }),
      },
    ],
    miss: [
      {
        title: 'Security Hub removes the rules of a standard through its service-linked role',
        record: ctRecord({
          eventSource: 'config.amazonaws.com',
          eventName: 'DeleteConfigRule',
          identity: {
            type: 'AssumedRole',
            principalId: 'AROA4XJ7LBQ5EXAMPLE09:securityhub',
            arn: 'arn:aws:sts::123456789012:assumed-role/AWSServiceRoleForSecurityHub/securityhub',
            accountId: '123456789012',
            sessionContext: {
              sessionIssuer: {
                type: 'Role',
                principalId: 'AROA4XJ7LBQ5EXAMPLE09',
                arn: 'arn:aws:iam::123456789012:role/aws-service-role/securityhub.amazonaws.com/AWSServiceRoleForSecurityHub',
                accountId: '123456789012',
                userName: 'AWSServiceRoleForSecurityHub',
              },
              webIdFederationData: {},
              attributes: { creationDate: '2026-01-02T03:00:11Z', mfaAuthenticated: 'false' },
            },
            invokedBy: 'securityhub.amazonaws.com',
          },
          sourceIPAddress: 'securityhub.amazonaws.com',
          userAgent: 'securityhub.amazonaws.com',
          requestParameters: {
            configRuleName: 'securityhub-s3-bucket-public-read-prohibited-7a1c2e',
          },
        }),
      },
      {
        title: 'A rule created',
        record: ctRecord({
          eventSource: 'config.amazonaws.com',
          eventName: 'PutConfigRule',
          identity: 'ci',
          requestParameters: {
            configRule: {
              configRuleName: 's3-bucket-public-read-prohibited',
              source: { owner: 'AWS', sourceIdentifier: 'S3_BUCKET_PUBLIC_READ_PROHIBITED' },
            },
          },
        }),
      },
    ],
  },
});
