/**
 * Country and autonomous system of an address, from databases shipped inside npm packages (no
 * download at install or run time): the country from `@ip-location-db/geo-whois-asn-country-mmdb`
 * (an MMDB file read with `maxmind` from a Buffer), the AS number and organisation from
 * `@ip-location-db/asn` (RouteViews, RIR and DB-IP data as CSV of address ranges, read into a
 * sorted table). Each database is read once per thread, on the first lookup that needs it, so a
 * run that never meets a public address pays nothing; a hunt on worker threads instead reads the
 * country database and the IPv4 AS table once, into memory the workers share (`sharedGeo`). Both
 * cover IPv4 and IPv6. Data licences are listed in data/README.md.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Reader, type Response } from 'maxmind';
import { TrailhoundError } from '../errors.js';
import type { ParsedAddress } from './address.js';
import { RangeMap } from './ranges.js';

export interface GeoInfo {
  /** ISO 3166 alpha-2 country code. */
  country?: string;
  asn?: number;
  asOrg?: string;
}

/** Where a lookup's answers come from; a test or an embedding program may supply its own. */
export interface GeoSource {
  lookup(a: ParsedAddress): GeoInfo;
}

const require = createRequire(import.meta.url);

/** The files read, as package-relative module paths. */
export const GEO_FILES = {
  country: '@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb',
  asnV4: '@ip-location-db/asn/asn-ipv4-num.csv',
  asnV6: '@ip-location-db/asn/asn-ipv6-num.csv',
} as const;

/** Resolves a shipped data file; a missing one means a broken installation. */
export function geoFile(spec: string): string {
  try {
    return require.resolve(spec);
  } catch (err) {
    throw new TrailhoundError(
      'internal',
      `geolocation data ${spec} is not installed; reinstall trailhound (npm ci)`,
      { cause: err },
    );
  }
}

/** ip-location-db's flat record; maxmind's types only know MaxMind's own layouts. */
interface CountryRecord {
  country_code?: string;
}

/** AS numbers by address range, and the organisation of each AS number. */
export interface AsnTable {
  asnOf(a: Pick<ParsedAddress, 'family' | 'value'>): number | undefined;
  orgs: Map<number, string>;
}

/**
 * The packaged tables in memory that threads share: `SharedArrayBuffer`s, which a worker thread
 * receives without a copy. The thread that starts the workers reads them once (`sharedGeo`), so
 * each worker neither reads the files again nor keeps its own copy: about 23 MiB per thread for
 * the country database and the IPv4 AS table. The IPv6 AS table stays per thread, read on the
 * thread's first IPv6 address, since most trails have none.
 */
export interface SharedGeo {
  /** The country database file, as read. */
  country: Uint8Array;
  /** The IPv4 AS table: disjoint ranges sorted by start, and the AS number of each. */
  asn4: { starts: Uint32Array; ends: Uint32Array; asns: Uint32Array };
  /**
   * The organisation of each AS number the IPv4 table names: `asns` ascending, each one's name
   * as UTF-8 in `names` from `offsets[i]` to `offsets[i + 1]`.
   */
  orgs: { asns: Uint32Array; offsets: Uint32Array; names: Uint8Array };
}

/** Organisation names looked up in shared tables (see `SharedGeo.orgs`) by binary search. */
class SharedNames {
  private readonly text: Buffer;

  constructor(private readonly t: SharedGeo['orgs']) {
    this.text = Buffer.from(t.names.buffer, t.names.byteOffset, t.names.byteLength);
  }

  get(asn: number): string | undefined {
    const { asns, offsets } = this.t;
    let lo = 0;
    let hi = asns.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = asns[mid] as number;
      if (v === asn) return this.text.toString('utf8', offsets[mid], offsets[mid + 1]);
      if (v < asn) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }
}

/** The packaged databases, loaded lazily; one instance per thread is shared by every enricher. */
class PackagedGeo implements GeoSource {
  private country: Reader<Response> | undefined;
  /** Organisations read by this thread (its own IPv4 table, and its IPv6 table). */
  private readonly orgs = new Map<number, string>();
  // Each family's table is read on its first address: most trails never show an IPv6 caller.
  private asn4: RangeMap<number> | undefined;
  private asn6: RangeMap<number> | undefined;
  private shared: SharedGeo | undefined;
  private sharedNames: SharedNames | undefined;

  /**
   * Uses tables another thread read instead of reading its own; a table this thread already read
   * is kept. The IPv4 table's organisations come first, as when this thread reads that table
   * before its IPv6 one.
   */
  adopt(t: SharedGeo): void {
    if (this.shared !== undefined) return;
    this.shared = t;
    if (this.asn4 === undefined) this.sharedNames = new SharedNames(t.orgs);
  }

