import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../findings/finding.js';
import type { RunSummary } from '../hunt/summary.js';
import { RULES } from '../rules/registry.js';
import { EXAMPLES, INVICTUS, huntFindings, suppressedCopy } from '../../test/helpers/findings.js';
import { loadOcsfSchema } from '../../test/helpers/ocsf-schema.js';
import { knowsTechnique, resolveTechnique } from './attack.js';
import { writeOutput } from './index.js';
import { ocsfLines, PRODUCT_VERSION, toOcsf } from './ocsf.js';

const schema = loadOcsfSchema(path.resolve('../shared/schemas/ocsf-1.6.0'));
const byId = new Map(RULES.map((r) => [r.id, r]));
const rules = (id: string) => byId.get(id);

let examples: Finding[];
let invictus: Finding[];
beforeAll(async () => {
  [examples, invictus] = await Promise.all([huntFindings(EXAMPLES), huntFindings(INVICTUS)]);
});

/** The value at an observable's dotted name, looking into every element of arrays on the way. */
function valuesAt(event: unknown, name: string): unknown[] {
  let current: unknown[] = [event];
  for (const key of name.split('.')) {
    const next: unknown[] = [];
    for (const v of current.flatMap((c) => (Array.isArray(c) ? c : [c])))
      if (v !== null && typeof v === 'object' && Object.hasOwn(v, key))
        next.push((v as Record<string, unknown>)[key]);
    current = next;
  }
  return current.flatMap((c) => (Array.isArray(c) ? c : [c]));
}

