/**
 * `aws.network.flow-egress-unusual-port`: an accepted connection from inside the organisation to an
 * external address on a port outside the allowed egress ports.
 */
import { z } from 'zod';
import { defineFlowRule, knob } from '../../engine/rule.js';
import { basePriority, shift } from '../lib.js';
import { describeAddress, flowPlace, formatBytes, isOutbound, isReply } from '../lib/flow.js';
import { internalCidrsAssumption } from '../lib/ownership.js';

const HEADER_V5 =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id instance-id tcp-flags flow-direction';

export default defineFlowRule({
  id: 'aws.network.flow-egress-unusual-port',
  title: 'Egress to the internet on an unusual port',
  category: 'network',
  row: 'NET-1',
  priority: 'medium',
  mitre: ['T1571', 'T1041'],
  description:
    'A VPC flow record shows an accepted TCP or UDP connection opened from inside the ' +
    'organisation (a configured internal range or private space) to an external address (not ' +
    "in AWS's published ranges) on a destination port outside the `allowedPorts` knob. Implants " +
    'and reverse shells favour ports such as 4444, 8080 or 1337, and data pushed out over an odd ' +
    'port escapes proxies that only watch web traffic. Flows larger than `largeTransferBytes` ' +
    'are reported one level higher. The reply half of an inbound connection (a SYN-ACK, or a ' +
    'service port answering an ephemeral port) is not egress and is ignored, as are rejected ' +
    'flows and traffic to AWS addresses.',
  falsePositives: [
    'Applications that legitimately call external services on other ports (SMTP submission on 587, databases hosted elsewhere, git over SSH on 22): add those ports to `allowedPorts`.',
    'Instances behind a NAT gateway appear with the NAT address only on the NAT gateway interface; tune per VPC.',
  ],
  response: [
    'Identify the instance behind the interface and the process that opened the connection (EDR, `ss -tp`, VPC traffic mirroring).',
    'Look up the destination: hosting provider, reputation, other instances talking to it.',
    'If unexplained, block the destination and isolate the instance; preserve its volumes for forensics.',
  ],
  references: [
    'https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html',
    'https://attack.mitre.org/techniques/T1571/',
  ],
  knobs: {
    allowedPorts: knob(
      z.array(z.number().int().min(0).max(65535)),
      [53, 80, 123, 443],
      'Destination ports that outbound connections may use without a finding.',
    ),
    largeTransferBytes: knob(
      z.number().int().min(1),
      100_000_000,
      'Flows carrying at least this many bytes are reported one level higher.',
    ),
  },
  assumptions: (ctx) => internalCidrsAssumption(ctx.org),
  kind: 'match',
  on: 'flow',
  match: (e, ctx) =>
    e.action === 'ACCEPT' &&
    (e.protocol === 6 || e.protocol === 17) &&
    e.dstPort !== undefined &&
    isOutbound(e) &&
    !ctx.knobs.allowedPorts.includes(e.dstPort) &&
    !isReply(e, ctx.knobs.allowedPorts),
  priorityOf: (e, ctx) => {
    const base = basePriority(ctx, 'medium');
    return (e.bytes ?? 0) >= ctx.knobs.largeTransferBytes ? shift(base, 1) : base;
  },
  key: (e) => `${e.srcAddr ?? '?'}>${e.dstAddr ?? '?'}:${e.dstPort ?? '?'}`,
  summary: (e) =>
    `${describeAddress(e.srcAddr, e.src)} sent ${formatBytes(e.bytes)} to ` +
    `${describeAddress(e.dstAddr, e.dst)} ${flowPlace(e)}, a port outside the allowed egress ports`,
  examples: {
    fire: [
      {
        title: 'A reverse shell to port 4444 (v5 record with TCP flags)',
        header: HEADER_V5,
        flow: '5 123456789012 eni-0f1e2d3c4b5a69788 10.20.1.15 198.51.100.99 40112 4444 6 1200 9800321 1773495120 1773495178 ACCEPT OK vpc-0a1b2c3d subnet-0a1b2c3d i-0123456789abcdef0 3 egress',
      },
      {
        title: 'A large upload to an odd port (default v2 layout)',
        flow: '2 123456789012 eni-0f1e2d3c4b5a69788 172.31.8.20 198.51.100.99 50522 8088 6 90210 240000000 1773495120 1773495178 ACCEPT OK',
      },
    ],
    miss: [
      {
        title: 'HTTPS to the internet',
        flow: '2 123456789012 eni-0f1e2d3c4b5a69788 10.20.1.15 198.51.100.99 40112 443 6 40 18033 1773495000 1773495058 ACCEPT OK',
      },
      {
        title: 'The reply half of an inbound SSH session',
        header: HEADER_V5,
        flow: '5 123456789012 eni-0f1e2d3c4b5a69788 10.20.1.15 198.51.100.99 22 51544 6 58 48213 1773495060 1773495118 ACCEPT OK vpc-0a1b2c3d subnet-0a1b2c3d i-0123456789abcdef0 18 egress',
      },
      {
        title: 'Port 8088 once the organisation allows it',
        flow: '2 123456789012 eni-0f1e2d3c4b5a69788 172.31.8.20 198.51.100.99 50522 8088 6 90 2400 1773495120 1773495178 ACCEPT OK',
        config: {
          rules: {
            'aws.network.flow-egress-unusual-port': { knobs: { allowedPorts: [443, 8088] } },
          },
        },
      },
      {
        title: 'A rejected attempt',
        flow: '2 123456789012 eni-0f1e2d3c4b5a69788 10.20.1.15 198.51.100.99 40112 4444 6 3 180 1773495120 1773495178 REJECT OK',
      },
    ],
  },
});
