/**
 * `aws.network.flow-new-admin-connection`: an internal host opening an accepted remote-administration
 * connection (SSH, RDP, SMB, WinRM) to an internal destination it was never seen administering,
 * once the learning period is over.
 */
import { z } from 'zod';
import { defineFirstSeenRule, knob } from '../../engine/rule.js';
import { basePriority } from '../lib.js';
import { isInside } from '../lib/flow.js';
import {
  ADMIN_PORTS,
  asFlow,
  fact,
  flowFacts,
  FLOW_V5_HEADER,
  hostKey,
  opensConnection,
  portName,
  unixSeconds,
  utcMinute,
  v2Line,
  v5Line,
  type FlowSpec,
} from '../lib/flow-behaviour.js';
import { internalCidrsAssumption } from '../lib/ownership.js';

const DAY = 86_400;
const T0 = unixSeconds('2026-03-01T08:12:40Z');

/**
 * One admin session as the interfaces log it: the client's record and the server's answer
 * (`v5`: with TCP flags, SYN+FIN for the client and SYN-ACK+FIN for the server).
 */
function session(
  src: string,
  dst: string,
  dstPort: number,
  start: number,
  n: number,
  v5 = false,
  action: 'ACCEPT' | 'REJECT' = 'ACCEPT',
): string[] {
  const srcPort = 40_000 + ((n * 7_919) % 20_000);
  const client: FlowSpec = {
    src,
    dst,
    srcPort,
    dstPort,
    start,
    duration: action === 'ACCEPT' ? 340 : 0,
    packets: action === 'ACCEPT' ? 412 : 1,
    bytes: action === 'ACCEPT' ? 48_110 : 60,
    action,
  };
  if (!v5) {
    const lines = [v2Line(client)];
    if (action === 'ACCEPT')
      lines.push(
        v2Line({
          ...client,
          src: dst,
          dst: src,
          srcPort: dstPort,
          dstPort: srcPort,
          bytes: 391_020,
        }),
      );
    return lines;
  }
  const lines = [v5Line({ ...client, tcpFlags: action === 'ACCEPT' ? 3 : 2, trafficPath: 1 })];
  if (action === 'ACCEPT') {
    lines.push(
      v5Line({
        ...client,
        src: dst,
        dst: src,
        srcPort: dstPort,
        dstPort: srcPort,
        bytes: 391_020,
        tcpFlags: 19,
        direction: 'ingress',
      }),
    );
  }
  return lines;
}

/** The usual admin traffic: a jump host and an admin workstation, every day for `days` days. */
function routine(days: number, v5 = false): string[] {
  const lines: string[] = [];
  for (let d = 0; d < days; d++) {
    const t = T0 + d * DAY;
    lines.push(...session('10.20.9.10', '10.20.2.11', 22, t, d * 4, v5));
    lines.push(...session('10.20.9.10', '10.20.2.14', 22, t + 1_800, d * 4 + 1, v5));
    lines.push(...session('10.20.1.15', '10.20.2.11', 22, t + 3_600, d * 4 + 2, v5));
    lines.push(...session('10.20.5.8', '10.20.6.20', 3389, t + 5_400, d * 4 + 3, v5));
  }
  return lines;
}

/** Day 9, 02:14 UTC: the admin workstation 10.20.1.15 opens RDP to a server it never touched. */
const NEW_RDP = session('10.20.1.15', '10.20.6.20', 3389, unixSeconds('2026-03-10T02:14:09Z'), 99);

