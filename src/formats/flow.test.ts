import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FlowEvent } from '../model/event.js';
import {
  DEFAULT_FLOW_FIELDS,
  DEFAULT_FLOW_HEADER,
  FLOW_FIELDS,
  createFlowParser,
  isFlowHeader,
  isHeaderlessFlowRecord,
} from './flow.js';
import type { Decoded, InputProblem } from './types.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/flow/', import.meta.url));

/** Reads a fixture the way the format detector will: a header line if there is one, then records. */
function readFixture(name: string) {
  const lines = readFileSync(FIXTURES + name, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const first = lines[0] ?? '';
  const header = isFlowHeader(first) ? first : undefined;
  const parser = createFlowParser(name, header);
  const results: Decoded[] = [];
  lines.forEach((line, i) => {
    if (header !== undefined && i === 0) return;
    const d = parser.parse(line, i + 1);
    if (d) results.push(d);
  });
  const flows = results.flatMap((d) => (d.type === 'flow' ? [d.event] : []));
  const statuses = results.flatMap((d) => (d.type === 'flow-status' ? [d] : []));
  const problems = results.flatMap((d) => (d.type === 'problem' ? [d.problem] : []));
  return {
    header,
    parser,
    results,
    flows,
    statuses,
    problems,
    warnings: parser.takeWarnings(),
  };
}

function one(parser: ReturnType<typeof createFlowParser>, line: string, lineNo = 2): Decoded {
  const d = parser.parse(line, lineNo);
  if (d === null) throw new Error('expected a result, got null');
  return d;
}

function flowOf(d: Decoded): FlowEvent {
  if (d.type !== 'flow') throw new Error(`expected a flow, got ${JSON.stringify(d)}`);
  return d.event;
}

function problemOf(d: Decoded): InputProblem {
  if (d.type !== 'problem') throw new Error(`expected a problem, got ${JSON.stringify(d)}`);
  return d.problem;
}

describe('field catalogue', () => {
  it('names each field once, with a version 2–8 and a description', () => {
    const names = FLOW_FIELDS.map((f) => f.name);
    expect(new Set(names).size).toBe(names.length);
    for (const f of FLOW_FIELDS) {
      expect(f.version).toBeGreaterThanOrEqual(2);
      expect(f.version).toBeLessThanOrEqual(8);
      expect(f.description.length).toBeGreaterThan(10);
    }
    expect(new Set(FLOW_FIELDS.map((f) => f.version))).toEqual(new Set([2, 3, 4, 5, 6, 7, 8]));
  });

  it('derives the default format in the order AWS documents it', () => {
    expect(DEFAULT_FLOW_HEADER).toBe(
      'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status',
    );
    expect(DEFAULT_FLOW_FIELDS).toHaveLength(14);
  });

  it('places the documented fields in their versions', () => {
    const versionOf = (name: string) => FLOW_FIELDS.find((f) => f.name === name)?.version;
    expect(versionOf('pkt-srcaddr')).toBe(3);
    expect(versionOf('tcp-flags')).toBe(3);
    expect(versionOf('sublocation-id')).toBe(4);
    expect(versionOf('traffic-path')).toBe(5);
    expect(versionOf('tgw-attachment-id')).toBe(6);
    expect(versionOf('ecs-second-container-id')).toBe(7);
    expect(versionOf('reject-reason')).toBe(8);
  });
});

describe('isFlowHeader', () => {
  it('accepts the default header, custom orders and underscore spellings', () => {
    expect(isFlowHeader(DEFAULT_FLOW_HEADER)).toBe(true);
    expect(isFlowHeader(`${DEFAULT_FLOW_HEADER}\r`)).toBe(true);
    expect(isFlowHeader('region vpc-id srcaddr dstaddr action version')).toBe(true);
    expect(isFlowHeader('account_id interface_id srcaddr dstaddr log_status')).toBe(true);
    expect(isFlowHeader('srcaddr')).toBe(true);
  });

  it('accepts a header with some fields newer than the catalogue', () => {
    expect(isFlowHeader('version srcaddr dstaddr resource-id encryption-status')).toBe(true);
  });

  it('rejects records, JSON, prose and headers made mostly of unknown names', () => {
    expect(
      isFlowHeader(
        '2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.57 198.51.100.7 443 49152 6 10 840 1716196200 1716196259 ACCEPT OK',
      ),
    ).toBe(false);
    expect(isFlowHeader('{"Records":[]}')).toBe(false);
    expect(isFlowHeader('version 2')).toBe(false);
    expect(isFlowHeader('the quick brown fox')).toBe(false);
    expect(isFlowHeader('srcaddr foo bar baz')).toBe(false);
    expect(isFlowHeader('')).toBe(false);
  });
});

describe('isHeaderlessFlowRecord', () => {
  it('accepts default-format version 2 records, including NODATA', () => {
    expect(
      isHeaderlessFlowRecord(
        '2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.57 198.51.100.7 49152 443 6 10 840 1716196200 1716196259 ACCEPT OK',
      ),
    ).toBe(true);
    expect(
      isHeaderlessFlowRecord(
        '2 123456789012 eni-0a1b2c3d4e5f60718 - - - - - - - 1716196260 1716196320 - NODATA\r',
      ),
    ).toBe(true);
  });

  it('rejects headers, other versions, other widths and non-numeric times', () => {
    expect(isHeaderlessFlowRecord(DEFAULT_FLOW_HEADER)).toBe(false);
    expect(
      isHeaderlessFlowRecord(
        '3 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.57 198.51.100.7 49152 443 6 10 840 1716196200 1716196259 ACCEPT OK',
      ),
    ).toBe(false);
    expect(
      isHeaderlessFlowRecord(
        '2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.57 198.51.100.7 49152 443 6 10 840 1716196200 ACCEPT OK',
      ),
    ).toBe(false);
    expect(
      isHeaderlessFlowRecord(
        '2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.57 198.51.100.7 49152 443 6 10 840 soon later ACCEPT OK',
      ),
    ).toBe(false);
  });
});

describe('version 2, default format', () => {
  const r = readFixture('v2-default.log');

  it('reads every line of an S3 delivery as a flow or a status, with no problems', () => {
    expect(r.header).toBe(DEFAULT_FLOW_HEADER);
    expect(r.parser.headerProblems).toEqual([]);
    expect(r.problems).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.flows).toHaveLength(8);
    expect(r.statuses.map((s) => s.status)).toEqual(['NODATA', 'SKIPDATA']);
  });

  it('maps every default field into the event', () => {
    const e = r.flows[0] as FlowEvent;
    expect(e).toEqual({
      kind: 'flow',
      origin: { file: 'v2-default.log', line: 2 },
      raw: expect.any(Object),
      time: 1710255300_000,
      end: 1710255358_000,
      version: 2,
      account: '123456789012',
      region: undefined,
      interfaceId: 'eni-0a1b2c3d4e5f60718',
      srcAddr: '203.0.113.25',
      dstAddr: '10.0.1.57',
      srcPort: 51234,
      dstPort: 22,
      protocol: 6,
      packets: 20,
      bytes: 4249,
      action: 'ACCEPT',
      logStatus: 'OK',
      direction: undefined,
      vpcId: undefined,
      subnetId: undefined,
      instanceId: undefined,
      pktSrcAddr: undefined,
      pktDstAddr: undefined,
    });
    expect({ ...e.raw }).toEqual({
      version: '2',
      'account-id': '123456789012',
      'interface-id': 'eni-0a1b2c3d4e5f60718',
      srcaddr: '203.0.113.25',
      dstaddr: '10.0.1.57',
      srcport: '51234',
      dstport: '22',
      protocol: '6',
      packets: '20',
      bytes: '4249',
      start: '1710255300',
      end: '1710255358',
      action: 'ACCEPT',
      'log-status': 'OK',
    });
  });

  it('keeps REJECT, ICMP, IPv6 and the `unknown` account as read', () => {
    const [, , rdp, , , icmp, v6, nlb] = r.flows;
    expect(rdp?.action).toBe('REJECT');
    expect(rdp?.dstPort).toBe(3389);
    expect(icmp).toMatchObject({ protocol: 1, srcPort: 0, dstPort: 0, action: 'REJECT' });
    expect(v6?.srcAddr).toBe('2001:db8:1234:1a00:9691:9503:25ad:1761');
    expect(nlb?.account).toBe('unknown');
  });

  it('reports NODATA and SKIPDATA with their origin, not as traffic', () => {
    expect(r.statuses).toEqual([
      { type: 'flow-status', status: 'NODATA', origin: { file: 'v2-default.log', line: 10 } },
      { type: 'flow-status', status: 'SKIPDATA', origin: { file: 'v2-default.log', line: 11 } },
    ]);
  });
});

