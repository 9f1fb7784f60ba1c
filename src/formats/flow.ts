/**
 * VPC Flow Logs (and Transit Gateway flow logs, which share the format) in every version 2–8. This
 * module owns the field catalogue, recognises header lines and headerless default records, and turns
 * one space-separated line into a `FlowEvent`, a NODATA/SKIPDATA status or a problem. A file's
 * header names its columns, so one parser is built per file: the header is compiled once into a
 * column plan and each line is then split and assigned by position, with no regular expression and
 * no name lookups on the hot path.
 */
import type { FlowEvent, Origin } from '../model/event.js';
import type { Decoded, InputProblem } from './types.js';

type StringTarget =
  | 'account'
  | 'region'
  | 'interfaceId'
  | 'srcAddr'
  | 'dstAddr'
  | 'logStatus'
  | 'direction'
  | 'vpcId'
  | 'subnetId'
  | 'instanceId'
  | 'pktSrcAddr'
  | 'pktDstAddr';
type IntegerTarget = 'version' | 'srcPort' | 'dstPort' | 'protocol' | 'packets' | 'bytes';

/**
 * One catalogue entry. `type` says how AWS writes the value; `event` names the `FlowEvent` property
 * it fills. Only values that fill a property are checked (a bad port skips the record); the others
 * are kept in `raw` exactly as written, because rules that do not use them should not lose a flow
 * over them.
 */
export type FlowField = {
  /** Name as AWS writes it in S3 header lines and `${…}` log formats. */
  readonly name: string;
  /** Flow-log version that introduced the field. */
  readonly version: number;
  readonly description: string;
} & (
  | { readonly type: 'string'; readonly event?: StringTarget }
  | { readonly type: 'integer'; readonly event?: IntegerTarget }
  /** Unix seconds in the log, epoch milliseconds in the event. */
  | { readonly type: 'seconds'; readonly event?: 'time' | 'end' }
  | { readonly type: 'action'; readonly event: 'action' }
);

/**
 * Every field AWS documents for flow-log records, in AWS's table order (which is also the order of
 * the default format for the version 2 fields). Version 6 is the Transit Gateway flow-log set; a
 * VPC flow log never carries those fields but TGW logs are delivered the same way.
 */
