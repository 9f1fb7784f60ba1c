// The ASFF validator itself: a finding built by hand to AWS's documented shape passes, and each
// documented rule it checks is reported when broken.
import { describe, expect, it } from 'vitest';
import { checkTimestamp, validateAsffFinding, validateBatch } from './asff.js';

function finding(): Record<string, any> {
  return {
    SchemaVersion: '2018-10-08',
    Id: '5f0c6e1d9a7b4c3e5f0c6e1d9a7b4c3e',
    ProductArn: 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default',
    GeneratorId: 'aws.evasion.cloudtrail-stopped',
    AwsAccountId: '111122223333',
    Types: ['TTPs/Defense Evasion/T1562.008 Disable or Modify Cloud Logs'],
    CreatedAt: '2026-03-14T13:43:40Z',
    UpdatedAt: '2026-03-14T13:43:40Z',
    Severity: { Label: 'HIGH' },
    Title: 'CloudTrail logging stopped',
    Description: 'svc-backup stopped logging of trail org-trail in eu-west-1',
    Resources: [
      {
        Type: 'AwsAccount',
        Id: 'AWS::::Account:111122223333',
        Partition: 'aws',
        Region: 'eu-west-1',
      },
    ],
  };
}

function errorsWith(edit: (f: Record<string, any>) => void): string[] {
  const f = finding();
  edit(f);
  return validateAsffFinding(f);
}

