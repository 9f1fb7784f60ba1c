/**
 * `aws.credential.instance-credentials-outside-aws`: credentials that EC2 delivered to an instance
 * through its instance profile, used from an address that is not AWS's. Those credentials should
 * only ever be used from the instance; seen anywhere else, they were taken from it (SSRF against
 * the metadata service, a compromised host, a leaked `~/.aws` cache).
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import { actorName, basePriority, ctRecord, shift, where } from '../lib.js';
import { instanceCredential } from '../lib/caller.js';
import { describeSource, viaVpcEndpoint } from '../lib/caller-source.js';

/** How far from the instance the call came, or undefined when it may well be the instance. */
function outsideAws(e: ApiEvent): 'public' | 'unexplained-private' | undefined {
  const cls = e.source?.class;
  if (cls === 'public') return 'public';
  // A call from inside a VPC reaches AWS either through a VPC endpoint (CloudTrail then names
  // the endpoint) or through a NAT or internet gateway (the source is then a public AWS
  // address). A private address without an endpoint is neither.
  if ((cls === 'private' || cls === 'internal') && !viaVpcEndpoint(e)) {
    return 'unexplained-private';
  }
  return undefined;
}

function instanceSession(instance: string): JsonObject {
  return {
    type: 'AssumedRole',
    principalId: `AROA4XJ7LBQ5EXAMPLE15:${instance}`,
    arn: `arn:aws:sts::123456789012:assumed-role/web-server-role/${instance}`,
    accountId: '123456789012',
    accessKeyId: 'ASIA4XJ7LBQ5EXAMPL15',
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROA4XJ7LBQ5EXAMPLE15',
        arn: 'arn:aws:iam::123456789012:role/web-server-role',
        accountId: '123456789012',
        userName: 'web-server-role',
      },
      webIdFederationData: {},
      attributes: { creationDate: '2026-01-02T02:55:22Z', mfaAuthenticated: 'false' },
      ec2RoleDelivery: '2.0',
    },
  };
}

const SDK_UA =
  'aws-sdk-go-v2/1.17.0 os/linux lang/go/1.18.10 md/GOOS/linux md/GOARCH/amd64 api/sts/1.16.19';

export default defineApiRule({
  id: 'aws.credential.instance-credentials-outside-aws',
  title: 'EC2 instance credentials used from outside AWS',
  category: 'credential',
  row: 'CRED-1',
  priority: 'high',
  mitre: ['T1552.005', 'T1078.004'],
  description:
    'Any API call made with instance-profile credentials (an assumed-role session named after an ' +
    'instance id, `i-…`, or carrying `sessionContext.ec2RoleDelivery`) from a source the enrich ' +
    'stage classes as `public`, that is outside AWS’s published ranges and the configured ' +
    'internal networks. An instance reaches AWS APIs either through a VPC endpoint or from an AWS ' +
    'address, so a public non-AWS source means the credentials left the instance (GuardDuty calls ' +
    'this InstanceCredentialExfiltration.OutsideAWS). A private or internal source on a record ' +
    'that names no VPC endpoint is reported one level lower: real CloudTrail cannot show that for ' +
    'the instance itself, but anonymised or proxied logs do. Use from another AWS address (an ' +
    'attacker’s own EC2 instance) cannot be told apart from the instance by one event and is not ' +
    'reported here. Failed calls are reported at the same priority: the credentials are out ' +
    'either way. Without enrichment the source class is unknown and nothing is reported.',
  falsePositives: [
    'Instances whose API traffic leaves through an on-premises proxy or a third-party NAT: list its addresses in organisation.internalCidrs (the finding then drops one level).',
    'Developers who copied instance credentials to their machine for testing.',
  ],
  response: [
    'Treat the instance role’s credentials as stolen: revoke its active sessions (an inline deny on aws:TokenIssueTime) and rotate by restarting or replacing the instance.',
    'Find how they left the instance: IMDSv1 with an SSRF-prone application, a shell on the host, or a copied credentials file; require IMDSv2.',
    'Review everything the session did from the foreign address.',
  ],
  references: [
    'https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-iam.html#unauthorizedaccess-iam-instancecredentialexfiltrationoutsideaws',
    'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_revoke-sessions.html',
  ],
  knobs: {},
  kind: 'match',
  on: { eventNames: '*' },
  // Cheapest test first: almost every event is not an assumed-role session of an instance.
  match: (e) =>
    e.actor.type === 'AssumedRole' &&
    instanceCredential(e) !== undefined &&
    outsideAws(e) !== undefined,
  priorityOf: (e, ctx) =>
    shift(basePriority(ctx, 'high'), outsideAws(e) === 'unexplained-private' ? -1 : 0),
  summary: (e) => {
    const instance = instanceCredential(e);
    const whose =
      instance === 'an instance' ? 'an instance' : `instance ${instance ?? '(unknown)'}`;
    const how = outsideAws(e) === 'public' ? 'outside AWS' : 'with no VPC endpoint';
    return (
      `${actorName(e)}, the instance-profile session of ${whose}, called ${e.eventName} ` +
      `from ${describeSource(e)} ${how} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'GetCallerIdentity with an instance role from a public non-AWS address',
        record: ctRecord({
          eventSource: 'sts.amazonaws.com',
          eventName: 'GetCallerIdentity',
          identity: instanceSession('i-0dbc91f429e48eeed'),
          sourceIPAddress: '85.214.132.117',
          userAgent: SDK_UA,
          readOnly: true,
          host: 'sts.us-east-1.amazonaws.com',
        }),
      },
      {
        title:
          'The same from a private address with no VPC endpoint (Invictus, Stratus ec2-steal-instance-credentials)',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'DescribeInstances',
          identity: instanceSession('i-0dbc91f429e48eeed'),
          sourceIPAddress: '192.168.10.20',
          userAgent: SDK_UA,
          readOnly: true,
          requestParameters: { instancesSet: {}, filterSet: {} },
        }),
      },
    ],
    miss: [
      {
        title:
          'The SSM agent on the instance calls from the instance’s AWS public address (Invictus)',
        record: ctRecord({
          eventSource: 'ssm.amazonaws.com',
          eventName: 'UpdateInstanceInformation',
          identity: instanceSession('i-0dbc91f429e48eeed'),
          sourceIPAddress: '3.225.16.109',
          userAgent: 'aws-sdk-go/1.41.4 (go1.18.3; linux; amd64) amazon-ssm-agent/3.2.582.0',
          requestParameters: {
            instanceId: 'i-0dbc91f429e48eeed',
            agentVersion: '3.2.582.0',
            agentStatus: 'Active',
            platformType: 'Linux',
            platformName: 'Amazon Linux',
          },
        }),
      },
      {
        title: 'An IAM user’s key used from the same public address',
        record: ctRecord({
          eventSource: 'sts.amazonaws.com',
          eventName: 'GetCallerIdentity',
          sourceIPAddress: '85.214.132.117',
          readOnly: true,
        }),
      },
    ],
  },
});
