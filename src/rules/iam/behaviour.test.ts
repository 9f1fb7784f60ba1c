/**
 * The IAM rules on behaviour over time, beyond their labelled examples: the backdoor sequence on
 * the Invictus dataset (Stratus Red Team's create-admin-user, as AWS logged it, and nothing else
 * in 2,900 events), and state carried from one run to the next through a shared store, as
 * `--state FILE` does: a key last used in the first run is dormant in the second, a principal →
 * role pair learned in the first is not news in the second.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../config/schema.js';
import { createEnricher } from '../../enrich/index.js';
import { compileRules } from '../../engine/compile.js';
import type { Rule, Signal } from '../../engine/rule.js';
import { collectSignals } from '../../engine/signals.js';
import { createStatefulStage } from '../../engine/stateful.js';
import type { RuleFailure } from '../../engine/evaluate.js';
import type { Hit } from '../../findings/finding.js';
import type { JsonObject } from '../../model/event.js';
import { normaliseCloudTrail } from '../../normalise/cloudtrail.js';
import type { StateStore } from '../../state/store.js';
import { MemoryStore } from '../../state/memory.js';
import { ctRecord, IDENTITIES } from '../lib.js';
import { DAY, isoAfter } from '../lib/behaviour.js';
import { assumeRoleRecord } from '../lib/sts-fixtures.js';
import backdoorUserSequence from './backdoor-user-sequence.js';
import dormantAccessKeyUsed from './dormant-access-key-used.js';
import newRoleForPrincipal from './new-role-for-principal.js';
import privilegeGrantThenUse from './privilege-grant-then-use.js';

const DIR = fileURLToPath(
  new URL('../../../../shared/corpus/invictus-aws-dataset/CloudTrail/', import.meta.url),
);

/** One run: records through normalise, enrich, signals and a stateful stage over `store`. */
function run(
  rules: readonly Rule[],
  records: readonly { record: JsonObject; file: string; index: number }[],
  store: StateStore = new MemoryStore(),
): Hit[] {
  const config = configSchema.parse({});
  const set = compileRules(rules, config);
  const enricher = createEnricher(config);
  const signals: Signal[] = [];
  const failures: RuleFailure[] = [];
  for (const { record, file, index } of records) {
    const n = normaliseCloudTrail(record, { file, index });
    if (!n.ok) continue;
    enricher.enrich(n.event);
    collectSignals(set, n.event, signals, failures);
  }
  expect(failures.map((f) => f.message)).toEqual([]);
  const stage = createStatefulStage(set, store, { maxEvidence: 50 });
  stage.observe(signals);
  const hits = stage.finish();
  expect(stage.stats().failures).toEqual([]);
  return hits;
}

function corpus(): { record: JsonObject; file: string; index: number }[] {
  const out: { record: JsonObject; file: string; index: number }[] = [];
  for (const file of readdirSync(DIR).sort()) {
    const records = (JSON.parse(readFileSync(DIR + file, 'utf8')) as { Records: JsonObject[] })
      .Records;
    records.forEach((record, index) => out.push({ record, file, index }));
  }
  return out;
}

const asInputs = (records: JsonObject[], file: string) =>
  records.map((record, index) => ({ record, file, index }));

describe('aws.iam.backdoor-user-sequence on the Invictus dataset', () => {
  it('finds create-admin-user (policy before key) and not the users that got no admin rights', () => {
    const hits = run([backdoorUserSequence, privilegeGrantThenUse], corpus());
    expect(hits.map((h) => h.ruleId)).toEqual(['aws.iam.backdoor-user-sequence']);
    const hit = hits[0] as Hit;
    expect(hit.key).toBe('arn:aws:iam::123837392027:user/bert-jan|123837392027|malicious-iam-user');
    expect([...hit.eventIds].sort()).toEqual(
      [
        '85c89720-8103-4281-9e0e-8977b52bcdbe', // CreateUser
        '8c282c0b-00d1-4369-95b7-cb50b6eee620', // CreateAccessKey
        'f4923a37-92d5-4dfd-9786-6caef2b5f33c', // AttachUserPolicy AdministratorAccess
      ].sort(),
    );
    expect(hit.summary).toContain('malicious-iam-user');
  });
});

describe('state carried across runs (as with --state FILE)', () => {
  const listBuckets = (days: number): JsonObject =>
    ctRecord({
      eventSource: 's3.amazonaws.com',
      eventName: 'ListBuckets',
      identity: IDENTITIES.user,
      eventTime: isoAfter('2026-01-02T03:04:05Z', days * DAY),
      sourceIPAddress: '45.133.1.20',
      readOnly: true,
      requestParameters: { Host: 's3.us-east-1.amazonaws.com' },
    });

  it('reports a key whose last use was in the previous run', () => {
    const store = new MemoryStore();
    expect(run([dormantAccessKeyUsed], asInputs([listBuckets(0)], 'run-1'), store)).toEqual([]);
    const second = run([dormantAccessKeyUsed], asInputs([listBuckets(45)], 'run-2'), store);
    expect(second).toHaveLength(1);
    expect(second[0]?.summary).toMatch(/unused for 45 days/);
    // A fresh store has no history of the key: the same second run reports nothing.
    expect(run([dormantAccessKeyUsed], asInputs([listBuckets(45)], 'run-2'))).toEqual([]);
  });

  it('does not relearn: a pair learned in the first run is known in the second', () => {
    const assume = (days: number, role: string): JsonObject =>
      assumeRoleRecord({
        identity: IDENTITIES.user,
        roleArn: `arn:aws:iam::123456789012:role/${role}`,
        roleSessionName: 'alice',
        eventTime: isoAfter('2026-01-02T03:04:05Z', days * DAY),
      });
    const store = new MemoryStore();
    expect(
      run([newRoleForPrincipal], asInputs([assume(0, 'data-reader')], 'run-1'), store),
    ).toEqual([]);
    const second = run(
      [newRoleForPrincipal],
      asInputs([assume(20, 'data-reader'), assume(20.1, 'OrganizationAdmin')], 'run-2'),
      store,
    );
    expect(second.map((h) => h.summary)).toEqual([
      expect.stringContaining('assumed role arn:aws:iam::123456789012:role/OrganizationAdmin'),
    ]);
    // Alone, the second run's input is still being learned: nothing is news.
    expect(
      run(
        [newRoleForPrincipal],
        asInputs([assume(20, 'data-reader'), assume(20.1, 'OrganizationAdmin')], 'run-2'),
      ),
    ).toEqual([]);
  });
});
