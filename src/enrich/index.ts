/**
 * The enrich stage: before any rule sees an event, every address on it (`ApiEvent.sourceIp`,
 * `FlowEvent.srcAddr` / `dstAddr`) gets an `IpInfo`: its class (internal, private, AWS, public,
 * an AWS service name, or unknown), country and autonomous system, AWS region and service, and
 * the threat-intelligence lists it is on. All data ships with the package or comes from files the
 * configuration names; nothing is downloaded. Each distinct value is looked up once (a bounded
 * cache) and its answer, a frozen object, is shared by every event that carries the value.
 *
 * Class order: a value that is not an address is `service` or `unknown`; an address in
 * `organisation.internalCidrs` is `internal` (first, so an organisation's own public ranges count
 * as its own); then `private` (RFC 1918 / 4193, loopback, link-local, CGNAT, multicast and other
 * reserved blocks); then `aws` (AWS's published ranges); anything else is `public`. Documentation
 * ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32) are `public` with no
 * country or network: samples and AWS's own examples use them for public callers.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import type { InputProblem } from '../formats/types.js';
import type { Event, IpInfo } from '../model/event.js';
import {
  describeNonAddress,
  isPrivateOrReserved,
  nat64Inner,
  parseAddress,
  parseCidr,
  specialRange,
  type ParsedAddress,
  type ParsedCidr,
} from './address.js';
import { loadAwsRanges, type AwsRanges } from './aws-ranges.js';
import { LruCache } from './cache.js';
import { packagedGeo, type GeoSource } from './geo.js';
import { loadIntelLists, matchIntel, type IntelList } from './intel.js';
import { CidrSet } from './ranges.js';

export interface Enricher {
  /** Fills `source` of an API event, `src` / `dst` of a flow. */
  enrich(e: Event): void;
  /** What enrichment knows about one value as logged (cached). */
  lookup(value: string): IpInfo;
  /** Problems found reading the configured lists (bad lines), to report once per run. */
  readonly problems: readonly InputProblem[];
  /** The AWS ranges snapshot in use, for reports. */
  readonly awsRanges: { syncToken: string; createDate: string; source: string };
}

export interface EnricherOptions {
  /** Folder that relative list and snapshot paths are taken from; default the working directory. */
  baseDir?: string;
  /** Distinct values remembered; 0 turns the cache off. Default 65,536. */
  cacheSize?: number;
  /** Country / ASN source; default the databases shipped with the package. */
  geo?: GeoSource;
  /** AWS ranges; default `intel.awsIpRanges` from the config, else the shipped snapshot. */
  awsRanges?: AwsRanges;
}

export const DEFAULT_CACHE_SIZE = 65_536;

/**
 * Builds the enricher for a run. Reading a configured list or snapshot that is missing throws
 * `TrailhoundError('config')`; bad lines in a list end up in `problems`.
 *
 * @example
 * const enricher = createEnricher(config, { baseDir: dirname(configPath) });
 * enricher.enrich(event); // event.source = { address, class: 'public', country: 'DE', … }
 */
export function createEnricher(config: Config, opts: EnricherOptions = {}): Enricher {
  const baseDir = opts.baseDir ?? process.cwd();
  const internal = new CidrSet(
    config.organisation.internalCidrs
      .map((c) => parseCidr(c))
      .filter((c): c is ParsedCidr => c !== undefined),
  );
  const intel = loadIntelLists(config.intel.lists, baseDir);
  const aws =
    opts.awsRanges ??
    loadAwsRanges(
      config.intel.awsIpRanges === undefined
        ? undefined
        : resolve(baseDir, config.intel.awsIpRanges),
    );
  const geo = opts.geo ?? packagedGeo();
  const cache = new LruCache<string, IpInfo>(opts.cacheSize ?? DEFAULT_CACHE_SIZE);

  const lookup = (value: string): IpInfo => {
    const hit = cache.get(value);
    if (hit !== undefined) return hit;
    const info = classify(value, { internal, aws, geo, lists: intel.lists });
    cache.set(value, info);
    return info;
  };

  return {
    lookup,
    enrich(e: Event): void {
      if (e.kind === 'api') {
        if (e.sourceIp !== undefined) e.source = lookup(e.sourceIp);
      } else {
        if (e.srcAddr !== undefined) e.src = lookup(e.srcAddr);
        if (e.dstAddr !== undefined) e.dst = lookup(e.dstAddr);
      }
    },
    problems: intel.problems,
    awsRanges: { syncToken: aws.syncToken, createDate: aws.createDate, source: aws.source },
  };
}

interface Sources {
  internal: CidrSet;
  aws: AwsRanges;
  geo: GeoSource;
  lists: readonly IntelList[];
}

function classify(value: string, s: Sources): IpInfo {
  const parsed = parseAddress(value);
  if (parsed === undefined) {
    const kind = describeNonAddress(value).kind;
    return Object.freeze({ address: value, class: kind });
  }
  const info: IpInfo = { address: value, class: 'public' };
  // A NAT64 address (64:ff9b::/96) is its IPv4 peer as far as places and networks go.
  const a: ParsedAddress = nat64Inner(parsed) ?? parsed;
  const isPrivate = isPrivateOrReserved(a);
  if (s.internal.has(a) || s.internal.has(parsed)) {
    info.class = 'internal';
  } else if (isPrivate) {
    info.class = 'private';
  } else {
    const published = s.aws.lookup(a);
    if (published !== undefined) {
      info.class = 'aws';
      if (published.service !== undefined) info.awsService = published.service;
      if (published.region !== undefined) info.awsRegion = published.region;
    }
  }
  // Documentation addresses have no real place; the databases give them their registrant's.
  if (!isPrivate && specialRange(a) !== 'documentation') {
    const g = s.geo.lookup(a);
    if (g.country !== undefined) info.country = g.country;
    if (g.asn !== undefined) info.asn = g.asn;
    if (g.asOrg !== undefined) info.asOrg = g.asOrg;
  }
  const intel = matchIntel(s.lists, a) ?? (a === parsed ? undefined : matchIntel(s.lists, parsed));
  if (intel !== undefined) info.intel = Object.freeze(intel) as string[];
  return Object.freeze(info);
}

/**
 * The configuration with the paths enrichment reads (`intel.lists[].file`, `intel.awsIpRanges`)
 * made absolute against the configuration file's folder, so the config can be handed to worker
 * threads whose working directory means nothing to it. Without a file, paths stay relative to the
 * working directory.
 *
 * @example
 * const { config, path } = await loadConfig(flags.config);
 * const ready = resolveEnrichPaths(config, path);
 */
export function resolveEnrichPaths(config: Config, configPath: string | undefined): Config {
  const base = configPath === undefined ? process.cwd() : dirname(resolve(configPath));
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const intel: Config['intel'] = {
    ...config.intel,
    lists: config.intel.lists.map((l) => (l.file === undefined ? l : { ...l, file: abs(l.file) })),
  };
  if (config.intel.awsIpRanges !== undefined) intel.awsIpRanges = abs(config.intel.awsIpRanges);
  return { ...config, intel };
}
