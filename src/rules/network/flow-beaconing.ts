/**
 * `aws.network.flow-beaconing`: an internal host that opens connections to one external address
 * and port at regular intervals, the way an implant polls its command-and-control server.
 */
import { z } from 'zod';
import { defineBeaconRule, knob } from '../../engine/rule.js';
import { basePriority, shift } from '../lib.js';
import { contains, parseCidr, type Cidr } from '../lib/cidr-blocks.js';
import { isOutbound } from '../lib/flow.js';
import {
  asFlow,
  describeDestination,
  fact,
  flowFacts,
  FLOW_V5_HEADER,
  opensConnection,
  span,
  through,
  unixSeconds,
  v2Line,
  v5Line,
  wobble,
} from '../lib/flow-behaviour.js';
import { internalCidrsAssumption } from '../lib/ownership.js';

const HOST = '10.20.1.15';
const C2 = '198.51.100.99';

/** An expected periodic destination: a block of addresses, and the one port it is expected on. */
interface Expected {
  block: Cidr;
  port?: number;
}

/**
 * Reads one `expectedDestinations` entry: an address or CIDR block, optionally followed by
 * `:port`; IPv6 with a port is bracketed (`[2001:db8::/32]:443`), as in URLs. Undefined for
 * anything else, which the knob's schema refuses.
 */
function parseExpectedDestination(value: string): Expected | undefined {
  const text = value.trim();
  let host = text;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(text);
  if (bracketed !== null) {
    host = bracketed[1] as string;
    portText = bracketed[2];
  } else if (text.indexOf(':') === text.lastIndexOf(':') && text.includes(':')) {
    // One colon: IPv4 with a port. IPv6 (several colons) without brackets has no port.
    host = text.slice(0, text.indexOf(':'));
    portText = text.slice(text.indexOf(':') + 1);
    if (!/^\d{1,5}$/.test(portText)) return undefined;
  }
  const block = parseCidr(host);
  if (block === undefined) return undefined;
  if (portText === undefined) return { block };
  const port = Number(portText);
  return port >= 0 && port <= 65_535 ? { block, port } : undefined;
}

// The knob's list is the same array for every event of a hunt; it is parsed once.
const parsedLists = new WeakMap<readonly string[], readonly Expected[]>();

function expectedOf(values: readonly string[]): readonly Expected[] {
  let parsed = parsedLists.get(values);
  if (parsed === undefined) {
    parsed = values.flatMap((v) => {
      const e = parseExpectedDestination(v);
      return e === undefined ? [] : [e];
    });
    parsedLists.set(values, parsed);
  }
  return parsed;
}

/** True when the destination address (and port, where the entry names one) is expected. */
function isExpected(values: readonly string[], address: string, port: number): boolean {
  if (values.length === 0) return false;
  const dst = parseCidr(address);
  if (dst === undefined) return false;
  for (const e of expectedOf(values)) {
    if ((e.port === undefined || e.port === port) && contains(e.block, dst)) return true;
  }
  return false;
}

/**
 * Contacts from `HOST` to `C2`:443 at `start + offsets[i]`, each a short TLS exchange from a new
 * ephemeral port, followed by the server's reply record as the instance's interface logs it.
 */
function contacts(start: number, offsets: readonly number[], dst = C2): string[] {
  const lines: string[] = [];
  offsets.forEach((offset, i) => {
    const t = start + offset;
    const port = 41_000 + i * 17;
    lines.push(
      v2Line({
        src: HOST,
        dst,
        srcPort: port,
        dstPort: 443,
        start: t,
        duration: 2,
        packets: 9,
        bytes: 2_310 + i * 13,
      }),
    );
    lines.push(
      v2Line({
        src: dst,
        dst: HOST,
        srcPort: 443,
        dstPort: port,
        start: t,
        duration: 2,
        packets: 8,
        bytes: 5_122 + i * 7,
      }),
    );
  });
  return lines;
}

/** `n` offsets `every` seconds apart, each moved by up to ±`spread` seconds. */
function regular(n: number, every: number, spread: number, seed: number): number[] {
  const r = wobble(seed);
  return Array.from({ length: n }, (_, i) => i * every + Math.round((r() * 2 - 1) * spread));
}

