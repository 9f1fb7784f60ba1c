/**
 * `aws.network.flow-internal-scan`: one internal host reaching out to many distinct internal
 * host:port destinations within a short window, the flow-log shape of a network scan or of
 * automated lateral movement.
 */
import { z } from 'zod';
import { defineThresholdRule, knob } from '../../engine/rule.js';
import { basePriority } from '../lib.js';
import { isInside } from '../lib/flow.js';
import {
  asFlow,
  destination,
  fact,
  flowFacts,
  FLOW_V5_HEADER,
  hostKey,
  listOf,
  opensConnection,
  parseDestination,
  span,
  unixSeconds,
  v2Line,
  v5Line,
} from '../lib/flow-behaviour.js';
import { internalCidrsAssumption } from '../lib/ownership.js';

const SCANNER = '10.20.1.15';
const T0 = unixSeconds('2026-03-14T02:10:03Z');

/**
 * A sweep of `hosts` addresses in 10.20.2.0/24 for SSH and SMB, a few probes a second. Most are
 * rejected by security groups; the hosts that accept answer (and their reply records are logged).
 */
function sweep(hosts: number, ports: readonly number[], secondsApart = 1): string[] {
  const lines: string[] = [];
  let n = 0;
  for (let h = 1; h <= hosts; h++) {
    for (const port of ports) {
      const t = T0 + Math.floor((n * secondsApart) / 2);
      const srcPort = 52_000 + n;
      const open = h % 7 === 0;
      const dst = `10.20.2.${h}`;
      lines.push(
        v2Line({
          src: SCANNER,
          dst,
          srcPort,
          dstPort: port,
          start: t,
          packets: open ? 3 : 1,
          bytes: open ? 164 : 60,
          action: open ? 'ACCEPT' : 'REJECT',
        }),
      );
      if (open)
        lines.push(
          v2Line({
            src: dst,
            dst: SCANNER,
            srcPort: port,
            dstPort: srcPort,
            start: t,
            packets: 2,
            bytes: 112,
          }),
        );
      n++;
    }
  }
  return lines;
}

/** Thirty well-known ports and 8000–8029: a quick TCP port scan of one host. */
const PORTS = [
  21,
  22,
  23,
  25,
  53,
  80,
  110,
  111,
  135,
  139,
  143,
  389,
  443,
  445,
  636,
  993,
  995,
  1433,
  1521,
  2049,
  3306,
  3389,
  5432,
  5900,
  5985,
  5986,
  6379,
  9200,
  11211,
  27017,
  ...Array.from({ length: 30 }, (_, i) => 8000 + i),
];

/**
 * v5 records of a SYN scan of 10.20.2.40 from 10.20.3.9, as the target's interface logs them
 * (ingress; flag 2: a SYN and nothing else). The scanner's own interface logs the first twenty
 * probes too (egress), so they appear twice.
 */
const PORT_SCAN = PORTS.flatMap((port, i) => {
  const probe = {
    src: '10.20.3.9',
    dst: '10.20.2.40',
    srcPort: 61_337,
    dstPort: port,
    start: T0 + Math.floor(i / 12),
    packets: 1,
    bytes: 44,
    action: 'REJECT' as const,
    tcpFlags: 2,
  };
  const atTarget = v5Line({ ...probe, direction: 'ingress' });
  return i < 20 ? [v5Line({ ...probe, trafficPath: 1 }), atTarget] : [atTarget];
});

/** A database serving 80 application clients: its answers go to 80 host:port pairs. */
const DATABASE = Array.from({ length: 80 }, (_, i) => {
  const client = `10.20.${4 + (i % 2)}.${10 + i}`;
  const port = 40_000 + i * 3;
  const t = T0 + i * 4;
  return [
    v2Line({
      src: client,
      dst: '10.20.2.50',
      srcPort: port,
      dstPort: 3306,
      start: t,
      duration: 3,
      packets: 12,
      bytes: 1_810,
    }),
    v2Line({
      src: '10.20.2.50',
      dst: client,
      srcPort: 3306,
      dstPort: port,
      start: t,
      duration: 3,
      packets: 10,
      bytes: 48_233,
    }),
  ];
}).flat();

/** A crawler fetching from 70 external sites: external destinations are not internal reach. */
const CRAWLER = Array.from({ length: 70 }, (_, i) =>
  v2Line({
    src: SCANNER,
    dst: `203.0.113.${i + 1}`,
    srcPort: 44_000 + i,
    dstPort: 443,
    start: T0 + i * 5,
    duration: 3,
    packets: 20,
    bytes: 31_000,
  }),
);

