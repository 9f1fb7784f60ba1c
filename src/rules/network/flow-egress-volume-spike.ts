/**
 * `aws.network.flow-egress-volume-spike`: an internal host sending far more data to the internet in
 * one period (an hour by default) than its own history says is normal, the volume signature of
 * exfiltration.
 */
import { z } from 'zod';
import { defineBaselineRule, knob } from '../../engine/rule.js';
import { basePriority, shift } from '../lib.js';
import { isExternal, isInside, isReply, formatBytes } from '../lib/flow.js';
import {
  asFlow,
  describeDestination,
  fact,
  flowFacts,
  FLOW_V5_HEADER,
  hostKey,
  through,
  unixSeconds,
  utcMinute,
  v2Line,
  v5Line,
  wobble,
  type FlowSpec,
} from '../lib/flow-behaviour.js';
import { internalCidrsAssumption } from '../lib/ownership.js';

const HOST = '10.20.1.15';
const HOUR = 3_600;
const MB = 1_000_000;
const T0 = unixSeconds('2026-03-14T00:00:00Z');

type Line = (f: FlowSpec) => string;

/**
 * `hours` hours of a host's ordinary traffic to three external APIs: one HTTPS exchange with each
 * per hour, `low`–`high` MB per hour in all, with the servers' answers (inbound) logged too.
 */
function history(hours: number, line: Line = v2Line, low = 18, high = 36, seed = 5): string[] {
  const r = wobble(seed);
  const lines: string[] = [];
  const apis = ['198.51.100.10', '203.0.113.20', '192.0.2.30'];
  for (let h = 0; h < hours; h++) {
    const total = (low + r() * (high - low)) * MB;
    apis.forEach((dst, i) => {
      const start = T0 + h * HOUR + 300 + i * 1_100 + Math.round(r() * 600);
      const srcPort = 33_000 + (((h * 3 + i) * 137) % 28_000);
      const bytes = Math.round((total * (i + 1)) / 6);
      lines.push(
        line({
          src: HOST,
          dst,
          srcPort,
          dstPort: 443,
          start,
          duration: 20,
          packets: Math.ceil(bytes / 1_400),
          bytes,
        }),
      );
      lines.push(
        line({
          src: dst,
          dst: HOST,
          srcPort: 443,
          dstPort: srcPort,
          start,
          duration: 20,
          packets: 400,
          bytes: 41_000,
          tcpFlags: 19,
          direction: 'ingress',
        }),
      );
    });
  }
  return lines;
}

/**
 * One upload to `dst` starting 12 minutes into hour `hour`, held open for twenty minutes: a record
 * per one-minute aggregation window, `mb` MB each.
 */
function upload(
  hour: number,
  dst: string,
  mb: number,
  line: Line = v2Line,
  dstService?: string,
): string[] {
  return Array.from({ length: 20 }, (_, i) => {
    const spec: FlowSpec = {
      src: HOST,
      dst,
      srcPort: 47_113,
      dstPort: 443,
      start: T0 + hour * HOUR + 720 + i * 60,
      duration: 59,
      packets: Math.ceil((mb * MB) / 1_448),
      bytes: Math.round(mb * MB + i * 4_093),
      tcpFlags: i === 0 ? 2 : 0,
    };
    if (dstService !== undefined) spec.dstService = dstService;
    return line(spec);
  });
}

const v5 = v5Line;
const S3 = '52.216.164.28';
const WITH_AWS = {
  rules: { 'aws.network.flow-egress-volume-spike': { knobs: { includeAws: true } } },
};

