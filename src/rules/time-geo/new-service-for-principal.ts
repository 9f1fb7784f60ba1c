/**
 * `aws.time-geo.new-service-for-principal`: a principal calling an AWS service it has never called
 * before, after learning each principal's services. Most identities settle on a few services: a
 * deployment role updates functions and tags instances, a reporting user reads metrics. Stolen
 * credentials are used for what the thief wants (secrets, identities, mail for spam), so the
 * first call to a new service is one of the earliest signs that someone else holds the keys.
 */
import { z } from 'zod';
import { defineFirstSeenRule, knob } from '../../engine/rule.js';
import type { JsonObject } from '../../model/event.js';
import { basePriority, ctRecord, EXAMPLE_ACCOUNT, IDENTITIES, shift, USER_AGENTS } from '../lib.js';
import type { CtRecordInput } from '../lib.js';
import { stablePrincipal } from '../lib/behaviour.js';
import { refused } from '../lib/denied.js';
import {
  asApi,
  consoleCall,
  DAY,
  describePlace,
  fact,
  groupActor,
  HOUR,
  isoAfter,
  serviceCall,
  sourceFacts,
  utcText,
} from '../lib/principal-behaviour.js';

const knobs = {
  learningDays: knob(
    z.number().min(0).max(365),
    14,
    'Days, from the first call the rule sees, during which services are learned without reporting.',
  ),
  sensitiveServices: knob(
    z.array(z.string().min(1)),
    [
      'secretsmanager.amazonaws.com',
      'ssm.amazonaws.com',
      'kms.amazonaws.com',
      'iam.amazonaws.com',
      'sts.amazonaws.com',
      'organizations.amazonaws.com',
    ],
    'Event sources of services that hand out secrets, keys or identities; a principal’s first call to one is reported one level higher.',
  ),
};

/** `secretsmanager` from `secretsmanager.amazonaws.com`, as people name a service. */
function serviceName(eventSource: string): string {
  return eventSource.replace(/\.amazonaws\.com$/, '');
}

const START = '2026-02-01T07:55:00Z';
const ATTACKER_IP = '5.45.207.1';

interface CallInput {
  eventTime: string;
  identity?: CtRecordInput['identity'];
  userAgent?: string;
  sourceIPAddress?: string;
}

function call(
  input: CallInput,
  what: Omit<CtRecordInput, 'eventTime' | 'identity' | 'userAgent' | 'sourceIPAddress'>,
): JsonObject {
  return ctRecord({
    identity: input.identity ?? 'ci',
    eventTime: input.eventTime,
    userAgent: input.userAgent ?? USER_AGENTS.terraform,
    sourceIPAddress: input.sourceIPAddress ?? '3.80.12.4',
    ...what,
  });
}

const callerIdentity = (input: CallInput): JsonObject =>
  call(input, {
    eventSource: 'sts.amazonaws.com',
    eventName: 'GetCallerIdentity',
    readOnly: true,
    host: 'sts.amazonaws.com',
  });

const deployFunction = (input: CallInput): JsonObject =>
  call(input, {
    eventSource: 'lambda.amazonaws.com',
    eventName: 'UpdateFunctionCode20150331v2',
    requestParameters: {
      functionName: `arn:aws:lambda:us-east-1:${EXAMPLE_ACCOUNT}:function:orders-api`,
      publish: true,
      s3Key: 'releases/orders-api-1.42.0.zip',
      s3Bucket: 'acme-build-artifacts',
      dryRun: false,
    },
    responseElements: {
      functionName: 'orders-api',
      functionArn: `arn:aws:lambda:us-east-1:${EXAMPLE_ACCOUNT}:function:orders-api:42`,
      runtime: 'python3.12',
      role: `arn:aws:iam::${EXAMPLE_ACCOUNT}:role/orders-api`,
      handler: 'app.handler',
      codeSize: 48213,
      timeout: 30,
      memorySize: 256,
      codeSha256: 'q2Zb1mJ3y9Vd0rXlYw7bqg5pHc4eTn6Fs8uKa1oLx0M=',
      version: '42',
      state: 'Active',
      packageType: 'Zip',
    },
  });

