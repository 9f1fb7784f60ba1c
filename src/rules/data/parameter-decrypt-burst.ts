/**
 * `aws.data.parameter-decrypt-burst`: one principal decrypting many different Parameter Store
 * parameters within minutes. Parameter Store is where many teams keep passwords and API keys as
 * SecureString; reading them in clear one after another, or in batches, is how they are
 * harvested (Stratus Red Team ssm-retrieve-securestring-parameters, Pacu).
 */
import { z } from 'zod';
import { defineThresholdRule, knob } from '../../engine/rule.js';
import type { ApiEvent, JsonObject } from '../../model/event.js';
import {
  basePriority,
  bool,
  ctRecord,
  isAutomation,
  reqString,
  shift,
  strings,
  USER_AGENTS,
} from '../lib.js';
import { automationAssumption } from '../lib/ownership.js';
import {
  anyFact,
  asApi,
  callerFacts,
  describePlace,
  groupActor,
  groupSpan,
  isWorkload,
  MINUTE,
  principalKey,
  serviceCall,
  sourceFacts,
  timeline,
} from '../lib/principal-behaviour.js';

const knobs = {
  windowMinutes: knob(
    z.number().int().min(1).max(1440),
    15,
    'Length of the sliding window, in minutes.',
  ),
  reads: knob(
    z.number().int().min(2),
    5,
    'Distinct decrypted reads (a parameter, the set of parameters of one GetParameters call, or a path) one principal must make within the window.',
  ),
  ignoreWorkloads: knob(
    z.boolean(),
    true,
    'Leave out workloads reading their own configuration: EC2 instance-profile sessions and Lambda / ECS execution environments (user agent exec-env/AWS_…).',
  ),
};

/**
 * What one decrypted read disclosed, as the value counted: the parameter's name, `{a, b, …}` for
 * the names of a GetParameters call (sorted, so the same batch twice is one value), or `path/*`
 * (`path/**` when recursive) for GetParametersByPath.
 */
function readOf(e: ApiEvent): string | undefined {
  if (e.eventName === 'GetParametersByPath') {
    const path = reqString(e, 'path');
    if (path === undefined) return undefined;
    const base = path.endsWith('/') ? path.slice(0, -1) : path;
    return `${base}/${bool(e.request, 'recursive') === true ? '**' : '*'}`;
  }
  if (e.eventName === 'GetParameters') {
    const names = [...new Set(strings(e.request, 'names'))].sort();
    if (names.length <= 1) return names[0];
    return `{${names.join(', ')}}`;
  }
  return reqString(e, 'name');
}

/** A counted value as a summary shows it: a batch by its size and first name. */
function shown(value: string): string {
  if (!value.startsWith('{')) return value;
  const names = value.slice(1, -1).split(', ');
  return `${names.length} parameters from ${names[0] ?? '?'} in one call`;
}

/** The principal Stratus Red Team ran as in the Invictus recording. */
const STRATUS_USER: JsonObject = {
  type: 'IAMUser',
  principalId: 'AIDA4XJ7LBQ5EXAMPLE07',
  arn: 'arn:aws:iam::123456789012:user/bert-jan',
  accountId: '123456789012',
  accessKeyId: 'AKIA4XJ7LBQ5EXAMPLE7',
  userName: 'bert-jan',
};

function credential(i: number): string {
  return `/credentials/stratus-red-team/credentials-${i}`;
}

/** GetParameters calls in batches of ten, as Stratus makes them. */
function batches(times: readonly string[], perBatch = 10): JsonObject[] {
  return times.map((eventTime, b) =>
    ctRecord({
      eventSource: 'ssm.amazonaws.com',
      eventName: 'GetParameters',
      identity: STRATUS_USER,
      eventTime,
      readOnly: true,
      userAgent: 'stratus-red-team_11a6ef34-e130-4579-a1d3-4a8b9e0c1d2f',
      sourceIPAddress: '85.214.132.117',
      requestParameters: {
        names: Array.from({ length: perBatch }, (_, i) => credential(b * perBatch + i)),
        withDecryption: true,
      },
    }),
  );
}

