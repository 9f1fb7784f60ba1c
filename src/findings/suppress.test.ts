import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { ApprovedWindow } from './changes.js';
import type { Finding } from './finding.js';
import { applySuppressions, visibleFindings } from './suppress.js';

const NOW = Date.parse('2026-03-20T12:00:00Z');

function finding(over: Partial<Finding> = {}): Finding {
  return {
    id: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
    rule: { id: 'aws.recon.bulk-enumeration', title: 'Bulk enumeration' },
    matrix: { category: 'recon', row: 'REC-1' },
    priority: 'medium',
    mitre: ['T1580'],
    time: { first: '2026-03-14T13:37:22Z', last: '2026-03-14T13:39:18Z' },
    account: '111122223333',
    region: 'eu-west-1',
    actor: {
      arn: 'arn:aws:sts::111122223333:assumed-role/security-scanner/prowler-run-42',
      type: 'AssumedRole',
      accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
      sourceIp: '10.40.7.12',
      userAgent: 'Boto3/1.34.51 md/Botocore#1.34.51 ua/2.0 os/linux#6.1.0 prowler/4.2.1',
    },
    summary: 'security-scanner made 30 List/Describe calls in 2 minutes',
    evidence: { count: 30, eventIds: ['e1'], origins: ['a.json#1'], truncated: true },
    suppressed: null,
    ...over,
  };
}

/** Suppressions exactly as a configuration file gives them, validated by the real schema. */
function config(yaml: string): Pick<Config, 'suppressions'> {
  return parseConfig(yaml, 'trailhound.yaml');
}

const entry = (lines: string) =>
  config(
    `suppressions:\n  - rule: aws.recon.*\n    reason: weekly scan\n    expires: '2026-12-31'\n${lines}`,
  );

describe('applySuppressions: configured entries', () => {
  it('marks a matching finding with the reason and ticket, keeping it', () => {
    const cfg = config(`
suppressions:
  - rule: aws.recon.bulk-enumeration
    reason: weekly inventory scan by the security team
    ticket: SEC-1042
    expires: '2026-12-31'
`);
    const { findings, warnings } = applySuppressions([finding()], { config: cfg, now: NOW });
    expect(warnings).toEqual([]);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.suppressed).toEqual({
      by: 'suppression',
      reason: 'weekly inventory scan by the security team',
      ticket: 'SEC-1042',
    });
  });

  it('matches rule globs, and not other rules', () => {
    const cfg = entry('');
    const other = finding({ rule: { id: 'aws.iam.user-created', title: 'IAM user created' } });
    const out = applySuppressions([finding(), other], { config: cfg, now: NOW }).findings;
    expect(out.map((f) => f.suppressed?.by ?? null)).toEqual(['suppression', null]);
  });

  it('matches the actor by ARN glob, an assumed-role session also by its role', () => {
    const byRole = entry('    actor: arn:aws:iam::111122223333:role/security-scanner\n');
    expect(
      applySuppressions([finding()], { config: byRole, now: NOW }).findings[0]?.suppressed,
    ).not.toBeNull();
    const bySession = entry(
      '    actor: ["arn:aws:iam::*:user/x", "arn:aws:sts::*:assumed-role/security-*/*"]\n',
    );
    expect(
      applySuppressions([finding()], { config: bySession, now: NOW }).findings[0]?.suppressed,
    ).not.toBeNull();
    const other = entry('    actor: arn:aws:iam::111122223333:role/other\n');
    expect(
      applySuppressions([finding()], { config: other, now: NOW }).findings[0]?.suppressed,
    ).toBeNull();
  });

  it('matches the source address against addresses and CIDR blocks of its family', () => {
    const hit = (ip: string, sourceIp: string) =>
      applySuppressions([finding({ actor: { ...finding().actor, sourceIp: ip } })], {
        config: entry(`    sourceIp: ${sourceIp}\n`),
        now: NOW,
      }).findings[0]?.suppressed !== null;
    expect(hit('10.40.7.12', '10.0.0.0/8')).toBe(true);
    expect(hit('10.40.7.12', '10.40.7.12')).toBe(true);
    expect(hit('11.0.0.1', '10.0.0.0/8')).toBe(false);
    expect(hit('10.40.7.12', '[192.0.2.0/24, 10.40.0.0/16]')).toBe(true);
    expect(hit('2001:db8::7', '2001:db8::/32')).toBe(true);
    expect(hit('::ffff:10.1.2.3', '10.0.0.0/8')).toBe(true);
    expect(hit('2001:db8::7', '10.0.0.0/8')).toBe(false);
    // Service names and anonymised values are not addresses; they match no block.
    expect(hit('ec2.amazonaws.com', '0.0.0.0/0')).toBe(false);
    expect(hit('211.9.016.253', '0.0.0.0/0')).toBe(false);
  });

  it('matches user agents case-insensitively and accounts by id or glob', () => {
    const ua = entry("    userAgent: '*PROWLER/*'\n");
    expect(
      applySuppressions([finding()], { config: ua, now: NOW }).findings[0]?.suppressed,
    ).not.toBeNull();
    const acct = entry("    account: ['444455556666', '1111*']\n");
    expect(
      applySuppressions([finding()], { config: acct, now: NOW }).findings[0]?.suppressed,
    ).not.toBeNull();
    const noAccount = applySuppressions([finding({ account: null })], { config: acct, now: NOW });
    expect(noAccount.findings[0]?.suppressed).toBeNull();
  });

  it('needs every field given to match', () => {
    const both = entry(
      '    actor: arn:aws:iam::*:role/security-scanner\n    sourceIp: 192.0.2.0/24\n',
    );
    expect(
      applySuppressions([finding()], { config: both, now: NOW }).findings[0]?.suppressed,
    ).toBeNull();
  });

  it('stops applying an expired entry and warns, naming the file, the entry and the date', () => {
    const cfg = config(`
suppressions:
  - rule: aws.iam.*
    reason: old exception
    expires: '2026-01-31'
  - rule: aws.recon.*
    reason: scan window over
    expires: 2026-03-19T18:00:00Z
  - rule: aws.recon.*
    actor: arn:aws:iam::*:role/security-scanner
    reason: still valid
    expires: '2026-03-20'
`);
    const { findings, warnings } = applySuppressions([finding()], {
      config: cfg,
      now: NOW,
      configFile: 'ops/trailhound.yaml',
    });
    // A date-only expiry lasts through that UTC day: the third entry still applies at noon.
    expect(findings[0]?.suppressed).toEqual({ by: 'suppression', reason: 'still valid' });
    expect(warnings).toEqual([
      {
        code: 'suppression-expired',
        severity: 'warning',
        file: 'ops/trailhound.yaml',
        reason:
          'suppressions[0] (rule aws.iam.*: old exception) expired on 2026-01-31 and no longer applies; no finding of this run matches it',
      },
      {
        code: 'suppression-expired',
        severity: 'warning',
        file: 'ops/trailhound.yaml',
        reason:
          'suppressions[1] (rule aws.recon.*: scan window over) expired on 2026-03-19T18:00:00Z and no longer applies; 1 finding it matches is reported',
      },
    ]);
    const later = applySuppressions([finding()], {
      config: cfg,
      now: Date.parse('2026-03-21T00:00:00Z'),
    });
    expect(later.findings[0]?.suppressed).toBeNull();
    expect(later.warnings.map((w) => [w.file, w.reason.slice(0, 15)])).toEqual([
      ['configuration', 'suppressions[0]'],
      ['configuration', 'suppressions[1]'],
      ['configuration', 'suppressions[2]'],
    ]);
  });

  it('rejects entries without a reason or expiry, or with bad addresses and dates', () => {
    expect(() =>
      parseConfig(
        `suppressions:\n  - rule: aws.*\n    sourceIp: 10.0.0.300/8\n    expires: 2026-02-30\n`,
        'trailhound.yaml',
      ),
    ).toThrow(
      expect.objectContaining({
        details: [
          'suppressions[0].reason: expected a string, found nothing (the key is missing) (line 2)',
          'suppressions[0].sourceIp: expected an IP address or CIDR block such as 198.51.100.7 or 203.0.113.0/24, found "10.0.0.300/8" (line 3)',
          'suppressions[0].expires: expected a date (2026-06-30) or an ISO 8601 time (2026-06-30T18:00:00Z), found "2026-02-30" (line 4)',
        ],
      }) as unknown as Error,
    );
  });
});