const describeInstances = (input: CallInput): JsonObject =>
  call(input, {
    eventSource: 'ec2.amazonaws.com',
    eventName: 'DescribeInstances',
    readOnly: true,
    requestParameters: { instancesSet: {}, filterSet: {} },
  });

const metricData = (input: CallInput): JsonObject =>
  call(input, {
    eventSource: 'monitoring.amazonaws.com',
    eventName: 'GetMetricData',
    readOnly: true,
    requestParameters: {
      metricDataQueries: [
        {
          id: 'cpu',
          metricStat: {
            metric: {
              namespace: 'AWS/EC2',
              metricName: 'CPUUtilization',
              dimensions: [{ name: 'AutoScalingGroupName', value: 'orders-api' }],
            },
            period: 300,
            stat: 'Average',
          },
        },
      ],
      startTime: 'Feb 1, 2026, 6:00:00 AM',
      endTime: 'Feb 1, 2026, 7:00:00 AM',
    },
  });

/** Sixteen days of the deployment role's pipeline: who am I, deploy, check the fleet. */
function pipeline(days = 16): JsonObject[] {
  return Array.from({ length: days }, (_, d) => [
    callerIdentity({ eventTime: isoAfter(START, d * DAY) }),
    deployFunction({ eventTime: isoAfter(START, d * DAY + 40_000) }),
    describeInstances({ eventTime: isoAfter(START, d * DAY + 95_000) }),
  ]).flat();
}

/** Sixteen days of a person's access key reading instances and metrics from the office. */
function reporting(days = 16): JsonObject[] {
  const person = { identity: 'user' as const, userAgent: USER_AGENTS.cli };
  return Array.from({ length: days }, (_, d) => [
    describeInstances({
      ...person,
      eventTime: isoAfter(START, d * DAY + HOUR),
      sourceIPAddress: '73.162.10.20',
    }),
    metricData({
      ...person,
      eventTime: isoAfter(START, d * DAY + 2 * HOUR),
      sourceIPAddress: '73.162.10.20',
    }),
  ]).flat();
}

const readSecret = (input: CallInput): JsonObject =>
  call(input, {
    eventSource: 'secretsmanager.amazonaws.com',
    eventName: 'GetSecretValue',
    readOnly: true,
    requestParameters: { secretId: 'prod/orders/db' },
  });

/** The deployment role's identity as CloudFormation uses it to create a stack's resources. */
const VIA_CLOUDFORMATION: JsonObject = {
  ...IDENTITIES.ci,
  invokedBy: 'cloudformation.amazonaws.com',
};