const APP_PARAMETERS = [
  '/prod/payments/db-password',
  '/prod/payments/stripe-secret-key',
  '/prod/orders/db-password',
  '/prod/orders/smtp-password',
  '/prod/identity/jwt-signing-key',
  '/prod/identity/okta-client-secret',
];

/** A Lambda function's execution-role session. */
const LAMBDA_SESSION: JsonObject = {
  type: 'AssumedRole',
  principalId: 'AROA4XJ7LBQ5EXAMPLE08:payments-api',
  arn: 'arn:aws:sts::123456789012:assumed-role/payments-api-role/payments-api',
  accountId: '123456789012',
  accessKeyId: 'ASIA4XJ7LBQ5EXAMPLE8',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROA4XJ7LBQ5EXAMPLE08',
      arn: 'arn:aws:iam::123456789012:role/payments-api-role',
      accountId: '123456789012',
      userName: 'payments-api-role',
    },
    webIdFederationData: {},
    attributes: { creationDate: '2026-03-14T23:39:58Z', mfaAuthenticated: 'false' },
  },
};

function singles(
  times: readonly string[],
  names: readonly string[],
  opts: {
    withDecryption?: boolean;
    identity?: JsonObject | 'user' | 'role';
    userAgent?: string;
    sourceIPAddress?: string;
  } = {},
): JsonObject[] {
  return times.map((eventTime, i) =>
    ctRecord({
      eventSource: 'ssm.amazonaws.com',
      eventName: 'GetParameter',
      identity: opts.identity ?? 'role',
      eventTime,
      readOnly: true,
      userAgent: opts.userAgent ?? USER_AGENTS.cli,
      sourceIPAddress: opts.sourceIPAddress ?? '41.203.64.1',
      requestParameters: {
        name: names[i % names.length] as string,
        withDecryption: opts.withDecryption ?? true,
      },
    }),
  );
}

