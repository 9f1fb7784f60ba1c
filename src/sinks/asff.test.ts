import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Rule } from '../engine/rule.js';
import type { Finding } from '../findings/finding.js';
import type { RunSummary } from '../hunt/summary.js';
import { RULES } from '../rules/registry.js';
import { validateAsffFinding, validateBatch } from '../../test/helpers/asff.js';
import { EXAMPLES, INVICTUS, huntFindings, suppressedCopy } from '../../test/helpers/findings.js';
import { asffLines, asffTypes, clip, toAsff } from './asff.js';
import { writeOutput } from './index.js';

const byId = new Map<string, Rule>(RULES.map((r) => [r.id, r]));
const rules = (id: string) => byId.get(id);

let examples: Finding[];
let invictus: Finding[];
beforeAll(async () => {
  [examples, invictus] = await Promise.all([huntFindings(EXAMPLES), huntFindings(INVICTUS)]);
});

const bodies = (lines: Iterable<string>) =>
  [...lines].map((l) => {
    expect(l.endsWith('\n')).toBe(true);
    expect(l.slice(0, -1)).not.toContain('\n');
    return JSON.parse(l) as { Findings: Record<string, any>[] };
  });

/** `n` distinct copies of `f` (ids differ, as distinct findings' ids do). */
const copies = (f: Finding, n: number, over: Partial<Finding> = {}): Finding[] =>
  Array.from({ length: n }, (_, i) => ({
    ...f,
    id: `${f.id.slice(0, 24)}${String(i).padStart(8, '0')}`,
    ...over,
  }));

