import { describe, expect, it } from 'vitest';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import { normaliseCloudTrail } from '../../normalise/cloudtrail.js';
import { ctRecord } from '../lib.js';
import {
  allPorts,
  ec2Items,
  portsHit,
  securityGroupPermissions,
  sharesAdded,
} from './ec2-shapes.js';

function event(
  eventName: string,
  request: JsonObject,
  response: JsonObject | null = null,
): ApiEvent {
  const n = normaliseCloudTrail(
    ctRecord({
      eventSource: 'ec2.amazonaws.com',
      eventName,
      requestParameters: request,
      responseElements: response,
    }),
    { file: 'test', index: 0 },
  );
  if (!n.ok) throw new Error(n.reason);
  return n.event;
}

describe('ec2Items', () => {
  it('unwraps items / item lists and treats {} as empty', () => {
    expect(ec2Items({ items: [{ a: 1 }, { a: 2 }] })).toHaveLength(2);
    expect(ec2Items({ item: { a: 1 } })).toEqual([{ a: 1 }]);
    expect(ec2Items({})).toEqual([]);
    expect(ec2Items([{ a: 1 }, { items: [{ a: 2 }] }])).toHaveLength(2);
  });
});

describe('securityGroupPermissions', () => {
  it('reads the nested shape with IPv4 and IPv6 ranges', () => {
    const [p] = securityGroupPermissions(
      event('AuthorizeSecurityGroupIngress', {
        groupId: 'sg-1',
        ipPermissions: {
          items: [
            {
              ipProtocol: 'tcp',
              fromPort: 22,
              toPort: 22,
              ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] },
              ipv6Ranges: { items: [{ cidrIpv6: '::/0' }] },
            },
          ],
        },
      }),
    );
    expect(p).toMatchObject({
      direction: 'ingress',
      protocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      cidrs: ['0.0.0.0/0', '::/0'],
    });
  });

  it('reads the flat legacy shape', () => {
    const perms = securityGroupPermissions(
      event('AuthorizeSecurityGroupIngress', {
        groupId: 'sg-1',
        ipPermissions: {},
        ipProtocol: '6',
        fromPort: 3389,
        toPort: 3389,
        cidrIp: '0.0.0.0/0',
      }),
    );
    expect(perms).toEqual([
      expect.objectContaining({ protocol: 'tcp', fromPort: 3389, cidrs: ['0.0.0.0/0'] }),
    ]);
  });

  it('reads ModifySecurityGroupRules with {content} values, direction unknown', () => {
    const perms = securityGroupPermissions(
      event('ModifySecurityGroupRules', {
        ModifySecurityGroupRulesRequest: {
          GroupId: { tag: 1, content: 'sg-1' },
          SecurityGroupRule: [
            {
              tag: 1,
              SecurityGroupRuleId: { tag: 1, content: 'sgr-1' },
              SecurityGroupRule: {
                IpProtocol: { tag: 1, content: 'tcp' },
                FromPort: { tag: 1, content: '445' },
                ToPort: 445,
                CidrIpv4: { tag: 1, content: '0.0.0.0/0' },
              },
            },
          ],
        },
      }),
    );
    expect(perms).toEqual([
      {
        direction: 'unknown',
        protocol: 'tcp',
        fromPort: 445,
        toPort: 445,
        cidrs: ['0.0.0.0/0'],
        ruleId: 'sgr-1',
      },
    ]);
  });

  it('reads the response rule set with its own direction', () => {
    const perms = securityGroupPermissions(
      event(
        'AuthorizeSecurityGroupEgress',
        { groupId: 'sg-1' },
        {
          _return: true,
          securityGroupRuleSet: {
            items: [
              {
                securityGroupRuleId: 'sgr-2',
                isEgress: true,
                ipProtocol: '-1',
                fromPort: -1,
                toPort: -1,
                cidrIpv6: '::/0',
              },
            ],
          },
        },
      ),
    );
    expect(perms).toEqual([
      {
        direction: 'egress',
        protocol: '-1',
        fromPort: -1,
        toPort: -1,
        cidrs: ['::/0'],
        ruleId: 'sgr-2',
      },
    ]);
  });
});

describe('ports', () => {
  it('knows all-port ranges and which admin ports a range opens', () => {
    expect(allPorts({ protocol: '-1' })).toBe(true);
    expect(allPorts({ protocol: 'tcp', fromPort: 0, toPort: 65535 })).toBe(true);
    expect(allPorts({ protocol: 'tcp', fromPort: 1024, toPort: 65535 })).toBe(false);
    expect(allPorts({ protocol: 'icmp', fromPort: -1, toPort: -1 })).toBe(false);
    expect(portsHit({ protocol: 'tcp', fromPort: 20, toPort: 25 }, [22, 3389])).toEqual([22]);
    expect(portsHit({ protocol: 'icmp', fromPort: 22, toPort: 22 }, [22])).toEqual([]);
  });
});

describe('sharesAdded', () => {
  it('reads structured and legacy flat share changes, ignoring removals', () => {
    expect(
      sharesAdded(
        event('ModifySnapshotAttribute', {
          snapshotId: 'snap-1',
          createVolumePermission: {
            add: { items: [{ userId: '111122223333' }, { group: 'all' }] },
            remove: { items: [{ userId: '999988887777' }] },
          },
        }),
        'createVolumePermission',
      ),
    ).toEqual({ everyone: true, accounts: ['111122223333'], organisations: [] });
    expect(
      sharesAdded(
        event('ModifyImageAttribute', {
          imageId: 'ami-1',
          attribute: 'launchPermission',
          operationType: 'add',
          userGroup: ['all'],
        }),
        'launchPermission',
      ).everyone,
    ).toBe(true);
    expect(
      sharesAdded(
        event('ModifySnapshotAttribute', {
          snapshotId: 'snap-1',
          attribute: 'createVolumePermission',
          operationType: 'remove',
          userId: ['111122223333'],
        }),
        'createVolumePermission',
      ).accounts,
    ).toEqual([]);
  });
});
