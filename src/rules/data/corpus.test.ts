/**
 * The data rules on real records. The Invictus dataset (a recorded Stratus Red Team run) shares an
 * EBS snapshot, an AMI and an RDS snapshot with outside accounts, backdoors a bucket policy and
 * has EC2 report that a shared snapshot was used; each must be found, and naming those accounts
 * as trusted must silence the sharing rules. The OTRF "EC2 proxy S3 exfiltration" recording reads
 * a bucket through a stolen instance role; the sensitive-resource rule finds it once the bucket
 * is configured as sensitive, and not before. Terraform's tear-down of the techniques (secrets
 * force-deleted, a database deleted without a final snapshot) is reported until its user agent is
 * configured as automation.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import { compileRules } from '../../engine/compile.js';
import { evaluateMatch } from '../../engine/evaluate.js';
import type { RuleFailure } from '../../engine/evaluate.js';
import type { Hit } from '../../findings/finding.js';
import type { JsonObject } from '../../model/event.js';
import { normaliseCloudTrail } from '../../normalise/cloudtrail.js';
import { RULES } from '../registry.js';

const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/', import.meta.url));
const INVICTUS = `${CORPUS}invictus-aws-dataset/CloudTrail/`;
const OTRF = `${CORPUS}otrf-ec2-proxy-s3-exfiltration/ec2_proxy_s3_exfiltration_2020-09-14011940.json`;

function records(): { file: string; list: JsonObject[] }[] {
  return readdirSync(INVICTUS)
    .sort()
    .map((file) => ({
      file,
      list: (JSON.parse(readFileSync(INVICTUS + file, 'utf8')) as { Records: JsonObject[] })
        .Records,
    }));
}

function run(
  sources: { file: string; list: JsonObject[] }[],
  config: Record<string, unknown> = {},
): { hits: Hit[]; failures: RuleFailure[] } {
  const set = compileRules(RULES, configSchema.parse(config));
  const hits: Hit[] = [];
  const failures: RuleFailure[] = [];
  for (const { file, list } of sources) {
    list.forEach((record, index) => {
      const n = normaliseCloudTrail(record, { file, index });
      if (n.ok) evaluateMatch(set, n.event, hits, failures);
    });
  }
  return {
    hits: hits.filter((h) => h.ruleId.startsWith('aws.data.')),
    failures: failures.filter((f) => f.ruleId.startsWith('aws.data.')),
  };
}

const short = (h: Hit): string =>
  `${h.ruleId.replace('aws.data.', '')} ${h.priority} ${h.eventIds.join(',')}`;

/** Rules whose only Invictus hits are Terraform tearing the techniques' resources down. */
const TEAR_DOWN = new Set([
  'aws.data.secret-scheduled-for-deletion',
  'aws.data.rds-deletion-protection-removed',
]);

describe('data rules on the Invictus dataset', () => {
  it('find each sharing technique and the hand-made snapshots', () => {
    const { hits, failures } = run(records());
    expect(failures).toEqual([]);
    expect(
      hits
        .filter((h) => !TEAR_DOWN.has(h.ruleId))
        .map(short)
        .sort(),
    ).toEqual(
      [
        'ami-shared high 8fe3095f-909c-41f5-a769-00b9ec6e95df',
        'ebs-snapshot-shared high 741616fd-4713-426d-8861-3ccae4ba994e',
        'rds-snapshot-shared high 2d19ab1e-82e9-4302-ad10-a405b50c8d49',
        's3-bucket-policy-cross-account high d58cf935-0194-41d0-baa0-9efc030ce2e6',
        // EC2 reporting that the other account created volumes from a shared snapshot.
        'snapshot-share-used high 895dc875-cb08-45a5-b8c2-9158838741c0',
        'snapshot-share-used high 6b70c0d5-e0b2-4bc0-b903-556e0346a7ac',
        // Snapshots made by the (unconfigured) Terraform user before they were shared.
        'snapshot-created low 9eede385-5c6d-405e-9dda-fd10950e9069',
        'snapshot-created low d0de0948-1ffc-4f5f-ae96-477c2e9f4b6c',
        'snapshot-created low 0516b66a-77ec-4479-a82d-0cda54d3fc5d',
      ].sort(),
    );
  });

  it("report Terraform's tear-down deletions until Terraform is configured as automation", () => {
    const teardown = (config?: Record<string, unknown>) =>
      run(records(), config).hits.filter((h) => TEAR_DOWN.has(h.ruleId));
    const before = teardown();
    // Seventeen secrets force-deleted without recovery, and one DeleteDBInstance with
    // skipFinalSnapshot that failed because the instance was already being deleted.
    expect(before.filter((h) => h.ruleId.endsWith('secret-scheduled-for-deletion'))).toHaveLength(
      17,
    );
    expect(
      before.filter(
        (h) => h.ruleId.endsWith('secret-scheduled-for-deletion') && h.priority !== 'high',
      ),
    ).toEqual([]);
    expect(
      before.filter((h) => h.ruleId.endsWith('rds-deletion-protection-removed')).map(short),
    ).toEqual(['rds-deletion-protection-removed medium c704b1d0-d5a6-4eed-aaf6-caecd497993b']);
    // The profile scripts/invictus.yaml uses: Terraform's user agent is the automation.
    expect(
      teardown({ organisation: { automationUserAgents: ['*HashiCorp-terraform-exec*'] } }),
    ).toEqual([]);
  });

  it('stay quiet about shares with accounts the configuration trusts', () => {
    const { hits } = run(records(), {
      organisation: { trustedAccounts: ['012345678912', '012345678901', '193672423079'] },
    });
    expect(hits.map((h) => h.ruleId).filter((id) => /shared|cross-account/.test(id))).toEqual([]);
  });
});

describe('data rules on the OTRF EC2-proxy S3 exfiltration recording', () => {
  const otrf = [
    {
      file: 'otrf.json',
      list: readFileSync(OTRF, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as JsonObject),
    },
  ];

  it('report nothing while no sensitive bucket is configured', () => {
    expect(run(otrf).hits.map((h) => h.ruleId)).not.toContain('aws.data.sensitive-resource-access');
  });

  it('find the stolen instance role reading the bucket once it is sensitive', () => {
    const { hits } = run(otrf, {
      organisation: { sensitive: { buckets: ['mordors3stack-s3bucket-*'] } },
    });
    const sensitive = hits.filter((h) => h.ruleId === 'aws.data.sensitive-resource-access');
    // Two GetObject of ring.txt at full priority, seven ListObjects one level lower.
    expect(
      sensitive
        .filter((h) => h.priority === 'high')
        .map((h) => h.eventIds[0])
        .sort(),
    ).toEqual(['771299cb-e200-4926-9604-c85358b30499', 'edc2222c-5063-47fb-9fc0-c2ffb86b9d15']);
    expect(sensitive.filter((h) => h.priority === 'medium')).toHaveLength(7);
    expect(sensitive[0]?.summary).toContain('MordorNginxStack-BankingWAFRole');
  });
});