const FIVE_MIN = regular(12, 300, 12, 7);
/** Intervals anywhere between one and fifteen minutes: a person browsing, not a timer. */
const IRREGULAR = ((): number[] => {
  const r = wobble(11);
  const out = [0];
  for (let i = 1; i < 12; i++) out.push((out[i - 1] as number) + 60 + Math.round(r() * 840));
  return out;
})();

const T0 = unixSeconds('2026-03-14T02:00:07Z');

/**
 * A v5 implant checking in every 15 minutes (SYN and FIN in one record: a short connection), among
 * the replies its server sends back (SYN-ACK and FIN, 19) and unrelated browsing.
 */
const V5_BEACON = ((): string[] => {
  const lines: string[] = [];
  const offsets = regular(10, 900, 20, 3);
  offsets.forEach((offset, i) => {
    const t = T0 + offset;
    const port = 50_112 + i * 31;
    const base = { srcPort: port, dstPort: 8443, start: t, duration: 1 };
    lines.push(
      v5Line({
        ...base,
        src: '10.20.4.31',
        dst: '203.0.113.50',
        packets: 11,
        bytes: 1_874,
        tcpFlags: 3,
      }),
    );
    lines.push(
      v5Line({
        ...base,
        src: '203.0.113.50',
        dst: '10.20.4.31',
        srcPort: 8443,
        dstPort: port,
        packets: 9,
        bytes: 3_410,
        tcpFlags: 19,
        direction: 'ingress',
      }),
    );
    if (i % 3 === 1) {
      lines.push(
        v5Line({
          src: '10.20.4.31',
          dst: '192.0.2.80',
          srcPort: port + 7,
          dstPort: 443,
          start: t + 97 + i * 13,
          duration: 4,
          packets: 40,
          bytes: 18_203,
          tcpFlags: 3,
        }),
      );
    }
  });
  return lines;
})();

/**
 * One HTTPS connection held open for 20 minutes: a v5 record per one-minute aggregation window,
 * only the first with a SYN.
 */
const LONG_SESSION = Array.from({ length: 20 }, (_, i) =>
  v5Line({
    src: HOST,
    dst: C2,
    srcPort: 45_012,
    dstPort: 443,
    start: T0 + i * 60 + (i === 0 ? 0 : 1),
    duration: 58,
    packets: 30 + i,
    bytes: 14_000 + i * 211,
    tcpFlags: i === 0 ? 2 : 0,
  }),
);

/** An uptime monitor polls the public web server every minute; only the answers leave. */
const MONITORED = Array.from({ length: 15 }, (_, i) => {
  const t = T0 + i * 60;
  const port = 33_400 + i;
  return [
    v2Line({
      src: '198.51.100.20',
      dst: HOST,
      srcPort: port,
      dstPort: 443,
      start: t,
      packets: 7,
      bytes: 940,
    }),
    v2Line({
      src: HOST,
      dst: '198.51.100.20',
      srcPort: 443,
      dstPort: port,
      start: t,
      packets: 6,
      bytes: 4_862,
    }),
  ];
}).flat();

/**
 * A monitoring agent's one HTTPS connection to its vendor's intake, held open for two hours and
 * logged in v2 records (no TCP flags) once per ten-minute capture window, with the intake's
 * answers on the same interface.
 */
const AGENT_INTAKE = '203.0.113.80';
const AGENT_SESSION = Array.from({ length: 12 }, (_, i) => {
  const t = T0 + i * 600 + (i === 0 ? 0 : 2);
  return [
    v2Line({
      src: HOST,
      dst: AGENT_INTAKE,
      srcPort: 51_334,
      dstPort: 443,
      start: t,
      duration: 597,
      packets: 410 + i * 3,
      bytes: 96_410 + i * 1_207,
    }),
    v2Line({
      src: AGENT_INTAKE,
      dst: HOST,
      srcPort: 443,
      dstPort: 51_334,
      start: t,
      duration: 597,
      packets: 388 + i * 2,
      bytes: 6_930 + i * 41,
    }),
  ];
}).flat();