export default defineThresholdRule({
  id: 'aws.data.parameter-decrypt-burst',
  title: 'Burst of distinct Parameter Store parameters decrypted by one principal',
  category: 'data',
  row: 'DATA-1',
  priority: 'medium',
  mitre: ['T1552', 'T1555.006'],
  description:
    'Counts, per principal, the distinct successful decrypted reads of Parameter Store ' +
    '(GetParameter, GetParameters, GetParametersByPath, GetParameterHistory with ' +
    '`withDecryption: true`) in a sliding window of `windowMinutes`, and fires at `reads`. One ' +
    'event can add one value to the count, so a read is what one call disclosed: a parameter ' +
    'name, the set of names of a GetParameters call (up to ten, counted once per distinct set), ' +
    'or a path for GetParametersByPath (which returns everything under it, recursive or not). ' +
    'The default of 5 is low because of that: harvesting tools read in batches of ten, so five ' +
    'batches are already fifty parameters (Stratus Red Team in the Invictus recording read 42 ' +
    'parameters in five GetParameters calls within two seconds, which fires). Reads without ' +
    'decryption, failed reads, AWS services, the configured automation and, while ' +
    '`ignoreWorkloads` is on, workloads reading their own configuration are left out. The ' +
    'principal is the stable identity (the role of an assumed-role session). Temporary ' +
    'credentials are one level higher. Each decrypted read by an unexpected principal is also ' +
    'reported by aws.service-misuse.parameter-decrypted-by-unexpected-principal; this rule says ' +
    'it was a sweep. State per principal is the reads within the window; with `--state` it ' +
    'carries across runs.',
  falsePositives: [
    'Engineers or scripts loading an environment’s configuration from a laptop (outside the configured automation).',
    'Configuration-management tools (Ansible, Chef) that are not listed as automation.',
  ],
  response: [
    'Treat the values of every parameter listed as disclosed and rotate the passwords and keys they hold.',
    'Find out how the principal’s credentials were obtained; revoke its sessions or keys.',
    'Scope ssm:GetParameter* and kms:Decrypt to the paths each role needs.',
  ],
  references: [
    'https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameters.html',
    'https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParametersByPath.html',
    'https://stratus-red-team.cloud/attack-techniques/AWS/aws.credential-access.ssm-retrieve-securestring-parameters/',
  ],
  knobs,
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'threshold',
  on: {
    eventSource: ['ssm.amazonaws.com'],
    eventNames: ['GetParameter', 'GetParameters', 'GetParametersByPath', 'GetParameterHistory'],
  },
  filter: (ev, ctx) => {
    const e = asApi(ev);
    return (
      e !== undefined &&
      e.errorCode === undefined &&
      bool(e.request, 'withDecryption') === true &&
      !serviceCall(e) &&
      !isAutomation(e, ctx.org) &&
      !(ctx.knobs.ignoreWorkloads && isWorkload(e))
    );
  },
  key: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : principalKey(e);
  },
  value: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : readOf(e);
  },
  facts: (ev) => {
    const e = asApi(ev);
    return e === undefined ? {} : { ...sourceFacts(e), ...callerFacts(e) };
  },
  windowMs: (ctx) => ctx.knobs.windowMinutes * MINUTE,
  threshold: (ctx) => ctx.knobs.reads,
  priorityOf: (group, ctx) =>
    shift(basePriority(ctx, 'medium'), anyFact(group, 'credentials', 'temporary') ? 1 : 0),
  summary: (group) => {
    const listed = group.values.slice(0, 3).map(shown);
    const more = Number(group.figures.observed) - listed.length;
    return (
      `${groupActor(group)} made ${group.figures.observed} distinct decrypted Parameter Store ` +
      `reads (${listed.join('; ')}${more > 0 ? `; and ${more} more` : ''}) ${groupSpan(group)} ` +
      `from ${describePlace(group.last)} in ${group.last.region ?? 'an unknown region'}; ` +
      `threshold ${group.figures.threshold} in ${group.figures.windowMinutes} min`
    );
  },
  examples: {
    fire: [
      {
        title: 'Five GetParameters batches of ten in two seconds (Invictus, Stratus)',
        records: batches(timeline('2026-03-14T11:58:27Z', 5, 400)),
      },
      {
        title: 'An SSO session decrypts six production passwords one by one',
        records: singles(timeline('2026-03-14T23:40:00Z', 6, 50_000), APP_PARAMETERS),
      },
      {
        title: 'Whole trees read by path, one after another',
        records: [
          '/prod/payments',
          '/prod/orders',
          '/prod/identity',
          '/prod/search',
          '/prod/ml',
        ].map((path, i) =>
          ctRecord({
            eventSource: 'ssm.amazonaws.com',
            eventName: 'GetParametersByPath',
            identity: 'user',
            eventTime: `2026-03-14T23:4${i}:10Z`,
            readOnly: true,
            sourceIPAddress: '41.203.64.1',
            requestParameters: { path, recursive: true, withDecryption: true },
          }),
        ),
      },
    ],
    miss: [
      {
        title: 'Four batches: one read short of the threshold',
        records: batches(timeline('2026-03-14T11:58:27Z', 4, 400)),
      },
      {
        title: 'Six parameters read without decryption',
        records: singles(timeline('2026-03-14T23:40:00Z', 6, 50_000), APP_PARAMETERS, {
          withDecryption: false,
        }),
      },
      {
        title: 'The same two parameters decrypted over and over',
        records: singles(timeline('2026-03-14T23:40:00Z', 12, 30_000), APP_PARAMETERS.slice(0, 2)),
      },
      {
        title: 'A Lambda function loading six parameters at cold start',
        records: singles(timeline('2026-03-14T23:40:00Z', 6, 200), APP_PARAMETERS, {
          identity: LAMBDA_SESSION,
          userAgent:
            'aws-sdk-nodejs/2.1500.0 linux/v20.11.1 exec-env/AWS_Lambda_nodejs20.x promise',
          sourceIPAddress: '3.80.12.4',
        }),
      },
    ],
  },
});
