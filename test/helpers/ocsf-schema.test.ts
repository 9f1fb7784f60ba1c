// The validator itself: it reads the class as OCSF defines it, accepts a valid Detection Finding,
// and reports each kind of mistake, so a test that passes through it means something.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { toOcsf } from '../../src/sinks/ocsf.js';
import { EXAMPLES, huntFindings } from './findings.js';
import { loadOcsfSchema } from './ocsf-schema.js';

const schema = loadOcsfSchema(path.resolve('../shared/schemas/ocsf-1.6.0'));
const CLASS = 'detection_finding';

let valid: Record<string, any>;
beforeAll(async () => {
  const findings = await huntFindings(EXAMPLES);
  const stop = findings.find((f) => f.rule.id === 'aws.evasion.cloudtrail-stopped');
  expect(stop).toBeDefined();
  valid = toOcsf(stop!);
});

/** A deep copy of the valid event, changed by `edit`. */
function mutated(edit: (e: Record<string, any>) => void): Record<string, any> {
  const e = structuredClone(valid);
  edit(e);
  return e;
}

describe('OCSF schema loader', () => {
  it('computes Detection Finding ids from the category and class files', () => {
    expect(schema.version).toBe('1.6.0');
    expect(schema.classInfo(CLASS)).toEqual({
      name: CLASS,
      caption: 'Detection Finding',
      classUid: 2004,
      categoryUid: 2,
      categoryCaption: 'Findings',
    });
  });

  it('accepts a valid event', () => {
    expect(schema.validate(valid, CLASS)).toEqual([]);
  });
});

