/**
 * `aws.network.flow-internal-fanout`: one internal host opening remote-administration connections
 * (SSH, RDP, SMB, WinRM) to many distinct internal hosts within a short window — hands-on or
 * scripted lateral movement.
 */
import { z } from 'zod';
import { defineThresholdRule, knob } from '../../engine/rule.js';
import { basePriority } from '../lib.js';
import { isInside } from '../lib/flow.js';
import {
  ADMIN_PORTS,
  asFlow,
  fact,
  flowFacts,
  FLOW_V5_HEADER,
  hostKey,
  listOf,
  opensConnection,
  portName,
  span,
  unixSeconds,
  v2Line,
  v5Line,
} from '../lib/flow-behaviour.js';
import { internalCidrsAssumption } from '../lib/ownership.js';

const T0 = unixSeconds('2026-03-14T03:41:17Z');

/**
 * 10.20.1.15 logging in over SSH to `hosts` servers in 10.20.2.0/24, `every` seconds apart; every
 * fourth attempt is refused by a security group, the others open a session whose server side is
 * logged too.
 */
function sshHops(hosts: number, every: number): string[] {
  const lines: string[] = [];
  for (let h = 0; h < hosts; h++) {
    const t = T0 + h * every;
    const dst = `10.20.2.${11 + h * 3}`;
    const srcPort = 38_122 + h * 41;
    const refused = h % 4 === 3;
    lines.push(
      v2Line({
        src: '10.20.1.15',
        dst,
        srcPort,
        dstPort: 22,
        start: t,
        duration: refused ? 0 : 21,
        packets: refused ? 1 : 38,
        bytes: refused ? 60 : 6_204,
        action: refused ? 'REJECT' : 'ACCEPT',
      }),
    );
    if (!refused)
      lines.push(
        v2Line({
          src: dst,
          dst: '10.20.1.15',
          srcPort: 22,
          dstPort: srcPort,
          start: t,
          duration: 21,
          packets: 31,
          bytes: 7_880,
        }),
      );
  }
  return lines;
}

/**
 * A Windows host using SMB and then WinRM on eleven servers in ten minutes (v5 egress records from
 * its interface, SYN and FIN in each: short connections).
 */
const WINRM = Array.from({ length: 11 }, (_, h) => {
  const dst = `10.20.6.${20 + h}`;
  const t = T0 + h * 55;
  const base = { src: '10.20.5.8', dst, start: t, trafficPath: 1 };
  return [
    v5Line({
      ...base,
      srcPort: 49_731 + h * 2,
      dstPort: 445,
      duration: 2,
      packets: 14,
      bytes: 3_310,
      tcpFlags: 3,
    }),
    v5Line({
      ...base,
      srcPort: 49_732 + h * 2,
      dstPort: 5985,
      start: t + 3,
      duration: 9,
      packets: 42,
      bytes: 18_772,
      tcpFlags: 3,
    }),
  ];
}).flat();

/** A web tier calling 20 application servers over HTTPS: many hosts, but not on admin ports. */
const WEB_TIER = Array.from({ length: 20 }, (_, h) =>
  v2Line({
    src: '10.20.1.15',
    dst: `10.20.3.${40 + h}`,
    srcPort: 52_300 + h,
    dstPort: 443,
    start: T0 + h * 7,
    duration: 4,
    packets: 16,
    bytes: 9_450,
  }),
);

