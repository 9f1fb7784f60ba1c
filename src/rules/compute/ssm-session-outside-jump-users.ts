/**
 * `aws.compute.ssm-session-outside-jump-users`: a Session Manager session opened by an identity
 * that is not an approved jump user. StartSession is an interactive shell (or a port-forwarding
 * tunnel) on the instance with no SSH key, bastion or open port involved.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  at,
  basePriority,
  byAwsService,
  ctRecord,
  failed,
  reqString,
  shift,
  where,
} from '../lib.js';
import { isUnexpectedOperator } from '../lib/caller.js';

const JUMP = {
  organisation: {
    jumpUsers: [
      'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Operators_*',
    ],
  },
};

const OPERATOR_IDENTITY = {
  type: 'AssumedRole',
  principalId: 'AROA4XJ7LBQ5EXAMPLE04:carol@example.com',
  arn: 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Operators_0f6e1c2d3b4a5968/carol@example.com',
  accountId: '123456789012',
  accessKeyId: 'ASIA4XJ7LBQ5EXAMPLE4',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROA4XJ7LBQ5EXAMPLE04',
      arn: 'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Operators_0f6e1c2d3b4a5968',
      accountId: '123456789012',
      userName: 'AWSReservedSSO_Operators_0f6e1c2d3b4a5968',
    },
    webIdFederationData: {},
    attributes: { creationDate: '2026-01-02T02:40:11Z', mfaAuthenticated: 'false' },
  },
};

function sessionResponse(user: string, id: string): { [k: string]: string } {
  return {
    sessionId: `${user}-${id}`,
    tokenValue: 'Value hidden due to security reasons.',
    streamUrl: `wss://ssmmessages.us-east-1.amazonaws.com/v1/data-channel/${user}-${id}?role=publish_subscribe`,
  };
}

/** `a shell`, or `a tunnel to port 5432 on db.internal` for the port-forwarding documents. */
function sessionKind(e: ApiEvent): string {
  const doc = reqString(e, 'documentName');
  if (doc === undefined || !/PortForwarding/i.test(doc)) {
    return doc === undefined || doc === 'SSM-SessionManagerRunShell'
      ? 'a shell session'
      : `a ${doc} session`;
  }
  const port =
    at(e.request, 'parameters', 'portNumber', 0) ?? at(e.request, 'parameters', 'portNumber');
  const host = at(e.request, 'parameters', 'host', 0) ?? at(e.request, 'parameters', 'host');
  const portText = typeof port === 'string' || typeof port === 'number' ? ` to port ${port}` : '';
  const hostText = typeof host === 'string' ? ` on ${host}` : '';
  return `a port-forwarding tunnel${portText}${hostText}`;
}

export default defineApiRule({
  id: 'aws.compute.ssm-session-outside-jump-users',
  title: 'Session Manager session outside approved jump users',
  category: 'compute',
  row: 'COMP-2',
  priority: 'medium',
  mitre: ['T1021.007', 'T1651'],
  description:
    'A StartSession call (AWS Systems Manager Session Manager) by an identity that is neither in ' +
    '`organisation.jumpUsers` (ARN globs, matched against the caller and, for assumed roles, the ' +
    'role) nor the configured CI/CD. A session is an interactive shell on the instance, or with ' +
    'the port-forwarding documents a tunnel through it into the VPC, available to anyone with ' +
    'ssm:StartSession and no network path needed; attackers with stolen credentials use it to ' +
    'move onto hosts. Triage: which instance, which document (shell or tunnel, and to where), and ' +
    'whether the person normally operates that host. With no jump users configured every session ' +
    'is reported one level lower and the finding says so. Failed calls (TargetNotConnected, ' +
    'AccessDenied) are reported one level lower again as attempts. Sessions that AWS services ' +
    'open on their own behalf are ignored.',
  falsePositives: [
    'Engineers who operate instances but are not yet listed in organisation.jumpUsers.',
    'Console sessions opened from Fleet Manager or the EC2 console by on-call staff.',
  ],
  response: [
    'Check who the person is and whether they are on call for the instance; end the session (TerminateSession) if not.',
    'Read the session log (S3 or CloudWatch Logs, if Session Manager logging is on) for what was run.',
    'Restrict ssm:StartSession to the jump-user roles and to tagged instances.',
  ],
  references: [
    'https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_StartSession.html',
    'https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-logging.html',
  ],
  knobs: {},
  assumptions: (ctx) =>
    ctx.org.jumpUsers.length > 0
      ? []
      : [
          'No jump users are configured (organisation.jumpUsers): every Session Manager session ' +
            'not opened by CI/CD or an AWS service is reported, one level lower.',
        ],
  kind: 'match',
  on: { eventSource: ['ssm.amazonaws.com'], eventNames: ['StartSession'] },
  match: (e, ctx) => !byAwsService(e) && isUnexpectedOperator(e, ctx.org),
  priorityOf: (e, ctx) =>
    shift(
      basePriority(ctx, 'medium'),
      (ctx.org.jumpUsers.length > 0 ? 0 : -1) + (failed(e) ? -1 : 0),
    ),
  summary: (e) =>
    `${actorName(e)} ${failed(e) ? 'tried to open' : 'opened'} ${sessionKind(e)} on ` +
    `${reqString(e, 'target') ?? 'an unnamed target'} through Session Manager without being a jump user ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'An IAM user opens a shell on an instance from the CLI',
        record: ctRecord({
          eventSource: 'ssm.amazonaws.com',
          eventName: 'StartSession',
          requestParameters: { target: 'i-02311671588e96626' },
          responseElements: sessionResponse('alice', '0e34861185201706f'),
        }),
      },
      {
        title: 'An SSO administrator outside the jump-user roles tunnels to a database port',
        config: JUMP,
        record: ctRecord({
          eventSource: 'ssm.amazonaws.com',
          eventName: 'StartSession',
          identity: 'role',
          requestParameters: {
            target: 'i-072084d1cf0b2f1c9',
            documentName: 'AWS-StartPortForwardingSessionToRemoteHost',
            parameters: {
              host: ['orders.cluster-c9x2k4.us-east-1.rds.amazonaws.com'],
              portNumber: ['5432'],
              localPortNumber: ['15432'],
            },
          },
          responseElements: sessionResponse('bob@example.com', 'ilpxvkhghl9vs9ia2xfdyp4dka'),
        }),
      },
    ],
    miss: [
      {
        title: 'A member of the approved operators permission set opens a shell',
        config: JUMP,
        record: ctRecord({
          eventSource: 'ssm.amazonaws.com',
          eventName: 'StartSession',
          identity: OPERATOR_IDENTITY,
          requestParameters: { target: 'i-02311671588e96626' },
          responseElements: sessionResponse('carol@example.com', '08ea7d78b1fd0d119'),
        }),
      },
      {
        title: 'TerminateSession closes a session',
        record: ctRecord({
          eventSource: 'ssm.amazonaws.com',
          eventName: 'TerminateSession',
          requestParameters: { sessionId: 'alice-0e34861185201706f' },
          responseElements: { sessionId: 'alice-0e34861185201706f' },
        }),
      },
    ],
  },
});
