/**
 * `aws.data.secret-read-burst`: one principal reading the values of many different secrets within
 * minutes. Applications read the few secrets they need; harvesting every secret an identity can
 * reach is what Stratus Red Team's secretsmanager-retrieve-secrets and Pacu's
 * secrets__enum do, and what an intruder does after finding broad credentials.
 */
import { z } from 'zod';
import { defineThresholdRule, knob } from '../../engine/rule.js';
import type { JsonObject } from '../../model/event.js';
import { basePriority, ctRecord, isAutomation, reqString, shift, USER_AGENTS } from '../lib.js';
import { automationAssumption, isSensitiveSecret, secretName } from '../lib/ownership.js';
import {
  asApi,
  callerFacts,
  describePlace,
  groupActor,
  groupSpan,
  isWorkload,
  MINUTE,
  principalKey,
  serviceCall,
  someValues,
  sourceFacts,
  timeline,
} from '../lib/principal-behaviour.js';

const knobs = {
  windowMinutes: knob(
    z.number().int().min(1).max(1440),
    15,
    'Length of the sliding window, in minutes.',
  ),
  secrets: knob(
    z.number().int().min(2),
    10,
    'Distinct secrets one principal must read within the window.',
  ),
  ignoreWorkloads: knob(
    z.boolean(),
    false,
    'Leave out reads by workloads loading their own configuration (EC2 instance-profile sessions, Lambda and ECS execution environments). Off by default: a compromised workload harvesting secrets is exactly what this rule is for.',
  ),
};

/** The user Stratus Red Team ran as in the Invictus recording. */
const STRATUS_USER: JsonObject = {
  type: 'IAMUser',
  principalId: 'AIDA4XJ7LBQ5EXAMPLE07',
  arn: 'arn:aws:iam::123456789012:user/bert-jan',
  accountId: '123456789012',
  accessKeyId: 'AKIA4XJ7LBQ5EXAMPLE7',
  userName: 'bert-jan',
};

/** Secret ARNs shaped like Stratus's (name, then the six-character suffix Secrets Manager adds). */
const SUFFIXES = ['wL771x', 'ZgthLn', 'xehWok', 'nFvpuv', 'mekIRl', 'i1OGGG', 'agquim', 'fAVH0t'];
function stratusSecret(i: number): string {
  const suffix = SUFFIXES[i % SUFFIXES.length] as string;
  return `arn:aws:secretsmanager:us-east-1:123456789012:secret:stratus-red-team-retrieve-secret-${i}-${suffix}`;
}

const APP_SECRETS = [
  'prod/db/master',
  'prod/stripe/api-key',
  'prod/github/deploy-key',
  'prod/smtp/password',
  'prod/jwt/signing-key',
  'prod/datadog/api-key',
  'prod/sentry/dsn',
  'prod/slack/webhook',
  'prod/redis/auth-token',
  'prod/twilio/auth-token',
  'prod/okta/client-secret',
  'prod/pagerduty/routing-key',
];

function readsOf(
  times: readonly string[],
  ids: readonly string[],
  opts: { identity?: JsonObject | 'user' | 'role'; userAgent?: string } = {},
): JsonObject[] {
  return times.map((eventTime, i) =>
    ctRecord({
      eventSource: 'secretsmanager.amazonaws.com',
      eventName: 'GetSecretValue',
      identity: opts.identity ?? 'role',
      eventTime,
      readOnly: true,
      userAgent: opts.userAgent ?? USER_AGENTS.boto3,
      sourceIPAddress: '85.214.132.117',
      requestParameters: { secretId: ids[i % ids.length] as string },
    }),
  );
}