export default defineThresholdRule({
  id: 'aws.network.flow-internal-fanout',
  title: 'Internal host opening admin connections to many hosts',
  category: 'network',
  row: 'NET-1',
  priority: 'high',
  mitre: ['T1021', 'T1021.001', 'T1021.002', 'T1021.004', 'T1021.006'],
  description:
    'One internal host (a configured internal range or private space) opens connections on ' +
    'remote-administration ports (`adminPorts`: SSH, RDP, SMB, WinRM by default) to at least ' +
    '`threshold` distinct internal hosts within `windowMinutes`. An operator or a worm moving ' +
    'laterally with stolen credentials touches host after host on these ports; people and ' +
    'ordinary workloads rarely do. Accepted and rejected flows both count (a refused attempt ' +
    'is still an attempt), each destination host once whatever the port. Replies are not ' +
    'attempts: with TCP flags (v3+ logs) only records carrying a SYN and no SYN-ACK count, and ' +
    'without them a record from an admin port to a higher port is the server side. The state ' +
    'kept per source host (address within its account) is the admin destinations inside the ' +
    'window (in memory by default; with `--state` it carries across runs). Triage: is the ' +
    'source a sanctioned jump host or configuration-management server? If not, which accounts ' +
    'logged in on the destinations at those times?',
  falsePositives: [
    'Bastion / jump hosts and configuration management (Ansible, Salt, SSM hybrid setups using SSH) connect to many hosts by design: suppress their addresses or raise the threshold.',
    'Backup, inventory and vulnerability-scanning servers that log in to hosts (authenticated scans over SMB or SSH).',
    'Domain controllers and file servers exchange SMB with many members; remove 445 from `adminPorts` if that dominates.',
  ],
  response: [
    'Identify the source instance and its owner; confirm whether it is an approved jump host or automation server.',
    'On the destinations, review authentication logs (sshd, Windows event 4624 logon type 3/10, WinRM operational log) for the source address in the window.',
    'If unexplained, isolate the source and every destination that accepted a session, rotate the credentials used, and review the CloudTrail activity of the instance roles.',
  ],
  references: [
    'https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html',
    'https://attack.mitre.org/techniques/T1021/',
  ],
  knobs: {
    threshold: knob(
      z.number().int().min(2),
      10,
      'Distinct internal hosts one source must reach on admin ports within the window.',
    ),
    windowMinutes: knob(z.number().positive(), 15, 'Length of the sliding window, in minutes.'),
    adminPorts: knob(
      z.array(z.number().int().min(0).max(65535)).min(1),
      [...ADMIN_PORTS],
      'Destination ports that count as remote administration.',
    ),
  },
  assumptions: (ctx) => internalCidrsAssumption(ctx.org),
  kind: 'threshold',
  on: 'flow',
  filter: (e, ctx) => {
    const f = asFlow(e);
    return (
      f !== undefined &&
      (f.action === 'ACCEPT' || f.action === 'REJECT') &&
      (f.protocol === 6 || f.protocol === 17) &&
      f.dstPort !== undefined &&
      ctx.knobs.adminPorts.includes(f.dstPort) &&
      isInside(f.src) &&
      isInside(f.dst) &&
      f.srcAddr !== f.dstAddr &&
      opensConnection(f, ctx.knobs.adminPorts)
    );
  },
  key: (e) => {
    const f = asFlow(e);
    return f === undefined ? undefined : hostKey(f);
  },
  value: (e) => asFlow(e)?.dstAddr,
  facts: flowFacts,
  windowMs: (ctx) => ctx.knobs.windowMinutes * 60_000,
  threshold: (ctx) => ctx.knobs.threshold,
  priorityOf: (_g, ctx) => basePriority(ctx, 'high'),
  summary: (g) => {
    const src = fact(g.first.facts, 'src') ?? 'an unknown source';
    const observed = Number(g.figures['observed'] ?? g.values.length);
    const ports = new Set<string>();
    for (const s of [g.first, g.last]) {
      const port = fact(s.facts, 'dstPort');
      if (port !== undefined) ports.add(portName(Number(port)) ?? `port ${port}`);
    }
    return (
      `${src} opened admin connections (${listOf([...ports])}) to ${observed} ` +
      `distinct internal hosts (${listOf(g.values, 4)}) within ${g.figures['windowMinutes']} min ` +
      `(threshold ${g.figures['threshold']}) ${span(g.first.time, g.last.time)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'SSH from one host to twelve servers in eleven minutes, some refused (v2)',
        flows: sshHops(12, 60),
      },
      {
        title: 'SMB then WinRM to eleven Windows servers in ten minutes (v5)',
        header: FLOW_V5_HEADER,
        flows: WINRM,
      },
    ],
    miss: [
      {
        title: 'SSH to nine servers, one short of the threshold',
        flows: sshHops(9, 60),
      },
      {
        title: 'SSH to twelve servers spread over three hours (outside any 15-minute window)',
        flows: sshHops(12, 900),
      },
      {
        title: 'A web tier calling twenty application servers on 443',
        flows: WEB_TIER,
      },
      {
        title: 'WinRM and SMB to eleven servers once the team counts only SSH and RDP',
        header: FLOW_V5_HEADER,
        flows: WINRM,
        config: {
          rules: { 'aws.network.flow-internal-fanout': { knobs: { adminPorts: [22, 3389] } } },
        },
      },
    ],
  },
});