describe('applySuppressions: approved changes and deploy runs', () => {
  const window: ApprovedWindow = {
    by: 'change',
    ticket: 'CHG-123',
    principals: ['arn:aws:iam::*:role/security-scanner'],
    actions: ['ec2:Describe*', 'iam:List*'],
    start: Date.parse('2026-03-14T13:00:00Z'),
    end: Date.parse('2026-03-14T14:00:00Z'),
    origin: 'c.csv:2',
  };
  const none = config('');

  it('suppresses by change when all events are inside, and names partial overlaps', () => {
    const inside = finding();
    inside.evidence.actions = ['ec2:DescribeInstances', 'iam:ListUsers'];
    const partly = finding({ id: 'b' });
    partly.evidence.actions = ['ec2:DescribeInstances', 's3:ListBuckets'];
    const { findings } = applySuppressions([inside, partly], {
      config: none,
      windows: [window],
      now: NOW,
    });
    expect(findings[0]?.suppressed).toEqual({ by: 'change', ticket: 'CHG-123' });
    expect(findings[0]?.changes).toBeUndefined();
    expect(findings[1]?.suppressed).toBeNull();
    expect(findings[1]?.priority).toBe('medium');
    expect(findings[1]?.changes).toEqual([
      {
        by: 'change',
        ticket: 'CHG-123',
        overlap: 'partial',
        reason: 'actions not allowed: s3:ListBuckets',
      },
    ]);
  });

  it('gives a configured suppression precedence, and is idempotent', () => {
    const f = finding();
    f.evidence.actions = ['ec2:DescribeInstances'];
    const opts = { config: entry(''), windows: [window], now: NOW };
    const once = applySuppressions([f], opts).findings;
    expect(once[0]?.suppressed?.by).toBe('suppression');
    expect(applySuppressions(once, opts).findings).toEqual(once);
    // The input is not changed.
    expect(f.suppressed).toBeNull();
  });
});

describe('visibleFindings', () => {
  it('hides suppressed findings unless asked to show them', () => {
    const shown = finding({ id: 'shown' });
    const hidden = finding({ id: 'hidden', suppressed: { by: 'change', ticket: 'CHG-1' } });
    expect([...visibleFindings([shown, hidden], false)].map((f) => f.id)).toEqual(['shown']);
    expect([...visibleFindings([shown, hidden], true)].map((f) => f.id)).toEqual([
      'shown',
      'hidden',
    ]);
  });
});
