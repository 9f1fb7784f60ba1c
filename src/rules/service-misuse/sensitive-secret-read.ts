/**
 * `aws.service-misuse.sensitive-secret-read`: the value of a secret the organisation marked as
 * sensitive retrieved from Secrets Manager by a principal that is not expected to read it.
 */
import { z } from 'zod';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { Organisation } from '../../config/schema.js';
import type { ApiEvent } from '../../model/event.js';
import { matchesAny } from '../../util/glob.js';
import {
  actorName,
  basePriority,
  byAwsService,
  ctRecord,
  failed,
  isAutomation,
  reqString,
  shift,
  USER_AGENTS,
  where,
} from '../lib.js';

const knobs = {
  readers: knob(
    z.array(z.string()),
    [],
    'ARN globs of principals expected to read the sensitive secrets besides CI/CD (the applications that use them); matched against the caller and, for assumed roles, the role.',
  ),
};

const SENSITIVE = {
  organisation: {
    sensitive: { secrets: ['prod/payments/*', 'arn:aws:secretsmanager:*:*:secret:root-*'] },
  },
};

/**
 * The forms a configured glob may be written against: the id as the caller gave it and, for a
 * full ARN, the secret name without the six-character suffix Secrets Manager appends.
 */
function secretForms(secretId: string): string[] {
  const forms = [secretId];
  const m = /:secret:(.+)$/.exec(secretId);
  if (m !== null) {
    const resource = m[1] as string;
    forms.push(resource);
    const bare = /^(.+)-[A-Za-z0-9]{6}$/.exec(resource);
    if (bare !== null) forms.push(bare[1] as string);
  }
  return forms;
}

function sensitiveSecret(e: ApiEvent, org: Organisation): string | undefined {
  const id = reqString(e, 'secretId');
  if (id === undefined) return undefined;
  return secretForms(id).some((f) => matchesAny(org.sensitive.secrets, f)) ? id : undefined;
}

export default defineApiRule({
  id: 'aws.service-misuse.sensitive-secret-read',
  title: 'Sensitive secret read by an unexpected principal',
  category: 'service-misuse',
  row: 'SVC-1',
  priority: 'high',
  mitre: ['T1555.006'],
  description:
    'GetSecretValue on a secret that matches `organisation.sensitive.secrets` (globs over the ' +
    'secret name or ARN; for a full ARN the name is also tried without the six-character suffix ' +
    'Secrets Manager appends) by a principal that is neither the configured CI/CD nor in the ' +
    '`readers` knob. The call returns the secret in clear, so the secret must be treated as ' +
    'exposed if the reader is not known. Nothing is reported while no sensitive secrets are ' +
    'configured; the finding of a configured rule names what it matched. Failed calls ' +
    '(AccessDenied, ResourceNotFoundException, DecryptionFailure) are reported one level lower as ' +
    'attempts. Rotation by Secrets Manager itself and other AWS services acting on their own ' +
    'behalf is ignored.',
  falsePositives: [
    'Applications that use the secret but are not listed in the readers knob.',
    'An administrator checking a secret value during an incident or a migration.',
  ],
  response: [
    'Rotate the secret (RotateSecret, or by hand in the system it protects) unless the reader is confirmed.',
    'Ask the owner of the identity whether the read was theirs; revoke the credentials if not.',
    'Tighten the secret’s resource policy to the roles that need it.',
  ],
  references: [
    'https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html',
    'https://docs.aws.amazon.com/secretsmanager/latest/userguide/monitoring-cloudtrail.html',
  ],
  knobs,
  assumptions: (ctx) =>
    ctx.org.sensitive.secrets.length > 0
      ? []
      : [
          'organisation.sensitive.secrets is empty: no secret is treated as sensitive, so this ' +
            'rule reports nothing.',
        ],
  kind: 'match',
  on: { eventSource: ['secretsmanager.amazonaws.com'], eventNames: ['GetSecretValue'] },
  match: (e, ctx) =>
    sensitiveSecret(e, ctx.org) !== undefined &&
    !byAwsService(e) &&
    !isAutomation(e, ctx.org) &&
    !matchesAny(ctx.knobs.readers, e.actor.arn) &&
    !matchesAny(ctx.knobs.readers, e.actor.sessionIssuerArn),
  priorityOf: (e, ctx) => shift(basePriority(ctx, 'high'), failed(e) ? -1 : 0),
  summary: (e, ctx) =>
    `${actorName(e)} ${failed(e) ? 'tried to read' : 'read'} the value of sensitive secret ` +
    `${sensitiveSecret(e, ctx.org) ?? '(unnamed)'} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'A sensitive secret read by full ARN (Invictus shape, Terraform on a laptop)',
        config: SENSITIVE,
        record: ctRecord({
          eventSource: 'secretsmanager.amazonaws.com',
          eventName: 'GetSecretValue',
          readOnly: true,
          userAgent: USER_AGENTS.terraform,
          requestParameters: {
            secretId:
              'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/stripe-api-key-fAVH0t',
            versionId: 'B36292B7-145C-41BE-81A3-7CF5EAB972C8',
          },
        }),
      },
      {
        title: 'A denied read of a secret named by a configured ARN glob',
        config: SENSITIVE,
        record: ctRecord({
          eventSource: 'secretsmanager.amazonaws.com',
          eventName: 'GetSecretValue',
          identity: 'role',
          readOnly: true,
          errorCode: 'AccessDeniedException',
          errorMessage:
            'User: arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_AdministratorAccess_5d1c7e3f2a9b8c40/bob@example.com is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:123456789012:secret:root-mfa-seed-9Qx2Lm because no resource-based policy allows the secretsmanager:GetSecretValue action',
          requestParameters: {
            secretId: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:root-mfa-seed-9Qx2Lm',
          },
        }),
      },
    ],
    miss: [
      {
        title: 'A secret that is not configured as sensitive',
        config: SENSITIVE,
        record: ctRecord({
          eventSource: 'secretsmanager.amazonaws.com',
          eventName: 'GetSecretValue',
          readOnly: true,
          requestParameters: { secretId: 'dev/orders/smtp-password' },
        }),
      },
      {
        title: 'A role listed in the readers knob reads the key',
        config: {
          ...SENSITIVE,
          rules: {
            'aws.service-misuse.sensitive-secret-read': {
              knobs: { readers: ['arn:aws:iam::123456789012:role/deploy-*'] },
            },
          },
        },
        record: ctRecord({
          eventSource: 'secretsmanager.amazonaws.com',
          eventName: 'GetSecretValue',
          identity: 'ci',
          readOnly: true,
          requestParameters: { secretId: 'prod/payments/stripe-api-key' },
        }),
      },
      {
        title: 'Any secret read when no sensitive secrets are configured',
        record: ctRecord({
          eventSource: 'secretsmanager.amazonaws.com',
          eventName: 'GetSecretValue',
          readOnly: true,
          requestParameters: { secretId: 'prod/payments/stripe-api-key' },
        }),
      },
    ],
  },
});