  lookup(a: ParsedAddress): GeoInfo {
    const out: GeoInfo = {};
    this.country ??= new Reader<Response>(
      this.shared === undefined
        ? readFileSync(geoFile(GEO_FILES.country))
        : asBuffer(this.shared.country),
    );
    const record = this.country.get(a.text) as CountryRecord | null;
    const cc = record?.country_code;
    if (typeof cc === 'string' && /^[A-Z]{2}$/.test(cc)) out.country = cc;
    const table =
      a.family === 4 ? (this.asn4 ??= this.readAsn4()) : (this.asn6 ??= this.readAsn6());
    const asn = table.get(a);
    if (asn !== undefined) {
      out.asn = asn;
      const org = this.sharedNames?.get(asn) ?? this.orgs.get(asn);
      if (org !== undefined && org.length > 0) out.asOrg = org;
    }
    return out;
  }

  private readAsn4(): RangeMap<number> {
    if (this.shared === undefined) {
      return readAsnCsv(readFileSync(geoFile(GEO_FILES.asnV4)), 4, this.orgs);
    }
    const { starts, ends, asns } = this.shared.asn4;
    return RangeMap.fromSorted({ starts, ends, values: asns }, NO_V6);
  }

  private readAsn6(): RangeMap<number> {
    return readAsnCsv(readFileSync(geoFile(GEO_FILES.asnV6)), 6, this.orgs);
  }
}

const NO_V4 = { starts: new Uint32Array(0), ends: new Uint32Array(0), values: [] };
const NO_V6 = { starts: [], ends: [], values: [] };

const asBuffer = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

let packaged: PackagedGeo | undefined;

/** The databases shipped with trailhound (shared per thread). */
export function packagedGeo(): GeoSource {
  packaged ??= new PackagedGeo();
  return packaged;
}

/**
 * A lookup of the shipped databases of its own, not the thread's: reading the files itself, or
 * answering from tables in shared memory when given them. For tests; hunts use `packagedGeo`.
 */
export function createPackagedGeo(shared?: SharedGeo): GeoSource {
  const g = new PackagedGeo();
  if (shared !== undefined) g.adopt(shared);
  return g;
}

let sharedTables: SharedGeo | undefined;

/**
 * The packaged tables in shared memory, read on the first call (a third of a second) and kept for
 * the process; this thread's `packagedGeo` answers from them too. For the thread that starts
 * workers, which hand them to `adoptSharedGeo`.
 */
export function sharedGeo(): SharedGeo {
  if (sharedTables === undefined) {
    const orgs = new Map<number, string>();
    const v4 = scanAsnCsv(readFileSync(geoFile(GEO_FILES.asnV4)), 4, orgs);
    sharedTables = {
      country: inSharedMemory(readFileSync(geoFile(GEO_FILES.country))),
      asn4: {
        starts: inSharedMemory(v4.starts4),
        ends: inSharedMemory(v4.ends4),
        asns: inSharedMemory(v4.asns4),
      },
      orgs: sharedOrgs(orgs),
    };
  }
  adoptSharedGeo(sharedTables);
  return sharedTables;
}

/** Makes this thread's `packagedGeo` answer from tables another thread read (see `SharedGeo`). */
export function adoptSharedGeo(t: SharedGeo): void {
  packaged ??= new PackagedGeo();
  packaged.adopt(t);
}

function inSharedMemory<A extends Uint8Array | Uint32Array>(a: A): A {
  const sab = new SharedArrayBuffer(a.byteLength);
  const copy = (a instanceof Uint8Array ? new Uint8Array(sab) : new Uint32Array(sab)) as A;
  copy.set(a);
  return copy;
}

function sharedOrgs(orgs: Map<number, string>): SharedGeo['orgs'] {
  const asns = inSharedMemory(Uint32Array.from([...orgs.keys()].sort((x, y) => x - y)));
  const offsets = new Uint32Array(new SharedArrayBuffer(4 * (asns.length + 1)));
  const encoded = [...asns].map((asn) => Buffer.from(orgs.get(asn) as string, 'utf8'));
  const names = new Uint8Array(new SharedArrayBuffer(encoded.reduce((n, b) => n + b.length, 0)));
  let at = 0;
  encoded.forEach((b, i) => {
    names.set(b, at);
    at += b.length;
    offsets[i + 1] = at;
  });
  return { asns, offsets, names };
}

/** Reads both ASN CSVs of ip-location-db (`asn-ipv4-num.csv`, `asn-ipv6-num.csv`) into one table. */
export function loadAsnTable(v4File: string, v6File: string): AsnTable {
  const orgs = new Map<number, string>();
  const v4 = readAsnCsv(readFileSync(v4File), 4, orgs);
  const v6 = readAsnCsv(readFileSync(v6File), 6, orgs);
  return { asnOf: (a) => (a.family === 4 ? v4 : v6).get(a), orgs };
}