export const FLOW_FIELDS = [
  {
    name: 'version',
    version: 2,
    type: 'integer',
    event: 'version',
    description:
      'Flow-log version of the record: 2 for the default format, otherwise the highest version among the fields the format names.',
  },
  {
    name: 'account-id',
    version: 2,
    type: 'string',
    event: 'account',
    description:
      'AWS account that owns the network interface; `unknown` for some interfaces created by AWS services (VPC endpoints, Network Load Balancers).',
  },
  {
    name: 'interface-id',
    version: 2,
    type: 'string',
    event: 'interfaceId',
    description: 'Network interface (`eni-…`) the traffic was recorded on.',
  },
  {
    name: 'srcaddr',
    version: 2,
    type: 'string',
    event: 'srcAddr',
    description:
      "Source address; for outgoing traffic the interface's own private address. See `pkt-srcaddr` for the packet's original source.",
  },
  {
    name: 'dstaddr',
    version: 2,
    type: 'string',
    event: 'dstAddr',
    description:
      "Destination address; for incoming traffic the interface's own private address. See `pkt-dstaddr` for the packet's final destination.",
  },
  {
    name: 'srcport',
    version: 2,
    type: 'integer',
    event: 'srcPort',
    description: 'Source port.',
  },
  {
    name: 'dstport',
    version: 2,
    type: 'integer',
    event: 'dstPort',
    description: 'Destination port.',
  },
  {
    name: 'protocol',
    version: 2,
    type: 'integer',
    event: 'protocol',
    description: 'IANA protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6).',
  },
  {
    name: 'packets',
    version: 2,
    type: 'integer',
    event: 'packets',
    description: 'Packets transferred in the flow during the aggregation interval.',
  },
  {
    name: 'bytes',
    version: 2,
    type: 'integer',
    event: 'bytes',
    description: 'Bytes transferred in the flow during the aggregation interval.',
  },
  {
    name: 'start',
    version: 2,
    type: 'seconds',
    event: 'time',
    description:
      'Unix seconds when the first packet of the flow was received within the aggregation interval.',
  },
  {
    name: 'end',
    version: 2,
    type: 'seconds',
    event: 'end',
    description:
      'Unix seconds when the last packet of the flow was received within the aggregation interval.',
  },
  {
    name: 'action',
    version: 2,
    type: 'action',
    event: 'action',
    description:
      'ACCEPT or REJECT: whether security groups and network ACLs let the traffic through.',
  },
  {
    name: 'log-status',
    version: 2,
    type: 'string',
    event: 'logStatus',
    description:
      'OK; NODATA when the interface saw no traffic in the interval; SKIPDATA when records were skipped (capacity limit or internal error).',
  },
  {
    name: 'vpc-id',
    version: 3,
    type: 'string',
    event: 'vpcId',
    description: 'VPC that contains the network interface.',
  },
  {
    name: 'subnet-id',
    version: 3,
    type: 'string',
    event: 'subnetId',
    description: 'Subnet that contains the network interface.',
  },
  {
    name: 'instance-id',
    version: 3,
    type: 'string',
    event: 'instanceId',
    description:
      'Instance the interface is attached to, if you own it; `-` for requester-managed interfaces such as a NAT gateway.',
  },
  {
    name: 'tcp-flags',
    version: 3,
    type: 'integer',
    description:
      'TCP flags seen, OR-ed over the interval: FIN 1, SYN 2, RST 4, SYN-ACK 18 (ACK and PSH alone are not reported).',
  },
  {
    name: 'type',
    version: 3,
    type: 'string',
    description: 'Traffic type: IPv4, IPv6 or EFA (Elastic Fabric Adapter).',
  },
  {
    name: 'pkt-srcaddr',
    version: 3,
    type: 'string',
    event: 'pktSrcAddr',
    description:
      'Packet-level (original) source address, which differs from `srcaddr` behind a NAT gateway or for EKS pods.',
  },
  {
    name: 'pkt-dstaddr',
    version: 3,
    type: 'string',
    event: 'pktDstAddr',
    description:
      'Packet-level (final) destination address, which differs from `dstaddr` behind a NAT gateway or for EKS pods.',
  },
  {
    name: 'region',
    version: 4,
    type: 'string',
    event: 'region',
    description: 'Region that contains the network interface.',
  },
  {
    name: 'az-id',
    version: 4,
    type: 'string',
    description:
      'Availability Zone id (`use1-az4`) of the interface; `-` when the traffic is from a sublocation.',
  },
  {
    name: 'sublocation-type',
    version: 4,
    type: 'string',
    description: 'Sublocation kind: wavelength, outpost or localzone; `-` when not in one.',
  },
  {
    name: 'sublocation-id',
    version: 4,
    type: 'string',
    description: 'Sublocation that contains the interface; `-` when not in one.',
  },
  {
    name: 'pkt-src-aws-service',
    version: 5,
    type: 'string',
    description:
      'AWS service whose published address range holds `pkt-srcaddr` (AMAZON, S3, EC2, ROUTE53, …).',
  },
  {
    name: 'pkt-dst-aws-service',
    version: 5,
    type: 'string',
    description: 'AWS service whose published address range holds `pkt-dstaddr`.',
  },
  {
    name: 'flow-direction',
    version: 5,
    type: 'string',
    event: 'direction',
    description: 'Direction relative to the interface: ingress or egress.',
  },
  {
    name: 'traffic-path',
    version: 5,
    type: 'integer',
    description:
      'Path of egress traffic: 1 same VPC, 2 internet gateway or gateway endpoint, 3 virtual private gateway, 4 intra-region peering, 5 inter-region peering, 6 local gateway, 7 gateway endpoint (Nitro), 8 internet gateway (Nitro).',
  },
  {
    name: 'resource-type',
    version: 6,
    type: 'string',
    description: 'Transit Gateway flow logs: TransitGateway or TransitGatewayAttachment.',
  },
  {
    name: 'tgw-id',
    version: 6,
    type: 'string',
    description: 'Transit Gateway flow logs: the transit gateway.',
  },
  {
    name: 'tgw-attachment-id',
    version: 6,
    type: 'string',
    description: 'Transit Gateway flow logs: the attachment the traffic was recorded on.',
  },
  {
    name: 'tgw-src-vpc-account-id',
    version: 6,
    type: 'string',
    description: 'Transit Gateway flow logs: account of the source VPC.',
  },
  {
    name: 'tgw-dst-vpc-account-id',
    version: 6,
    type: 'string',
    description: 'Transit Gateway flow logs: account of the destination VPC.',
  },
  {
    name: 'tgw-src-vpc-id',
    version: 6,
    type: 'string',
    description: 'Transit Gateway flow logs: source VPC.',
  },
  {
    name: 'tgw-dst-vpc-id',
    version: 6,
    type: 'string',
    description: 'Transit Gateway flow logs: destination VPC.',
  },
  {
    name: 'tgw-src-subnet-id',
    version: 6,
    type: 'string',
    description: 'Transit Gateway flow logs: source subnet.',
  },
  {
    name: 'tgw-dst-subnet-id',
    version: 6,
    type: 'string',
    description: 'Transit Gateway flow logs: destination subnet.',
  },
  {
    name: 'tgw-src-eni',
    version: 6,
    type: 'string',
    description: 'Transit Gateway flow logs: attachment interface on the source side.',
  },
  {
    name: 'tgw-dst-eni',
    version: 6,
    type: 'string',
    description: 'Transit Gateway flow logs: attachment interface on the destination side.',
  },
  {
    name: 'tgw-src-az-id',
    version: 6,
    type: 'string',
    description: 'Transit Gateway flow logs: Availability Zone id on the source side.',
  },
  {
    name: 'tgw-dst-az-id',
    version: 6,
    type: 'string',
    description: 'Transit Gateway flow logs: Availability Zone id on the destination side.',
  },
  {
    name: 'tgw-pair-attachment-id',
    version: 6,
    type: 'string',
    description: 'Transit Gateway flow logs: the attachment on the other side of the flow.',
  },
  {
    name: 'packets-lost-no-route',
    version: 6,
    type: 'integer',
    description: 'Transit Gateway flow logs: packets dropped for lack of a route.',
  },
  {
    name: 'packets-lost-blackhole',
    version: 6,
    type: 'integer',
    description: 'Transit Gateway flow logs: packets dropped by a blackhole route.',
  },
  {
    name: 'packets-lost-mtu-exceeded',
    version: 6,
    type: 'integer',
    description: 'Transit Gateway flow logs: packets dropped for exceeding the MTU.',
  },
  {
    name: 'packets-lost-ttl-expired',
    version: 6,
    type: 'integer',
    description: 'Transit Gateway flow logs: packets dropped when their TTL expired.',
  },
  {
    name: 'ecs-cluster-arn',
    version: 7,
    type: 'string',
    description: 'ECS cluster ARN when the traffic is from a running ECS task.',
  },
  {
    name: 'ecs-cluster-name',
    version: 7,
    type: 'string',
    description: 'ECS cluster name when the traffic is from a running ECS task.',
  },
  {
    name: 'ecs-container-instance-arn',
    version: 7,
    type: 'string',
    description: 'ECS container instance ARN for tasks on EC2; `-` on Fargate.',
  },
  {
    name: 'ecs-container-instance-id',
    version: 7,
    type: 'string',
    description: 'ECS container instance id for tasks on EC2; `-` on Fargate.',
  },
  {
    name: 'ecs-container-id',
    version: 7,
    type: 'string',
    description: "Docker runtime id of the task's first container.",
  },
  {
    name: 'ecs-second-container-id',
    version: 7,
    type: 'string',
    description: "Docker runtime id of the task's second container, if it has one.",
  },
  {
    name: 'ecs-service-name',
    version: 7,
    type: 'string',
    description: 'ECS service that started the task; `-` for tasks not started by a service.',
  },
  {
    name: 'ecs-task-definition-arn',
    version: 7,
    type: 'string',
    description: 'ECS task definition ARN of the task.',
  },
  {
    name: 'ecs-task-arn',
    version: 7,
    type: 'string',
    description: 'ECS task ARN.',
  },
  {
    name: 'ecs-task-id',
    version: 7,
    type: 'string',
    description: 'ECS task id.',
  },
  {
    name: 'reject-reason',
    version: 8,
    type: 'string',
    description:
      'Why the traffic was rejected when AWS names a reason: BPA (VPC Block Public Access); `-` for any other reason.',
  },
] as const satisfies readonly FlowField[];

