import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../model/event.js';
import { athenaRows, canonicalRecord, lakeRow, parseHiveText } from './query-exports.js';

describe('parseHiveText', () => {
  it('reads nested structs, arrays and null', () => {
    expect(
      parseHiveText(
        '{type=AssumedRole, arn=arn:aws:sts::1:assumed-role/r/s, username=null, sessioncontext={attributes={creationdate=2024-03-14 09:01:44.000, mfaauthenticated=false}, sessionissuer={}}, tags=[a, b]}',
      ),
    ).toEqual({
      type: 'AssumedRole',
      arn: 'arn:aws:sts::1:assumed-role/r/s',
      username: null,
      sessioncontext: {
        attributes: { creationdate: '2024-03-14 09:01:44.000', mfaauthenticated: 'false' },
        sessionissuer: {},
      },
      tags: ['a', 'b'],
    });
  });

  it('reads values that are JSON, and values holding commas not followed by a key', () => {
    expect(
      parseHiveText(
        '{policy={"Statement":[{"Effect":"Allow","Action":"s3:*, x=1"}]}, note=one, two, expiration=Mar 14, 2024, 10:12:55 AM, empty=}',
      ),
    ).toEqual({
      policy: { Statement: [{ Effect: 'Allow', Action: 's3:*, x=1' }] },
      note: 'one, two',
      expiration: 'Mar 14, 2024, 10:12:55 AM',
      empty: '',
    });
    expect(parseHiveText('[{arn=a, type=AWS::S3::Bucket}, {arn=b, type=AWS::S3::Object}]')).toEqual(
      [
        { arn: 'a', type: 'AWS::S3::Bucket' },
        { arn: 'b', type: 'AWS::S3::Object' },
      ],
    );
  });

  it('gives up on text it cannot read rather than guessing', () => {
    expect(parseHiveText('{type=Role')).toBeUndefined();
    expect(parseHiveText('{no equals sign}')).toBeUndefined();
    expect(parseHiveText('{a={"broken": }')).toBeUndefined();
  });
});

describe('canonicalRecord', () => {
  it("gives every known field CloudTrail's spelling, at every level", () => {
    const r = canonicalRecord({
      eventname: 'ConsoleLogin',
      EVENTSOURCE: 'signin.amazonaws.com',
      sourceipaddress: '203.0.113.9',
      requestid: 'r-1',
      useridentity: {
        type: 'IAMUser',
        principalid: 'AIDA1',
        sessioncontext: { attributes: { mfaauthenticated: 'false' } },
        onbehalfof: {
          userid: 'u-1',
          identitystorearn: 'arn:aws:identitystore::1:identitystore/d-1',
        },
      },
      resources: '[{arn=arn:aws:s3:::b, accountid=1, type=AWS::S3::Bucket}]',
      readonly: 'true',
      additionaleventdata: '{"MFAUsed":"No","LoginTo":"https://console.aws.amazon.com"}',
      partition_day: '2024/03/14',
    });
    expect(r).toEqual({
      eventName: 'ConsoleLogin',
      eventSource: 'signin.amazonaws.com',
      sourceIPAddress: '203.0.113.9',
      requestID: 'r-1',
      userIdentity: {
        type: 'IAMUser',
        principalId: 'AIDA1',
        sessionContext: { attributes: { mfaAuthenticated: 'false' } },
        onBehalfOf: {
          userId: 'u-1',
          identityStoreArn: 'arn:aws:identitystore::1:identitystore/d-1',
        },
      },
      resources: [{ ARN: 'arn:aws:s3:::b', accountId: '1', type: 'AWS::S3::Bucket' }],
      readOnly: true,
      // Map fields keep the service's own keys.
      additionalEventData: { MFAUsed: 'No', LoginTo: 'https://console.aws.amazon.com' },
      partition_day: '2024/03/14',
    });
  });

  it('keeps text it cannot read as it is', () => {
    const r = canonicalRecord({ eventname: 'X', useridentity: '{type=Root', readonly: 'maybe' });
    expect(r).toEqual({ eventName: 'X', userIdentity: '{type=Root', readOnly: 'maybe' });
  });

  it('keeps __proto__ and constructor as data in the objects it builds', () => {
    const row = JSON.parse(
      '{"eventname":"X","__proto__":{"polluted":1},"constructor":"c","useridentity":"{__proto__={polluted=1}, type=Root}"}',
    ) as JsonObject;
    const r = canonicalRecord(row);
    expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
    expect(Object.hasOwn(r, '__proto__')).toBe(true);
    expect(r.constructor).toBe('c');
    expect(Object.hasOwn(r.userIdentity as object, '__proto__')).toBe(true);
    expect((r.userIdentity as JsonObject).type).toBe('Root');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const lake = lakeRow(JSON.parse('[{"__proto__":{"polluted":1}},{"eventName":"Y"}]'));
    expect(lake && Object.hasOwn(lake, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('lakeRow and athenaRows', () => {
  it('merges a Lake row of one-column objects and refuses anything else', () => {
    expect(lakeRow([{ eventName: 'A' }, { eventTime: '2024-03-14 09:05:12.000' }])).toEqual({
      eventName: 'A',
      eventTime: '2024-03-14 09:05:12.000',
    });
    expect(lakeRow({ eventName: 'A' })).toBeUndefined();
    expect(lakeRow([{ eventName: 'A' }, 'x'])).toBeUndefined();
  });

  it('names Athena cells by their columns, taking the header from the first row when metadata is missing', () => {
    const rows = athenaRows({
      Rows: [
        { Data: [{ VarCharValue: 'eventname' }, { VarCharValue: 'errorcode' }] },
        { Data: [{ VarCharValue: 'DeleteTrail' }, {}] },
      ],
    });
    expect(rows).toEqual([{ index: 1, row: { eventname: 'DeleteTrail', errorcode: null } }]);
  });

  it('keeps a first row that is data when the metadata names the columns', () => {
    const rows = athenaRows({
      Rows: [{ Data: [{ VarCharValue: 'DeleteTrail' }] }],
      ResultSetMetadata: { ColumnInfo: [{ Name: 'eventname' }] },
    });
    expect(rows).toEqual([{ index: 0, row: { eventname: 'DeleteTrail' } }]);
  });
});