describe('OCSF validator reports', () => {
  it.each([
    ['class_uid', 'from base_event'],
    ['finding_info', 'from finding'],
    ['metadata', 'from base_event'],
    ['severity_id', 'from base_event'],
    ['time', 'from base_event'],
    ['type_uid', 'from base_event'],
  ])('a missing required attribute: %s (%s)', (name) => {
    const errors = schema.validate(
      mutated((e) => delete e[name]),
      CLASS,
    );
    expect(errors).toContain(`${name}: required attribute missing`);
  });

  it('missing required attributes of nested objects', () => {
    expect(
      schema.validate(
        mutated((e) => delete e.finding_info.uid),
        CLASS,
      ),
    ).toContain('finding_info.uid: required attribute missing');
    expect(
      schema.validate(
        mutated((e) => delete e.metadata.product),
        CLASS,
      ),
    ).toContain('metadata.product: required attribute missing');
    expect(
      schema.validate(
        mutated((e) => delete e.finding_info.analytic.type_id),
        CLASS,
      ),
    ).toContain('finding_info.analytic.type_id: required attribute missing');
    // Inside arrays too.
    expect(
      schema.validate(
        mutated((e) => delete e.observables[0].type_id),
        CLASS,
      ),
    ).toContain('observables[0].type_id: required attribute missing');
    expect(
      schema.validate(
        mutated((e) => delete e.evidences[0].actor.user.programmatic_credentials[0].uid),
        CLASS,
      ),
    ).toContain(
      'evidences[0].actor.user.programmatic_credentials[0].uid: required attribute missing',
    );
    // cloud is required by the cloud profile the event declares.
    expect(
      schema.validate(
        mutated((e) => delete e.cloud.provider),
        CLASS,
      ),
    ).toContain('cloud.provider: required attribute missing');
    expect(
      schema.validate(
        mutated((e) => delete e.cloud),
        CLASS,
      ),
    ).toContain('cloud: required attribute missing');
  });

  it('profile attributes only when the profile is declared', () => {
    const undeclared = mutated((e) => (e.metadata.profiles = []));
    expect(schema.validate(undeclared, CLASS)).toContain(
      'cloud: belongs to profile cloud, not in metadata.profiles',
    );
    // Without the profile, cloud is no longer required either.
    const none = mutated((e) => {
      e.metadata.profiles = [];
      delete e.cloud;
    });
    expect(schema.validate(none, CLASS)).toEqual([]);
  });

  it('values of the wrong type', () => {
    const cases: [(e: Record<string, any>) => void, string][] = [
      [(e) => (e.time = '2026-03-14T13:43:40Z'), 'time: expected timestamp_t'],
      [(e) => (e.severity_id = '4'), 'severity_id: expected integer_t'],
      [(e) => (e.count = 1.5), 'count: expected integer_t'],
      [(e) => (e.is_alert = 'true'), 'is_alert: expected boolean_t'],
      [(e) => (e.message = 42), 'message: expected string_t'],
      [(e) => (e.finding_info = 'x'), 'finding_info: expected an object'],
      [(e) => (e.evidences = valid.evidences[0]), 'evidences: expected an array'],
      [(e) => (e.finding_info.types = 'evasion'), 'finding_info.types: expected an array'],
      [(e) => (e.metadata.product.version = 1), 'metadata.product.version: expected string_t'],
      [
        (e) => (e.finding_info.attacks[0].technique.name = ['Impair Defenses']),
        'finding_info.attacks[0].technique.name: expected one value, found an array',
      ],
      [(e) => (e.evidences[0].src_endpoint.ip = 'ec2.amazonaws.com'), 'is not a valid ip_t'],
      [(e) => (e.evidences[0].src_endpoint.port = 70000), 'is outside 0..65535'],
    ];
    for (const [edit, message] of cases) {
      const errors = schema.validate(mutated(edit), CLASS);
      expect(
        errors.some((m) => m.includes(message)),
        `${message} in ${errors.join(' | ')}`,
      ).toBe(true);
    }
  });

  it('enumerated ids that are not defined, and type_uid that does not add up', () => {
    const bad = (edit: (e: Record<string, any>) => void) => schema.validate(mutated(edit), CLASS);
    expect(bad((e) => (e.severity_id = 7))).toContainEqual(
      expect.stringMatching(/^severity_id: 7 is not one of/),
    );
    expect(bad((e) => (e.activity_id = 4))).toContainEqual(
      expect.stringMatching(/^activity_id: 4 is not one of/),
    );
    expect(bad((e) => (e.status_id = 9))).toContainEqual(
      expect.stringMatching(/^status_id: 9 is not one of/),
    );
    expect(bad((e) => (e.class_uid = 2003))).toContainEqual(
      expect.stringMatching(/^class_uid: 2003 is not one of 2004$/),
    );
    expect(bad((e) => (e.category_uid = 4))).toContainEqual(
      expect.stringMatching(/^category_uid: 4 is not one of 2$/),
    );
    expect(bad((e) => (e.finding_info.analytic.type_id = 12))).toContainEqual(
      expect.stringMatching(/^finding_info.analytic.type_id: 12 is not one of/),
    );
    expect(bad((e) => (e.cloud.account.type_id = 50))).toContainEqual(
      expect.stringMatching(/^cloud.account.type_id: 50 is not one of/),
    );
    expect(bad((e) => (e.observables[0].type_id = 43))).toContainEqual(
      expect.stringMatching(/^observables\[0\].type_id: 43 is not one of/),
    );
    // A defined type_uid that does not match class and activity.
    expect(bad((e) => (e.type_uid = 200402))).toContain(
      'type_uid: 200402, expected class_uid * 100 + activity_id = 200401',
    );
    expect(bad((e) => (e.type_uid = 200501))).toContainEqual(
      expect.stringMatching(/^type_uid: 200501 is not one of/),
    );
  });

  it('captions that contradict their id, unknown attributes, constraints and the version', () => {
    const bad = (edit: (e: Record<string, any>) => void) => schema.validate(mutated(edit), CLASS);
    expect(bad((e) => (e.severity = 'Critical'))).toContainEqual(
      expect.stringMatching(/^severity: "Critical" contradicts severity_id/),
    );
    expect(bad((e) => (e.status = 'Suppressed'))).toContainEqual(
      expect.stringMatching(/^status: "Suppressed" contradicts status_id 1 \(New\)/),
    );
    expect(bad((e) => (e.finding_info.analytics = e.finding_info.analytic))).toContain(
      'finding_info.analytics: not an attribute of this object',
    );
    expect(bad((e) => (e.finding = {}))).toContain('finding: not an attribute of this class');
    expect(bad((e) => (e.finding_info.attacks[0] = { version: '16.1' }))).toContain(
      'finding_info.attacks[0]: needs at least one of tactic, technique, sub_technique',
    );
    expect(bad((e) => (e.evidences[0] = {}))).toContainEqual(
      expect.stringMatching(/^evidences\[0\]: needs at least one of actor, api/),
    );
    expect(
      bad((e) => (e.evidences[0].actor.user.credential_uid = 'AKIAEXAMPLEBACKUP7Q2')),
    ).toContain('evidences[0].actor.user.credential_uid: deprecated since OCSF 1.6.0');
    expect(bad((e) => (e.metadata.version = '1.5.0'))).toContain(
      'metadata.version: "1.5.0", expected "1.6.0"',
    );
  });
});