describe('version 2 without a header (CloudWatch Logs records)', () => {
  it('reads records in the default layout', () => {
    const r = readFixture('v2-headerless.log');
    expect(r.header).toBeUndefined();
    expect(r.problems).toEqual([]);
    expect(r.flows).toHaveLength(3);
    expect(r.statuses).toHaveLength(1);
    expect(r.flows[2]).toMatchObject({
      origin: { file: 'v2-headerless.log', line: 3 },
      srcAddr: '203.0.113.200',
      dstPort: 23,
      action: 'REJECT',
      time: 1716196210_000,
    });
  });
});

describe('custom formats by header', () => {
  it('version 3: NAT gateway and EKS pod addresses', () => {
    const r = readFixture('v3-custom.log');
    expect(r.problems).toEqual([]);
    expect(r.parser.headerProblems).toEqual([]);
    expect(r.flows).toHaveLength(5);
    const [natIn, natOut, natBack, pod] = r.flows;
    expect(natIn).toMatchObject({
      version: 3,
      vpcId: 'vpc-0d4c3b2a1f0e98765',
      subnetId: 'subnet-0aa11bb22cc33dd44',
      instanceId: undefined,
      interfaceId: 'eni-0e1d2c3b4a5968778',
      srcAddr: '10.0.1.57',
      pktSrcAddr: '10.0.1.57',
      bytes: 3214,
      packets: 14,
    });
    expect(natOut?.srcAddr).toBe('10.0.0.220');
    expect(natBack).toMatchObject({ dstAddr: '10.0.0.220', pktDstAddr: '10.0.1.57' });
    expect(pod).toMatchObject({
      instanceId: 'i-0123456789abcdef0',
      srcAddr: '10.0.2.31',
      pktSrcAddr: '10.0.2.112',
      dstPort: 5432,
    });
    expect(pod?.raw['tcp-flags']).toBe('3');
    expect(pod?.raw['type']).toBe('IPv4');
  });

  it('version 4: region, and a version column placed last', () => {
    const r = readFixture('v4-custom.log');
    expect(r.problems).toEqual([]);
    expect(r.flows).toHaveLength(3);
    expect(r.statuses).toHaveLength(1);
    expect(r.flows[0]).toMatchObject({
      version: 4,
      region: 'us-west-2',
      account: '123456789012',
      dstPort: 6379,
    });
    expect(r.flows[1]?.raw['sublocation-type']).toBe('outpost');
    expect(r.flows[1]?.raw['sublocation-id']).toBe('op-0a1b2c3d4e5f67890');
    expect(r.flows[1]?.raw['az-id']).toBe('-');
  });

  it('version 5: direction and AWS-service fields in a shuffled order', () => {
    const r = readFixture('v5-custom.log');
    expect(r.problems).toEqual([]);
    expect(r.flows).toHaveLength(4);
    expect(r.statuses).toHaveLength(1);
    const [toS3, fromS3, c2] = r.flows;
    expect(toS3).toMatchObject({
      version: 5,
      direction: 'egress',
      region: 'eu-west-1',
      srcAddr: '10.30.4.21',
      dstAddr: '198.51.100.36',
      dstPort: 443,
      bytes: 2811930,
      instanceId: 'i-0fedcba9876543210',
    });
    expect(toS3?.raw['pkt-dst-aws-service']).toBe('S3');
    expect(toS3?.raw['traffic-path']).toBe('7');
    expect(fromS3?.direction).toBe('ingress');
    expect(fromS3?.raw['traffic-path']).toBe('-');
    expect(c2).toMatchObject({ dstPort: 4444, direction: 'egress' });
  });

  it('version 6: Transit Gateway flow logs, which have no interface-id or action', () => {
    const r = readFixture('v6-tgw.log');
    expect(r.parser.headerProblems).toEqual([]);
    expect(r.problems).toEqual([]);
    expect(r.flows).toHaveLength(3);
    const [first, , noRoute] = r.flows;
    expect(first).toMatchObject({
      version: 6,
      interfaceId: undefined,
      action: undefined,
      srcAddr: '10.0.1.57',
      dstPort: 1433,
      direction: 'ingress',
      region: 'us-east-1',
    });
    expect(first?.raw['tgw-id']).toBe('tgw-0a1b2c3d4e5f67890');
    expect(first?.raw['tgw-dst-vpc-account-id']).toBe('210987654321');
    expect(noRoute?.raw['packets-lost-no-route']).toBe('3');
  });

  it('version 7: ECS fields pass through in raw', () => {
    const r = readFixture('v7-ecs.log');
    expect(r.parser.headerProblems).toEqual([]);
    expect(r.problems).toEqual([]);
    expect(r.flows).toHaveLength(3);
    const [fargate, onEc2, plain] = r.flows;
    expect(fargate?.version).toBe(7);
    expect(fargate?.raw['ecs-cluster-name']).toBe('payments-prod');
    expect(fargate?.raw['ecs-service-name']).toBe('checkout-api');
    expect(fargate?.raw['ecs-container-instance-id']).toBe('-');
    expect(onEc2?.raw['ecs-container-instance-arn']).toBe(
      'arn:aws:ecs:us-east-1:123456789012:container-instance/batch-ec2/5d2e8f1a9c3b4d6e8f0a1b2c3d4e5f60',
    );
    expect(plain).toMatchObject({ action: 'REJECT', dstPort: 22 });
  });

  it('version 8: reject-reason', () => {
    const r = readFixture('v8.log');
    expect(r.parser.headerProblems).toEqual([]);
    expect(r.problems).toEqual([]);
    expect(r.flows.map((e) => [e.action, e.raw['reject-reason']])).toEqual([
      ['REJECT', 'BPA'],
      ['REJECT', 'BPA'],
      ['REJECT', '-'],
      ['ACCEPT', '-'],
    ]);
    expect(r.flows[0]).toMatchObject({
      version: 8,
      direction: 'ingress',
      srcAddr: '203.0.113.77',
      vpcId: 'vpc-0f1e2d3c4b5a69780',
      region: 'us-east-2',
    });
  });
});

