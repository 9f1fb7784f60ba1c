import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { parseAddress } from './address.js';
import {
  createPackagedGeo,
  loadAsnTable,
  packagedGeo,
  sharedGeo,
  type GeoSource,
  type SharedGeo,
} from './geo.js';

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../test/fixtures/enrich/${name}`, import.meta.url));
const at = (v: string) => {
  const a = parseAddress(v);
  if (a === undefined) throw new Error(v);
  return a;
};

describe('packaged country and ASN databases', () => {
  const geo = packagedGeo();

  // What the shipped databases say for addresses whose owners are well known.
  it.each([
    ['8.8.8.8', 'US', 15169, 'Google LLC'],
    ['1.1.1.1', 'AU', 13335, 'Cloudflare, Inc.'],
    ['2001:4860:4860::8888', 'US', 15169, 'Google LLC'],
    ['185.220.101.47', 'DE', 60729, 'Stiftung Erneuerbare Freiheit'],
    ['52.94.76.10', 'US', 16509, 'Amazon.com, Inc.'],
  ])('%s is in %s, AS%d %s', (ip, country, asn, org) => {
    expect(geo.lookup(at(ip))).toEqual({ country, asn, asOrg: org });
  });

  it('knows nothing of private addresses', () => {
    expect(geo.lookup(at('10.1.2.3'))).toEqual({});
    expect(geo.lookup(at('fd00::1'))).toEqual({});
  });
});

describe('loadAsnTable', () => {
  const t = loadAsnTable(fixture('asn-ipv4-num.csv'), fixture('asn-ipv6-num.csv'));

  it('reads ranges and organisations, unquoting CSV', () => {
    expect(t.asnOf(at('1.0.0.1'))).toBe(13335);
    expect(t.orgs.get(13335)).toBe('Cloudflare, Inc.');
    expect(t.orgs.get(201907)).toBe('LLC "SPUTNIK"');
    expect(t.asnOf(at('8.8.8.8'))).toBe(15169);
    expect(t.asnOf(at('2001:4860:4860::8888'))).toBe(15169);
  });

  it('clips a row that overlaps the one before it, and skips AS 0', () => {
    // 35313000 (2.26.213.104) is inside the SPUTNIK row; the overlapping row starts after it.
    expect(t.asnOf({ family: 4, value: 35313000n })).toBe(201907);
    expect(t.asnOf({ family: 4, value: 35313664n })).toBe(64500);
    expect(t.asnOf(at('8.8.9.1'))).toBeUndefined();
    expect(t.orgs.has(0)).toBe(false);
  });
});

describe('tables shared between threads', () => {
  // Read after the tests above, whose lookups are then the thread's own tables'.
  let tables: SharedGeo;
  let fromShared: GeoSource;
  const own = createPackagedGeo();
  beforeAll(() => {
    tables = sharedGeo();
    fromShared = createPackagedGeo(tables);
  });

  it('live in shared memory, so a worker thread receives them without a copy', () => {
    for (const a of [
      tables.country,
      tables.asn4.starts,
      tables.asn4.ends,
      tables.asn4.asns,
      tables.orgs.asns,
      tables.orgs.offsets,
      tables.orgs.names,
    ])
      expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(tables.asn4.starts.length).toBeGreaterThan(100_000);
    expect(tables.asn4.ends.length).toBe(tables.asn4.starts.length);
    expect(tables.asn4.asns.length).toBe(tables.asn4.starts.length);
    expect(tables.orgs.offsets.length).toBe(tables.orgs.asns.length + 1);
    expect(sharedGeo()).toBe(tables);
  });

  it('answer as tables a thread reads itself do', () => {
    // Addresses spread over the whole IPv4 space (a fixed linear congruential walk), the
    // well-known ones, and IPv6 ones (whose table each thread reads itself).
    const addresses = ['8.8.8.8', '1.1.1.1', '185.220.101.47', '52.94.76.10', '2.26.213.104'];
    for (let i = 0, x = 12345; i < 3000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      addresses.push([x >>> 24, (x >>> 16) & 255, (x >>> 8) & 255, x & 255].join('.'));
    }
    addresses.push('2001:4860:4860::8888', '2a00:1450:4001::1', '2606:4700::1111');
    let named = 0;
    for (const v of addresses) {
      const expected = own.lookup(at(v));
      expect(fromShared.lookup(at(v)), v).toEqual(expected);
      if (expected.asOrg !== undefined) named++;
    }
    // Most of the walk lands in routed space, so names are compared, not just their absence.
    expect(named).toBeGreaterThan(1000);
  });

  it("are what the thread's own lookup answers from once adopted", async () => {
    // A fresh copy of the module, whose per-thread lookup has read nothing yet, given made-up
    // IPv4 tables: one range, 1.1.1.0/24, of AS 64512.
    vi.resetModules();
    const fresh = await import('./geo.js');
    const name = new TextEncoder().encode('Test org');
    fresh.adoptSharedGeo({
      country: tables.country,
      asn4: {
        starts: Uint32Array.of(0x01010100),
        ends: Uint32Array.of(0x010101ff),
        asns: Uint32Array.of(64512),
      },
      orgs: { asns: Uint32Array.of(64512), offsets: Uint32Array.of(0, name.length), names: name },
    });
    const geo = fresh.packagedGeo();
    expect(geo.lookup(at('1.1.1.1'))).toEqual({ country: 'AU', asn: 64512, asOrg: 'Test org' });
    expect(geo.lookup(at('8.8.8.8'))).toEqual({ country: 'US' });
  });
});
