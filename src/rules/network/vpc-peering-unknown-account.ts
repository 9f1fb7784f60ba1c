/**
 * `aws.network.vpc-peering-unknown-account`: a VPC peering connection requested to, or accepted
 * from, an account the configuration does not know. Peering joins two networks at layer 3; with an
 * attacker's account on the other side, every route added to it is an exfiltration path that
 * never touches the internet.
 */
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import { actorName, basePriority, ctRecord, did, failed, shift, str, where } from '../lib.js';
import { ec2Param } from '../lib/ec2-shapes.js';
import { accountsAssumption, isForeignAccount } from '../lib/ownership.js';

interface Peer {
  account: string;
  vpc: string | undefined;
  connection: string | undefined;
}

function peer(e: ApiEvent): Peer | undefined {
  const conn = str(e.response, 'vpcPeeringConnection', 'vpcPeeringConnectionId');
  if (e.eventName === 'CreateVpcPeeringConnection') {
    // peerOwnerId defaults to the caller's account when the request leaves it out.
    const account =
      ec2Param(e, 'peerOwnerId', 'PeerOwnerId') ??
      str(e.response, 'vpcPeeringConnection', 'accepterVpcInfo', 'ownerId');
    if (account === undefined) return undefined;
    return {
      account,
      vpc: ec2Param(e, 'peerVpcId', 'PeerVpcId'),
      connection: conn,
    };
  }
  // AcceptVpcPeeringConnection names only the connection; the requester is in the response.
  const account = str(e.response, 'vpcPeeringConnection', 'requesterVpcInfo', 'ownerId');
  if (account === undefined) return undefined;
  return {
    account,
    vpc: str(e.response, 'vpcPeeringConnection', 'requesterVpcInfo', 'vpcId'),
    connection: ec2Param(e, 'vpcPeeringConnectionId', 'VpcPeeringConnectionId') ?? conn,
  };
}

const ACCEPT_RESPONSE = {
  requestId: '2b6d8f0a-4c1e-4a3b-9d5f-7e9a1c3b5d7f',
  vpcPeeringConnection: {
    vpcPeeringConnectionId: 'pcx-0f1e2d3c4b5a69788',
    requesterVpcInfo: {
      ownerId: '444455556666',
      vpcId: 'vpc-0aa11bb22cc33dd44',
      cidrBlock: '10.50.0.0/16',
      cidrBlockSet: { items: [{ cidrBlock: '10.50.0.0/16' }] },
      region: 'us-east-1',
    },
    accepterVpcInfo: {
      ownerId: '123456789012',
      vpcId: 'vpc-0e1d2c3b4a5968778',
      cidrBlock: '10.0.0.0/16',
      cidrBlockSet: { items: [{ cidrBlock: '10.0.0.0/16' }] },
      peeringOptions: {
        allowEgressFromLocalClassicLinkToRemoteVpc: false,
        allowEgressFromLocalVpcToRemoteClassicLink: false,
        allowDnsResolutionFromRemoteVpc: false,
      },
      region: 'us-east-1',
    },
    status: { code: 'provisioning', message: 'Provisioning' },
    tagSet: {},
  },
};