export type FlowFieldName = (typeof FLOW_FIELDS)[number]['name'];

const FIELD_BY_NAME: ReadonlyMap<string, FlowField> = new Map(
  FLOW_FIELDS.map((f): [string, FlowField] => [f.name, f]),
);

/** The versions this module reads: 2 up to the newest version in the catalogue. */
export const FLOW_MIN_VERSION = 2;
export const FLOW_MAX_VERSION = Math.max(...FLOW_FIELDS.map((f) => f.version));
const KNOWN_VERSIONS: ReadonlySet<string> = new Set(
  Array.from({ length: FLOW_MAX_VERSION - FLOW_MIN_VERSION + 1 }, (_, i) =>
    String(FLOW_MIN_VERSION + i),
  ),
);
const VERSION_RANGE = `${FLOW_MIN_VERSION}–${FLOW_MAX_VERSION}`;

/** The default format: the version 2 fields in catalogue order (AWS does not let it change). */
export const DEFAULT_FLOW_FIELDS: readonly FlowFieldName[] = FLOW_FIELDS.filter(
  (f) => f.version === 2,
).map((f) => f.name);
/** The default-format header line, as S3 deliveries of the default format start. */
export const DEFAULT_FLOW_HEADER = DEFAULT_FLOW_FIELDS.join(' ');

