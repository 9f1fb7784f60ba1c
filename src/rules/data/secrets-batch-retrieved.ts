/**
 * `aws.data.secrets-batch-retrieved`: many secret values fetched in one BatchGetSecretValue call,
 * by name or by a filter. The API (2023) retrieves up to 20 secrets at once and is a favourite of
 * credential-harvesting tools; by filter it can take every secret a tag or name prefix matches.
 */
import { z } from 'zod';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { RuleContext } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  at,
  basePriority,
  byAwsService,
  ctRecord,
  did,
  failed,
  isAutomation,
  list,
  names,
  shift,
  str,
  strings,
  USER_AGENTS,
  where,
} from '../lib.js';
import { automationAssumption, isSensitiveSecret, secretName } from '../lib/ownership.js';

const knobs = {
  manySecrets: knob(
    z.number().int().min(1).max(20),
    5,
    "A call naming at least this many secrets is reported at the rule's priority; fewer one level lower.",
  ),
};

type Ctx = RuleContext<typeof knobs>;

function ids(e: ApiEvent): string[] {
  return strings(e.request, 'secretIdList');
}

function filters(e: ApiEvent): string[] {
  return list(at(e.request, 'filters')).map((f) => {
    const key = str(f, 'key') ?? 'filter';
    return `${key}=${strings(f, 'values').join('|')}`;
  });
}

function weight(e: ApiEvent, ctx: Ctx): number {
  const named = ids(e);
  if (filters(e).length > 0 || named.length === 0) return 0;
  if (named.some((id) => isSensitiveSecret(ctx.org, id))) return 0;
  return named.length >= ctx.knobs.manySecrets ? 0 : -1;
}

export default defineApiRule({
  id: 'aws.data.secrets-batch-retrieved',
  title: 'Secrets retrieved in bulk (BatchGetSecretValue)',
  category: 'data',
  row: 'DATA-1',
  priority: 'high',
  mitre: ['T1555.006'],
  description:
    'A principal called BatchGetSecretValue, which returns the values of up to 20 secrets in one ' +
    'call. Calls that select secrets by filter (tag, name prefix or description: everything that ' +
    'matches), that name at least `manySecrets` secrets, or that include a secret listed in ' +
    "organisation.sensitive.secrets are reported at the rule's priority; a call naming a few " +
    'ordinary secrets is one level lower. Secrets Manager also writes a GetSecretValue record ' +
    'for each secret returned, which aws.data.sensitive-resource-access judges one by one. The ' +
    'configured automation and failed calls are one level lower; AWS services do not match.',
  falsePositives: [
    'Applications and secret-sync tools (External Secrets, CSI drivers) that load their configuration in one call; list them as automation.',
  ],
  response: [
    "List the secrets returned (the GetSecretValue records that accompany the call, or the filter's matches).",
    "If the caller should not hold them, rotate every secret returned and revoke the caller's sessions or keys.",
    'Restrict secretsmanager:BatchGetSecretValue and ListSecrets to the roles that need them.',
  ],
  references: [
    'https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_BatchGetSecretValue.html',
    'https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets.html',
  ],
  knobs,
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: { eventSource: ['secretsmanager.amazonaws.com'], eventNames: ['BatchGetSecretValue'] },
  match: (e) => !byAwsService(e),
  priorityOf: (e, ctx) =>
    shift(
      basePriority(ctx, 'high'),
      weight(e, ctx) - (failed(e) ? 1 : 0) - (isAutomation(e, ctx.org) ? 1 : 0),
    ),
  summary: (e) => {
    const f = filters(e);
    const named = ids(e).map(secretName);
    const what =
      f.length > 0
        ? `every secret matching ${f.join(', ')}`
        : named.length > 0
          ? `${named.length} secret${named.length === 1 ? '' : 's'} (${names(named)})`
          : 'secrets';
    return `${actorName(e)} ${did(e, 'retrieved', 'retrieve')} ${what} in one call ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'Every secret with a tag, by filter',
        record: ctRecord({
          eventSource: 'secretsmanager.amazonaws.com',
          eventName: 'BatchGetSecretValue',
          readOnly: true,
          identity: 'role',
          userAgent: USER_AGENTS.boto3,
          requestParameters: { filters: [{ key: 'tag-key', values: ['env'] }], maxResults: 20 },
        }),
      },
      {
        title: 'Six secrets by name',
        record: ctRecord({
          eventSource: 'secretsmanager.amazonaws.com',
          eventName: 'BatchGetSecretValue',
          readOnly: true,
          requestParameters: {
            secretIdList: [
              'prod/db/master',
              'prod/stripe/api-key',
              'prod/github/deploy-key',
              'prod/smtp/password',
              'prod/jwt/signing-key',
              'prod/datadog/api-key',
            ],
          },
        }),
      },
    ],
    miss: [
      {
        title: 'A single secret read with GetSecretValue',
        record: ctRecord({
          eventSource: 'secretsmanager.amazonaws.com',
          eventName: 'GetSecretValue',
          readOnly: true,
          requestParameters: { secretId: 'prod/db/master' },
        }),
      },
    ],
  },
});
