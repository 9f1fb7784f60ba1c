/**
 * `aws.recon.denied-enumeration-temporary-credentials`: a List, Describe or Get call refused for
 * lack of permission, made with temporary role credentials outside the console. One such event is
 * weak on its own; it is the single-event part of REC-1, and bursts of it are what enumeration
 * with stolen session credentials looks like.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import { actorName, basePriority, ctRecord, byAwsService, where } from '../lib.js';
import { isConsoleSession, isTemporaryKey } from '../lib/caller.js';
import { isIdentityCenterSession, refused } from '../lib/denied.js';

const ENUMERATION = /^(?:List|Describe|Get|BatchGet|Search)[A-Z]/;
/** Calls that ask what exists rather than read one resource the caller names. */
const DISCOVERY = /^(?:List|Describe|Search)[A-Z]/;

function isDeniedEnumeration(e: ApiEvent): boolean {
  return (
    refused(e) &&
    ENUMERATION.test(e.eventName) &&
    e.actor.type === 'AssumedRole' &&
    isTemporaryKey(e) &&
    !isConsoleSession(e) &&
    !byAwsService(e) &&
    // People reach past their permission set for a resource they know by name (a secret, a
    // parameter); someone exploring a stolen session has to find out what exists first.
    (!isIdentityCenterSession(e) || DISCOVERY.test(e.eventName))
  );
}

/** A developer's IAM Identity Center session, used from the CLI. */
const SSO_SESSION = {
  type: 'AssumedRole',
  principalId: 'AROA4XJ7LBQ5EXAMPLE31:dana@example.com',
  arn: 'arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Developer_8f3e21c4a7d9b605/dana@example.com',
  accountId: '123456789012',
  accessKeyId: 'ASIA4XJ7LBQ5EXAMPL31',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROA4XJ7LBQ5EXAMPLE31',
      arn: 'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Developer_8f3e21c4a7d9b605',
      accountId: '123456789012',
      userName: 'AWSReservedSSO_Developer_8f3e21c4a7d9b605',
    },
    webIdFederationData: {},
    attributes: { creationDate: '2026-01-02T08:14:51Z', mfaAuthenticated: 'false' },
  },
};

