/**
 * `aws.compute.instance-connect-outside-jump-users`: EC2 Instance Connect used by an identity that
 * is not an approved jump user: an SSH key pushed to an instance, a key pushed to its serial
 * console, or a tunnel opened through an EC2 Instance Connect Endpoint.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  basePriority,
  byAwsService,
  ctRecord,
  failed,
  reqString,
  shift,
  where,
} from '../lib.js';
import { isUnexpectedOperator } from '../lib/caller.js';

const JUMP = { organisation: { jumpUsers: ['arn:aws:iam::123456789012:user/ops-*'] } };

const PUBLIC_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq7mJ0vXbq3Yw1Jr2xJ0m0g3i8lq9mJcE1vX3vY0m1o attacker@kali';

function whatWasDone(e: ApiEvent): string {
  const instance = reqString(e, 'instanceId') ?? 'an unnamed instance';
  const user = reqString(e, 'instanceOSUser', 'osUser');
  const userText = user === undefined ? '' : ` for OS user ${user}`;
  const tried = failed(e);
  switch (e.eventName) {
    case 'SendSSHPublicKey':
      return `${tried ? 'tried to push' : 'pushed'} an SSH key to ${instance}${userText}`;
    case 'SendSerialConsoleSSHPublicKey':
      return `${tried ? 'tried to push' : 'pushed'} an SSH key to the serial console of ${instance}`;
    default: {
      const ip = reqString(e, 'privateIpAddress') ?? 'an unnamed address';
      const port = reqString(e, 'remotePort');
      const endpoint = reqString(e, 'instanceConnectEndpointId') ?? 'an endpoint';
      return `${tried ? 'tried to open' : 'opened'} a tunnel to ${ip}${port === undefined ? '' : `:${port}`} through ${endpoint}`;
    }
  }
}

export default defineApiRule({
  id: 'aws.compute.instance-connect-outside-jump-users',
  title: 'EC2 Instance Connect used outside approved jump users',
  category: 'compute',
  row: 'COMP-2',
  priority: 'medium',
  mitre: ['T1021.004', 'T1098.004'],
  description:
    'SendSSHPublicKey, SendSerialConsoleSSHPublicKey or OpenTunnel (EC2 Instance Connect and ' +
    'its endpoints) by an identity that is neither in `organisation.jumpUsers` (ARN globs, matched ' +
    'against the caller and, for assumed roles, the role) nor the configured CI/CD. Each call ' +
    'grants SSH access for a minute without touching the instance’s authorized keys, so the only ' +
    'trace of who logged in is this record. Pushing a key to the serial console is one level ' +
    'higher: it reaches the instance even when its network and SSH daemon are locked down. ' +
    'Triage: which instance and OS user, and whether the person normally administers it. With no ' +
    'jump users configured every use is reported one level lower and the finding says so. ' +
    'Failed calls are reported one level lower again as attempts.',
  falsePositives: [
    'Administrators connecting from the EC2 console (“Connect” button) who are not yet listed as jump users.',
  ],
  response: [
    'Confirm with the person that the connection was theirs and intended.',
    'If not: isolate the instance (security group), capture its volumes, and revoke the credentials used.',
    'Restrict ec2-instance-connect:SendSSHPublicKey and OpenTunnel to the jump-user roles, with the ec2:osuser condition where possible.',
  ],
  references: [
    'https://docs.aws.amazon.com/ec2-instance-connect/latest/APIReference/API_SendSSHPublicKey.html',
    'https://docs.aws.amazon.com/ec2-instance-connect/latest/APIReference/API_SendSerialConsoleSSHPublicKey.html',
    'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/log-ec2-instance-connect-endpoint-using-cloudtrail.html',
  ],
  knobs: {},
  assumptions: (ctx) =>
    ctx.org.jumpUsers.length > 0
      ? []
      : [
          'No jump users are configured (organisation.jumpUsers): every EC2 Instance Connect use ' +
            'not made by CI/CD or an AWS service is reported, one level lower.',
        ],
  kind: 'match',
  on: {
    eventSource: ['ec2-instance-connect.amazonaws.com'],
    eventNames: ['SendSSHPublicKey', 'SendSerialConsoleSSHPublicKey', 'OpenTunnel'],
  },
  match: (e, ctx) => !byAwsService(e) && isUnexpectedOperator(e, ctx.org),
  priorityOf: (e, ctx) =>
    shift(
      basePriority(ctx, 'medium'),
      (e.eventName === 'SendSerialConsoleSSHPublicKey' ? 1 : 0) +
        (ctx.org.jumpUsers.length > 0 ? 0 : -1) +
        (failed(e) ? -1 : 0),
    ),
  summary: (e) => `${actorName(e)} ${whatWasDone(e)} without being a jump user ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'An IAM user pushes an SSH key for ec2-user',
        config: JUMP,
        record: ctRecord({
          eventSource: 'ec2-instance-connect.amazonaws.com',
          eventName: 'SendSSHPublicKey',
          requestParameters: {
            instanceId: 'i-0123456789abcdef0',
            osUser: 'ec2-user',
            SSHKey: { publicKey: PUBLIC_KEY },
          },
          responseElements: null,
        }),
      },
      {
        title: 'A key pushed to an instance serial console',
        record: ctRecord({
          eventSource: 'ec2-instance-connect.amazonaws.com',
          eventName: 'SendSerialConsoleSSHPublicKey',
          identity: 'role',
          requestParameters: {
            instanceId: 'i-0f3a7c2e9b8d41a56',
            serialPort: 0,
            SSHKey: { publicKey: PUBLIC_KEY },
          },
          responseElements: null,
        }),
      },
      {
        title: 'A tunnel to SSH on a private address through an Instance Connect Endpoint',
        record: ctRecord({
          eventSource: 'ec2-instance-connect.amazonaws.com',
          eventName: 'OpenTunnel',
          requestParameters: {
            instanceConnectEndpointId: 'eici-0123456789EXAMPLE',
            maxTunnelDuration: '3600',
            remotePort: '22',
            privateIpAddress: '10.0.1.1',
          },
          responseElements: null,
          resources: [
            {
              accountId: '123456789012',
              type: 'AWS::EC2::InstanceConnectEndpoint',
              ARN: 'arn:aws:ec2:us-east-1:123456789012:instance-connect-endpoint/eici-0123456789EXAMPLE',
            },
          ],
        }),
      },
    ],
    miss: [
      {
        title: 'An approved operator pushes an SSH key',
        config: JUMP,
        record: ctRecord({
          eventSource: 'ec2-instance-connect.amazonaws.com',
          eventName: 'SendSSHPublicKey',
          identity: {
            type: 'IAMUser',
            principalId: 'AIDA4XJ7LBQ5EXAMPLE05',
            arn: 'arn:aws:iam::123456789012:user/ops-dana',
            accountId: '123456789012',
            accessKeyId: 'AKIA4XJ7LBQ5EXAMPLE5',
            userName: 'ops-dana',
          },
          requestParameters: {
            instanceId: 'i-0123456789abcdef0',
            osUser: 'ec2-user',
            SSHKey: { publicKey: PUBLIC_KEY },
          },
          responseElements: null,
        }),
      },
      {
        title: 'CreateInstanceConnectEndpoint, which builds the endpoint but connects nobody',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'CreateInstanceConnectEndpoint',
          requestParameters: {
            CreateInstanceConnectEndpointRequest: {
              SubnetId: 'subnet-0ed352584ab4aa265',
              ClientToken: '2f1d5c3a-8f41-4b3e-9c55-5e8a1b6f7d20',
            },
          },
        }),
      },
    ],
  },
});
