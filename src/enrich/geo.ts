/**
 * Country and autonomous system of an address, from databases shipped inside npm packages (no
 * download at install or run time): the country from `@ip-location-db/geo-whois-asn-country-mmdb`
 * (an MMDB file read with `maxmind` from a Buffer), the AS number and organisation from
 * `@ip-location-db/asn` (RouteViews, RIR and DB-IP data as CSV of address ranges, read into a
 * sorted table). Each database is read once per thread, on the first lookup that needs it, so a
 * run that never meets a public address pays nothing. Both cover IPv4 and IPv6. Data licences are
 * listed in data/README.md.
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

/** The packaged databases, loaded lazily; one instance per thread is shared by every enricher. */
class PackagedGeo implements GeoSource {
  private country: Reader<Response> | undefined;
  private readonly orgs = new Map<number, string>();
  // Each family's table is read on its first address: most trails never show an IPv6 caller.
  private asn4: RangeMap<number> | undefined;
  private asn6: RangeMap<number> | undefined;

  lookup(a: ParsedAddress): GeoInfo {
    const out: GeoInfo = {};
    this.country ??= new Reader<Response>(readFileSync(geoFile(GEO_FILES.country)));
    const record = this.country.get(a.text) as CountryRecord | null;
    const cc = record?.country_code;
    if (typeof cc === 'string' && /^[A-Z]{2}$/.test(cc)) out.country = cc;
    const table =
      a.family === 4
        ? (this.asn4 ??= readAsnCsv(readFileSync(geoFile(GEO_FILES.asnV4)), 4, this.orgs))
        : (this.asn6 ??= readAsnCsv(readFileSync(geoFile(GEO_FILES.asnV6)), 6, this.orgs));
    const asn = table.get(a);
    if (asn !== undefined) {
      out.asn = asn;
      const org = this.orgs.get(asn);
      if (org !== undefined && org.length > 0) out.asOrg = org;
    }
    return out;
  }
}

let packaged: PackagedGeo | undefined;

/** The databases shipped with trailhound (shared per thread). */
export function packagedGeo(): GeoSource {
  packaged ??= new PackagedGeo();
  return packaged;
}

/** Reads both ASN CSVs of ip-location-db (`asn-ipv4-num.csv`, `asn-ipv6-num.csv`) into one table. */
export function loadAsnTable(v4File: string, v6File: string): AsnTable {
  const orgs = new Map<number, string>();
  const v4 = readAsnCsv(readFileSync(v4File), 4, orgs);
  const v6 = readAsnCsv(readFileSync(v6File), 6, orgs);
  return { asnOf: (a) => (a.family === 4 ? v4 : v6).get(a), orgs };
}

/**
 * Reads one ASN CSV: `first,last,asn,organisation`, addresses as decimal integers, the
 * organisation quoted when it holds a comma; AS 0 (unrouted) and malformed rows are skipped. Rows
 * come sorted by address; one that overlaps the row before it is clipped to start after it, so
 * the table stays disjoint. The IPv4 file has about 400,000 rows, so its bytes are scanned in
 * place rather than decoded and split into strings.
 */
export function readAsnCsv(
  bytes: Uint8Array,
  family: 4 | 6,
  orgs: Map<number, string>,
): RangeMap<number> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = buf.length;
  const values: number[] = [];
  // Rows are about 40 bytes; the arrays grow if that guess is low.
  let starts4: Uint32Array = new Uint32Array(family === 4 ? (n >> 5) + 16 : 0);
  let ends4: Uint32Array = new Uint32Array(starts4.length);
  const starts6: bigint[] = [];
  const ends6: bigint[] = [];
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
    if (asn === 0) continue;
    if (family === 4) {
      let first = decimal(buf, line, f1);
      const last = decimal(buf, l0, l1);
      if (first <= prev4) first = prev4 + 1;
      if (first > last || last > 0xffffffff) continue;
      if (values.length === starts4.length) {
        starts4 = grow(starts4);
        ends4 = grow(ends4);
      }
      starts4[values.length] = first;
      ends4[values.length] = last;
      prev4 = last;
    } else {
      let first = BigInt(buf.toString('latin1', line, f1));
      const last = BigInt(buf.toString('latin1', l0, l1));
      if (first <= prev6) first = prev6 + 1n;
      if (first > last) continue;
      starts6.push(first);
      ends6.push(last);
      prev6 = last;
    }
    values.push(asn);
    if (!orgs.has(asn)) {
      const end = buf[nl - 1] === CR ? nl - 1 : nl;
      orgs.set(asn, unquote(buf.toString('utf8', a1 + 1, end)));
    }
  }
  if (family === 4) {
    const count = values.length;
    return RangeMap.fromSorted(
      { starts: starts4.slice(0, count), ends: ends4.slice(0, count), values },
      { starts: [], ends: [], values: [] },
    );
  }
  return RangeMap.fromSorted(
    { starts: new Uint32Array(0), ends: new Uint32Array(0), values: [] },
    { starts: starts6, ends: ends6, values },
  );
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
