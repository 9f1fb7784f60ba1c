/**
 * `aws.iam.long-term-key-mints-session`: a long-term access key (`AKIA…`) used from an address on
 * the internet, not AWS's, to obtain temporary credentials (AssumeRole, GetSessionToken) without
 * MFA. It is the first move made with a leaked key: session credentials outlive the key's
 * deactivation, and role sessions reach further than the user.
 */
import type { Priority } from '../../config/schema.js';
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  basePriority,
  ctRecord,
  failed,
  IDENTITIES,
  isAutomation,
  reqString,
  shift,
  USER_AGENTS,
  where,
} from '../lib.js';
import { automationAssumption, IAM_IDENTITIES, internetSource } from '../lib/iam-principals.js';

const LONG_TERM_KEY = /^AKIA[A-Z0-9]{12,}$/;

function candidate(e: ApiEvent): boolean {
  const key = e.actor.accessKeyId;
  if (key === undefined || !LONG_TERM_KEY.test(key)) return false;
  // With serialNumber the caller proved possession of an MFA device for this session.
  if (reqString(e, 'serialNumber') !== undefined) return false;
  return internetSource(e) !== undefined;
}

function fromWhere(e: ApiEvent): string {
  const ip = e.sourceIp ?? '(unknown address)';
  if (internetSource(e) === 'unenriched-public')
    return `${ip} (not enriched: AWS ranges not checked)`;
  const country = e.source?.country === undefined ? '' : `, ${e.source.country}`;
  const asn = e.source?.asOrg === undefined ? '' : `, ${e.source.asOrg}`;
  return `${ip} (internet${country}${asn})`;
}