export default defineApiRule({
  id: 'aws.network.vpc-peering-unknown-account',
  title: 'VPC peering with an unknown account',
  category: 'network',
  row: 'NET-3',
  priority: 'high',
  mitre: ['T1599', 'T1537'],
  description:
    'A CreateVpcPeeringConnection named a peer account (peerOwnerId) that is neither the account ' +
    'that recorded the event nor listed in organisation.accounts or organisation.trustedAccounts, ' +
    'or an AcceptVpcPeeringConnection accepted a request from such an account (read from the ' +
    "response's requesterVpcInfo, so a failed accept, which has no response, cannot be judged " +
    "and does not match). Peering to the attacker's own VPC gives a private, routed path out of " +
    'the network that NAT, proxies and DNS monitoring never see. Failed requests are reported ' +
    'one level lower as attempts.',
  falsePositives: [
    'Peering with a vendor or partner account that is not yet listed in trustedAccounts.',
    "Peering between the organisation's own accounts while organisation.accounts is empty.",
  ],
  response: [
    'Identify the peer account and VPC and whether anyone in the organisation owns them.',
    'Reject or delete the peering connection (DeleteVpcPeeringConnection) if it is not expected, and remove routes pointing at it.',
    "Review VPC flow logs for traffic to the peer VPC's CIDR since the connection became active.",
  ],
  references: [
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcPeeringConnection.html',
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AcceptVpcPeeringConnection.html',
    'https://docs.aws.amazon.com/vpc/latest/peering/what-is-vpc-peering.html',
  ],
  knobs: {},
  assumptions: (ctx) => accountsAssumption(ctx.org),
  kind: 'match',
  on: {
    eventSource: ['ec2.amazonaws.com'],
    eventNames: ['CreateVpcPeeringConnection', 'AcceptVpcPeeringConnection'],
  },
  match: (e, ctx) => {
    const p = peer(e);
    return p !== undefined && isForeignAccount(p.account, e, ctx.org);
  },
  priorityOf: (e, ctx) => shift(basePriority(ctx, 'high'), failed(e) ? -1 : 0),
  summary: (e) => {
    const p = peer(e);
    const conn = p?.connection === undefined ? '' : ` ${p.connection}`;
    const other = `account ${p?.account ?? 'unknown'}${p?.vpc === undefined ? '' : ` (${p.vpc})`}`;
    if (e.eventName === 'AcceptVpcPeeringConnection') {
      return `${actorName(e)} ${did(e, 'accepted', 'accept')} VPC peering connection${conn} from unknown ${other} ${where(e)}`;
    }
    const vpc = ec2Param(e, 'vpcId', 'VpcId') ?? 'a VPC';
    return `${actorName(e)} ${did(e, 'requested', 'request')} VPC peering${conn} from ${vpc} to unknown ${other} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'Peering requested to an account outside the organisation',
        config: { organisation: { accounts: ['123456789012', '210987654321'] } },
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'CreateVpcPeeringConnection',
          eventVersion: '1.08',
          requestParameters: {
            vpcId: 'vpc-0e1d2c3b4a5968778',
            peerVpcId: 'vpc-0aa11bb22cc33dd44',
            peerOwnerId: '444455556666',
            peerRegion: 'us-east-1',
          },
          responseElements: {
            requestId: '9c1e3a5b-7d9f-4b2d-8e0a-1c3e5a7b9d0f',
            vpcPeeringConnection: {
              vpcPeeringConnectionId: 'pcx-0f1e2d3c4b5a69788',
              requesterVpcInfo: {
                ownerId: '123456789012',
                vpcId: 'vpc-0e1d2c3b4a5968778',
                cidrBlock: '10.0.0.0/16',
                region: 'us-east-1',
              },
              accepterVpcInfo: {
                ownerId: '444455556666',
                vpcId: 'vpc-0aa11bb22cc33dd44',
                region: 'us-east-1',
              },
              status: { code: 'initiating-request', message: 'Initiating Request to 444455556666' },
              expirationTime: '2026-01-09T03:04:05.000Z',
              tagSet: {},
            },
          },
        }),
      },
      {
        title: 'A peering request from an unknown account accepted',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'AcceptVpcPeeringConnection',
          eventVersion: '1.08',
          identity: 'role',
          userAgent: 'AWS Internal',
          requestParameters: { vpcPeeringConnectionId: 'pcx-0f1e2d3c4b5a69788' },
          responseElements: ACCEPT_RESPONSE,
        }),
      },
    ],
    miss: [
      {
        title: 'Peering two VPCs of the same account (no peerOwnerId)',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'CreateVpcPeeringConnection',
          eventVersion: '1.08',
          requestParameters: {
            vpcId: 'vpc-0e1d2c3b4a5968778',
            peerVpcId: 'vpc-0bb22cc33dd44ee55',
          },
        }),
      },
      {
        title: 'Accepting a request from an account listed as trusted',
        config: { organisation: { trustedAccounts: ['444455556666'] } },
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'AcceptVpcPeeringConnection',
          eventVersion: '1.08',
          identity: 'role',
          userAgent: 'AWS Internal',
          requestParameters: { vpcPeeringConnectionId: 'pcx-0f1e2d3c4b5a69788' },
          responseElements: ACCEPT_RESPONSE,
        }),
      },
    ],
  },
});