function col(name: FlowFieldName): number {
  return DEFAULT_FLOW_FIELDS.indexOf(name);
}
const DEFAULT_VERSION_COL = col('version');
const DEFAULT_START_COL = col('start');
const DEFAULT_END_COL = col('end');
const DEFAULT_ACTION_COL = col('action');
const DEFAULT_STATUS_COL = col('log-status');

/**
 * The catalogue name a header token stands for. CloudWatch Logs Insights and Athena tables spell
 * fields with underscores (`account_id`), so `_` is read as `-` when that gives a known field.
 * Unknown names are kept exactly as written so that what is passed through is what the file said.
 */
function canonicalName(token: string): { name: string; known: boolean } {
  if (FIELD_BY_NAME.has(token)) return { name: token, known: true };
  if (token.includes('_')) {
    const hyphenated = token.replaceAll('_', '-');
    if (FIELD_BY_NAME.has(hyphenated)) return { name: hyphenated, known: true };
  }
  return { name: token, known: false };
}

function stripCr(line: string): string {
  return line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line;
}

/** Header tokens look like identifiers; this keeps prose and data lines from passing as headers. */
const HEADER_TOKEN = /^[A-Za-z_][\w-]*$/;

/**
 * True for a flow-log header line: space-separated field names, in any order, most of them known.
 * Unknown names are tolerated (up to half) so that a log with a field newer than this catalogue is
 * still read, with the unknown columns passed through.
 *
 * @example isFlowHeader('version account-id interface-id srcaddr dstaddr') // true
 */