export default defineApiRule({
  id: 'aws.iam.long-term-key-mints-session',
  title: 'Long-term access key used from the internet to obtain session credentials',
  category: 'iam',
  row: 'IAM-3',
  priority: 'low',
  mitre: ['T1078.004', 'T1550.001'],
  description:
    'AssumeRole or GetSessionToken called with a long-term IAM user or root access key (AKIA…) from ' +
    'an address that enrichment classes as public (not internal, private, AWS-owned or an AWS ' +
    'service), without an MFA serial number in the request. When the event has not been enriched, a ' +
    'routable IP literal counts and the summary says AWS ranges were not checked. This is how leaked ' +
    'keys are used first: the session credentials keep working after the key is deactivated. Many ' +
    'people also work this way from laptops, so the rule starts low; it is raised two levels for ' +
    'root keys and one level when the address is on a threat-intelligence list. Calls with MFA, from ' +
    'private or AWS addresses, with temporary credentials (ASIA…, role chaining) and by the ' +
    'configured automation do not match. Failed calls are lowered one level. Whether the key had been ' +
    'dormant is a stateful question for the dormancy rules.',
  falsePositives: [
    'Engineers with IAM user keys switching into roles from home or office networks without MFA (configure the office CIDRs in organisation.internalCidrs, or require MFA for sts:AssumeRole).',
    'CI systems with static keys on public runners (list their user agents or ARNs as automation).',
  ],
  response: [
    'Check whether the key owner recognises the address, country and user agent.',
    'If not, deactivate the key, and revoke the sessions it minted: deny the role sessions issued before now (AWSRevokeOlderSessions) and attach a deny-all to the user, since GetSessionToken credentials survive key deactivation.',
    'Review what the session credentials did (CloudTrail by the ASIA key in responseElements.credentials).',
  ],
  references: [
    'https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_disable-perms.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html',
  ],
  knobs: {},
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: { eventSource: ['sts.amazonaws.com'], eventNames: ['AssumeRole', 'GetSessionToken'] },
  match: (e, ctx) => candidate(e) && !isAutomation(e, ctx.org),
  priorityOf: (e, ctx): Priority => {
    let steps = e.actor.type === 'Root' ? 2 : 0;
    if ((e.source?.intel ?? []).length > 0) steps += 1;
    if (failed(e)) steps -= 1;
    return shift(basePriority(ctx, 'low'), steps);
  },
  summary: (e) => {
    const key = e.actor.accessKeyId ?? '(unknown key)';
    const verb = failed(e) ? 'tried to use' : 'used';
    const what =
      e.eventName === 'AssumeRole'
        ? `assume role ${reqString(e, 'roleArn') ?? '(unnamed)'}`
        : 'get session credentials (GetSessionToken)';
    return `${actorName(e)} ${verb} long-term key ${key} from ${fromWhere(e)} to ${what} without MFA ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'GetSessionToken with a user key from an internet address, no MFA',
        record: ctRecord({
          eventSource: 'sts.amazonaws.com',
          eventName: 'GetSessionToken',
          sourceIPAddress: '185.220.101.47',
          userAgent: USER_AGENTS.boto3,
          readOnly: true,
          requestParameters: { durationSeconds: 129600 },
          responseElements: {
            credentials: {
              accessKeyId: 'ASIA4XJ7LBQ5EXAMPLEE',
              sessionToken:
                'IQoJb3JpZ2luX2VjECwaCXVzLWVhc3QtMSJHMEUCIQC3brtCyXce337YfpntHj91jcDgyYgAQHrfHZUApwVdeAIgCI3ydR4HAiWWmMhwuw7vjEQoHzGMu2gMjONe9K8w0dcq',
              expiration: 'Jan 3, 2026, 3:04:05 PM',
            },
          },
          host: 'sts.amazonaws.com',
        }),
      },
      {
        title: 'AssumeRole into an administrator role with an administrator user key',
        record: ctRecord({
          eventSource: 'sts.amazonaws.com',
          eventName: 'AssumeRole',
          identity: IAM_IDENTITIES.admin,
          sourceIPAddress: '2a01:4f8:c2c:7a1e::1',
          readOnly: true,
          requestParameters: {
            roleArn: 'arn:aws:iam::123456789012:role/OrganizationAccountAccessRole',
            roleSessionName: 'dave',
          },
          responseElements: {
            credentials: {
              accessKeyId: 'ASIA4XJ7LBQ5EXAMPLEF',
              sessionToken:
                'IQoJb3JpZ2luX2VjECwaCXVzLWVhc3QtMSJHMEUCIQDfK0m3Hq7vZkq2Jf0Kc1PNWmXv9lY8GvYt1bD4sNwq7wIgV1Ff0zqL2vJmX8pD5e',
              expiration: 'Jan 2, 2026, 4:04:05 AM',
            },
            assumedRoleUser: {
              assumedRoleId: 'AROA4XJ7LBQ5EXAMPLE11:dave',
              arn: 'arn:aws:sts::123456789012:assumed-role/OrganizationAccountAccessRole/dave',
            },
          },
          resources: [
            {
              accountId: '123456789012',
              type: 'AWS::IAM::Role',
              ARN: 'arn:aws:iam::123456789012:role/OrganizationAccountAccessRole',
            },
          ],
          host: 'sts.us-east-1.amazonaws.com',
        }),
      },
    ],
    miss: [
      {
        title: 'GetSessionToken with an MFA serial number',
        record: ctRecord({
          eventSource: 'sts.amazonaws.com',
          eventName: 'GetSessionToken',
          sourceIPAddress: '185.220.101.47',
          readOnly: true,
          requestParameters: {
            durationSeconds: 43200,
            serialNumber: 'arn:aws:iam::123456789012:mfa/alice',
          },
          responseElements: {
            credentials: {
              accessKeyId: 'ASIA4XJ7LBQ5EXAMPLEG',
              sessionToken: 'IQoJb3JpZ2luX2VjECwaCXVzLWVhc3QtMSJIMEYCIQCx9nT2mF4p8LwQ0bZ3s5a',
              expiration: 'Jan 2, 2026, 3:04:05 PM',
            },
          },
          host: 'sts.amazonaws.com',
        }),
      },
      {
        title: 'AssumeRole with a user key from a private address (Stratus Red Team, as recorded)',
        record: ctRecord({
          eventSource: 'sts.amazonaws.com',
          eventName: 'AssumeRole',
          sourceIPAddress: '192.168.10.20',
          userAgent: 'stratus-red-team_39f95f43-cd2f-4beb-b69e-be60b6fe1f57',
          readOnly: true,
          requestParameters: {
            roleArn: 'arn:aws:iam::123456789012:role/stratus-red-team-ec2-get-password-data-role',
            roleSessionName: 'aws-go-sdk-1688990082523310002',
            durationSeconds: 900,
          },
          responseElements: {
            credentials: {
              accessKeyId: 'ASIATFQR7NSC7E2ZIBM2',
              sessionToken: 'IQoJb3JpZ2luX2VjECwaCXVzLWVhc3QtMSJHMEUCIQC3brtCyXce337YfpntHj91jcDg',
              expiration: 'Jul 10, 2023, 12:09:47 PM',
            },
            assumedRoleUser: {
              assumedRoleId: 'AROATFQR7NSCWWVLB7BES:aws-go-sdk-1688990082523310002',
              arn: 'arn:aws:sts::123456789012:assumed-role/stratus-red-team-ec2-get-password-data-role/aws-go-sdk-1688990082523310002',
            },
          },
          resources: [
            {
              accountId: '123456789012',
              type: 'AWS::IAM::Role',
              ARN: 'arn:aws:iam::123456789012:role/stratus-red-team-ec2-get-password-data-role',
            },
          ],
          host: 'sts.us-east-1.amazonaws.com',
        }),
      },
      {
        title: 'Role chaining with temporary credentials from the internet',
        record: ctRecord({
          eventSource: 'sts.amazonaws.com',
          eventName: 'AssumeRole',
          identity: IDENTITIES.role,
          sourceIPAddress: '185.220.101.47',
          readOnly: true,
          requestParameters: {
            roleArn: 'arn:aws:iam::123456789012:role/billing-reader',
            roleSessionName: 'bob',
          },
          host: 'sts.amazonaws.com',
        }),
      },
    ],
  },
});
