/**
 * `aws.evasion.bedrock-guardrail-deleted`: Amazon Bedrock guardrails are deleted, or the
 * account-level configuration that enforces one on every model call is removed, taking away the
 * content, prompt-attack and sensitive-data filters that sit in front of the models.
 */
import { z } from 'zod';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import { matchesAny } from '../../util/glob.js';
import { actorName, ctRecord, did, reqString, tamperPriority, where } from '../lib.js';

const GUARDRAIL = 'arn:aws:bedrock:us-east-1:123456789012:guardrail/fpbw6ltyn2bs';

function enforced(e: ApiEvent): boolean {
  return e.eventName === 'DeleteEnforcedGuardrailConfiguration';
}

/** The guardrail as the caller named it: its id or its ARN. */
function guardrail(e: ApiEvent): string | undefined {
  return reqString(e, 'guardrailIdentifier');
}

/** Set when only one numbered version goes; without it the guardrail and every version go. */
function version(e: ApiEvent): string | undefined {
  return reqString(e, 'guardrailVersion');
}

/** Id and ARN, so that a knob entry matches however the caller named the guardrail. */
function guardrailNames(e: ApiEvent): string[] {
  const g = guardrail(e);
  if (g === undefined) return [];
  const id = g.replace(/^arn:[^:]+:bedrock:[^:]*:\d*:guardrail\//, '');
  return id === g ? [g] : [g, id];
}

const knobs = {
  sensitiveGuardrails: knob(
    z.array(z.string()),
    [],
    'Guardrail ids or ARNs (globs) that protect production applications; deleting one, or a version of one, is reported one level higher.',
  ),
};

export default defineApiRule({
  id: 'aws.evasion.bedrock-guardrail-deleted',
  title: 'Amazon Bedrock guardrail deleted',
  category: 'evasion',
  row: null,
  priority: 'medium',
  mitre: ['T1562.001'],
  description:
    'A principal deleted an Amazon Bedrock guardrail (DeleteGuardrail) or the account-level ' +
    'enforced guardrail configuration (DeleteEnforcedGuardrailConfiguration, one level higher: it ' +
    'lifts the guardrail from every model invocation in the account, whatever the application ' +
    'asks for). Guardrails filter harmful content, prompt attacks and sensitive data; without ' +
    'them a stolen model access (LLMjacking) or an abused application answers anything. Deleting ' +
    'a single version (guardrailVersion in the request) is reported one level lower, since ' +
    'applications pinned to other versions keep their filters; guardrails in the ' +
    '`sensitiveGuardrails` knob are reported one level higher. Failed calls and calls by the ' +
    "organisation's automation are reported one level lower. Weakening a guardrail in place " +
    '(UpdateGuardrail) is not matched by this rule.',
  falsePositives: [
    'Clean-up of test guardrails or of versions no application uses any more.',
    'Infrastructure-as-code replacing a guardrail with a new one.',
  ],
  response: [
    'Find which applications, agents and knowledge bases referenced the guardrail and whether they now call models without one.',
    'Re-create the guardrail (or restore the enforced configuration) from source control and point the applications at it.',
    'Review model invocations (invocation logs, CloudTrail InvokeModel and Converse events) since the deletion for abuse.',
    'Restrict bedrock:DeleteGuardrail and bedrock:DeleteEnforcedGuardrailConfiguration to the team that owns the guardrails.',
  ],
  references: [
    'https://docs.aws.amazon.com/bedrock/latest/APIReference/API_DeleteGuardrail.html',
    'https://docs.aws.amazon.com/bedrock/latest/APIReference/API_DeleteEnforcedGuardrailConfiguration.html',
    'https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails.html',
  ],
  knobs,
  kind: 'match',
  on: {
    eventSource: ['bedrock.amazonaws.com'],
    eventNames: ['DeleteGuardrail', 'DeleteEnforcedGuardrailConfiguration'],
  },
  match: () => true,
  priorityOf: (e, ctx) => {
    const listed = guardrailNames(e).some((n) => matchesAny(ctx.knobs.sensitiveGuardrails, n));
    return tamperPriority(e, ctx, 'medium', {
      sensitive: enforced(e) || listed,
      lower: !enforced(e) && version(e) !== undefined,
      automationLowers: true,
    });
  },
  summary: (e) => {
    if (enforced(e)) {
      return (
        `${actorName(e)} ${did(e, 'deleted', 'delete')} the account-level enforced Amazon Bedrock ` +
        `guardrail configuration ${reqString(e, 'configId') ?? '(unnamed)'} ${where(e)}`
      );
    }
    const v = version(e);
    return (
      `${actorName(e)} ${did(e, 'deleted', 'delete')} ` +
      `${v === undefined ? 'Amazon Bedrock guardrail' : `version ${v} of Amazon Bedrock guardrail`} ` +
      `${guardrail(e) ?? '(unnamed)'} ${where(e)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'A guardrail and all its versions deleted from the CLI',
        record: ctRecord({
          eventSource: 'bedrock.amazonaws.com',
          eventName: 'DeleteGuardrail',
          requestParameters: { guardrailIdentifier: GUARDRAIL },
        }),
      },
      {
        title: 'The account-level enforced guardrail configuration removed',
        record: ctRecord({
          eventSource: 'bedrock.amazonaws.com',
          eventName: 'DeleteEnforcedGuardrailConfiguration',
          identity: 'role',
          requestParameters: { configId: 'q8x1m3k7d2wa' },
        }),
      },
      {
        title: 'One version of a production guardrail deleted, named by its id',
        config: {
          rules: {
            'aws.evasion.bedrock-guardrail-deleted': {
              knobs: { sensitiveGuardrails: ['fpbw6ltyn2bs'] },
            },
          },
        },
        record: ctRecord({
          eventSource: 'bedrock.amazonaws.com',
          eventName: 'DeleteGuardrail',
          identity: 'role',
          requestParameters: { guardrailIdentifier: 'fpbw6ltyn2bs', guardrailVersion: '2' },
        }),
      },
    ],
    miss: [
      {
        title: 'A new guardrail version published',
        record: ctRecord({
          eventSource: 'bedrock.amazonaws.com',
          eventName: 'CreateGuardrailVersion',
          identity: 'ci',
          requestParameters: {
            guardrailIdentifier: GUARDRAIL,
            description: 'HIDDEN_DUE_TO_SECURITY_REASONS',
            clientRequestToken: '0b3a4f5e-7c21-4a8e-9d6b-1f2e3c4d5a6b',
          },
          responseElements: { guardrailId: 'fpbw6ltyn2bs', version: '3' },
        }),
      },
    ],
  },
});