const ROLE_SESSION = {
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
  id: 'aws.recon.denied-enumeration-temporary-credentials',
  title: 'Enumeration call denied to temporary credentials',
  category: 'recon',
  row: 'REC-1',
  priority: 'low',
  mitre: ['T1580', 'T1526', 'T1087.004'],
  description:
    'A call whose name starts with List, Describe, Get, BatchGet or Search failed with ' +
    'AccessDenied, AccessDeniedException, UnauthorizedOperation (Client.UnauthorizedOperation in ' +
    'EC2) or AuthorizationError, and was made by an assumed-role session with temporary ' +
    'credentials (an `ASIA…` access key) outside the AWS Management Console. Stolen session ' +
    'credentials are explored by trying what they allow; legitimate workloads call what their ' +
    'role permits and rarely hit these errors, while console pages often do (console sessions ' +
    'are left out). People signed in through IAM Identity Center (`AWSReservedSSO_…` roles) ' +
    'now and then reach for a resource their permission set does not cover, by name (the value ' +
    'of a secret, a parameter): for their sessions only calls that ask what exists (List, ' +
    'Describe, Search) count, since someone exploring a stolen session has to find out what ' +
    'exists first; one refused Get of a named resource is not enumeration. One event is a weak ' +
    'signal, reported at low priority; findings group per principal, and counting refusals ' +
    'over time belongs to aws.recon.access-denied-burst, which counts every principal’s. Only ' +
    'refused calls match (other errors, such as a missing resource, do not): the refusal is the ' +
    'signal. Calls AWS services make on their own behalf are ignored.',
  falsePositives: [
    'Tools and SDK code that probe for optional permissions (for example, Terraform reading attributes it may not need).',
    'Roles whose policies were just tightened while their applications still call the old APIs.',
    'People on Identity Center CLI sessions listing or describing something outside their permission set.',
  ],
  response: [
    'Look at the other calls of the same session: a burst of denied List/Describe/Get across services is enumeration.',
    'Find where the session came from (the AssumeRole or instance profile behind it) and whether its source address fits.',
    'If the session is not explained: revoke the role’s active sessions and investigate the credentials that created it.',
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html',
    'https://hackingthe.cloud/aws/enumeration/brute_force_iam_permissions/',
  ],
  knobs: {},
  kind: 'match',
  // Names are open-ended (every service's List/Describe/Get), so the rule sees every event and
  // rejects on the error code first, which almost every event lacks.
  on: { eventNames: '*' },
  match: (e) => isDeniedEnumeration(e),
  priorityOf: (_e, ctx) => basePriority(ctx, 'low'),
  summary: (e) => {
    const key = e.actor.accessKeyId === undefined ? '' : ` ${e.actor.accessKeyId}`;
    const service = e.eventSource.replace(/\.amazonaws\.com$/, '');
    return (
      `${actorName(e)} was denied ${e.eventName} (${service}) ` +
      `with temporary credentials${key} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title:
          'DescribeInstanceAttribute refused to a role session (Invictus, Stratus get-user-data)',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'DescribeInstanceAttribute',
          identity: ROLE_SESSION,
          readOnly: true,
          userAgent:
            'aws-sdk-go-v2/1.17.0 os/linux lang/go/1.18.10 md/GOOS/linux md/GOARCH/amd64 api/ec2/1.63.1',
          errorCode: 'Client.UnauthorizedOperation',
          errorMessage: 'You are not authorized to perform this operation.',
          requestParameters: { instanceId: 'i-867d08fc', attribute: 'userData' },
        }),
      },
      {
        title: 'ListSecrets refused to a role session (JSON-protocol AccessDeniedException)',
        record: ctRecord({
          eventSource: 'secretsmanager.amazonaws.com',
          eventName: 'ListSecrets',
          identity: ROLE_SESSION,
          readOnly: true,
          userAgent:
            'Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.8 cfg/retry-mode#legacy Botocore/1.34.69',
          errorCode: 'AccessDeniedException',
          errorMessage:
            'User: arn:aws:sts::123456789012:assumed-role/get-usr-data-role/aws-go-sdk-1688990565286187801 is not authorized to perform: secretsmanager:ListSecrets because no identity-based policy allows the secretsmanager:ListSecrets action',
        }),
      },
      {
        title: 'ListUsers refused to an Identity Center session on the CLI (discovery)',
        record: ctRecord({
          eventSource: 'iam.amazonaws.com',
          eventName: 'ListUsers',
          identity: SSO_SESSION,
          readOnly: true,
          sourceIPAddress: '84.150.97.13',
          host: 'iam.amazonaws.com',
          errorCode: 'AccessDenied',
          errorMessage:
            'User: arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Developer_8f3e21c4a7d9b605/dana@example.com is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::123456789012:user/ because no identity-based policy allows the iam:ListUsers action',
        }),
      },
    ],
    miss: [
      {
        title: 'The same refusal to an IAM user with a long-term key',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'DescribeInstanceAttribute',
          readOnly: true,
          errorCode: 'Client.UnauthorizedOperation',
          errorMessage: 'You are not authorized to perform this operation.',
          requestParameters: { instanceId: 'i-867d08fc', attribute: 'userData' },
        }),
      },
      {
        title: 'A console page refused a Cost Explorer read to an SSO session',
        record: ctRecord({
          eventSource: 'ce.amazonaws.com',
          eventName: 'GetCostAndUsage',
          identity: 'role',
          readOnly: true,
          userAgent:
            'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:102.0) Gecko/20100101 Firefox/102.0',
          errorCode: 'AccessDenied',
          errorMessage: 'IAM user access not activated',
          requestParameters: { Granularity: 'MONTHLY', Metrics: ['UnblendedCost'] },
        }),
      },
      {
        title:
          'An Identity Center CLI session refused the value of one secret its permission set does not cover',
        record: ctRecord({
          eventSource: 'secretsmanager.amazonaws.com',
          eventName: 'GetSecretValue',
          identity: SSO_SESSION,
          awsRegion: 'eu-west-1',
          readOnly: true,
          sourceIPAddress: '84.150.97.13',
          errorCode: 'AccessDeniedException',
          errorMessage:
            'User: arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Developer_8f3e21c4a7d9b605/dana@example.com is not authorized to perform: secretsmanager:GetSecretValue on resource: prod/orders/db because no identity-based policy allows the secretsmanager:GetSecretValue action',
          requestParameters: { secretId: 'prod/orders/db' },
        }),
      },
      {
        title: 'DescribeInstances by a role session failing on a missing instance (not a refusal)',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'DescribeInstances',
          identity: ROLE_SESSION,
          readOnly: true,
          errorCode: 'Client.InvalidInstanceID.NotFound',
          errorMessage: "The instance ID 'i-0d9c5e3a8b7f61204' does not exist",
          requestParameters: {
            instancesSet: { items: [{ instanceId: 'i-0d9c5e3a8b7f61204' }] },
            filterSet: {},
          },
        }),
      },
      {
        title: 'A denied write (DeleteBucket) is not enumeration',
        record: ctRecord({
          eventSource: 's3.amazonaws.com',
          eventName: 'DeleteBucket',
          identity: ROLE_SESSION,
          errorCode: 'AccessDenied',
          errorMessage: 'Access Denied',
          requestParameters: { bucketName: 'acme-logs', Host: 's3.amazonaws.com' },
        }),
      },
    ],
  },
});
