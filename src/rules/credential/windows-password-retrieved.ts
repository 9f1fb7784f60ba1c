/**
 * `aws.credential.windows-password-retrieved`: the encrypted administrator password of a Windows
 * instance fetched with `ec2:GetPasswordData`. With the launch key pair's private key it decrypts
 * to the local Administrator password, which is why attackers with EC2 read access try it on every
 * instance they find.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { JsonObject } from '../../model/event.js';
import {
  actorName,
  basePriority,
  byAwsService,
  ctRecord,
  failed,
  isAutomation,
  reqString,
  shift,
  where,
} from '../lib.js';

const STRATUS_SESSION: JsonObject = {
  type: 'AssumedRole',
  principalId: 'AROA4XJ7LBQ5EXAMPLE19:aws-go-sdk-1688990082523310002',
  arn: 'arn:aws:sts::123456789012:assumed-role/ec2-get-password-data-role/aws-go-sdk-1688990082523310002',
  accountId: '123456789012',
  accessKeyId: 'ASIA4XJ7LBQ5EXAMPL19',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROA4XJ7LBQ5EXAMPLE19',
      arn: 'arn:aws:iam::123456789012:role/ec2-get-password-data-role',
      accountId: '123456789012',
      userName: 'ec2-get-password-data-role',
    },
    webIdFederationData: {},
    attributes: { creationDate: '2026-01-02T03:04:01Z', mfaAuthenticated: 'false' },
  },
};

export default defineApiRule({
  id: 'aws.credential.windows-password-retrieved',
  title: 'EC2 Windows administrator password retrieved',
  category: 'credential',
  row: null,
  priority: 'medium',
  mitre: ['T1552'],
  description:
    'GetPasswordData by an identity that is neither an AWS service nor the configured CI/CD. The ' +
    'call returns the instance’s Administrator password encrypted with its launch key pair; ' +
    'whoever also holds the private key (often lying next to the credentials that made the call) ' +
    'can RDP in as Administrator. The console’s “Get Windows password” makes the same call, so a ' +
    'single success from a known administrator is routine. Failed calls (UnauthorizedOperation, ' +
    'mostly) are reported one level lower: a string of them across instances, as Stratus Red ' +
    'Team’s ec2-get-password-data leaves, is an attacker testing what the stolen role can reach.',
  falsePositives: [
    'Administrators retrieving the password of a Windows instance they manage, from the console or the CLI.',
  ],
  response: [
    'Ask the identity’s owner about it; if unexplained, change the Administrator password on the instance and review RDP logons since.',
    'Check who holds the launch key pair’s private key, and stop launching Windows instances with shared key pairs.',
    'Restrict ec2:GetPasswordData to the people who administer Windows instances.',
  ],
  references: [
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_GetPasswordData.html',
    'https://stratus-red-team.cloud/attack-techniques/AWS/aws.credential-access.ec2-get-password-data/',
  ],
  knobs: {},
  kind: 'match',
  on: { eventSource: ['ec2.amazonaws.com'], eventNames: ['GetPasswordData'] },
  match: (e, ctx) => !byAwsService(e) && !isAutomation(e, ctx.org),
  priorityOf: (e, ctx) => shift(basePriority(ctx, 'medium'), failed(e) ? -1 : 0),
  summary: (e) =>
    `${actorName(e)} ${failed(e) ? 'tried to retrieve' : 'retrieved'} the Windows administrator ` +
    `password of instance ${reqString(e, 'instanceId') ?? '(unnamed)'} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'A denied attempt by a role session (Invictus, Stratus ec2-get-password-data)',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'GetPasswordData',
          identity: STRATUS_SESSION,
          readOnly: true,
          userAgent: 'stratus-red-team_39f95f43-cd2f-4beb-b69e-be60b6fe1f57',
          errorCode: 'Client.UnauthorizedOperation',
          errorMessage:
            'You are not authorized to perform this operation. Encoded authorization failure message: 1Qju1r-MUd3Ls-t7y4w4lpDtgZ-SW3htXqO4UWyYc3RRm71l29ME4w3IIewWhVC8ebqeZswLhkaNtKJcthIjmcqywqV1VgZqs4N',
          requestParameters: { instanceId: 'i-durz4ux740gjqvcm' },
        }),
      },
      {
        title: 'An IAM user retrieves a password from the CLI',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'GetPasswordData',
          readOnly: true,
          requestParameters: { instanceId: 'i-0a6c1f2e3d4b5a697' },
          responseElements: {
            requestId: '59dbff89-35bd-4eac-99ed-be587EXAMPLE',
            instanceId: 'i-0a6c1f2e3d4b5a697',
            timestamp: 1767322800000,
          },
        }),
      },
    ],
    miss: [
      {
        title: 'The configured automation reads it for a Windows build pipeline',
        config: { organisation: { automationArns: ['arn:aws:iam::123456789012:role/deploy-*'] } },
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'GetPasswordData',
          identity: 'ci',
          readOnly: true,
          requestParameters: { instanceId: 'i-0a6c1f2e3d4b5a697' },
        }),
      },
      {
        title: 'GetConsoleOutput, which reads the boot log but no password',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'GetConsoleOutput',
          readOnly: true,
          requestParameters: { instanceId: 'i-0a6c1f2e3d4b5a697' },
        }),
      },
    ],
  },
});
