/**
 * `aws.service-misuse.parameter-decrypted-by-unexpected-principal`: SecureString parameters read
 * in clear (`withDecryption: true`) from Parameter Store by a principal other than the
 * organisation's automation and configured readers. Parameter Store is where many teams keep
 * database passwords and API keys, and reading it is among the first things done with stolen keys.
 */
import { z } from 'zod';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import { matchesAny, matchesAnyIgnoreCase } from '../../util/glob.js';
import {
  actorName,
  basePriority,
  bool,
  byAwsService,
  ctRecord,
  failed,
  isAutomation,
  names,
  reqString,
  shift,
  strings,
  USER_AGENTS,
  where,
} from '../lib.js';
import { automationConfigured, instanceCredential } from '../lib/caller.js';

const knobs = {
  readers: knob(
    z.array(z.string()),
    [],
    'ARN globs of principals expected to read decrypted parameters besides CI/CD (application roles, for example); matched against the caller and, for assumed roles, the role.',
  ),
  sensitiveNames: knob(
    z.array(z.string()),
    [
      '*password*',
      '*passwd*',
      '*secret*',
      '*credential*',
      '*token*',
      '*private*key*',
      '*api*key*',
      '*access*key*',
    ],
    'Parameter name globs (case-insensitive) whose decrypted read is one level higher.',
  ),
  ignoreWorkloads: knob(
    z.boolean(),
    true,
    'Ignore reads by workloads reading their own configuration: EC2 instance-profile sessions and Lambda / ECS execution environments (user agent exec-env/AWS_…). Their credentials used elsewhere are reported by aws.credential.instance-credentials-outside-aws.',
  ),
};

/** Parameter names (or the path) the call read. */
function parameterNames(e: ApiEvent): string[] {
  const one = reqString(e, 'name', 'path');
  return one !== undefined ? [one] : strings(e.request, 'names');
}

function isWorkload(e: ApiEvent): boolean {
  return instanceCredential(e) !== undefined || e.userAgent?.includes('exec-env/AWS_') === true;
}

