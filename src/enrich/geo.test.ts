import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAddress } from './address.js';
import { loadAsnTable, packagedGeo } from './geo.js';

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
