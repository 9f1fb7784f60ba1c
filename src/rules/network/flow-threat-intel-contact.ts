/**
 * `aws.network.flow-threat-intel-contact`: accepted VPC traffic between the organisation and an
 * address on one of the configured threat-intelligence lists (TOR exit nodes, known-bad addresses).
 */
import { z } from 'zod';
import { defineFlowRule, knob } from '../../engine/rule.js';
import type { FlowEvent } from '../../model/event.js';
import { basePriority, shift } from '../lib.js';
import { describeAddress, flowPlace, formatBytes, isInside, isReply } from '../lib/flow.js';

const HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
const TOR = { intel: { lists: [{ name: 'tor', addresses: ['185.220.101.0/24'] }] } };

const listed = (e: FlowEvent, side: 'src' | 'dst'): boolean => (e[side]?.intel?.length ?? 0) > 0;
const outbound = (e: FlowEvent): boolean => isInside(e.src) && listed(e, 'dst');
const inbound = (e: FlowEvent): boolean => isInside(e.dst) && listed(e, 'src');

export default defineFlowRule({
  id: 'aws.network.flow-threat-intel-contact',
  title: 'Accepted traffic with a threat-intelligence address',
  category: 'network',
  row: 'NET-1',
  priority: 'high',
  mitre: ['T1071', 'T1090.003'],
  description:
    'A VPC flow record shows accepted traffic between an address inside the organisation (a ' +
    'configured internal range or private space) and an address on a configured ' +
    'threat-intelligence list. A connection opened from inside towards a TOR exit node or a ' +
    'known command-and-control address is the classic sign of an implant calling home or data ' +
    'leaving through an anonymiser, and is reported at the rule priority; a connection opened ' +
    'from a listed address into the organisation is reported one level lower (scanning and ' +
    'brute force from TOR are common; an accepted one still means the port is reachable). The ' +
    'reply half of a connection (SYN-ACK in tcp-flags, or a service source port answering an ' +
    'ephemeral port) is not reported again. Rejected flows are ignored.',
  falsePositives: [
    'Stale entries on a threat-intelligence list: TOR exit nodes change daily, so use a current list.',
    'Security tooling that deliberately probes listed infrastructure.',
  ],
  response: [
    'Identify the instance behind the interface (ec2 describe-network-interfaces) and who owns it.',
    'Check the same instance for other external connections and for new processes, users or keys.',
    'Block the address in the network ACL or security group, and isolate the instance if the connection was opened from inside.',
    'Review the CloudTrail activity of the instance role for the same period.',
  ],
  references: [
    'https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html',
    'https://attack.mitre.org/techniques/T1090/003/',
  ],
  knobs: {
    inbound: knob(
      z.boolean(),
      true,
      'Also report connections opened from a listed address into the organisation.',
    ),
  },
  assumptions: (ctx) =>
    (ctx.intelLists?.length ?? 0) > 0
      ? []
      : ['no threat-intelligence lists are configured (intel.lists), so this rule cannot fire'],
  kind: 'match',
  on: 'flow',
  match: (e, ctx) =>
    e.action === 'ACCEPT' && !isReply(e) && (outbound(e) || (ctx.knobs.inbound && inbound(e))),
  priorityOf: (e, ctx) => {
    const base = basePriority(ctx, 'high');
    return outbound(e) ? base : shift(base, -1);
  },
  key: (e) => `${e.srcAddr ?? '?'}>${e.dstAddr ?? '?'}`,
  summary: (e) =>
    `${describeAddress(e.srcAddr, e.src)} ${outbound(e) ? 'sent' : 'opened a connection that carried'} ` +
    `${formatBytes(e.bytes)} to ${describeAddress(e.dstAddr, e.dst)} ${flowPlace(e)} (accepted)`,
  examples: {
    fire: [
      {
        title: 'An instance talks to a TOR exit node on its relay port',
        header: HEADER,
        flow: '2 123456789012 eni-0f1e2d3c4b5a69788 10.20.1.15 185.220.101.47 40112 9001 6 310 402113 1773495000 1773495058 ACCEPT OK',
        config: TOR,
      },
      {
        title: 'An SSH connection from a TOR exit node is accepted',
        header: HEADER,
        flow: '2 123456789012 eni-0f1e2d3c4b5a69788 185.220.101.47 10.20.1.15 51544 22 6 61 9120 1773495060 1773495118 ACCEPT OK',
        config: TOR,
      },
    ],
    miss: [
      {
        title: 'The server side of that SSH session (reply half) is not reported twice',
        header: HEADER,
        flow: '2 123456789012 eni-0f1e2d3c4b5a69788 10.20.1.15 185.220.101.47 22 51544 6 58 48213 1773495060 1773495118 ACCEPT OK',
        config: TOR,
      },
      {
        title: 'A rejected attempt from a TOR exit node',
        header: HEADER,
        flow: '2 123456789012 eni-0f1e2d3c4b5a69788 185.220.101.47 10.20.1.15 51544 22 6 3 180 1773495060 1773495118 REJECT OK',
        config: TOR,
      },
      {
        title: 'Traffic to an address on no list',
        header: HEADER,
        flow: '2 123456789012 eni-0f1e2d3c4b5a69788 10.20.1.15 198.51.100.99 40112 9001 6 310 402113 1773495000 1773495058 ACCEPT OK',
        config: TOR,
      },
    ],
  },
});
