import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../config/schema.js';
import type { ApiEvent, FlowEvent, IpInfo } from '../model/event.js';
import { normaliseCloudTrail } from '../normalise/cloudtrail.js';
import { createEnricher, resolveEnrichPaths } from './index.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/enrich/', import.meta.url));
const config = (input: Record<string, unknown> = {}): Config => configSchema.parse(input);

describe('createEnricher: classes', () => {
  const enricher = createEnricher(
    config({
      organisation: { internalCidrs: ['10.20.0.0/16', '8.8.4.0/24', 'fd12:3456::/32'] },
    }),
  );
  const cls = (v: string) => enricher.lookup(v).class;

  it.each([
    ['10.20.1.2', 'internal'],
    ['fd12:3456::9', 'internal'],
    ['8.8.4.4', 'internal'],
    ['10.1.2.3', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.0.10', 'private'],
    ['127.0.0.1', 'private'],
    ['169.254.169.254', 'private'],
    ['100.64.12.1', 'private'],
    ['fd00::1', 'private'],
    ['fe80::1%eth0', 'private'],
    ['::1', 'private'],
    ['52.94.76.10', 'aws'],
    ['3.5.140.2', 'aws'],
    ['2600:1f18:4000::1', 'aws'],
    ['8.8.8.8', 'public'],
    ['2001:4860:4860::8888', 'public'],
    ['::ffff:8.8.8.8', 'public'],
    ['203.0.113.24', 'public'],
    ['2001:db8::7', 'public'],
    ['AWS Internal', 'service'],
    ['ec2.amazonaws.com', 'service'],
    ['lambda.amazonaws.com', 'service'],
    ['211.9.016.253', 'unknown'],
    ['', 'unknown'],
    ['HIDDEN_DUE_TO_SECURITY_REASONS', 'unknown'],
    ['__proto__', 'unknown'],
    ['constructor', 'unknown'],
  ])('%j is %s', (value, expected) => {
    expect(cls(value)).toBe(expected);
  });

  it('adds country and network to public, AWS and internal-but-public addresses', () => {
    expect(enricher.lookup('8.8.8.8')).toEqual({
      address: '8.8.8.8',
      class: 'public',
      country: 'US',
      asn: 15169,
      asOrg: 'Google LLC',
    });
    expect(enricher.lookup('52.94.76.10')).toMatchObject({ class: 'aws', asn: 16509 });
    expect(enricher.lookup('8.8.4.4')).toMatchObject({ class: 'internal', asn: 15169 });
  });

  it('gives private and documentation addresses no place', () => {
    expect(enricher.lookup('10.1.2.3')).toEqual({ address: '10.1.2.3', class: 'private' });
    expect(enricher.lookup('203.0.113.24')).toEqual({ address: '203.0.113.24', class: 'public' });
  });

  it('keeps the value as logged in `address`', () => {
    expect(enricher.lookup('::ffff:8.8.8.8').address).toBe('::ffff:8.8.8.8');
  });

  it('answers with frozen objects, so no rule can change what another sees', () => {
    const info = enricher.lookup('8.8.8.8');
    expect(Object.isFrozen(info)).toBe(true);
    expect(() => {
      (info as { class: string }).class = 'private';
    }).toThrow();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
});

describe('createEnricher: AWS ranges and intel from the configuration', () => {
  const enricher = createEnricher(
    config({
      intel: {
        awsIpRanges: 'ip-ranges-good.json',
        lists: [
          { name: 'tor', file: 'tor-exits.txt' },
          { name: 'bad-ips', file: 'bad-ips.csv', column: 'ip' },
          { name: 'watch', addresses: ['18.34.20.0/24', '203.0.113.24'] },
        ],
      },
    }),
    { baseDir: fixtures },
  );

  it('names the AWS region and service of the narrowest published block', () => {
    expect(enricher.lookup('18.34.20.9')).toMatchObject({
      class: 'aws',
      awsRegion: 'us-east-1',
      awsService: 'EC2',
      intel: ['watch'],
    });
    expect(enricher.lookup('13.33.1.1')).toMatchObject({
      awsRegion: 'GLOBAL',
      awsService: 'CLOUDFRONT',
    });
    // The configured file replaces the shipped snapshot: this AWS address is not in the fixture.
    expect(enricher.lookup('52.94.76.10').class).toBe('aws');
    expect(enricher.lookup('54.239.28.85').class).toBe('public');
    expect(enricher.awsRanges.createDate).toBe('2026-04-08-23-47-05');
  });

  it('lists the threat-intelligence lists an address is on', () => {
    expect(enricher.lookup('185.220.101.47')).toMatchObject({ class: 'public', intel: ['tor'] });
    expect(enricher.lookup('198.51.100.23').intel).toEqual(['bad-ips']);
    expect(enricher.lookup('203.0.113.24').intel).toEqual(['watch']);
    expect(enricher.lookup('8.8.8.8').intel).toBeUndefined();
  });

  it('reports bad list lines as problems, with file and line', () => {
    expect(enricher.problems.map((p) => [p.code, p.file.replace(fixtures, ''), p.line])).toEqual([
      ['intel-bad-line', 'tor-exits.txt', 10],
      ['intel-bad-line', 'tor-exits.txt', 11],
      ['intel-bad-line', 'bad-ips.csv', 5],
    ]);
  });
});

describe('enrich', () => {
  const enricher = createEnricher(config());

  it('fills `source` of an API event from sourceIPAddress', () => {
    const record = {
      eventVersion: '1.09',
      userIdentity: {
        type: 'IAMUser',
        principalId: 'AIDAEXAMPLEALICE00001',
        arn: 'arn:aws:iam::123456789012:user/alice',
        accountId: '123456789012',
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        userName: 'alice',
      },
      eventTime: '2026-04-09T10:11:12Z',
      eventSource: 'sts.amazonaws.com',
      eventName: 'GetCallerIdentity',
      awsRegion: 'us-east-1',
      sourceIPAddress: '8.8.8.8',
      userAgent: 'aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22',
      requestParameters: null,
      responseElements: null,
      requestID: '4a1f6c0e-7d2b-4f0a-9b8e-3c5d6e7f8a9b',
      eventID: 'c2f1d7e4-5b6a-4c3d-8e9f-0a1b2c3d4e5f',
      readOnly: true,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: '123456789012',
      eventCategory: 'Management',
    };
    const n = normaliseCloudTrail(record, { file: 't', index: 0 });
    if (!n.ok) throw new Error(n.reason);
    const e = n.event as ApiEvent;
    enricher.enrich(e);
    expect(e.source).toMatchObject({ address: '8.8.8.8', class: 'public', country: 'US' });
  });

  it('fills `src` and `dst` of a flow, and leaves missing addresses alone', () => {
    const flow = {
      kind: 'flow',
      srcAddr: '10.0.1.5',
      dstAddr: '185.220.101.47',
    } as FlowEvent;
    enricher.enrich(flow);
    expect(flow.src?.class).toBe('private');
    expect(flow.dst).toMatchObject({ class: 'public', country: 'DE' });
    const empty = { kind: 'flow', srcAddr: undefined, dstAddr: undefined } as FlowEvent;
    enricher.enrich(empty);
    expect(empty).not.toHaveProperty('src');
    expect(empty).not.toHaveProperty('dst');
  });
});

describe('the cache', () => {
  it('does not change answers, whatever its size', () => {
    const values = [
      '8.8.8.8',
      '10.1.2.3',
      '52.94.76.10',
      '8.8.8.8',
      'AWS Internal',
      '211.9.016.253',
      '2001:4860:4860::8888',
      '10.1.2.3',
      '8.8.8.8',
      '185.220.101.47',
    ];
    const cfg = config({ intel: { lists: [{ name: 'tor', addresses: ['185.220.101.47'] }] } });
    const answers = (cacheSize: number): IpInfo[] => {
      const e = createEnricher(cfg, { cacheSize });
      return [...values, ...values].map((v) => e.lookup(v));
    };
    const uncached = answers(0);
    expect(answers(2)).toEqual(uncached);
    expect(answers(65_536)).toEqual(uncached);
  });

  it('returns the same object for a repeated value', () => {
    const e = createEnricher(config());
    expect(e.lookup('8.8.8.8')).toBe(e.lookup('8.8.8.8'));
  });
});

describe('resolveEnrichPaths', () => {
  it('makes list and snapshot paths absolute against the config file folder', () => {
    const cfg = config({
      intel: {
        awsIpRanges: 'data/ranges.json',
        lists: [
          { name: 'tor', file: 'lists/tor.txt' },
          { name: 'abs', file: '/srv/intel/bad.txt' },
          { name: 'inline', addresses: ['10.0.0.1'] },
        ],
      },
    });
    const out = resolveEnrichPaths(cfg, '/etc/trailhound/trailhound.yaml');
    expect(out.intel.awsIpRanges).toBe('/etc/trailhound/data/ranges.json');
    expect(out.intel.lists.map((l) => l.file)).toEqual([
      '/etc/trailhound/lists/tor.txt',
      '/srv/intel/bad.txt',
      undefined,
    ]);
    // The input is left as it was.
    expect(cfg.intel.lists[0]?.file).toBe('lists/tor.txt');
  });
});

describe('the intel section of the configuration', () => {
  it('rejects a list with neither file nor addresses, and bad inline addresses', () => {
    const r = configSchema.safeParse({
      intel: {
        lists: [{ name: 'tor' }, { name: 'bad', addresses: ['10.0.0.1', '211.9.016.253'] }],
      },
    });
    expect(r.success).toBe(false);
    const issues = r.success ? [] : r.error.issues.map((i) => [i.path.join('.'), i.message]);
    expect(issues).toEqual([
      ['intel.lists.0', 'a list with a file or addresses'],
      [
        'intel.lists.1.addresses.1',
        'an IP address or CIDR block such as 198.51.100.7 or 203.0.113.0/24',
      ],
    ]);
  });

  it('rejects unknown keys and odd names', () => {
    expect(configSchema.safeParse({ intel: { list: [] } }).success).toBe(false);
    expect(
      configSchema.safeParse({ intel: { lists: [{ name: '__proto__', addresses: ['10.0.0.1'] }] } })
        .success,
    ).toBe(false);
  });
});
