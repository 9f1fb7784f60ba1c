/**
 * The time and place rules, and the cross-account rule, on the Invictus dataset: a run on a
 * Monday between 11:45 and 12:35 UTC, from private addresses only, inside one account. Nothing
 * fires unless the configuration makes that Monday noon odd; addresses without a country never
 * count as foreign; same-account role use is never cross-account.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import type { Hit } from '../../findings/finding.js';
import { CROSS_ACCOUNT_RULES } from '../cross-account/index.js';
import { cloudTrailDir, replay } from '../lib/replay.js';
import { TIME_GEO_RULES } from './index.js';

const DIR = fileURLToPath(
  new URL('../../../../shared/corpus/invictus-aws-dataset/CloudTrail/', import.meta.url),
);
const RULES = [...TIME_GEO_RULES, ...CROSS_ACCOUNT_RULES];

function hunt(config: Record<string, unknown> = {}): Hit[] {
  const { hits, failures } = replay(RULES, configSchema.parse(config), cloudTrailDir(DIR));
  expect(failures).toEqual([]);
  return hits;
}

/** Sign-ins and role assumptions not made by an AWS service, counted from the raw records. */
function sessionStartsByPeople(): string[] {
  const names = new Set(['ConsoleLogin', 'AssumeRole', 'GetSessionToken']);
  const ids: string[] = [];
  for (const file of readdirSync(DIR)) {
    const { Records } = JSON.parse(readFileSync(DIR + file, 'utf8')) as {
      Records: { eventID: string; eventName: string; userIdentity: { type: string } }[];
    };
    for (const r of Records) {
      if (names.has(r.eventName) && r.userIdentity.type !== 'AWSService') ids.push(r.eventID);
    }
  }
  return ids.sort();
}

describe('time, place and cross-account rules on the Invictus dataset', () => {
  it('report nothing without configuration, or with the account and its country configured', () => {
    expect(hunt()).toEqual([]);
    expect(
      hunt({
        organisation: {
          accounts: ['123837392027'],
          expectedCountries: ['NL'],
          workingHours: { timeZone: 'Europe/Amsterdam', start: '08:00', end: '18:00' },
        },
      }),
    ).toEqual([]);
  });

  it('report every sign-in and role assumption by a person when Monday noon UTC is night', () => {
    const hits = hunt({
      organisation: { workingHours: { timeZone: 'Asia/Tokyo', start: '08:00', end: '18:00' } },
    });
    expect(hits.map((h) => h.eventIds[0]).sort()).toEqual(sessionStartsByPeople());
    expect(
      hits.every((h) => / at Mon 2\d:\d\d local time, outside working hours/.test(h.summary)),
    ).toBe(true);
    // Denied AssumeRole calls are attempts: one level below the rule's low priority.
    expect(new Set(hits.map((h) => h.priority))).toEqual(new Set(['low', 'info']));
  });
});