describe('asff format on real hunts', () => {
  it('every finding of the examples and the Invictus dataset goes out in a valid request body', () => {
    for (const findings of [examples, invictus]) {
      const all = [...findings, ...findings.map((f) => suppressedCopy({ ...f, id: `s${f.id}` }))];
      const out = bodies(asffLines(all, { rules }));
      for (const body of out) expect(validateBatch(body)).toEqual([]);
      const ids = out.flatMap((b) => b.Findings.map((f) => f.Id));
      expect(ids).toEqual(all.map((f) => f.id));
    }
    // Without the rule lookup there is no Remediation, and the findings are still valid.
    for (const body of bodies(asffLines(examples))) {
      expect(validateBatch(body)).toEqual([]);
      for (const f of body.Findings) expect(f.Remediation).toBeUndefined();
    }
  });

  it('maps the CloudTrail-stopped finding', () => {
    const f = examples.find((x) => x.rule.id === 'aws.evasion.cloudtrail-stopped')!;
    const a = toAsff(f, '111122223333', 'eu-west-1', rules) as Record<string, any>;
    const rule = byId.get(f.rule.id)!;
    expect(a).toMatchObject({
      SchemaVersion: '2018-10-08',
      Id: f.id,
      ProductArn: 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default',
      GeneratorId: 'aws.evasion.cloudtrail-stopped',
      AwsAccountId: '111122223333',
      Types: ['TTPs/Defense Evasion/T1562.008 Disable or Modify Cloud Logs'],
      CreatedAt: '2026-03-14T13:43:40Z',
      UpdatedAt: '2026-03-14T13:43:40Z',
      FirstObservedAt: '2026-03-14T13:43:40Z',
      LastObservedAt: '2026-03-14T13:43:40Z',
      Severity: { Label: 'HIGH', Original: 'high' },
      Title: rule.title,
      Description: f.summary,
      Workflow: { Status: 'NEW' },
      RecordState: 'ACTIVE',
      Resources: [
        {
          Type: 'AwsIamUser',
          Id: 'arn:aws:iam::111122223333:user/svc-backup',
          Partition: 'aws',
          Region: 'eu-west-1',
        },
        { Type: 'AwsIamAccessKey', Id: 'AKIAEXAMPLEBACKUP7Q2' },
        { Type: 'AwsAccount', Id: 'AWS::::Account:111122223333' },
      ],
      ProductFields: {
        'trailhound/RuleId': 'aws.evasion.cloudtrail-stopped',
        'trailhound/Mitre': 'T1562.008',
        'trailhound/Actor/SourceIp': '185.220.101.47',
      },
    });
    expect(a.Remediation.Recommendation.Text).toMatch(/^1\. /);
    expect(a.Remediation.Recommendation.Url).toBe(rule.references[0]);
  });

  it('types follow the tactics: TTPs, exfiltration as an effect, unusual behaviour otherwise', () => {
    const created = examples.find((x) => x.rule.id === 'aws.iam.access-key-created')!;
    expect(asffTypes(created)).toEqual([
      'TTPs/Persistence/T1098.001 Additional Cloud Credentials',
      'TTPs/Privilege Escalation/T1098.001 Additional Cloud Credentials',
    ]);
    const shared = examples.find((x) => x.rule.id === 'aws.data.ebs-snapshot-shared')!;
    expect(shared.mitre).toEqual(['T1537']);
    expect(asffTypes(shared)).toEqual(['Effects/Data Exfiltration']);
    expect(asffTypes({ ...shared, mitre: ['T1496.004'] })).toEqual([
      'Effects/Resource Consumption',
    ]);
    expect(asffTypes({ ...shared, mitre: ['T1584.001'] })).toEqual(['Unusual Behaviors/User']);
    const beacon = examples.find((x) => x.rule.id === 'aws.network.flow-beaconing')!;
    expect(asffTypes({ ...beacon, mitre: [] })).toEqual(['Unusual Behaviors/Network Flow']);
  });

  it('an assumed-role session is an Other resource; the root user only the account', () => {
    const session = examples.find((x) => x.actor.type === 'AssumedRole')!;
    const a = toAsff(session, '111122223333', 'eu-west-1') as Record<string, any>;
    expect(a.Resources[0]).toMatchObject({
      Type: 'Other',
      Id: session.actor.arn,
      Details: { Other: { PrincipalArn: session.actor.arn, PrincipalType: 'AssumedRole' } },
    });
    const root = { ...session, actor: { arn: 'arn:aws:iam::111122223333:root', type: 'Root' } };
    expect((toAsff(root, '111122223333', 'eu-west-1') as any).Resources).toEqual([
      {
        Type: 'AwsAccount',
        Id: 'AWS::::Account:111122223333',
        Partition: 'aws',
        Region: 'eu-west-1',
      },
    ]);
  });

  it('a suppressed finding is Workflow SUPPRESSED with the reason in ProductFields', () => {
    const a = toAsff(suppressedCopy(examples[0]!), '111122223333', 'eu-west-1') as any;
    expect(a.Workflow).toEqual({ Status: 'SUPPRESSED' });
    expect(a.ProductFields).toMatchObject({
      'trailhound/Suppressed/By': 'suppression',
      'trailhound/Suppressed/Reason': 'scheduled red-team exercise',
      'trailhound/Suppressed/Ticket': 'CHG-123',
    });
  });

  it('actions and partly overlapping changes go to ProductFields', () => {
    const f: Finding = {
      ...examples[1]!,
      evidence: { ...examples[1]!.evidence, actions: ['iam:AttachUserPolicy', 'iam:CreateUser'] },
      changes: [
        { by: 'deploy', ticket: 'infra#42', overlap: 'partial', reason: 'outside the run' },
      ],
    };
    const a = toAsff(f, '111122223333', 'eu-west-1') as any;
    expect(validateAsffFinding(a)).toEqual([]);
    expect(a.Workflow).toEqual({ Status: 'NEW' });
    expect(a.ProductFields).toMatchObject({
      'trailhound/Actions': 'iam:AttachUserPolicy,iam:CreateUser',
      'trailhound/Change/1': 'deploy infra#42 (partial): outside the run',
    });
  });

  it('severity labels for every priority', () => {
    const f = examples[0]!;
    const labels = (['info', 'low', 'medium', 'high', 'critical'] as const).map(
      (priority) => (toAsff({ ...f, priority }, '111122223333', 'eu-west-1') as any).Severity.Label,
    );
    expect(labels).toEqual(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
  });
});

describe('asff batches', () => {
  it('at most 100 findings a line: 250 findings are three bodies of 100, 100 and 50', () => {
    const many = copies(examples[1]!, 250);
    const out = bodies(asffLines(many));
    expect(out.map((b) => b.Findings.length)).toEqual([100, 100, 50]);
    for (const body of out) expect(validateBatch(body)).toEqual([]);
    expect(out.flatMap((b) => b.Findings.map((f) => f.Id))).toEqual(many.map((f) => f.id));
  });

  it('one body per account and region, each with its own product ARN', () => {
    const f = examples[1]!;
    const mixed = [
      ...copies(f, 3),
      ...copies(f, 2, { account: '444455556666' }),
      ...copies(f, 1, { region: 'cn-north-1' }),
    ];
    const out = bodies(asffLines(mixed));
    expect(out.map((b) => [b.Findings.length, b.Findings[0]!.ProductArn])).toEqual([
      [3, 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default'],
      [2, 'arn:aws:securityhub:eu-west-1:444455556666:product/444455556666/default'],
      [1, 'arn:aws-cn:securityhub:cn-north-1:111122223333:product/111122223333/default'],
    ]);
    for (const body of out) expect(validateBatch(body)).toEqual([]);
  });

  it('a finding with no account is left out and reported, or given the default account', () => {
    const f = examples[1]!;
    const orphan = { ...f, id: 'orphan', account: null, region: null };
    const skipped: string[] = [];
    const out = bodies(
      asffLines([f, orphan], { onSkipped: (x, reason) => skipped.push(`${x.id}: ${reason}`) }),
    );
    expect(out.flatMap((b) => b.Findings.map((x) => x.Id))).toEqual([f.id]);
    expect(skipped).toEqual([
      'orphan: the finding names no AWS account and no default account was given',
    ]);

    const defaulted = bodies(asffLines([orphan], { defaultAccount: '999988887777' }));
    expect(defaulted[0]!.Findings[0]).toMatchObject({
      AwsAccountId: '999988887777',
      ProductArn: 'arn:aws:securityhub:us-east-1:999988887777:product/999988887777/default',
    });
    expect(validateBatch(defaulted[0])).toEqual([]);
    const badDefault: string[] = [];
    expect([
      ...asffLines([orphan], { defaultAccount: '12345', onSkipped: (_f, r) => badDefault.push(r) }),
    ]).toEqual([]);
    expect(badDefault).toEqual(['"12345" is not a 12-digit AWS account id']);
  });
});

describe('asff limits', () => {
  it('cuts over-long text with an ellipsis to the documented limits', () => {
    const f = examples.find((x) => x.rule.id === 'aws.evasion.cloudtrail-stopped')!;
    const long: Finding = {
      ...f,
      rule: { ...f.rule, title: `T${'i'.repeat(400)}` },
      summary: `S${'u'.repeat(3000)}`,
      actor: { ...f.actor, userAgent: `U${'a'.repeat(5000)}` },
      evidence: {
        ...f.evidence,
        figures: Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`figure${i}`, i])),
      },
    };
    const longRule = {
      ...byId.get(f.rule.id)!,
      response: Array.from({ length: 20 }, (_, i) => `Step ${i} ${'r'.repeat(60)}`),
    } as Rule;
    // Unclipped, the same values break the documented limits: the validator would say so.
    expect(
      validateAsffFinding({ ...toAsff(f, '111122223333', 'eu-west-1'), Title: long.rule.title }),
    ).toContain('finding.Title: 401 characters, at most 256');

    const a = toAsff(long, '111122223333', 'eu-west-1', () => longRule) as Record<string, any>;
    expect(validateAsffFinding(a)).toEqual([]);
    expect(a.Title).toHaveLength(256);
    expect(a.Title.endsWith('…')).toBe(true);
    expect(a.Title.startsWith('Tiii')).toBe(true);
    expect(a.Description).toHaveLength(1024);
    expect(a.Description.endsWith('…')).toBe(true);
    expect(a.Remediation.Recommendation.Text).toHaveLength(512);
    expect(a.Remediation.Recommendation.Text.endsWith('…')).toBe(true);
    expect(Object.keys(a.ProductFields)).toHaveLength(50);
    expect(a.ProductFields['trailhound/Actor/UserAgent']).toHaveLength(2048);
    expect(a.ProductFields['trailhound/RuleId']).toBe(f.rule.id);
  });

  it('clip never splits a surrogate pair and leaves short text alone', () => {
    expect(clip('short', 10)).toBe('short');
    expect(clip('abcdef', 4)).toBe('abc…');
    const emoji = 'ab\u{1F600}cd'; // a, b, then a pair at 2..3
    expect(clip(emoji, 4)).toBe('ab…');
    expect(clip(emoji, 5)).toBe('ab\u{1F600}…');
  });
});