export default defineFirstSeenRule({
  id: 'aws.network.flow-new-admin-connection',
  title: 'First admin connection between two internal hosts',
  category: 'network',
  row: 'NET-1',
  priority: 'medium',
  mitre: ['T1021', 'T1021.001', 'T1021.002', 'T1021.004', 'T1021.006'],
  description:
    'An internal host (a configured internal range or private space) opens an accepted ' +
    'connection on a remote-administration port (`adminPorts`: SSH, RDP, SMB, WinRM by default) ' +
    'to an internal destination address and port it has not used before, after a learning ' +
    'period of `learningDays`. Admin paths inside a network are few and stable (jump host to ' +
    'servers, admins to their machines); an attacker moving laterally opens new ones. During ' +
    'learning every source → destination:port pair is recorded without findings; the period ' +
    'starts at the first such connection the rule ever sees. The state kept per source host ' +
    '(address within its account) is the set of admin destinations it has used (in memory by ' +
    'default; with `--state` it carries across runs, so learning happens once and later hunts ' +
    'report only what is new). A host never seen before counts as knowing nothing, so a new ' +
    'instance administering others is reported. Rejected attempts are not connections (the ' +
    'fan-out and scan rules count them); replies (SYN-ACK, or the admin port answering a higher ' +
    'port) are the server side, not a new path. Triage: who logged in, with which account, and ' +
    'was the change of path expected?',
  falsePositives: [
    'New instances from auto scaling or redeployment get new addresses and so new pairs: key on stable addresses (Elastic IPs, fixed private IPs) or suppress the subnets that churn.',
    'A new jump host or a change of admin workflow: expect a burst of findings once, then quiet.',
    'Domain members exchanging SMB with new domain controllers or file servers; remove 445 from `adminPorts` if that dominates.',
  ],
  response: [
    'Identify both instances and their owners; ask the owner of the source whether the session was theirs.',
    'On the destination, review the authentication log for the source address at that time (sshd, Windows event 4624 logon type 3/10, WinRM operational log) and what the session did.',
    'If unexplained, isolate both instances, rotate the credentials used on the destination, and look for further new admin paths from it.',
  ],
  references: [
    'https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html',
    'https://attack.mitre.org/techniques/T1021/',
  ],
  knobs: {
    learningDays: knob(
      z.number().min(0),
      7,
      'Days after the first admin connection the rule sees during which pairs are learned without findings.',
    ),
    adminPorts: knob(
      z.array(z.number().int().min(0).max(65535)).min(1),
      [...ADMIN_PORTS],
      'Destination ports that count as remote administration.',
    ),
  },
  assumptions: (ctx) => internalCidrsAssumption(ctx.org),
  kind: 'firstSeen',
  on: 'flow',
  filter: (e, ctx) => {
    const f = asFlow(e);
    return (
      f !== undefined &&
      f.action === 'ACCEPT' &&
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
  value: (e) => {
    const f = asFlow(e);
    return f?.dstAddr === undefined ? undefined : `${f.dstAddr}:${f.dstPort ?? '?'}`;
  },
  facts: flowFacts,
  learningMs: (ctx) => ctx.knobs.learningDays * 86_400_000,
  priorityOf: (_g, ctx) => basePriority(ctx, 'medium'),
  summary: (g) => {
    const src = fact(g.first.facts, 'src') ?? 'an unknown source';
    const port = fact(g.first.facts, 'dstPort');
    const name = portName(port === undefined ? undefined : Number(port));
    const known = Number(g.figures['knownValues'] ?? 0);
    const since = String(g.figures['learnedSince'] ?? '');
    const history =
      known === 0
        ? 'no admin connection from it seen before'
        : `${known} other admin destination${known === 1 ? '' : 's'} known for it`;
    return (
      `${src} opened a first-seen ${name === undefined ? 'admin' : name} connection to ` +
      `${g.values[0] ?? 'an unknown destination'} at ${utcMinute(g.first.time)}; ${history} ` +
      `(learning since ${since.slice(0, 10)})`
    );
  },
  examples: {
    fire: [
      {
        title:
          'After nine days of routine SSH and RDP, an admin workstation opens RDP to a new server (v2)',
        flows: [...routine(9), ...NEW_RDP],
      },
      {
        title:
          'After eight days of routine, a web server opens WinRM over HTTPS to a Windows host (v5)',
        header: FLOW_V5_HEADER,
        flows: [
          ...routine(8, true),
          ...session(
            '10.20.1.30',
            '10.20.6.21',
            5986,
            unixSeconds('2026-03-09T23:51:02Z'),
            77,
            true,
          ),
        ],
      },
    ],
    miss: [
      {
        title: 'Ten days of the same admin paths',
        flows: routine(10),
      },
      {
        title: 'A new RDP path on day three, still inside the learning period',
        flows: [
          ...routine(3),
          ...session('10.20.1.15', '10.20.6.20', 3389, unixSeconds('2026-03-03T22:05:51Z'), 99),
        ],
      },
      {
        title: 'A refused RDP attempt after learning (not a connection)',
        header: FLOW_V5_HEADER,
        flows: [
          ...routine(9, true),
          ...session(
            '10.20.1.15',
            '10.20.6.20',
            3389,
            unixSeconds('2026-03-10T02:14:09Z'),
            99,
            true,
            'REJECT',
          ),
        ],
      },
      {
        title: 'The new RDP path on day nine when the team learns for fourteen days',
        flows: [...routine(9), ...NEW_RDP],
        config: {
          rules: { 'aws.network.flow-new-admin-connection': { knobs: { learningDays: 14 } } },
        },
      },
    ],
  },
});