export default defineApiRule({
  id: 'aws.service-misuse.parameter-decrypted-by-unexpected-principal',
  title: 'SecureString parameters decrypted by an unexpected principal',
  category: 'service-misuse',
  row: 'SVC-1',
  priority: 'medium',
  mitre: ['T1552', 'T1555.006'],
  description:
    'GetParameter, GetParameters, GetParametersByPath or GetParameterHistory with ' +
    '`withDecryption: true` by a principal that is not the configured CI/CD and not in the ' +
    '`readers` knob. The call returns SecureString values in clear text, so it is how stolen ' +
    'credentials harvest the passwords and keys kept in Parameter Store (GetParametersByPath ' +
    'with a recursive path reads a whole tree at once). Reads of parameters whose names look ' +
    'like credentials (`sensitiveNames`) are one level higher. Workloads reading their own ' +
    'configuration (instance-profile and Lambda / ECS sessions) are ignored while ' +
    '`ignoreWorkloads` is on. With neither CI/CD nor readers configured every decrypted read is ' +
    'reported one level lower and the finding says so. Failed calls (AccessDenied, ParameterNotFound) ' +
    'are reported one level lower as attempts; a run of them is typical of enumeration.',
  falsePositives: [
    'Engineers checking a parameter value from the console or the CLI while debugging.',
    'Application roles not listed in the readers knob.',
  ],
  response: [
    'List the parameters read and treat their values as exposed if the reader is not known: rotate the passwords and keys they hold.',
    'Ask the owner of the identity whether the reads were theirs; revoke the credentials if not.',
    'Scope ssm:GetParameter* and kms:Decrypt to the paths each role needs.',
  ],
  references: [
    'https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html',
    'https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParametersByPath.html',
    'https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-access.html',
  ],
  knobs,
  assumptions: (ctx) =>
    automationConfigured(ctx.org) || ctx.knobs.readers.length > 0
      ? []
      : [
          'No CI/CD identities or parameter readers are configured (organisation.automationArns, ' +
            'automationUserAgents, the readers knob): every decrypted read by a person or role ' +
            'other than a workload is reported, one level lower.',
        ],
  kind: 'match',
  on: {
    eventSource: ['ssm.amazonaws.com'],
    eventNames: ['GetParameter', 'GetParameters', 'GetParametersByPath', 'GetParameterHistory'],
  },
  match: (e, ctx) =>
    bool(e.request, 'withDecryption') === true &&
    !byAwsService(e) &&
    !isAutomation(e, ctx.org) &&
    !matchesAny(ctx.knobs.readers, e.actor.arn) &&
    !matchesAny(ctx.knobs.readers, e.actor.sessionIssuerArn) &&
    !(ctx.knobs.ignoreWorkloads && isWorkload(e)),
  priorityOf: (e, ctx) => {
    const configured = automationConfigured(ctx.org) || ctx.knobs.readers.length > 0;
    const sensitive = parameterNames(e).some((n) =>
      matchesAnyIgnoreCase(ctx.knobs.sensitiveNames, n),
    );
    return shift(
      basePriority(ctx, 'medium'),
      (configured ? 0 : -1) + (sensitive ? 1 : 0) + (failed(e) ? -1 : 0),
    );
  },
  summary: (e) => {
    const read = parameterNames(e);
    const what =
      e.eventName === 'GetParametersByPath'
        ? `every parameter under ${read[0] ?? '(no path)'}${bool(e.request, 'recursive') === true ? ' (recursive)' : ''}`
        : e.eventName === 'GetParameterHistory'
          ? `the history of parameter ${read[0] ?? '(unnamed)'}`
          : `${read.length === 1 ? 'parameter' : 'parameters'} ${names(read)}`;
    return `${actorName(e)} ${failed(e) ? 'tried to read and decrypt' : 'read and decrypted'} ${what} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'A credentials parameter decrypted from a laptop (Invictus: Terraform reads)',
        record: ctRecord({
          eventSource: 'ssm.amazonaws.com',
          eventName: 'GetParameter',
          readOnly: true,
          userAgent: USER_AGENTS.terraform,
          requestParameters: { name: '/credentials/payments/db-password', withDecryption: true },
        }),
      },
      {
        title: 'A batch of parameters decrypted in one call (Invictus: GetParameters)',
        record: ctRecord({
          eventSource: 'ssm.amazonaws.com',
          eventName: 'GetParameters',
          readOnly: true,
          userAgent: 'stratus-red-team_11a6ef34-e130-4579-a1d3-4a8b9e0c1d2f',
          requestParameters: {
            names: ['/app/orders/db-url', '/app/orders/feature-flags', '/app/orders/smtp-host'],
            withDecryption: true,
          },
        }),
      },
      {
        title: 'A whole tree read recursively by an SSO session while CI/CD is configured',
        config: { organisation: { automationArns: ['arn:aws:iam::123456789012:role/deploy-*'] } },
        record: ctRecord({
          eventSource: 'ssm.amazonaws.com',
          eventName: 'GetParametersByPath',
          identity: 'role',
          readOnly: true,
          requestParameters: { path: '/prod', recursive: true, withDecryption: true },
        }),
      },
    ],
    miss: [
      {
        title: 'The same parameter read without decryption',
        record: ctRecord({
          eventSource: 'ssm.amazonaws.com',
          eventName: 'GetParameter',
          readOnly: true,
          requestParameters: { name: '/credentials/payments/db-password', withDecryption: false },
        }),
      },
      {
        title: 'A Lambda function reads its own configuration',
        record: ctRecord({
          eventSource: 'ssm.amazonaws.com',
          eventName: 'GetParameter',
          readOnly: true,
          identity: {
            type: 'AssumedRole',
            principalId: 'AROA4XJ7LBQ5EXAMPLE08:orders-api',
            arn: 'arn:aws:sts::123456789012:assumed-role/orders-api-role/orders-api',
            accountId: '123456789012',
            accessKeyId: 'ASIA4XJ7LBQ5EXAMPLE8',
            sessionContext: {
              sessionIssuer: {
                type: 'Role',
                principalId: 'AROA4XJ7LBQ5EXAMPLE08',
                arn: 'arn:aws:iam::123456789012:role/orders-api-role',
                accountId: '123456789012',
                userName: 'orders-api-role',
              },
              webIdFederationData: {},
              attributes: { creationDate: '2026-01-02T02:12:44Z', mfaAuthenticated: 'false' },
            },
          },
          sourceIPAddress: '3.91.17.200',
          userAgent:
            'Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.10.219-229.866.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.3 exec-env/AWS_Lambda_python3.12 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69',
          requestParameters: { name: '/app/orders/db-password', withDecryption: true },
        }),
      },
      {
        title: 'A configured reader role decrypts a parameter',
        config: {
          rules: {
            'aws.service-misuse.parameter-decrypted-by-unexpected-principal': {
              knobs: {
                readers: [
                  'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_*',
                ],
              },
            },
          },
        },
        record: ctRecord({
          eventSource: 'ssm.amazonaws.com',
          eventName: 'GetParameter',
          identity: 'role',
          readOnly: true,
          requestParameters: { name: '/app/orders/db-password', withDecryption: true },
        }),
      },
    ],
  },
});
