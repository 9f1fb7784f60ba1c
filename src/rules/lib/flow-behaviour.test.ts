import { describe, expect, it } from 'vitest';
import { createFlowParser } from '../../formats/flow.js';
import type { FlowEvent } from '../../model/event.js';
import {
  destination,
  eniFor,
  FLOW_V2_HEADER,
  FLOW_V5_HEADER,
  hostKey,
  instanceFor,
  listOf,
  opensConnection,
  parseDestination,
  span,
  v2Line,
  v5Line,
  type FlowSpec,
} from './flow-behaviour.js';

function parse(line: string, header?: string): FlowEvent {
  const parser = createFlowParser('test.log', header);
  expect(parser.headerProblems).toEqual([]);
  const d = parser.parse(line, 1);
  if (d?.type !== 'flow') throw new Error(`not a flow: ${JSON.stringify(d)}`);
  return d.event;
}

const SPEC: FlowSpec = {
  src: '10.20.1.15',
  dst: '198.51.100.99',
  srcPort: 41_000,
  dstPort: 443,
  start: 1_773_453_607,
  duration: 2,
  packets: 9,
  bytes: 2_310,
};

describe('flow-log lines for examples', () => {
  it('writes v2 records the parser reads field for field, with or without the header', () => {
    for (const header of [undefined, FLOW_V2_HEADER]) {
      const e = parse(v2Line(SPEC), header);
      expect(e).toMatchObject({
        version: 2,
        account: '123456789012',
        interfaceId: eniFor('10.20.1.15'),
        srcAddr: '10.20.1.15',
        dstAddr: '198.51.100.99',
        srcPort: 41_000,
        dstPort: 443,
        protocol: 6,
        packets: 9,
        bytes: 2_310,
        time: 1_773_453_607_000,
        end: 1_773_453_609_000,
        action: 'ACCEPT',
        logStatus: 'OK',
      });
    }
  });

  it('writes v5 records with every field in the documented order', () => {
    expect(FLOW_V5_HEADER.split(' ')).toHaveLength(29);
    const line = v5Line({ ...SPEC, tcpFlags: 19, direction: 'ingress', dstService: 'S3' });
    expect(line.split(' ')).toHaveLength(29);
    const e = parse(line, FLOW_V5_HEADER);
    expect(e).toMatchObject({
      version: 5,
      direction: 'ingress',
      region: 'eu-west-1',
      // An ingress record is logged by the receiver's interface.
      interfaceId: eniFor('198.51.100.99'),
      instanceId: instanceFor('198.51.100.99'),
      pktSrcAddr: '10.20.1.15',
    });
    expect(e.raw['tcp-flags']).toBe('19');
    expect(e.raw['traffic-path']).toBe('-');
    expect(e.raw['pkt-dst-aws-service']).toBe('S3');
  });

  it('derives stable resource ids shaped like AWS ones', () => {
    expect(eniFor('10.0.0.1')).toMatch(/^eni-0[0-9a-f]{16}$/);
    expect(instanceFor('10.0.0.1')).toMatch(/^i-0[0-9a-f]{16}$/);
    expect(eniFor('10.0.0.1')).toBe(eniFor('10.0.0.1'));
    expect(eniFor('10.0.0.1')).not.toBe(eniFor('10.0.0.2'));
  });
});

describe('opensConnection', () => {
  const v5 = (over: Partial<FlowSpec>): FlowEvent =>
    parse(v5Line({ ...SPEC, ...over }), FLOW_V5_HEADER);

  it('uses TCP flags when the log has them', () => {
    expect(opensConnection(v5({ tcpFlags: 2 }))).toBe(true); // SYN
    expect(opensConnection(v5({ tcpFlags: 3 }))).toBe(true); // SYN, FIN
    expect(opensConnection(v5({ tcpFlags: 19 }))).toBe(false); // SYN-ACK: the server side
    expect(opensConnection(v5({ tcpFlags: 0 }))).toBe(false); // a held-open connection
    // Even a client port above a service port counts when the flags say SYN.
    expect(opensConnection(v5({ srcPort: 443, dstPort: 50_000, tcpFlags: 2 }))).toBe(true);
  });

  it('falls back to the port heuristic without flags, honouring service ports', () => {
    expect(opensConnection(parse(v2Line(SPEC)))).toBe(true);
    const answer = parse(v2Line({ ...SPEC, srcPort: 443, dstPort: 41_000 }));
    expect(opensConnection(answer)).toBe(false);
    const mysql = parse(v2Line({ ...SPEC, srcPort: 3306, dstPort: 41_000 }));
    expect(opensConnection(mysql)).toBe(true);
    expect(opensConnection(mysql, [3306])).toBe(false);
    // UDP has no flags even in v5.
    const dns = v5({ protocol: 17, srcPort: 53, dstPort: 51_000 });
    expect(opensConnection(dns)).toBe(false);
  });
});

describe('destinations', () => {
  it('names a destination by protocol and reads it back', () => {
    const tcp = parse(v2Line(SPEC));
    expect(destination(tcp)).toBe('198.51.100.99:443');
    expect(hostKey(tcp)).toBe('123456789012/10.20.1.15');
    const udp = parse(v2Line({ ...SPEC, protocol: 17, dstPort: 53 }));
    expect(destination(udp)).toBe('198.51.100.99:53/udp');
    const icmp = parse(v2Line({ ...SPEC, protocol: 1, srcPort: 0, dstPort: 0 }));
    expect(destination(icmp)).toBe('198.51.100.99/icmp');

    expect(parseDestination('10.20.2.7:22')).toEqual({ host: '10.20.2.7', port: 22 });
    expect(parseDestination('10.20.2.7:53/udp')).toEqual({ host: '10.20.2.7', port: 53 });
    expect(parseDestination('10.20.2.7/icmp')).toEqual({ host: '10.20.2.7' });
    expect(parseDestination('fd00::7:22')).toEqual({ host: 'fd00::7', port: 22 });
    expect(parseDestination('fd00::7/icmpv6')).toEqual({ host: 'fd00::7' });
  });
});

describe('summary helpers', () => {
  it('lists a few items and counts the rest', () => {
    expect(listOf([])).toBe('');
    expect(listOf([22])).toBe('22');
    expect(listOf([22, 445])).toBe('22 and 445');
    expect(listOf([22, 445, 3389])).toBe('22, 445 and 3389');
    expect(listOf([1, 2, 3, 4, 5, 6, 7], 5)).toBe('1, 2, 3, 4, 5 and 2 more');
  });

  it('states when a group happened to the minute', () => {
    const t = Date.parse('2026-03-14T02:10:03Z');
    expect(span(t, t + 20_000)).toBe('at 2026-03-14 02:10 UTC');
    expect(span(t, t + 35 * 60_000)).toBe('from 2026-03-14 02:10 to 02:45 UTC');
    expect(span(t, t + 86_400_000)).toBe('from 2026-03-14 02:10 UTC to 2026-03-15 02:10 UTC');
  });
});
