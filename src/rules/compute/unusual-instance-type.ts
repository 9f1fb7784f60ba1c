/**
 * `aws.compute.unusual-instance-type`: instances of GPU, accelerator and other mining-friendly
 * families launched. Cryptomining is the most common use of stolen AWS credentials, and miners
 * ask for exactly these families (or the largest sizes of any family), often many at once.
 */
import { z } from 'zod';
import { defineApiRule, knob } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  basePriority,
  byAwsService,
  ctRecord,
  failed,
  isAutomation,
  shift,
  USER_AGENTS,
  where,
} from '../lib.js';
import {
  runInstancesRequest,
  runInstancesResponse,
  STRATUS_ROLE_IDENTITY,
} from '../lib/compute-fixtures.js';
import { describeLaunch, launchCount, launchTypes } from '../lib/run-instances.js';

const knobs = {
  families: knob(
    z.array(z.string()),
    [
      'p2',
      'p3',
      'p4',
      'p5',
      'p6',
      'g3',
      'g4',
      'g5',
      'g6',
      'gr6',
      'inf',
      'trn',
      'dl',
      'f1',
      'f2',
      'vt1',
      'hpc',
      'x1',
      'x2',
    ],
    'Instance families (the part of the type before the dot) that are reported; an entry matches every family it begins, so "g4" covers g4dn and g4ad, "inf" covers inf1 and inf2.',
  ),
  sizes: knob(
    z.array(z.string()),
    ['metal', '24xlarge', '32xlarge', '48xlarge', '56xlarge', '96xlarge', '112xlarge'],
    'Instance sizes (the part after the dot) reported for any family, one level lower than a listed family: the largest sizes are what CPU miners ask for.',
  ),
  manyInstances: knob(
    z.number().int().min(2),
    10,
    'A launch of at least this many instances (created, or asked for when the call failed) of a reported type is one level higher.',
  ),
};

interface Unusual {
  types: string[];
  /** Every reported type matched only by its size. */
  sizeOnly: boolean;
}

function unusual(e: ApiEvent, families: readonly string[], sizes: readonly string[]): Unusual {
  const types: string[] = [];
  let byFamily = false;
  for (const t of launchTypes(e)) {
    const [family = '', size = ''] = t.toLowerCase().split('.');
    if (families.some((f) => f.length > 0 && family.startsWith(f.toLowerCase()))) {
      types.push(t);
      byFamily = true;
    } else if (sizes.some((s) => s.toLowerCase() === size)) {
      types.push(t);
    }
  }
  return { types, sizeOnly: !byFamily };
}

export default defineApiRule({
  id: 'aws.compute.unusual-instance-type',
  title: 'GPU or mining-friendly EC2 instances launched',
  category: 'compute',
  row: 'COMP-1',
  priority: 'high',
  mitre: ['T1496'],
  description:
    'A RunInstances call asked for, or created, instances of a family in the `families` knob (GPU ' +
    'p and g families, Inferentia, Trainium, DL, FPGA, HPC and the large-memory x families by ' +
    'default) or of one of the largest sizes of any family (`sizes`, one level lower). The type is ' +
    'read from the request and, for launches from a launch template, from the instances in the ' +
    'response. Launches of at least `manyInstances` instances are one level higher. Accounts that ' +
    'never ran such instances before see them first when credentials are stolen for mining; the ' +
    'launch often fails on the account quota (VcpuLimitExceeded, InsufficientInstanceCapacity), ' +
    'and failed calls are reported one level lower as attempts: the intent is the signal. ' +
    'Launches by the configured CI/CD are reported one level lower rather than dropped, since ' +
    'mining with stolen pipeline credentials is common. AWS services launching on their own ' +
    'behalf are ignored.',
  falsePositives: [
    'Machine-learning and rendering teams that use GPU instances (tune the families knob, or disable the rule in their accounts).',
    'Capacity tests and benchmarks on the largest sizes.',
  ],
  response: [
    'Check whether the account normally runs this instance family; ask the owner of the acting identity.',
    'If unexpected: stop the instances, capture their user data and volumes, and look for mining pools in their DNS or flow logs.',
    'Revoke the credentials used and look for the same launch in every region (miners spread across regions).',
    'Request lower EC2 quotas for unused instance families so the next attempt fails.',
  ],
  references: [
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html',
    'https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html',
    'https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_finding-types-ec2.html',
  ],
  knobs,
  kind: 'match',
  on: { eventSource: ['ec2.amazonaws.com'], eventNames: ['RunInstances'] },
  match: (e, ctx) =>
    !byAwsService(e) && unusual(e, ctx.knobs.families, ctx.knobs.sizes).types.length > 0,
  priorityOf: (e, ctx) => {
    const u = unusual(e, ctx.knobs.families, ctx.knobs.sizes);
    let steps = 0;
    if (u.sizeOnly) steps -= 1;
    if (launchCount(e) >= ctx.knobs.manyInstances) steps += 1;
    if (failed(e)) steps -= 1;
    if (isAutomation(e, ctx.org)) steps -= 1;
    return shift(basePriority(ctx, 'high'), steps);
  },
  summary: (e, ctx) => {
    const u = unusual(e, ctx.knobs.families, ctx.knobs.sizes);
    return `${actorName(e)} ${failed(e) ? 'tried to launch' : 'launched'} ${describeLaunch(e, u.types)} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'Ten p2.xlarge asked for and refused on the vCPU quota (Invictus, Stratus Red Team)',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'RunInstances',
          identity: STRATUS_ROLE_IDENTITY,
          userAgent: 'stratus-red-team_bc31c885-5ea0-4a6e-8bec-b6b10058bc44',
          errorCode: 'Client.VcpuLimitExceeded',
          errorMessage:
            'You have requested more vCPU capacity than your current vCPU limit of 0 allows for the instance bucket that the specified instance type belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.',
          requestParameters: runInstancesRequest({ instanceType: 'p2.xlarge', maxCount: 10 }),
        }),
      },
      {
        title: 'A g5 instance from a launch template: the type appears only in the response',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'RunInstances',
          userAgent: USER_AGENTS.cli,
          awsRegion: 'eu-west-1',
          requestParameters: runInstancesRequest({ launchTemplateId: 'lt-0c9e2b7d41f8a3e65' }),
          responseElements: runInstancesResponse({
            instanceType: 'g5.12xlarge',
            instanceId: 'i-0f3a7c2e9b8d41a56',
            region: 'eu-west-1',
          }),
        }),
      },
      {
        title: 'A c7i.48xlarge, the largest size of a CPU family',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'RunInstances',
          identity: 'role',
          requestParameters: runInstancesRequest({ instanceType: 'c7i.48xlarge' }),
          responseElements: runInstancesResponse({ instanceType: 'c7i.48xlarge' }),
        }),
      },
    ],
    miss: [
      {
        title: 'A t3.micro launched by Terraform (Invictus set-up)',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'RunInstances',
          userAgent: USER_AGENTS.terraform,
          requestParameters: runInstancesRequest(),
          responseElements: runInstancesResponse(),
        }),
      },
      {
        title: 'A c6g.large: a Graviton family whose name ends in g, not a GPU',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'RunInstances',
          requestParameters: runInstancesRequest({ instanceType: 'c6g.large' }),
          responseElements: runInstancesResponse({ instanceType: 'c6g.large' }),
        }),
      },
    ],
  },
});