describe('writeOutput --format asff', () => {
  it('writes request bodies, passes rule metadata, and warns about findings left out', async () => {
    let text = '';
    const out = new Writable({
      write(chunk, _enc, done) {
        text += String(chunk);
        done();
      },
    });
    const warnings: string[] = [];
    const orphan = { ...examples[0]!, id: 'orphan', account: null };
    await writeOutput([...examples, orphan], {} as RunSummary, {
      format: 'asff',
      out,
      color: false,
      rules: RULES,
      onWarning: (m) => warnings.push(m),
    });
    const out1 = bodies(text.split(/(?<=\n)/));
    expect(out1.flatMap((b) => b.Findings)).toHaveLength(examples.length);
    for (const body of out1) expect(validateBatch(body)).toEqual([]);
    expect(out1[0]!.Findings[0]!.Remediation).toBeDefined();
    expect(warnings).toEqual([
      `finding orphan (${orphan.rule.id}) left out of the asff output: the finding names no AWS account and no default account was given`,
    ]);

    text = '';
    await writeOutput([orphan], {} as RunSummary, {
      format: 'asff',
      out,
      color: false,
      asff: { defaultAccount: '999988887777', defaultRegion: 'eu-central-1' },
    });
    expect(JSON.parse(text).Findings[0]).toMatchObject({
      AwsAccountId: '999988887777',
      Resources: expect.arrayContaining([expect.objectContaining({ Region: orphan.region })]),
    });
  });
});
