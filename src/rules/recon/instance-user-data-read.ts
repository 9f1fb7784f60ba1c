/**
 * `aws.recon.instance-user-data-read`: the user data of an EC2 instance read through
 * DescribeInstanceAttribute: the read side of PER-3. User data holds bootstrap scripts, and with
 * them the passwords, tokens and keys that should never have been put there.
 */
import { defineApiRule } from '../../engine/rule.js';
import {
  actorName,
  basePriority,
  byAwsService,
  ctRecord,
  failed,
  isAutomation,
  reqString,
  shift,
  USER_AGENTS,
  where,
} from '../lib.js';
import { automationConfigured } from '../lib/caller.js';

const STRATUS_SESSION = {
  type: 'AssumedRole',
  principalId: 'AROA4XJ7LBQ5EXAMPLE12:aws-go-sdk-1688990565286187801',
  arn: 'arn:aws:sts::123456789012:assumed-role/get-usr-data-role/aws-go-sdk-1688990565286187801',
  accountId: '123456789012',
  accessKeyId: 'ASIA4XJ7LBQ5EXAMPL12',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROA4XJ7LBQ5EXAMPLE12',
      arn: 'arn:aws:iam::123456789012:role/get-usr-data-role',
      accountId: '123456789012',
      userName: 'get-usr-data-role',
    },
    webIdFederationData: {},
    attributes: { creationDate: '2026-01-02T03:02:54Z', mfaAuthenticated: 'false' },
  },
};

export default defineApiRule({
  id: 'aws.recon.instance-user-data-read',
  title: 'EC2 instance user data read',
  category: 'recon',
  row: 'REC-1',
  priority: 'medium',
  mitre: ['T1552.005', 'T1580'],
  description:
    'DescribeInstanceAttribute with `attribute: userData` by an identity that is neither an AWS ' +
    'service nor the configured CI/CD. The response (not logged) carries the instance’s ' +
    'bootstrap script, base64-encoded, which often contains database passwords, registration ' +
    'tokens and access keys; reading it across many instances is a standard step after ' +
    'credentials are stolen (Stratus Red Team ec2-get-user-data, Pacu ec2__download_userdata). ' +
    'Infrastructure-as-code tools read user data on every plan, which is why the configured ' +
    'CI/CD is excluded; with none configured such reads are reported too. Failed calls (AccessDenied, ' +
    'Client.UnauthorizedOperation, unknown instance ids) are reported one level lower as attempts; ' +
    'many of them in a row are enumeration. Writes to user data are PER-3’s rules.',
  falsePositives: [
    'Terraform, CloudFormation drift detection and other IaC tools run outside the configured CI/CD.',
    'An engineer viewing an instance’s user data in the console while debugging its boot.',
  ],
  response: [
    'Check whether the instances’ user data contains secrets; if it does, rotate them regardless of who read it.',
    'Ask the owner of the identity about the read; revoke the credentials if it is not explained.',
    'Move secrets out of user data into Secrets Manager or Parameter Store and restrict ec2:DescribeInstanceAttribute.',
  ],
  references: [
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceAttribute.html',
    'https://stratus-red-team.cloud/attack-techniques/AWS/aws.discovery.ec2-download-user-data/',
  ],
  knobs: {},
  assumptions: (ctx) =>
    automationConfigured(ctx.org)
      ? []
      : [
          'No CI/CD identities or user agents are configured (organisation.automationArns, ' +
            'automationUserAgents): user-data reads by infrastructure-as-code tools are reported too.',
        ],
  kind: 'match',
  on: { eventSource: ['ec2.amazonaws.com'], eventNames: ['DescribeInstanceAttribute'] },
  match: (e, ctx) =>
    reqString(e, 'attribute') === 'userData' && !byAwsService(e) && !isAutomation(e, ctx.org),
  priorityOf: (e, ctx) => shift(basePriority(ctx, 'medium'), failed(e) ? -1 : 0),
  summary: (e) =>
    `${actorName(e)} ${failed(e) ? 'tried to read' : 'read'} the user data of instance ` +
    `${reqString(e, 'instanceId') ?? '(unnamed)'} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'A denied read of an unknown instance (Invictus, Stratus ec2-get-user-data)',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'DescribeInstanceAttribute',
          identity: STRATUS_SESSION,
          readOnly: true,
          userAgent: 'stratus-red-team_9cbca289-7886-421c-b241-fcd2b1f14019',
          errorCode: 'Client.UnauthorizedOperation',
          errorMessage: 'You are not authorized to perform this operation.',
          requestParameters: { instanceId: 'i-8107c9c0', attribute: 'userData' },
        }),
      },
      {
        title: 'An IAM user reads user data from the CLI',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'DescribeInstanceAttribute',
          readOnly: true,
          userAgent: USER_AGENTS.cli,
          requestParameters: { instanceId: 'i-0dbc91f429e48eeed', attribute: 'userData' },
        }),
      },
    ],
    miss: [
      {
        title: 'Terraform, configured as CI/CD, refreshes the attribute (Invictus set-up)',
        config: { organisation: { automationUserAgents: ['*Terraform/*'] } },
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'DescribeInstanceAttribute',
          readOnly: true,
          userAgent: USER_AGENTS.terraform,
          requestParameters: { instanceId: 'i-0dbc91f429e48eeed', attribute: 'userData' },
        }),
      },
      {
        title: 'Another attribute (disableApiTermination) read by a person',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'DescribeInstanceAttribute',
          readOnly: true,
          requestParameters: {
            instanceId: 'i-0dbc91f429e48eeed',
            attribute: 'disableApiTermination',
          },
        }),
      },
    ],
  },
});