describe('ASFF validator', () => {
  it('accepts a finding with the required attributes', () => {
    expect(validateAsffFinding(finding())).toEqual([]);
    expect(validateBatch({ Findings: [finding()] })).toEqual([]);
  });

  it.each([
    'SchemaVersion',
    'Id',
    'ProductArn',
    'GeneratorId',
    'AwsAccountId',
    'Types',
    'CreatedAt',
    'UpdatedAt',
    'Severity',
    'Title',
    'Description',
    'Resources',
  ])('reports the required attribute %s when missing', (name) => {
    const errors = errorsWith((f) => delete f[name]);
    expect(
      errors.some((e) => e.startsWith(`finding.${name}:`)),
      errors.join(' | '),
    ).toBe(true);
  });

  it('reports limits and formats', () => {
    const cases: [(f: Record<string, any>) => void, RegExp][] = [
      [(f) => (f.Title = 'x'.repeat(257)), /^finding\.Title: 257 characters, at most 256$/],
      [(f) => (f.Description = 'x'.repeat(1025)), /^finding\.Description: 1025 characters/],
      [(f) => (f.Description = '   '), /^finding\.Description: expected a non-blank string/],
      [(f) => (f.Id = 'x'.repeat(513)), /^finding\.Id: 513 characters/],
      [(f) => (f.AwsAccountId = '11112222333'), /^finding\.AwsAccountId: .* is not 12 digits/],
      [(f) => (f.Types = []), /^finding\.Types: expected a non-empty array/],
      [(f) => (f.Types = ['Threats/Defense Evasion']), /namespace "Threats" is not one of/],
      [
        (f) => (f.Types = ['TTPs/Defense Evasion/a/b']),
        /is not namespace\[\/category\[\/classifier\]\]/,
      ],
      [(f) => (f.Types = Array(51).fill('TTPs')), /^finding\.Types: 51 types, at most 50$/],
      [
        (f) => (f.Severity = { Label: 'SEVERE' }),
        /^finding\.Severity\.Label: "SEVERE" is not one of/,
      ],
      [(f) => (f.Severity = {}), /^finding\.Severity: needs Label/],
      [
        (f) => (f.CreatedAt = '2026-03-14 13:43:40'),
        /^finding\.CreatedAt: .* is not an ASFF timestamp/,
      ],
      [
        (f) => (f.UpdatedAt = '2026-03-14T13:00:00Z'),
        /^finding\.CreatedAt is later than UpdatedAt$/,
      ],
      [
        (f) => (f.ProductArn = 'arn:aws:securityhub:eu-west-1:111122223333:default'),
        /is not a Security Hub product ARN/,
      ],
      [(f) => (f.Resources = []), /^finding\.Resources: expected at least one resource/],
      [
        (f) => (f.Resources = Array(33).fill(finding().Resources[0])),
        /^finding\.Resources: 33 resources, at most 32$/,
      ],
      [(f) => delete f.Resources[0].Id, /^finding\.Resources\[0\]\.Id: required$/],
      [(f) => (f.Resources[0].Partition = 'aws-eu'), /Partition: "aws-eu" is not one of/],
      [
        (f) => (f.Resources[0].Id = '111122223333'),
        /an AwsAccount resource is "AWS::::Account:<12 digits>"/,
      ],
      [
        (f) => (f.Workflow = { Status: 'CLOSED' }),
        /^finding\.Workflow\.Status: "CLOSED" is not one of/,
      ],
      [
        (f) => (f.Remediation = { Recommendation: { Text: 'x'.repeat(513) } }),
        /Recommendation\.Text: 513 characters, at most 512$/,
      ],
      [(f) => (f.ProductFields = { a: 1 }), /^finding\.ProductFields\.a: expected a string/],
      [
        (f) => (f.ProductFields = { ['k'.repeat(129)]: 'v' }),
        /^finding\.ProductFields: key "k+…" longer than 128$/,
      ],
      [
        (f) => (f.ProductFields = { a: 'v'.repeat(2049) }),
        /^finding\.ProductFields\.a: 2049 characters, at most 2048$/,
      ],
      [
        (f) =>
          (f.ProductFields = Object.fromEntries(
            Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']),
          )),
        /^finding\.ProductFields: 51 entries, at most 50$/,
      ],
      [(f) => (f.Description = 'x'.repeat(250 * 1024)), /^finding: \d+ bytes, at most 245760$/],
    ];
    for (const [edit, pattern] of cases) {
      const errors = errorsWith(edit);
      expect(
        errors.some((e) => pattern.test(e)),
        `${String(pattern)} in ${errors.join(' | ')}`,
      ).toBe(true);
    }
  });

  it('timestamps in the forms the API reference lists, and no others', () => {
    for (const ok of [
      '2019-01-31T23:00:00Z',
      '2019-01-31T23:00:00.123456789Z',
      '2024-01-04T15:25:10+17:59',
      '2024-01-04T15:25:10-1759',
      '2024-01-04T15:25:10.123456789+17:59',
    ])
      expect(checkTimestamp(ok), ok).toBe(true);
    for (const bad of [
      '2019-01-31',
      '2019-01-31T23:00Z',
      '2019-01-31T23:00:00.1234567891Z',
      '2024-01-04T15:25:10+18:01',
      '1711111111',
    ])
      expect(checkTimestamp(bad), bad).toBe(false);
  });

  it('reports batches over 100 findings, mixed accounts, and stray request fields', () => {
    const many = Array.from({ length: 101 }, (_, i) => ({ ...finding(), Id: `f${i}` }));
    expect(validateBatch({ Findings: many })).toContain('body.Findings: 101 findings, at most 100');
    expect(validateBatch({ Findings: many.slice(0, 100) })).toEqual([]);
    const other = {
      ...finding(),
      AwsAccountId: '444455556666',
      ProductArn: 'arn:aws:securityhub:eu-west-1:444455556666:product/444455556666/default',
    };
    expect(validateBatch({ Findings: [finding(), other] })).toContain(
      'body.Findings: 2 account/product ARN pairs; one call sends one',
    );
    const mismatched = { ...finding(), AwsAccountId: '444455556666' };
    expect(validateBatch({ Findings: [mismatched] })).toContain(
      'Findings: ProductArn account 111122223333 is not AwsAccountId 444455556666',
    );
    expect(validateBatch({ Findings: [] })).toContain('body.Findings: expected a non-empty array');
    expect(validateBatch({ Findings: [finding()], Extra: 1 })).toContain(
      'body.Extra: not a request field',
    );
  });
});