export default defineThresholdRule({
  id: 'aws.data.secret-read-burst',
  title: 'Burst of distinct secrets read by one principal',
  category: 'data',
  row: 'DATA-1',
  priority: 'high',
  mitre: ['T1555.006', 'T1552'],
  description:
    'Counts, per principal, the distinct secrets whose value it read (GetSecretValue, ' +
    'successful) in a sliding window of `windowMinutes`, and fires at `secrets`. A secret is ' +
    'named by the id the call gives, reduced to the secret’s name (a full ARN, a partial ARN ' +
    'and the bare name of one secret count once; the same name in two regions also counts ' +
    'once). BatchGetSecretValue is counted through the GetSecretValue entries Secrets Manager ' +
    'writes for every secret a batch returns (AWS documents one per secret), so each secret ' +
    'of a batch counts once; counting the batch call as well would count its secrets twice, ' +
    'and a signal can carry only one value. The batch call itself is reported by ' +
    'aws.data.secrets-batch-retrieved. Failed reads do not count (nothing was disclosed); a ' +
    'run of refused reads is aws.recon.access-denied-burst. The principal is the stable ' +
    'identity (the role of an assumed-role session). One level higher when a secret in ' +
    'organisation.sensitive.secrets is among those read. Left out: AWS services reading for a ' +
    'caller (CloudFormation dynamic references, RDS, …) and the configured automation; ' +
    'workloads only when `ignoreWorkloads` is on. In the Invictus recording it fires with the ' +
    'default knobs: with Terraform configured as automation, on Stratus Red Team’s 20 reads in ' +
    'four seconds; with no automation configured, the finding opens one second earlier on ' +
    'Terraform’s reads of the same 20 secrets by the same user, and Stratus’s reads a second ' +
    'later count as the same burst (one finding per burst, not one per window). State per ' +
    'principal is the reads within the window; with `--state` it carries across runs.',
  falsePositives: [
    'Applications or secret-sync tools (External Secrets Operator, CSI driver, CI jobs) loading many secrets at start-up; list them as automation or turn on ignoreWorkloads.',
    'Infrastructure-as-code refreshing the secrets it manages from outside the configured pipeline.',
    'An administrator migrating or auditing secrets.',
  ],
  response: [
    'Treat every secret listed as disclosed: rotate them, starting with the sensitive ones.',
    'Find out how the principal’s credentials were obtained and revoke its sessions or keys.',
    'Restrict secretsmanager:GetSecretValue to the secrets each identity needs (resource policies, tags with ABAC).',
  ],
  references: [
    'https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_BatchGetSecretValue.html',
    'https://docs.aws.amazon.com/secretsmanager/latest/userguide/monitoring-cloudtrail.html',
    'https://stratus-red-team.cloud/attack-techniques/AWS/aws.credential-access.secretsmanager-retrieve-secrets/',
  ],
  knobs,
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'threshold',
  on: { eventSource: ['secretsmanager.amazonaws.com'], eventNames: ['GetSecretValue'] },
  filter: (ev, ctx) => {
    const e = asApi(ev);
    return (
      e !== undefined &&
      e.errorCode === undefined &&
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
    const id = e === undefined ? undefined : reqString(e, 'secretId');
    return id === undefined ? undefined : secretName(id);
  },
  facts: (ev) => {
    const e = asApi(ev);
    return e === undefined ? {} : { ...sourceFacts(e), ...callerFacts(e) };
  },
  windowMs: (ctx) => ctx.knobs.windowMinutes * MINUTE,
  threshold: (ctx) => ctx.knobs.secrets,
  priorityOf: (group, ctx) =>
    shift(
      basePriority(ctx, 'high'),
      group.values.some((v) => isSensitiveSecret(ctx.org, v)) ? 1 : 0,
    ),
  summary: (group, ctx) => {
    const sensitive = group.values.filter((v) => isSensitiveSecret(ctx.org, v));
    const note =
      sensitive.length > 0 ? `, ${sensitive.length} of them configured as sensitive` : '';
    return (
      `${groupActor(group)} read ${group.figures.observed} distinct secrets ` +
      `(${someValues(group, 3)}) ${groupSpan(group)}${note}, from ${describePlace(group.last)} in ` +
      `${group.last.region ?? 'an unknown region'}; threshold ${group.figures.threshold} in ` +
      `${group.figures.windowMinutes} min`
    );
  },
  examples: {
    fire: [
      {
        title: '20 secrets read in 4 seconds (Invictus, Stratus secretsmanager-retrieve-secrets)',
        records: readsOf(
          timeline('2026-03-13T11:57:51Z', 20, 150),
          Array.from({ length: 20 }, (_, i) => stratusSecret(i)),
          {
            identity: STRATUS_USER,
            userAgent: 'stratus-red-team_561fe49b-e6b4-44da-a587-0cb7b4a1e2f7',
          },
        ),
      },
      {
        title: 'An SSO administrator reads 12 production secrets by name, one a sensitive one',
        config: { organisation: { sensitive: { secrets: ['prod/db/*'] } } },
        records: readsOf(timeline('2026-03-13T23:02:00Z', 12, 40_000), APP_SECRETS),
      },
    ],
    miss: [
      {
        title: 'Nine distinct secrets: one short of the threshold',
        records: readsOf(timeline('2026-03-13T23:02:00Z', 9, 40_000), APP_SECRETS),
      },
      {
        title: 'An application reading its three secrets forty times (by name and by ARN)',
        records: readsOf(timeline('2026-03-13T23:02:00Z', 40, 15_000), [
          'prod/db/master',
          'arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db/master-AbCdEf',
          'prod/stripe/api-key',
          'prod/redis/auth-token',
        ]),
      },
      {
        title: 'Twelve secrets read two minutes apart (at most eight in any window)',
        records: readsOf(timeline('2026-03-13T23:02:00Z', 12, 2 * MINUTE), APP_SECRETS),
      },
      {
        title: 'The configured Terraform pipeline refreshing twenty secrets it manages',
        config: { organisation: { automationUserAgents: ['*Terraform/*'] } },
        records: readsOf(
          timeline('2026-03-13T11:57:50Z', 20, 50),
          Array.from({ length: 20 }, (_, i) => stratusSecret(i)),
          { identity: STRATUS_USER, userAgent: USER_AGENTS.terraform },
        ),
      },
    ],
  },
});