describe('header spellings', () => {
  it('reads underscore names (CloudWatch Logs Insights / Athena) as the hyphenated fields', () => {
    const p = createFlowParser(
      'athena.txt',
      'version account_id interface_id srcaddr dstaddr srcport dstport protocol packets bytes start end action log_status flow_direction pkt_src_aws_service',
    );
    expect(p.headerProblems).toEqual([]);
    const e = flowOf(
      one(
        p,
        '5 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.57 198.51.100.7 49152 443 6 10 840 1716196200 1716196259 ACCEPT OK egress -',
      ),
    );
    expect(e).toMatchObject({
      account: '123456789012',
      interfaceId: 'eni-0a1b2c3d4e5f60718',
      logStatus: 'OK',
      direction: 'egress',
    });
    expect(Object.keys(e.raw)).toContain('account-id');
    expect(Object.keys(e.raw)).not.toContain('account_id');
    expect(e.raw['pkt-src-aws-service']).toBe('-');
  });
});

describe('unknown fields', () => {
  it('warns once per unknown field and passes its values through', () => {
    const r = readFixture('newer-fields.log');
    expect(r.parser.headerProblems).toEqual([
      {
        code: 'flow-unknown-field',
        severity: 'warning',
        file: 'newer-fields.log',
        line: 1,
        reason: expect.stringContaining('"resource-id"'),
      },
      {
        code: 'flow-unknown-field',
        severity: 'warning',
        file: 'newer-fields.log',
        line: 1,
        reason: expect.stringContaining('"encryption-status"'),
      },
    ]);
    expect(r.flows).toHaveLength(3);
    expect(r.flows.map((e) => e.raw['encryption-status'])).toEqual(['1', '1', '0']);
    expect(r.flows[0]?.raw['resource-id']).toBe('-');
  });
});