/** ntpd polling a public time server every 1,024 seconds. */
const NTP = Array.from({ length: 10 }, (_, i) =>
  v2Line({
    src: HOST,
    dst: '203.0.113.123',
    srcPort: 123,
    dstPort: 123,
    protocol: 17,
    start: T0 + i * 1024,
    packets: 1,
    bytes: 76,
  }),
);

export default defineBeaconRule({
  id: 'aws.network.flow-beaconing',
  title: 'Beaconing from an internal host to an external address',
  category: 'network',
  row: 'NET-1',
  priority: 'medium',
  mitre: ['T1071', 'T1573', 'T1029'],
  description:
    'An internal host (a configured internal range or private space) opens accepted connections ' +
    "to one external address and port (not in AWS's published ranges) at regular intervals: at " +
    'least `minContacts` contacts whose intervals have a coefficient of variation (standard ' +
    'deviation / mean) of at most `maxJitter`. Implants poll their command-and-control server ' +
    'on a timer, usually with a little random jitter; people and most applications do not. ' +
    'One flow record is one contact, at its start time. A record aggregates a connection over ' +
    'the capture window (60 or 600 seconds), so contacts faster than the window are not ' +
    'resolved, and one long-lived connection is logged once per window, which would look ' +
    'periodic: with TCP flags (v3+ logs) only records carrying a SYN count, so a held-open ' +
    'session counts once; without flags every record counts. Replies (a SYN-ACK, or a service ' +
    'port answering an ephemeral port, as when an external monitor polls a public server) and ' +
    'rejected flows are not contacts, and destination ports in `ignoredPorts` (NTP by ' +
    'default, which polls on a timer by design) are not watched, nor destinations in ' +
    '`expectedDestinations`: the addresses or CIDR blocks, optionally with a port, of services ' +
    "that are periodic by design, such as a monitoring or telemetry vendor's intake that its " +
    "agents hold a connection to (empty by default; list the vendor's published intake " +
    'addresses, with the port, so a beacon to another port of the same provider still counts). ' +
    'The state kept per source → destination:port pair is the ' +
    'times of its latest contacts (in memory by default; with `--state` it carries across runs, ' +
    'so a slow beacon spread over several hunts still adds up). Reported one level higher when ' +
    'the destination is on a threat-intelligence list. Triage: find the process on the ' +
    'instance that makes the connections and what answers at the destination.',
  falsePositives: [
    'Software that polls on a fixed timer: update checkers, licence servers, monitoring and telemetry agents, webhooks to SaaS providers. Confirm the destination belongs to the vendor, then list its published addresses (with the port) in `expectedDestinations`, or suppress the source → destination pair.',
    'Scheduled jobs (cron) that call an external API at a fixed interval.',
    'Without TCP flags (v2 logs), a long-lived connection logged once per capture window looks periodic; log tcp-flags (v3+) to tell them apart, or list the destination in `expectedDestinations` when it is a known service such as a monitoring intake.',
    "Traffic through a NAT gateway is logged again on the gateway's interface with the gateway's private address as the source, so one beacon can be reported twice; the finding with the instance's own address names the host.",
  ],
  response: [
    'Identify the instance behind the interface and the process opening the connections (EDR, `ss -tp`, or VPC Traffic Mirroring for the payload).',
    'Look up the destination: hosting provider, domain names resolving to it (Route 53 Resolver query logs), other internal hosts contacting it.',
    'If the beacon is unexplained, block the destination in the network ACL, isolate the instance and preserve its volumes for forensics.',
    'Review the CloudTrail activity of the instance role since the first contact.',
  ],
  references: [
    'https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html',
    'https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-records-examples.html',
    'https://attack.mitre.org/techniques/T1071/',
    'https://attack.mitre.org/techniques/T1029/',
  ],
  knobs: {
    minContacts: knob(
      z.number().int().min(3).max(64),
      8,
      'Contacts a source → destination pair needs before its intervals are judged (3 to 64).',
    ),
    maxJitter: knob(
      z.number().min(0).max(1),
      0.1,
      'Largest coefficient of variation of the intervals (standard deviation / mean) that still counts as periodic; 0.1 allows ±10%.',
    ),
    ignoredPorts: knob(
      z.array(z.number().int().min(0).max(65535)),
      [123],
      'Destination ports whose periodic traffic is expected (NTP polls external time servers on a timer).',
    ),
    expectedDestinations: knob(
      z.array(
        z
          .string()
          .refine(
            (v) => parseExpectedDestination(v) !== undefined,
            'an address or CIDR block, optionally with a port: 203.0.113.7, 203.0.113.0/24:443 or [2001:db8::/32]:443',
          ),
      ),
      [],
      "Destinations whose periodic traffic is expected, as addresses or CIDR blocks, optionally with `:port` (`[…]:port` for IPv6): a monitoring or telemetry vendor's intake, a licence server.",
    ),
  },
  assumptions: (ctx) => internalCidrsAssumption(ctx.org),
  kind: 'beacon',
  on: 'flow',
  filter: (e, ctx) => {
    const f = asFlow(e);
    return (
      f !== undefined &&
      f.action === 'ACCEPT' &&
      f.dstPort !== undefined &&
      !ctx.knobs.ignoredPorts.includes(f.dstPort) &&
      isOutbound(f) &&
      opensConnection(f) &&
      !(f.dstAddr !== undefined && isExpected(ctx.knobs.expectedDestinations, f.dstAddr, f.dstPort))
    );
  },
  key: (e) => {
    const f = asFlow(e);
    if (f?.srcAddr === undefined || f.dstAddr === undefined) return undefined;
    return `${f.account ?? 'unknown-account'}/${f.srcAddr}>${f.dstAddr}:${f.dstPort ?? '?'}/${f.protocol ?? '?'}`;
  },
  facts: flowFacts,
  minContacts: (ctx) => ctx.knobs.minContacts,
  maxJitter: (ctx) => ctx.knobs.maxJitter,
  priorityOf: (g, ctx) => {
    const base = basePriority(ctx, 'medium');
    return fact(g.last.facts, 'dstIntel') === undefined ? base : shift(base, 1);
  },
  summary: (g) => {
    const src = fact(g.last.facts, 'src') ?? 'an unknown source';
    const every = Number(g.figures['meanIntervalSeconds']);
    const jitter = Math.round(Number(g.figures['jitter']) * 100);
    const contacts = Number(g.figures['contacts'] ?? g.count);
    return (
      `${src} contacted ${describeDestination(g.last.facts)} every ${Math.round(every)} s ` +
      `(±${jitter < 1 ? '<1' : jitter}%) ${contacts} times ${span(g.first.time, g.last.time)}` +
      through(g.last.facts)
    );
  },
  examples: {
    fire: [
      {
        title:
          'An implant checks in every five minutes (±12 s) over HTTPS (v2 records, replies included)',
        flows: contacts(T0, FIVE_MIN),
      },
      {
        title: 'A v5 implant checks in every 15 minutes on port 8443 among unrelated browsing',
        header: FLOW_V5_HEADER,
        flows: V5_BEACON,
      },
    ],
    miss: [
      {
        title: 'Twelve contacts at irregular intervals (one to fifteen minutes apart)',
        flows: contacts(T0, IRREGULAR),
      },
      {
        title: 'Seven regular contacts, one short of minContacts',
        flows: contacts(T0, FIVE_MIN.slice(0, 7)),
      },
      {
        title: 'Twelve regular contacts when a team raises minContacts to 16',
        flows: contacts(T0, FIVE_MIN),
        config: { rules: { 'aws.network.flow-beaconing': { knobs: { minContacts: 16 } } } },
      },
      {
        title:
          'A public web server answering an external uptime monitor every minute (replies are not contacts)',
        flows: MONITORED,
      },
      {
        title:
          'One long-lived HTTPS session logged every minute (v5: only the first record has a SYN)',
        header: FLOW_V5_HEADER,
        flows: LONG_SESSION,
      },
      {
        title: 'ntpd polling an external time server every 1,024 seconds (an ignored port)',
        flows: NTP,
      },
      {
        title:
          "A monitoring agent's connection to its vendor's intake, logged every ten minutes in v2 records, with the intake listed in expectedDestinations",
        flows: AGENT_SESSION,
        config: {
          rules: {
            'aws.network.flow-beaconing': {
              knobs: { expectedDestinations: ['203.0.113.64/26:443'] },
            },
          },
        },
      },
    ],
  },
});
