import { describe, expect, it } from 'vitest';
import { baseEventName, normaliseCloudTrail, parseEventTime } from './cloudtrail.js';

const origin = { file: 'f.json', index: 0 };

describe('normaliseCloudTrail', () => {
  it('lifts the fields rules use', () => {
    const r = normaliseCloudTrail(
      {
        eventTime: '2023-07-10T11:42:36Z',
        eventSource: 'lambda.amazonaws.com',
        eventName: 'CreateFunction20150331',
        awsRegion: 'us-east-1',
        recipientAccountId: '111111111111',
        errorCode: 'Success',
        userIdentity: {
          type: 'AssumedRole',
          arn: 'arn:aws:sts::222222222222:assumed-role/dev/alice',
          accountId: '222222222222',
          sessionContext: {
            sessionIssuer: { arn: 'arn:aws:iam::222222222222:role/dev', userName: 'dev' },
            attributes: { mfaAuthenticated: 'false' },
          },
        },
        requestParameters: { CreateVpcEndpointRequest: { VpcId: 'vpc-1' } },
      },
      origin,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.event.eventName).toBe('CreateFunction');
    expect(r.event.eventNameRaw).toBe('CreateFunction20150331');
    expect(r.event.account).toBe('111111111111');
    expect(r.event.errorCode).toBeUndefined();
    expect(r.event.actor.sessionIssuerArn).toBe('arn:aws:iam::222222222222:role/dev');
    expect(r.event.actor.mfaAuthenticated).toBe(false);
    expect(r.event.request).toEqual({ VpcId: 'vpc-1' });
    expect(r.event.time).toBe(Date.UTC(2023, 6, 10, 11, 42, 36));
  });

  it('accepts @timestamp, Lake times and JSON-string objects', () => {
    const r = normaliseCloudTrail(
      {
        '@timestamp': '2020-09-14T00:44:23.000Z',
        eventSource: 's3.amazonaws.com',
        eventName: 'GetObject',
        userIdentity: '{"type":"IAMUser","arn":"arn:aws:iam::1:user/bob"}',
        requestParameters: '{"bucketName":"b"}',
      },
      origin,
    );
    expect(r.ok && r.event.actor.arn).toBe('arn:aws:iam::1:user/bob');
    expect(r.ok && r.event.request).toEqual({ bucketName: 'b' });
    expect(parseEventTime('2023-07-10 11:42:36.000')).toBe(Date.UTC(2023, 6, 10, 11, 42, 36));
  });

  it('refuses records it cannot place in time or that are not CloudTrail', () => {
    const a = normaliseCloudTrail({ foo: 1 }, origin);
    expect(a).toMatchObject({ ok: false, code: 'not-cloudtrail' });
    const b = normaliseCloudTrail(
      { eventSource: 'x.amazonaws.com', eventName: 'X', eventTime: 'yesterday' },
      origin,
    );
    expect(b).toMatchObject({ ok: false, code: 'bad-event-time' });
  });

  it('never throws on odd shapes', () => {
    const odd = [
      { eventSource: 1, eventName: [], eventTime: {} },
      { eventSource: 'a', eventName: 'b', eventTime: '2023-01-01T00:00:00Z', userIdentity: 'nope' },
      { eventSource: 'a', eventName: 'b', eventTime: '2023-01-01T00:00:00Z', resources: 'x' },
    ];
    for (const o of odd) expect(() => normaliseCloudTrail(o as never, origin)).not.toThrow();
  });

  it('strips API-version suffixes only', () => {
    expect(baseEventName('UpdateFunctionCode20150331v2')).toBe('UpdateFunctionCode');
    expect(baseEventName('AddPermission20150331v2')).toBe('AddPermission');
    expect(baseEventName('StopLogging')).toBe('StopLogging');
  });
});