describe('record versions outside 2–8', () => {
  it('with a header: reads the records and warns once per version per file', () => {
    const r = readFixture('newer-fields.log');
    expect(r.problems).toEqual([]);
    expect(r.flows.map((e) => e.version)).toEqual([10, 10, 10]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatchObject({
      code: 'flow-unknown-version',
      severity: 'warning',
      file: 'newer-fields.log',
      line: 2,
    });
    expect(r.warnings[0]?.reason).toMatch(/"10".*expected 2–8/);
  });

  it('with a header: a non-numeric version is its own warning and leaves version undefined', () => {
    const p = createFlowParser('f.log', 'version srcaddr dstaddr start');
    const a = flowOf(one(p, '9 10.0.1.5 10.0.1.6 1716196200', 2));
    const b = flowOf(one(p, '9 10.0.1.5 10.0.1.6 1716196201', 3));
    const c = flowOf(one(p, 'x 10.0.1.5 10.0.1.6 1716196202', 4));
    expect([a.version, b.version, c.version]).toEqual([9, 9, undefined]);
    expect(p.takeWarnings().map((w) => [w.line, w.code])).toEqual([
      [2, 'flow-unknown-version'],
      [4, 'flow-unknown-version'],
    ]);
    expect(p.takeWarnings()).toEqual([]);
  });

  it('without a header: skips the record, since only version 2 has a known layout', () => {
    const p = createFlowParser('cwl.log', undefined);
    const unknown = problemOf(
      one(
        p,
        '9 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.57 198.51.100.7 49152 443 6 10 840 1716196200 1716196259 ACCEPT OK',
        7,
      ),
    );
    expect(unknown).toMatchObject({
      code: 'flow-unknown-version',
      severity: 'skip',
      file: 'cwl.log',
      line: 7,
    });
    expect(unknown.reason).toMatch(/"9".*expected version 2/);

    const custom = problemOf(
      one(
        p,
        '5 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.57 198.51.100.7 49152 443 6 10 840 1716196200 1716196259 ACCEPT OK',
        8,
      ),
    );
    expect(custom).toMatchObject({ code: 'flow-bad-record', severity: 'skip', line: 8 });
    expect(p.takeWarnings()).toEqual([]);
  });
});

describe('bad records', () => {
  const p = createFlowParser('bad.log', DEFAULT_FLOW_HEADER);
  const good =
    '2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.57 198.51.100.7 49152 443 6 10 840 1716196200 1716196259 ACCEPT OK';
  const withField = (i: number, v: string) =>
    good
      .split(' ')
      .map((f, j) => (j === i ? v : f))
      .join(' ');

  it('skips a line with a different number of fields, saying how many', () => {
    const pr = problemOf(one(p, good.split(' ').slice(0, 13).join(' '), 5));
    expect(pr).toEqual({
      code: 'flow-bad-record',
      severity: 'skip',
      file: 'bad.log',
      line: 5,
      reason: 'found 13 space-separated fields, expected 14 as named by the header',
    });
    expect(problemOf(one(p, `${good} extra`)).reason).toMatch(/found 15 .* expected 14/);
    expect(problemOf(one(p, good.replace(' ', '  '))).code).toBe('flow-bad-record');
  });

  it.each([
    ['srcport', 5, 'http', /srcport is "http", expected a whole number/],
    ['dstport', 6, '-1', /dstport is "-1", expected a whole number/],
    ['bytes', 9, '12.5', /bytes is "12.5", expected a whole number/],
    ['packets', 8, '', /packets is "", expected a whole number/],
    ['start', 10, '2024-05-20T09:10:00Z', /start is "2024-05-20T09:10:00Z", expected Unix seconds/],
    ['action', 12, 'DROP', /action is "DROP", expected ACCEPT, REJECT or "-"/],
    // Numbers are decimal digits, as AWS writes them; what JavaScript would also read is not.
    ['dstport', 6, '0x1BB', /dstport is "0x1BB", expected a whole number/],
    ['bytes', 9, '1e3', /bytes is "1e3", expected a whole number/],
    ['packets', 8, '99999999999999999', /packets is "99999999999999999", expected a whole/],
  ])('skips a record whose %s is not valid', (_name, index, value, reason) => {
    const pr = problemOf(one(p, withField(index, value), 9));
    expect(pr).toMatchObject({ code: 'flow-bad-record', severity: 'skip', line: 9 });
    expect(pr.reason).toMatch(reason);
  });

  it('cuts long junk values short in the reason', () => {
    const pr = problemOf(one(p, withField(5, 'x'.repeat(5000))));
    expect(pr.reason.length).toBeLessThan(200);
  });

  it('falls back to end when start is "-", and skips a record with neither', () => {
    expect(flowOf(one(p, withField(10, '-'))).time).toBe(1716196259_000);
    const neither = withField(10, '-')
      .split(' ')
      .map((f, j) => (j === 11 ? '-' : f))
      .join(' ');
    expect(problemOf(one(p, neither)).reason).toMatch(/no start or end time/);
  });

  it('treats "-" as absent', () => {
    const e = flowOf(one(p, withField(5, '-')));
    expect(e.srcPort).toBeUndefined();
    expect(e.raw['srcport']).toBe('-');
  });
});

describe('values from line to line', () => {
  it('reads each line on its own, whatever the lines before it held', () => {
    const p = createFlowParser('seq.log', DEFAULT_FLOW_HEADER);
    // Addresses that are prefixes of one another, an interface that changes and changes back,
    // and a column that goes from a value to "-" and back.
    const lines = [
      ['eni-1', '10.0.0.1', '10.0.0.12', '443', 'ACCEPT'],
      ['eni-1', '10.0.0.12', '10.0.0.1', '-', 'REJECT'],
      ['eni-22', '10.0.0.1', '10.0.0.1', '4430', 'ACCEPT'],
      ['eni-1', '10.0.0.123', '10.0.0.12', '443', 'REJECT'],
    ];
    const got = lines.map(([eni, src, dst, port, action], i) => {
      const e = flowOf(
        one(
          p,
          `2 123456789012 ${eni} ${src} ${dst} 49152 ${port} 6 10 840 1716196200 1716196259 ${action} OK`,
          i + 2,
        ),
      );
      return [e.interfaceId, e.srcAddr, e.dstAddr, e.dstPort, e.action, e.raw['dstaddr']];
    });
    expect(got).toEqual([
      ['eni-1', '10.0.0.1', '10.0.0.12', 443, 'ACCEPT', '10.0.0.12'],
      ['eni-1', '10.0.0.12', '10.0.0.1', undefined, 'REJECT', '10.0.0.1'],
      ['eni-22', '10.0.0.1', '10.0.0.1', 4430, 'ACCEPT', '10.0.0.1'],
      ['eni-1', '10.0.0.123', '10.0.0.12', 443, 'REJECT', '10.0.0.12'],
    ]);
  });
});

describe('lines that are not records', () => {
  const p = createFlowParser('f.log', DEFAULT_FLOW_HEADER);

  it('returns null for blank lines and a repeated header', () => {
    expect(p.parse('', 3)).toBeNull();
    expect(p.parse('\r', 3)).toBeNull();
    expect(p.parse('   ', 3)).toBeNull();
    expect(p.parse(DEFAULT_FLOW_HEADER, 40)).toBeNull();
  });

  it('reads CRLF line endings', () => {
    const e = flowOf(
      one(
        p,
        '2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.57 198.51.100.7 49152 443 6 10 840 1716196200 1716196259 ACCEPT OK\r',
      ),
    );
    expect(e.logStatus).toBe('OK');
    expect(e.raw['log-status']).toBe('OK');
  });
});

describe('raw', () => {
  it('reads like a plain object of every field, though it is built only when enumerated', () => {
    const p = createFlowParser('v.log', 'version srcaddr dstaddr tcp-flags start end');
    const e = flowOf(one(p, '5 10.0.1.5 203.0.113.9 2 1716196200 1716196260'));
    expect(e.raw['tcp-flags']).toBe('2');
    expect(e.raw['missing']).toBeUndefined();
    expect(e.raw['toString']).toBeUndefined();
    expect('srcaddr' in e.raw).toBe(true);
    expect(Object.keys(e.raw)).toEqual([
      'version',
      'srcaddr',
      'dstaddr',
      'tcp-flags',
      'start',
      'end',
    ]);
    expect(JSON.parse(JSON.stringify(e.raw))).toEqual({
      version: '5',
      srcaddr: '10.0.1.5',
      dstaddr: '203.0.113.9',
      'tcp-flags': '2',
      start: '1716196200',
      end: '1716196260',
    });
    expect({ ...e.raw }['dstaddr']).toBe('203.0.113.9');
    // Read-only: a rule cannot change the evidence.
    expect(() => {
      'use strict';
      (e.raw as Record<string, string>)['srcaddr'] = '0.0.0.0';
    }).toThrow(TypeError);
    expect(e.raw['srcaddr']).toBe('10.0.1.5');
  });
});

describe('hostile header names', () => {
  it('keeps __proto__ and constructor as plain keys and changes no prototype', () => {
    const p = createFlowParser('evil.log', 'version __proto__ constructor srcaddr start');
    expect(p.headerProblems.map((x) => x.reason)).toEqual([
      expect.stringContaining('"__proto__"'),
      expect.stringContaining('"constructor"'),
    ]);
    const e = flowOf(one(p, '2 polluted yes 10.0.1.5 1716196200'));
    expect(Object.getPrototypeOf(e.raw)).toBeNull();
    expect(Object.hasOwn(e.raw, '__proto__')).toBe(true);
    expect(e.raw['__proto__']).toBe('polluted');
    expect(e.raw['constructor']).toBe('yes');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    expect(e.srcAddr).toBe('10.0.1.5');
  });
});
