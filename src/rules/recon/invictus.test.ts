/**
 * The reconnaissance rules on the Invictus dataset: every call Stratus Red Team made carries its
 * user agent; the get-password-data and get-user-data techniques leave runs of denied calls by
 * role sessions; the Terraform set-up reads instance user data while it builds instances.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import type { Hit } from '../../findings/finding.js';
import { cloudTrailDir, replay } from '../lib/replay.js';
import { RECON_RULES } from './index.js';

const DIR = fileURLToPath(
  new URL('../../../../shared/corpus/invictus-aws-dataset/CloudTrail/', import.meta.url),
);

function hunt(config: Record<string, unknown> = {}): Hit[] {
  const { hits, failures } = replay(RECON_RULES, configSchema.parse(config), cloudTrailDir(DIR));
  expect(failures).toEqual([]);
  return hits;
}

/** Event ids of records whose user agent contains `needle`, counted independently of the rule. */
function eventIdsWithUserAgent(needle: string): string[] {
  const ids: string[] = [];
  for (const file of readdirSync(DIR)) {
    const { Records } = JSON.parse(readFileSync(DIR + file, 'utf8')) as {
      Records: { eventID: string; userAgent?: string }[];
    };
    for (const r of Records) if (r.userAgent?.includes(needle) === true) ids.push(r.eventID);
  }
  return ids.sort();
}

const of = (hits: Hit[], rule: string): Hit[] => hits.filter((h) => h.ruleId.endsWith(rule));

describe('recon rules on the Invictus dataset', () => {
  it('flag exactly the calls made by Stratus Red Team, as an attack tool, per principal', () => {
    const hits = of(hunt(), 'attack-tool-user-agent');
    expect(hits.map((h) => h.eventIds[0]).sort()).toEqual(
      eventIdsWithUserAgent('stratus-red-team_'),
    );
    expect(new Set(hits.map((h) => h.priority))).toEqual(new Set(['high']));
    expect(new Set(hits.map((h) => h.key.split('|')[1]))).toEqual(new Set(['stratus-red-team']));
  });

  it('report the denied enumeration by the techniques’ role sessions and nothing else', () => {
    const hits = of(hunt(), 'denied-enumeration-temporary-credentials');
    // 15 DescribeInstanceAttribute (userData) and 29 GetPasswordData, all refused.
    const byName = new Map<string, number>();
    for (const h of hits) {
      const name = /was denied (\w+)/.exec(h.summary)?.[1] ?? '?';
      byName.set(name, (byName.get(name) ?? 0) + 1);
    }
    expect(Object.fromEntries(byName)).toEqual({
      DescribeInstanceAttribute: 15,
      GetPasswordData: 29,
    });
    expect(
      hits.every((h) => h.actor.type === 'AssumedRole' && h.actor.accessKeyId?.startsWith('ASIA')),
    ).toBe(true);
    // The console user's denied Cost Explorer reads (IAMUser, temporary console key) are not here.
    expect(hits.some((h) => h.summary.includes('GetCostAndUsage'))).toBe(false);
  });

  it('report user-data reads: the technique’s attempts always, Terraform’s until it is CI/CD', () => {
    const all = of(hunt(), 'instance-user-data-read');
    expect(all.filter((h) => h.priority === 'low')).toHaveLength(15);
    expect(all.filter((h) => h.priority === 'medium')).toHaveLength(4);
    const attack = of(
      hunt({ organisation: { automationUserAgents: ['*HashiCorp-terraform-exec*'] } }),
      'instance-user-data-read',
    );
    expect(attack).toHaveLength(15);
    expect(attack.every((h) => h.summary.includes('tried to read the user data'))).toBe(true);
  });
});