export default defineFirstSeenRule({
  id: 'aws.time-geo.new-service-for-principal',
  title: 'Service called for the first time by the principal',
  category: 'time-geo',
  row: 'GEO-1',
  priority: 'low',
  mitre: ['T1078.004', 'T1526'],
  description:
    'Keeps, per principal, the AWS services (event sources: `secretsmanager.amazonaws.com`, ' +
    '`ses.amazonaws.com`, …) it has called, reads and writes alike, and fires on a service not ' +
    'seen for that principal before, once `learningDays` have passed since the first call the ' +
    'rule saw. The principal is the stable identity: the user, the calling role (not its ' +
    'rotating sessions), or for IAM Identity Center the person’s session; callers CloudTrail ' +
    'names only by account are left out. The configured automation is judged like anyone else, ' +
    'since a pipeline role has the narrowest habits of all and is a favourite target: a CI role ' +
    'that only ever deployed functions suddenly reading secrets is the case this rule is for. ' +
    'Calls made by AWS services on a principal’s behalf (CloudFormation creating a stack’s ' +
    'resources, `invokedBy`) and service events are left out. Refused calls (AccessDenied, ' +
    'AccessDeniedException, UnauthorizedOperation, AuthorizationError) are neither learned nor ' +
    'reported: being refused is not using the service (a person reaching past their permission ' +
    'set would otherwise have it learned as theirs, or reported as new), and refusals are what ' +
    'aws.recon.access-denied-burst and aws.recon.denied-enumeration-temporary-credentials ' +
    'count. Calls that failed for another reason (a missing resource, a bad parameter) were ' +
    'allowed, so they count, and the summary says the call failed. Priority ' +
    'is low, one level higher for the `sensitiveServices` (secrets, parameters, keys, ' +
    'identities), one level lower for calls the console made (people browse) and for a ' +
    'principal first seen after learning (it has no history to differ from). Several new ' +
    'services in one findings window become one finding. Triage: read the call and the address ' +
    'in the finding; ask the owner of the principal whether the new service is part of a ' +
    'change. State: the services of each principal with when each was last seen; with ' +
    '`--state` it carries across runs, so habits learned once keep.',
  falsePositives: [
    'A new feature or pipeline step that starts using another service.',
    'People exploring the console (reported one level lower).',
    'A principal first seen after the learning period, whose every service is new (reported one level lower).',
  ],
  response: [
    'Read what the principal did with the new service and from where (the evidence, then its other calls around that time).',
    'Ask the owner of the principal whether a change explains it.',
    'If not: revoke the principal’s sessions or keys, and check what was read or changed (secrets, parameters, identities).',
    'Tighten the principal’s policy to the services it needs (IAM Access Analyzer can generate one from its activity).',
  ],
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html',
    'https://attack.mitre.org/techniques/T1078/004/',
  ],
  knobs,
  kind: 'firstSeen',
  // Every service counts, so the rule sees every API event.
  on: { eventNames: '*' },
  filter: (ev) => {
    const e = asApi(ev);
    return e !== undefined && e.eventType !== 'AwsServiceEvent' && !serviceCall(e) && !refused(e);
  },
  key: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : stablePrincipal(e);
  },
  value: (ev) => {
    const e = asApi(ev);
    return e === undefined || e.eventSource === '' ? undefined : e.eventSource;
  },
  facts: (ev) => {
    const e = asApi(ev);
    if (e === undefined) return {};
    return {
      ...sourceFacts(e),
      call: e.eventName,
      outcome: e.errorCode ?? 'ok',
      console: consoleCall(e) ? 'yes' : 'no',
    };
  },
  learningMs: (ctx) => ctx.knobs.learningDays * DAY,
  priorityOf: (group, ctx) => {
    const service = group.values[0];
    const sensitive = service !== undefined && ctx.knobs.sensitiveServices.includes(service);
    return shift(
      basePriority(ctx, 'low'),
      (sensitive ? 1 : 0) +
        (fact(group.last, 'console') === 'yes' ? -1 : 0) +
        (group.figures.knownValues === 0 ? -1 : 0),
    );
  },
  summary: (group) => {
    const known = Number(group.figures.knownValues);
    const service = serviceName(group.values[0] ?? 'an unknown service');
    const outcome = fact(group.last, 'outcome');
    const action = `${service}:${fact(group.last, 'call') ?? 'a call'}`;
    const what = outcome === 'ok' ? `called ${action}` : `tried ${action} (failed: ${outcome})`;
    const history =
      known === 0
        ? 'the first service seen for this principal'
        : `a service this principal had not called before (${known} ` +
          `${known === 1 ? 'service' : 'services'} known, learning since ` +
          `${String(group.figures.learnedSince).slice(0, 10)})`;
    return (
      `${groupActor(group)} ${what} in ${group.last.region ?? 'an unknown region'} at ` +
      `${utcText(group.last.time)} from ${describePlace(group.last)}, ${history}`
    );
  },
  examples: {
    fire: [
      {
        title: 'A deployment role that only deployed for sixteen days reads a secret',
        records: [
          ...pipeline(),
          readSecret({
            eventTime: isoAfter(START, 16 * DAY + 5 * HOUR),
            userAgent: USER_AGENTS.boto3,
            sourceIPAddress: ATTACKER_IP,
          }),
        ],
      },
      {
        title: 'After learning, a person’s access key asks SES for its sending quota',
        records: [
          ...reporting(),
          call(
            {
              eventTime: isoAfter(START, 17 * DAY + 3 * HOUR),
              identity: 'user',
              userAgent: USER_AGENTS.boto3,
              sourceIPAddress: '41.203.64.1',
            },
            { eventSource: 'ses.amazonaws.com', eventName: 'GetSendQuota', readOnly: true },
          ),
        ],
      },
      {
        title: 'After learning, the deployment role creates an IAM user',
        records: [
          ...pipeline(),
          call(
            {
              eventTime: isoAfter(START, 17 * DAY),
              userAgent: USER_AGENTS.cli,
              sourceIPAddress: ATTACKER_IP,
            },
            {
              eventSource: 'iam.amazonaws.com',
              eventName: 'CreateUser',
              host: 'iam.amazonaws.com',
              requestParameters: { userName: 'backup-admin' },
              responseElements: {
                user: {
                  path: '/',
                  userName: 'backup-admin',
                  userId: 'AIDA4XJ7LBQ5EXAMPLE77',
                  arn: `arn:aws:iam::${EXAMPLE_ACCOUNT}:user/backup-admin`,
                  createDate: 'Feb 18, 2026, 7:55:00 AM',
                },
              },
            },
          ),
        ],
      },
    ],
    miss: [
      {
        title: 'A new service during the learning period',
        records: [
          ...pipeline(4),
          readSecret({ eventTime: isoAfter(START, 4 * DAY) }),
          ...pipeline(16).slice(12 * 3),
        ],
      },
      {
        title: 'After learning, the deployment role calls its usual services from a new address',
        records: [
          ...pipeline(),
          deployFunction({ eventTime: isoAfter(START, 17 * DAY), sourceIPAddress: ATTACKER_IP }),
        ],
      },
      {
        title: 'After learning, CloudFormation creates a secret with the deployment role',
        records: [
          ...pipeline(),
          call(
            {
              eventTime: isoAfter(START, 17 * DAY),
              identity: VIA_CLOUDFORMATION,
              userAgent: 'cloudformation.amazonaws.com',
              sourceIPAddress: 'cloudformation.amazonaws.com',
            },
            {
              eventSource: 'secretsmanager.amazonaws.com',
              eventName: 'CreateSecret',
              requestParameters: {
                name: 'prod/orders/api-key',
                clientRequestToken: '4a4bb0b1-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
                description: 'orders-api key for the payments provider',
              },
              responseElements: {
                arn: `arn:aws:secretsmanager:us-east-1:${EXAMPLE_ACCOUNT}:secret:prod/orders/api-key-Xb3sQe`,
                name: 'prod/orders/api-key',
                versionId: '4a4bb0b1-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
              },
            },
          ),
        ],
      },
      {
        title:
          'After learning, the deployment role is refused creating an IAM user (a refusal is not use)',
        records: [
          ...pipeline(),
          call(
            {
              eventTime: isoAfter(START, 17 * DAY),
              userAgent: USER_AGENTS.cli,
              sourceIPAddress: ATTACKER_IP,
            },
            {
              eventSource: 'iam.amazonaws.com',
              eventName: 'CreateUser',
              host: 'iam.amazonaws.com',
              errorCode: 'AccessDenied',
              errorMessage: `User: arn:aws:sts::${EXAMPLE_ACCOUNT}:assumed-role/deploy-terraform/terraform-apply is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${EXAMPLE_ACCOUNT}:user/backup-admin because no identity-based policy allows the iam:CreateUser action`,
              requestParameters: { userName: 'backup-admin' },
            },
          ),
        ],
      },
      {
        title: 'Learning for 30 days (knob): a secret read on day 17 is still learned',
        config: {
          rules: { 'aws.time-geo.new-service-for-principal': { knobs: { learningDays: 30 } } },
        },
        records: [
          ...pipeline(),
          readSecret({ eventTime: isoAfter(START, 17 * DAY), sourceIPAddress: ATTACKER_IP }),
        ],
      },
    ],
  },
});