/**
 * Reads one ASN CSV: `first,last,asn,organisation`, addresses as decimal integers, the organisation
 * quoted when it holds a comma; AS 0 (unrouted), AS numbers beyond 32 bits and malformed rows are
 * skipped. Rows come sorted by address; one that overlaps the row before it is clipped to start
 * after it, so the table stays disjoint. The IPv4 file has about 400,000 rows, so its bytes are
 * scanned in place rather than decoded and split into strings.
 */
export function readAsnCsv(
  bytes: Uint8Array,
  family: 4 | 6,
  orgs: Map<number, string>,
): RangeMap<number> {
  const t = scanAsnCsv(bytes, family, orgs);
  return family === 4
    ? RangeMap.fromSorted({ starts: t.starts4, ends: t.ends4, values: t.asns4 }, NO_V6)
    : RangeMap.fromSorted(NO_V4, { starts: t.starts6, ends: t.ends6, values: t.asns6 });
}

/** The rows of an ASN CSV of one family, the IPv4 ones in exact-length typed arrays. */
function scanAsnCsv(bytes: Uint8Array, family: 4 | 6, orgs: Map<number, string>) {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = buf.length;
  // Rows are about 40 bytes; the arrays grow if that guess is low.
  let starts4: Uint32Array = new Uint32Array(family === 4 ? (n >> 5) + 16 : 0);
  let ends4: Uint32Array = new Uint32Array(starts4.length);
  let asns4: Uint32Array = new Uint32Array(starts4.length);
  let count4 = 0;
  const starts6: bigint[] = [];
  const ends6: bigint[] = [];
  const asns6: number[] = [];
  let prev4 = -1;
  let prev6 = -1n;
  for (let pos = 0; pos < n;) {
    const line = pos;
    // first,last,asn, as digits each followed by a comma; anything else is not a data row.
    const f1 = digitsEnd(buf, line, n);
    const l0 = f1 + 1;
    const l1 = f1 > line && buf[f1] === COMMA ? digitsEnd(buf, l0, n) : -1;
    const a0 = l1 + 1;
    const a1 = l1 > l0 && buf[l1] === COMMA ? digitsEnd(buf, a0, n) : -1;
    let nl = a1 > 0 ? a1 : line;
    while (nl < n && buf[nl] !== NL) nl++;
    pos = nl + 1;
    if (a1 <= a0 || buf[a1] !== COMMA) continue;
    const asn = decimal(buf, a0, a1);
    if (asn === 0 || asn > 0xffffffff) continue;
    if (family === 4) {
      let first = decimal(buf, line, f1);
      const last = decimal(buf, l0, l1);
      if (first <= prev4) first = prev4 + 1;
      if (first > last || last > 0xffffffff) continue;
      if (count4 === starts4.length) {
        starts4 = grow(starts4);
        ends4 = grow(ends4);
        asns4 = grow(asns4);
      }
      starts4[count4] = first;
      ends4[count4] = last;
      asns4[count4] = asn;
      count4++;
      prev4 = last;
    } else {
      let first = BigInt(buf.toString('latin1', line, f1));
      const last = BigInt(buf.toString('latin1', l0, l1));
      if (first <= prev6) first = prev6 + 1n;
      if (first > last) continue;
      starts6.push(first);
      ends6.push(last);
      asns6.push(asn);
      prev6 = last;
    }
    if (!orgs.has(asn)) {
      const end = buf[nl - 1] === CR ? nl - 1 : nl;
      orgs.set(asn, unquote(buf.toString('utf8', a1 + 1, end)));
    }
  }
  return {
    starts4: starts4.slice(0, count4),
    ends4: ends4.slice(0, count4),
    asns4: asns4.slice(0, count4),
    starts6,
    ends6,
    asns6,
  };
}

function grow(a: Uint32Array): Uint32Array {
  const b = new Uint32Array(a.length * 2);
  b.set(a);
  return b;
}

const NL = 10;
const CR = 13;
const COMMA = 44;

function digitsEnd(buf: Uint8Array, from: number, limit: number): number {
  let p = from;
  while (p < limit) {
    const c = buf[p] as number;
    if (c < 48 || c > 57) break;
    p++;
  }
  return p;
}

/** The value of the decimal digits buf[from, to); at most 10 digits for IPv4 and AS numbers. */
function decimal(buf: Uint8Array, from: number, to: number): number {
  let v = 0;
  for (let p = from; p < to; p++) v = v * 10 + ((buf[p] as number) - 48);
  return v;
}

function unquote(field: string): string {
  if (field.length >= 2 && field.startsWith('"') && field.endsWith('"')) {
    return field.slice(1, -1).replaceAll('""', '"');
  }
  return field;
}