export default defineThresholdRule({
  id: 'aws.network.flow-internal-scan',
  title: 'Internal host scanning many internal hosts or ports',
  category: 'network',
  row: 'NET-1',
  priority: 'high',
  mitre: ['T1046', 'T1018', 'T1021'],
  description:
    'One internal host (a configured internal range or private space) opens connections to at ' +
    'least `threshold` distinct internal destinations within `windowMinutes`, counting each ' +
    'destination address and port once (UDP ports and portless protocols such as ICMP apart): ' +
    'a port scan of one host, a sweep of a subnet for one service, or a worm looking for its ' +
    'next victim. Accepted and rejected flows both count; rejected ones are the classic scan ' +
    'signal, since a scanner mostly knocks on closed doors. A connection logged by both its ' +
    'source and destination interfaces is counted once. Replies are not reach: with TCP flags ' +
    '(v3+ logs) only records carrying a SYN and no SYN-ACK count; without them a record from a ' +
    'port below 1024 or in `servicePorts` to a higher port is taken as a service answering its ' +
    'client. The state kept per source host (address within its account) is the recent ' +
    'destinations inside the window (in memory by default; with `--state` it carries across ' +
    'runs, so a scan split between two hunts is still seen). Triage: which host is it, what ' +
    'runs on it, and did any of the probed destinations accept and see follow-up traffic?',
  falsePositives: [
    'Vulnerability scanners, asset discovery and monitoring systems that probe the network by design: suppress their source addresses.',
    'Load balancers, service meshes and service discovery agents that health-check many targets.',
    'A server answering many clients from a port above 1023 that is not in `servicePorts` looks like it is reaching out to its clients (v2 logs without TCP flags): add the port.',
  ],
  response: [
    'Identify the instance behind the source address (ec2 describe-network-interfaces --filters Name=addresses.private-ip-address,Values=<ip>) and its owner; ask whether a scan was scheduled.',
    'List which probed destinations accepted and what traffic followed to them: those are the candidates for lateral movement.',
    'If unexplained, isolate the source instance (a quarantine security group), capture its memory and volumes, and review the CloudTrail activity of its role.',
  ],
  references: [
    'https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html',
    'https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-records-examples.html',
    'https://attack.mitre.org/techniques/T1046/',
  ],
  knobs: {
    threshold: knob(
      z.number().int().min(2),
      50,
      'Distinct internal destinations (address and port) one source must reach within the window.',
    ),
    windowMinutes: knob(z.number().positive(), 10, 'Length of the sliding window, in minutes.'),
    servicePorts: knob(
      z.array(z.number().int().min(0).max(65535)),
      [
        1433, 1521, 2049, 3306, 3389, 5432, 5439, 5672, 5985, 5986, 6379, 8080, 8443, 9092, 9200,
        11211, 27017,
      ],
      'Ports above 1023 that internal services listen on: without TCP flags, a record from one of them to a higher port is the service answering, not reaching out.',
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
      isInside(f.src) &&
      isInside(f.dst) &&
      f.srcAddr !== f.dstAddr &&
      opensConnection(f, ctx.knobs.servicePorts)
    );
  },
  key: (e) => {
    const f = asFlow(e);
    return f === undefined ? undefined : hostKey(f);
  },
  value: (e) => {
    const f = asFlow(e);
    return f === undefined ? undefined : destination(f);
  },
  facts: flowFacts,
  windowMs: (ctx) => ctx.knobs.windowMinutes * 60_000,
  threshold: (ctx) => ctx.knobs.threshold,
  priorityOf: (_g, ctx) => basePriority(ctx, 'high'),
  summary: (g) => {
    const src = fact(g.first.facts, 'src') ?? 'an unknown source';
    const observed = Number(g.figures['observed'] ?? g.values.length);
    const hosts = new Set<string>();
    const ports = new Set<number>();
    for (const v of g.values) {
      const d = parseDestination(v);
      hosts.add(d.host);
      if (d.port !== undefined) ports.add(d.port);
    }
    const partial = g.values.length < observed ? 'at least ' : '';
    const portList = [...ports].sort((a, b) => a - b);
    const spread =
      `${partial}${hosts.size} host${hosts.size === 1 ? '' : 's'}` +
      (portList.length === 0 ? '' : `, ports ${listOf(portList)}`);
    return (
      `${src} reached ${observed} distinct internal host:port destinations (${spread}) ` +
      `within ${g.figures['windowMinutes']} min (threshold ${g.figures['threshold']}) ` +
      span(g.first.time, g.last.time)
    );
  },
  examples: {
    fire: [
      {
        title: 'A sweep of 32 hosts for SSH and SMB in half a minute, mostly rejected (v2)',
        flows: sweep(32, [22, 445]),
      },
      {
        title: 'A SYN scan of 60 ports on one host, logged at both ends (v5, TCP flags)',
        header: FLOW_V5_HEADER,
        flows: PORT_SCAN,
      },
    ],
    miss: [
      {
        title: 'A sweep of 49 hosts for SSH, one short of the threshold',
        flows: sweep(49, [22]),
      },
      {
        title:
          'A slow sweep of 32 hosts for SSH and SMB over more than an hour (outside any 10-minute window)',
        flows: sweep(32, [22, 445], 150),
      },
      {
        title: 'A database answering 80 clients from port 3306 (replies are not reach)',
        flows: DATABASE,
      },
      {
        title: 'A crawler fetching from 70 external sites',
        flows: CRAWLER,
      },
    ],
  },
});
