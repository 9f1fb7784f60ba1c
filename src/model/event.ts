/**
 * The normalised event model. Every record trailhound reads becomes one of two kinds: `api` for
 * CloudTrail management and data events, `flow` for VPC Flow Log records. Both keep where they came
 * from (`origin`) and the record as it was read (`raw`) so a finding can always show its evidence.
 * Fields that a record lacks are `undefined`; nothing here throws.
 */

/** Where a record came from: the file as named by the user and its position in it. */
export interface Origin {
  file: string;
  /** 1-based line for line-oriented files (JSON lines, flow logs). */
  line?: number;
  /** 0-based index for records inside one document (`{"Records":[…]}`, JSON arrays). */
  index?: number;
}

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface Actor {
  /** `userIdentity.type`: IAMUser, AssumedRole, Root, AWSService, FederatedUser, … */
  type: string | undefined;
  arn: string | undefined;
  principalId: string | undefined;
  accountId: string | undefined;
  accessKeyId: string | undefined;
  userName: string | undefined;
  /** For assumed roles and federated sessions, the issuer (role) ARN. */
  sessionIssuerArn: string | undefined;
  sessionIssuerName: string | undefined;
  /** `sessionContext.attributes.mfaAuthenticated === "true"`. */
  mfaAuthenticated: boolean | undefined;
  /** `userIdentity.invokedBy`: set when an AWS service acted on the principal's behalf. */
  invokedBy: string | undefined;
}

/**
 * What enrichment knows about an address, added before any rule sees the event. `class`:
 * `internal` (in the configured internal CIDRs), `private` (RFC 1918 / 4193, loopback, link-local
 * and other reserved ranges), `aws` (in AWS's published ranges), `public` (any other routable
 * address), `service` (CloudTrail names an AWS service instead of an address, e.g.
 * `ec2.amazonaws.com` or `AWS Internal`), `unknown` (not an address at all: anonymised or malformed
 * values such as `211.9.016.253`).
 */
export interface IpInfo {
  address: string;
  class: 'internal' | 'private' | 'aws' | 'public' | 'service' | 'unknown';
  /** ISO 3166 alpha-2 country code. */
  country?: string;
  asn?: number;
  asOrg?: string;
  /** For `aws` addresses: the service and region of the published range. */
  awsService?: string;
  awsRegion?: string;
  /** Names of the threat-intelligence lists the address is on (`tor`, `bad-ips`, …). */
  intel?: string[];
}

export interface ApiEvent {
  kind: 'api';
  origin: Origin;
  raw: JsonObject;
  /** Event time in epoch milliseconds. */
  time: number;
  eventId: string | undefined;
  eventSource: string;
  /** Event name with API-version suffixes removed (`CreateFunction20150331` → `CreateFunction`). */
  eventName: string;
  /** Event name exactly as logged. */
  eventNameRaw: string;
  eventType: string | undefined;
  region: string | undefined;
  /** The account the event was recorded in (`recipientAccountId`, else the actor's account). */
  account: string | undefined;
  actor: Actor;
  sourceIp: string | undefined;
  /** Enrichment of `sourceIp`; undefined until the enrich stage has run or when there is none. */
  source?: IpInfo;
  userAgent: string | undefined;
  /** `errorCode`, with the non-error value `Success` some producers write mapped to undefined. */
  errorCode: string | undefined;
  errorMessage: string | undefined;
  readOnly: boolean | undefined;
  /** `requestParameters`, with a single `XxxRequest` wrapper object removed and JSON strings parsed. */
  request: JsonObject | undefined;
  /** `responseElements`, likewise unwrapped. */
  response: JsonObject | undefined;
  additional: JsonObject | undefined;
  resources: JsonObject[];
}

export interface FlowEvent {
  kind: 'flow';
  origin: Origin;
  /** Field name (as in the header, e.g. `srcaddr`, `pkt-src-aws-service`) to value as read. */
  raw: Record<string, string>;
  /** Flow start in epoch milliseconds (from `start`, seconds in the log). */
  time: number;
  /** Flow end in epoch milliseconds. */
  end: number | undefined;
  version: number | undefined;
  account: string | undefined;
  region: string | undefined;
  interfaceId: string | undefined;
  srcAddr: string | undefined;
  dstAddr: string | undefined;
  srcPort: number | undefined;
  dstPort: number | undefined;
  /** IANA protocol number. */
  protocol: number | undefined;
  packets: number | undefined;
  bytes: number | undefined;
  action: 'ACCEPT' | 'REJECT' | undefined;
  logStatus: string | undefined;
  /** v5+: `ingress` / `egress`. */
  direction: string | undefined;
  vpcId: string | undefined;
  subnetId: string | undefined;
  instanceId: string | undefined;
  pktSrcAddr: string | undefined;
  pktDstAddr: string | undefined;
  /** Enrichment of `srcAddr` / `dstAddr`, added by the enrich stage. */
  src?: IpInfo;
  dst?: IpInfo;
}

export type Event = ApiEvent | FlowEvent;