describe('ocsf format on real hunts', () => {
  it('every finding of the examples and the Invictus dataset is a valid Detection Finding', () => {
    expect(examples.length).toBeGreaterThan(10);
    expect(invictus.length).toBeGreaterThan(30);
    for (const f of [...examples, ...invictus]) {
      for (const variant of [f, suppressedCopy(f), suppressedCopy(f, 'change')]) {
        const event = toOcsf(variant, rules);
        expect(schema.validate(event, 'detection_finding'), `${f.rule.id} ${f.id}`).toEqual([]);
      }
      // Without the rule lookup (no remediation) it is still valid.
      expect(schema.validate(toOcsf(f), 'detection_finding')).toEqual([]);
    }
  });

  it('every observable names an attribute of the event that holds its value', () => {
    for (const f of [...examples, ...invictus]) {
      const event = toOcsf(f, rules);
      for (const o of (event.observables ?? []) as { name: string; value: string }[])
        expect(valuesAt(event, o.name), `${f.rule.id} ${o.name}`).toContain(o.value);
    }
  });

  it('maps the CloudTrail-stopped finding: rule, ATT&CK, times, actor, account, region', () => {
    const f = examples.find((x) => x.rule.id === 'aws.evasion.cloudtrail-stopped')!;
    const e = toOcsf(f, rules) as Record<string, any>;
    expect(e).toMatchObject({
      class_uid: 2004,
      category_uid: 2,
      activity_id: 1,
      type_uid: 200401,
      severity_id: 4,
      severity: 'High',
      status_id: 1,
      is_alert: true,
      time: Date.parse('2026-03-14T13:43:40Z'),
      start_time: Date.parse('2026-03-14T13:43:40Z'),
      end_time: Date.parse('2026-03-14T13:43:40Z'),
      message: f.summary,
      cloud: { provider: 'AWS', region: 'eu-west-1', account: { uid: '111122223333' } },
      metadata: {
        version: '1.6.0',
        profiles: ['cloud'],
        product: { name: 'trailhound', vendor_name: 'trailhound' },
      },
    });
    expect(f.priority).toBe('high');
    expect(e.finding_info).toMatchObject({
      uid: f.id,
      title: f.rule.title,
      analytic: {
        uid: 'aws.evasion.cloudtrail-stopped',
        name: 'aws.evasion.cloudtrail-stopped',
        type_id: 1,
        type: 'Rule',
      },
    });
    expect(e.finding_info.attacks).toEqual([
      {
        version: '16.1',
        technique: {
          uid: 'T1562',
          name: 'Impair Defenses',
          src_url: 'https://attack.mitre.org/techniques/T1562/',
        },
        sub_technique: {
          uid: 'T1562.008',
          name: 'Disable or Modify Cloud Logs',
          src_url: 'https://attack.mitre.org/techniques/T1562/008/',
        },
        tactic: { uid: 'TA0005', name: 'Defense Evasion' },
      },
    ]);
    expect(e.evidences[0]).toMatchObject({
      actor: {
        user: {
          uid: 'arn:aws:iam::111122223333:user/svc-backup',
          name: 'svc-backup',
          type: 'User',
          type_id: 1,
          programmatic_credentials: [{ uid: 'AKIAEXAMPLEBACKUP7Q2' }],
        },
      },
      src_endpoint: { ip: '185.220.101.47' },
      data: { event_ids: f.evidence.eventIds },
    });
    const rule = byId.get(f.rule.id)!;
    expect(e.remediation.desc).toBe(rule.response.map((s, i) => `${i + 1}. ${s}`).join('\n'));
    expect(e.remediation.references).toEqual(rule.references);
  });

  it('one attack per technique and tactic; a stateful finding spans its first and last event', () => {
    const created = examples.find((x) => x.rule.id === 'aws.iam.access-key-created')!;
    // T1098.001 is Persistence and Privilege Escalation.
    const tactics = (toOcsf(created).finding_info as any).attacks.map((a: any) => a.tactic.name);
    expect(tactics).toEqual(['Persistence', 'Privilege Escalation']);

    const beacon = examples.find((x) => x.rule.id === 'aws.network.flow-beaconing')!;
    expect(beacon.time.first).not.toBe(beacon.time.last);
    const e = toOcsf(beacon) as Record<string, any>;
    expect([e.start_time, e.end_time, e.time]).toEqual([
      Date.parse(beacon.time.first),
      Date.parse(beacon.time.last),
      Date.parse(beacon.time.last),
    ]);
    expect(e.count).toBe(beacon.evidence.count);
    expect(e.finding_info.first_seen_time).toBe(e.start_time);
    // A flow finding has a source address but no principal.
    expect(e.evidences[0].actor).toBeUndefined();
    expect(e.evidences[0].src_endpoint).toEqual({ ip: beacon.actor.sourceIp });
  });

  it('a service name as source address is a service endpoint, not an IP', () => {
    const viaService = invictus.find((f) => f.actor.sourceIp === 'ec2.amazonaws.com');
    expect(viaService).toBeDefined();
    const e = toOcsf(viaService!) as Record<string, any>;
    expect(e.evidences[0].src_endpoint).toEqual({ svc_name: 'ec2.amazonaws.com' });
    expect(e.observables.some((o: any) => o.type_id === 2)).toBe(false);
  });

  it('a suppressed finding is status Suppressed with the reason, and not an alert', () => {
    const f = suppressedCopy(examples[0]!);
    const e = toOcsf(f) as Record<string, any>;
    expect(e).toMatchObject({
      status_id: 3,
      status: 'Suppressed',
      is_alert: false,
      status_detail: 'suppressed by suppression: scheduled red-team exercise (CHG-123)',
    });
  });

  it('a partly overlapping approved change is named; the finding stays New', () => {
    const f: Finding = {
      ...examples.find((x) => x.rule.id === 'aws.iam.admin-policy-attached')!,
      changes: [
        {
          by: 'change',
          ticket: 'CHG-7',
          overlap: 'partial',
          reason: 'actions not allowed: iam:AttachUserPolicy',
        },
      ],
    };
    const e = toOcsf(f) as Record<string, any>;
    expect(schema.validate(e, 'detection_finding')).toEqual([]);
    expect(e).toMatchObject({ status_id: 1, is_alert: true, unmapped: { changes: f.changes } });
  });

  it('a finding with no account, region or actor still validates', () => {
    const bare: Finding = {
      ...examples[0]!,
      account: null,
      region: null,
      actor: {},
      mitre: ['T9999'],
    };
    const e = toOcsf(bare) as Record<string, any>;
    expect(schema.validate(e, 'detection_finding')).toEqual([]);
    expect(e.cloud).toEqual({ provider: 'AWS' });
    expect(Object.keys(e.evidences[0])).toEqual(['data']);
    expect(e.observables).toBeUndefined();
    // An unknown technique keeps its id, with no name or tactic.
    expect(e.finding_info.attacks).toEqual([
      {
        version: '16.1',
        technique: { uid: 'T9999', src_url: 'https://attack.mitre.org/techniques/T9999/' },
      },
    ]);
  });

  it('the product version is the package version', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(PRODUCT_VERSION).toBe(pkg.version);
  });
});

describe('ATT&CK table', () => {
  it('names every technique the rules cite and gives every technique a tactic', () => {
    const cited = new Set(RULES.flatMap((r) => r.mitre));
    const unknown = [...cited].filter((id) => !knowsTechnique(id));
    expect(unknown).toEqual([]);
    for (const id of cited) expect(resolveTechnique(id).tactics.length, id).toBeGreaterThan(0);
  });
});

describe('writeOutput --format ocsf', () => {
  it('writes one Detection Finding per line and nothing else', async () => {
    let text = '';
    const out = new Writable({
      write(chunk, _enc, done) {
        text += String(chunk);
        done();
      },
    });
    await writeOutput(examples, {} as RunSummary, {
      format: 'ocsf',
      out,
      color: false,
      rules: RULES,
    });
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(examples.length);
    expect(lines).toEqual([...ocsfLines(examples, rules)].map((l) => l.slice(0, -1)));
    for (const line of lines) expect(JSON.parse(line).remediation.desc).toMatch(/^1\. /);
  });
});