export function isFlowHeader(line: string): boolean {
  const tokens = stripCr(line).trim().split(/\s+/);
  let known = 0;
  for (const t of tokens) {
    if (!HEADER_TOKEN.test(t)) return false;
    if (canonicalName(t).known) known++;
  }
  return known > 0 && known * 2 >= tokens.length;
}

function isDigits(v: string): boolean {
  if (v.length === 0) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * True for a headerless record in the default version 2 layout, as CloudWatch Logs holds them:
 * 14 fields, version 2, a known action and log status, and numeric start and end.
 *
 * @example isHeaderlessFlowRecord('2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.5 198.51.100.7 443 49152 6 10 840 1710255300 1710255360 ACCEPT OK') // true
 */
export function isHeaderlessFlowRecord(line: string): boolean {
  const f = stripCr(line).split(' ');
  if (f.length !== DEFAULT_FLOW_FIELDS.length || f[DEFAULT_VERSION_COL] !== '2') return false;
  const status = f[DEFAULT_STATUS_COL];
  const action = f[DEFAULT_ACTION_COL];
  return (
    (status === 'OK' || status === 'NODATA' || status === 'SKIPDATA') &&
    (action === 'ACCEPT' || action === 'REJECT' || action === '-') &&
    isDigits(f[DEFAULT_START_COL] ?? '') &&
    isDigits(f[DEFAULT_END_COL] ?? '')
  );
}

export interface FlowParser {
  /** Problems found in the header (unknown fields → 'flow-unknown-field' warning, passed through). */
  readonly headerProblems: InputProblem[];
  /** One line → a flow event, a NODATA/SKIPDATA status, a problem, or null for a blank line. */
  parse(line: string, lineNo: number): Decoded | null;
  /**
   * Warnings raised by `parse` about records that were still read (a record version outside 2–8
   * under a header, once per version per file). `parse` returns one result per line, so these
   * travel separately: call this after the last line (or at any time) to collect and clear them.
   */
  takeWarnings(): InputProblem[];
}

type Draft = { -readonly [K in keyof FlowEvent]: FlowEvent[K] };

/**
 * What a record's `raw` view reads from: its line (split into `fields` only when all of it is
 * needed), and the file's column of each name.
 */
interface RawTarget {
  line: string;
  fields: readonly string[] | undefined;
  index: ReadonlyMap<string, number>;
  names: readonly string[];
  built: Record<string, string> | undefined;
}

function fieldsOf(t: RawTarget): readonly string[] {
  return (t.fields ??= t.line.split(' '));
}

/** Column `col` of a line (its field count already checked), without splitting the rest. */
function fieldAt(t: RawTarget, col: number): string {
  if (t.fields !== undefined) return t.fields[col] as string;
  const line = t.line;
  let from = 0;
  for (let i = 0; i < col; i++) from = line.indexOf(' ', from) + 1;
  const to = line.indexOf(' ', from);
  return line.slice(from, to < 0 ? line.length : to);
}

/** `raw` as a plain null-prototype object, built the first time something needs all of it. */
function built(t: RawTarget): Record<string, string> {
  if (t.built === undefined) {
    const raw = Object.create(null) as Record<string, string>;
    const fields = fieldsOf(t);
    for (let i = 0; i < t.names.length; i++) raw[t.names[i] as string] = fields[i] as string;
    t.built = raw;
  }
  return t.built;
}

/**
 * A record's `raw` (every field by its header name) is a read-only view over the line: reading
 * one field cuts that column out of the line, and only enumerating, copying or comparing it splits
 * the line and builds the object. Few rules read `raw`, and building a dictionary of a dozen or
 * more keys for every line cost flow-log hunts about a sixth of their time. Header names come from
 * the input, so the view behaves like a null-prototype object: `__proto__` or `constructor` is a
 * field name or nothing.
 */
const RAW_VIEW: ProxyHandler<RawTarget> = {
  get: (t, key) => {
    if (typeof key !== 'string') return undefined;
    const col = t.index.get(key);
    return col === undefined ? undefined : fieldAt(t, col);
  },
  has: (t, key) => typeof key === 'string' && t.index.has(key),
  ownKeys: (t) => Reflect.ownKeys(built(t)),
  getOwnPropertyDescriptor: (t, key) => {
    const d = Reflect.getOwnPropertyDescriptor(built(t), key);
    // The view's target has no such property; a proxy must report it as configurable.
    if (d !== undefined) d.configurable = true;
    return d;
  },
  getPrototypeOf: () => null,
  set: () => false,
  defineProperty: () => false,
  deleteProperty: () => false,
};

/** How a mapped column's value is read; small integers so the per-line switch stays cheap. */
const Kind = { Str: 0, Int: 1, Seconds: 2, Action: 3 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];

interface Mapped {
  col: number;
  kind: Kind;
  key: StringTarget | IntegerTarget | 'time' | 'end' | 'action';
  name: string;
}

/**
 * Sets one property of a draft by name. A named store per case: storing through a computed key
 * (`e[key] = v`) takes V8's generic path on every field of every line.
 */
function store(e: Draft, key: Mapped['key'], v: string | number): void {
  switch (key) {
    case 'account':
      e.account = v as string;
      return;
    case 'region':
      e.region = v as string;
      return;
    case 'interfaceId':
      e.interfaceId = v as string;
      return;
    case 'srcAddr':
      e.srcAddr = v as string;
      return;
    case 'dstAddr':
      e.dstAddr = v as string;
      return;
    case 'logStatus':
      e.logStatus = v as string;
      return;
    case 'direction':
      e.direction = v as string;
      return;
    case 'vpcId':
      e.vpcId = v as string;
      return;
    case 'subnetId':
      e.subnetId = v as string;
      return;
    case 'instanceId':
      e.instanceId = v as string;
      return;
    case 'pktSrcAddr':
      e.pktSrcAddr = v as string;
      return;
    case 'pktDstAddr':
      e.pktDstAddr = v as string;
      return;
    case 'version':
      e.version = v as number;
      return;
    case 'srcPort':
      e.srcPort = v as number;
      return;
    case 'dstPort':
      e.dstPort = v as number;
      return;
    case 'protocol':
      e.protocol = v as number;
      return;
    case 'packets':
      e.packets = v as number;
      return;
    case 'bytes':
      e.bytes = v as number;
      return;
    case 'time':
      e.time = v as number;
      return;
    case 'end':
      e.end = v as number;
      return;
    case 'action':
      e.action = v as FlowEvent['action'];
      return;
  }
}

/** A value quoted in a reason, cut short so a junk line cannot flood the report. */
function show(v: string): string {
  return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
}

/**
 * Builds the parser for one file. `header` is the file's first line as AWS writes it to S3;
 * `undefined` means the default version 2 layout without a header (CloudWatch Logs records).
 * Header problems carry line 1, where S3 deliveries put the header.
 *
 * Records whose `version` is not 2–8: with a header the columns are named, so the record is still
 * read by the header and a 'flow-unknown-version' warning is raised once per file and version
 * (AWS keeps adding fields; losing every flow of a newer format would hide traffic). Without a
 * header the layout is only known for version 2, so any other version is skipped per record.
 */
export function createFlowParser(file: string, header: string | undefined): FlowParser {
  const hasHeader = header !== undefined;
  const headerText = hasHeader ? stripCr(header).trim() : undefined;
  const tokens = headerText !== undefined ? headerText.split(/\s+/) : [...DEFAULT_FLOW_FIELDS];
  const width = tokens.length;
  const names: string[] = [];
  const mapped: Mapped[] = [];
  const headerProblems: InputProblem[] = [];
  let versionCol = -1;
  let statusCol = -1;

  for (let i = 0; i < width; i++) {
    const { name, known } = canonicalName(tokens[i] as string);
    names.push(name);
    if (!known) {
      headerProblems.push({
        code: 'flow-unknown-field',
        severity: 'warning',
        file,
        line: 1,
        reason: `header field ${show(name)} (column ${i + 1}) is not a known flow-log field of versions ${VERSION_RANGE}; its values are passed through in raw`,
      });
      continue;
    }
    const field = FIELD_BY_NAME.get(name) as FlowField;
    if (field.event === undefined) continue;
    if (field.event === 'version') versionCol = i;
    else {
      if (field.event === 'logStatus') statusCol = i;
      const kind =
        field.type === 'integer'
          ? Kind.Int
          : field.type === 'seconds'
            ? Kind.Seconds
            : field.type === 'action'
              ? Kind.Action
              : Kind.Str;
      mapped.push({ col: i, kind, key: field.event, name });
    }
  }

  // The columns `parse` reads, and where each lies in the current line (reused line after line).
  const needed = new Uint8Array(width);
  for (const m of mapped) needed[m.col] = 1;
  if (versionCol >= 0) needed[versionCol] = 1;
  if (statusCol >= 0) needed[statusCol] = 1;
  const starts = new Int32Array(width);
  const ends = new Int32Array(width);
  // (Reusing the previous line's string when a column repeats saved allocation, but comparing with
  // `startsWith` cost more than it saved: 1.3 against 0.85 µs per line.)
  /** Column `c` of `line` as text. */
  const text = (line: string, c: number): string => line.slice(starts[c], ends[c]);

  /**
   * Column `c` of `line` as a non-negative whole number (digits only), or NaN; read in place, since
   * most of a record's columns are numbers.
   */
  const count = (line: string, c: number): number => {
    const from = starts[c] as number;
    const to = ends[c] as number;
    if (to === from) return NaN;
    let n = 0;
    for (let i = from; i < to; i++) {
      const d = line.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return NaN;
      n = n * 10 + d;
    }
    return n <= Number.MAX_SAFE_INTEGER ? n : NaN;
  };

  // A name's last column, as assigning the fields in order would leave it.
  const index = new Map<string, number>(names.map((n, i) => [n, i]));
  const layout = hasHeader ? 'as named by the header' : 'of the default version 2 format';
  const seenVersions = new Set<string>();
  let warnings: InputProblem[] = [];

  const problem = (
    code: InputProblem['code'],
    lineNo: number,
    reason: string,
    severity: InputProblem['severity'] = 'skip',
  ): Decoded => ({ type: 'problem', problem: { code, severity, file, line: lineNo, reason } });

  function parse(input: string, lineNo: number): Decoded | null {
    const line = stripCr(input);
    if (line.length === 0) return null;
    const c0 = line.charCodeAt(0);
    if ((c0 === 32 || c0 === 9) && line.trim().length === 0) return null;
    // Concatenated S3 objects repeat the header; it describes the columns, it is not a record.
    if (line === headerText) return null;

    // One pass over the line: count its fields and note where the columns read here lie.
    let found = 0;
    for (let from = 0; ; found++) {
      const sp = line.indexOf(' ', from);
      const to = sp < 0 ? line.length : sp;
      if (found < width && needed[found] === 1) {
        starts[found] = from;
        ends[found] = to;
      }
      if (sp < 0) break;
      from = sp + 1;
    }
    found++;
    if (found !== width) {
      return problem(
        'flow-bad-record',
        lineNo,
        `found ${found} space-separated fields, expected ${width} ${layout}`,
      );
    }

    let version: number | undefined;
    if (versionCol >= 0) {
      const v = text(line, versionCol);
      if (!KNOWN_VERSIONS.has(v)) {
        if (!hasHeader) {
          return problem(
            'flow-unknown-version',
            lineNo,
            `version ${show(v)} without a header line, expected version 2: only the default version 2 layout can be read without a header`,
          );
        }
        if (!seenVersions.has(v)) {
          seenVersions.add(v);
          warnings.push({
            code: 'flow-unknown-version',
            severity: 'warning',
            file,
            line: lineNo,
            reason: `record version ${show(v)}, expected ${VERSION_RANGE}; records of this version are read by the header's field names`,
          });
        }
      } else if (!hasHeader && v !== '2') {
        return problem(
          'flow-bad-record',
          lineNo,
          `version ${v} record without a header line, expected version 2: a version ${v} format names its own fields and needs the header`,
        );
      }
      const n = count(line, versionCol);
      version = n === n ? n : undefined;
    }

    const origin: Origin = { file, line: lineNo };
    if (statusCol >= 0) {
      const s = text(line, statusCol);
      // NODATA / SKIPDATA carry `-` in the traffic fields: counted, never treated as flows.
      if (s === 'NODATA' || s === 'SKIPDATA') return { type: 'flow-status', status: s, origin };
    }

    const raw = new Proxy<RawTarget>(
      { line, fields: undefined, index, names, built: undefined },
      RAW_VIEW,
    ) as unknown as Record<string, string>;

    const e: Draft = {
      kind: 'flow',
      origin,
      raw,
      time: NaN,
      end: undefined,
      version,
      account: undefined,
      region: undefined,
      interfaceId: undefined,
      srcAddr: undefined,
      dstAddr: undefined,
      srcPort: undefined,
      dstPort: undefined,
      protocol: undefined,
      packets: undefined,
      bytes: undefined,
      action: undefined,
      logStatus: undefined,
      direction: undefined,
      vpcId: undefined,
      subnetId: undefined,
      instanceId: undefined,
      pktSrcAddr: undefined,
      pktDstAddr: undefined,
    };
    for (let m = 0; m < mapped.length; m++) {
      const { col: c, kind, key, name } = mapped[m] as Mapped;
      // `-`: AWS had no value for this field.
      if (
        (ends[c] as number) - (starts[c] as number) === 1 &&
        line.charCodeAt(starts[c] as number) === 45
      )
        continue;
      switch (kind) {
        case Kind.Str:
          store(e, key, text(line, c));
          break;
        case Kind.Int: {
          const n = count(line, c);
          if (n !== n) {
            return problem(
              'flow-bad-record',
              lineNo,
              `${name} is ${show(line.slice(starts[c], ends[c]))}, expected a whole number or "-"`,
            );
          }
          store(e, key, n);
          break;
        }
        case Kind.Seconds: {
          const n = count(line, c);
          if (n !== n) {
            return problem(
              'flow-bad-record',
              lineNo,
              `${name} is ${show(line.slice(starts[c], ends[c]))}, expected Unix seconds or "-"`,
            );
          }
          store(e, key, n * 1000);
          break;
        }
        case Kind.Action: {
          const v = text(line, c);
          if (v !== 'ACCEPT' && v !== 'REJECT') {
            return problem(
              'flow-bad-record',
              lineNo,
              `${name} is ${show(v)}, expected ACCEPT, REJECT or "-"`,
            );
          }
          e.action = v;
          break;
        }
      }
    }

    // A flow needs a time for every time-based rule; `end` stands in when a format omits `start`.
    if (e.time !== e.time) {
      if (e.end === undefined) {
        return problem(
          'flow-bad-record',
          lineNo,
          'record has no start or end time, expected Unix seconds in "start" (or "end")',
        );
      }
      e.time = e.end;
    }
    return { type: 'flow', event: e };
  }

  return {
    headerProblems,
    parse,
    takeWarnings() {
      const out = warnings;
      warnings = [];
      return out;
    },
  };
}