export default defineBaselineRule({
  id: 'aws.network.flow-egress-volume-spike',
  title: 'Spike in data sent to the internet by an internal host',
  category: 'network',
  row: 'NET-1',
  priority: 'high',
  mitre: ['T1048', 'T1041', 'T1567'],
  description:
    'The bytes an internal host (a configured internal range or private space) sends to ' +
    "external addresses (not in AWS's published ranges, unless `includeAws`) are summed per " +
    "`bucketMinutes` and compared with the same host's own history: a period fires when it " +
    'exceeds the median of the history by `deviations` times the (scaled) median absolute ' +
    'deviation and is at least `minMegabytes`, once the host has `minHistory` periods of ' +
    'history (quiet periods between active ones count as zero). Median and MAD are robust: a ' +
    'few earlier spikes do not raise the bar much, and a host that is always busy is judged ' +
    'against its own busy normal. Every accepted record counts, including the later records ' +
    'of a long upload; the reply half of connections opened from outside (a server answering ' +
    'downloads) counts too unless `countReplies` is off, since data pulled out through an ' +
    'inbound session leaves all the same. Rejected flows carry no data out. The state kept per ' +
    'host (address within its account) is its recent series of period totals (in memory by ' +
    'default; with `--state` it carries across runs, so a baseline learned from last month ' +
    'judges today, and `trailhound baseline learn` can build it without findings). Reported ' +
    'one level higher when the destination is on a threat-intelligence list. Triage: where did the data go, over which ' +
    'connections, and what on the host produced it?',
  falsePositives: [
    'Backups, log shipping and data replication to providers outside AWS that run less often than the history shows (weekly or monthly jobs): suppress the host or lengthen the history.',
    'Releases, migrations and one-off exports to partners.',
    'Hosts behind a NAT gateway are seen on their own interfaces; the NAT gateway address adds every instance behind it, so its baseline is the sum.',
    "With `includeAws`, the organisation's own transfers to S3 and other AWS services join the baseline; a new backup job looks like a spike.",
  ],
  response: [
    "List the host's flows in the period by destination and bytes (the evidence origins point at the records); look up the top destinations.",
    'Identify the process that sent the data (EDR, host logs) and what data it could read (instance role permissions, mounted volumes, databases it reaches).',
    'If unexplained, block the destination, isolate the instance, preserve its volumes, and review the CloudTrail activity of its role (S3 GetObject, Secrets Manager, KMS Decrypt) before the spike.',
  ],
  references: [
    'https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html',
    'https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-records-examples.html',
    'https://attack.mitre.org/techniques/T1048/',
  ],
  knobs: {
    bucketMinutes: knob(
      z.number().int().min(1),
      60,
      'Length of one period of the series, in minutes.',
    ),
    minHistory: knob(
      z.number().int().min(1),
      24,
      'Periods of history a host needs before any of its periods can fire.',
    ),
    deviations: knob(
      z.number().min(0),
      6,
      'How many scaled median absolute deviations above the median a period must be.',
    ),
    minMegabytes: knob(
      z.number().min(0),
      100,
      'A period sending less than this many megabytes (10^6 bytes) never fires, however unusual.',
    ),
    countReplies: knob(
      z.boolean(),
      true,
      'Count the reply half of connections opened from outside (data served or pulled out), not only connections the host opened.',
    ),
    includeAws: knob(
      z.boolean(),
      false,
      "Also count bytes to AWS's published ranges (S3 and other services, other accounts' instances): catches exfiltration to an attacker's bucket, at the cost of mixing the host's own AWS traffic into its baseline.",
    ),
  },
  assumptions: (ctx) => internalCidrsAssumption(ctx.org),
  kind: 'baseline',
  on: 'flow',
  filter: (e, ctx) => {
    const f = asFlow(e);
    return (
      f !== undefined &&
      f.action === 'ACCEPT' &&
      (f.bytes ?? 0) > 0 &&
      isInside(f.src) &&
      (isExternal(f.dst) || (ctx.knobs.includeAws && f.dst?.class === 'aws')) &&
      (ctx.knobs.countReplies || !isReply(f))
    );
  },
  key: (e) => {
    const f = asFlow(e);
    return f === undefined ? undefined : hostKey(f);
  },
  amount: (e) => asFlow(e)?.bytes ?? 0,
  facts: flowFacts,
  bucketMs: (ctx) => ctx.knobs.bucketMinutes * 60_000,
  minHistory: (ctx) => ctx.knobs.minHistory,
  deviations: (ctx) => ctx.knobs.deviations,
  minAmount: (ctx) => ctx.knobs.minMegabytes * MB,
  priorityOf: (g, ctx) => {
    const base = basePriority(ctx, 'high');
    const listed = [g.first, g.last].some((s) => fact(s.facts, 'dstIntel') !== undefined);
    return listed ? shift(base, 1) : base;
  },
  summary: (g) => {
    const src = fact(g.first.facts, 'src') ?? 'an unknown source';
    const minutes = Number(g.figures['bucketMinutes']);
    const bucketMs = minutes * 60_000;
    const start = Math.floor(g.first.time / bucketMs) * bucketMs;
    const hourly = minutes === 60;
    const period = hourly ? 'hour' : `${minutes} minutes`;
    const observed = Number(g.figures['observed']);
    const median = Number(g.figures['median']);
    const history = Number(g.figures['history']);
    const ratio =
      median > 0 ? `${Math.round(observed / median)} times its median of ` : 'against a median of ';
    const first = describeDestination(g.first.facts);
    const last = describeDestination(g.last.facts);
    const where =
      first === last
        ? `${g.count > 1 ? 'the first and last' : 'it'} to ${first}`
        : `the first to ${first}, the last to ${last}`;
    return (
      `${src} sent ${formatBytes(observed)} to addresses outside the organisation in the ` +
      `${period} from ${utcMinute(start)}, ${ratio}${formatBytes(Math.round(median))} per ${period} ` +
      `over the previous ${hourly ? `${history} hours` : `${history} periods`} (spike threshold ` +
      `${formatBytes(Math.round(Number(g.figures['threshold'])))}); ${g.count} flow ` +
      `record${g.count === 1 ? '' : 's'}, ${where}${through(g.last.facts)}`
    );
  },
  examples: {
    fire: [
      {
        title: '30 hours of 18–36 MB an hour, then a 2.4 GB upload to a new address (v2)',
        flows: [...history(30), ...upload(30, '203.0.113.77', 120)],
      },
      {
        title: 'An upload of 1.6 GB to an S3 bucket when the team counts AWS destinations (v5)',
        header: FLOW_V5_HEADER,
        flows: [...history(26, v5), ...upload(26, S3, 80, v5, 'S3')],
        config: WITH_AWS,
      },
    ],
    miss: [
      {
        title: 'The same 2.4 GB upload after only 12 hours of history',
        flows: [...history(12), ...upload(12, '203.0.113.77', 120)],
      },
      {
        title: 'The 1.6 GB upload to S3 with AWS destinations not counted (the default)',
        header: FLOW_V5_HEADER,
        flows: [...history(26, v5), ...upload(26, S3, 80, v5, 'S3')],
      },
      {
        title: 'A quiet host (1–3 MB an hour) sending 80 MB: unusual, but under minMegabytes',
        flows: [...history(30, v2Line, 1, 3), ...upload(30, '203.0.113.77', 4)],
      },
      {
        title: 'A batch host whose hours range from 50 MB to 1.5 GB sending 2.4 GB',
        flows: [...history(30, v2Line, 50, 1_500, 9), ...upload(30, '203.0.113.77', 120)],
      },
    ],
  },
});
