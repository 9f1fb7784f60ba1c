/**
 * `aws.compute.new-image-for-account`: an EC2 instance launched from a machine image (AMI) the
 * account has never launched from before, after learning the account's images. Accounts launch
 * from a few golden images that change on a known rhythm; an image nobody used before (a
 * community AMI with a miner baked in, an image shared in from a foreign account, a launch
 * template quietly pointed at a backdoored image) is worth a look whoever launched it.
 */
import { z } from 'zod';
import { defineFirstSeenRule, knob } from '../../engine/rule.js';
import type { JsonObject } from '../../model/event.js';
import { basePriority, ctRecord, isAutomation, shift, USER_AGENTS } from '../lib.js';
import type { CtRecordInput } from '../lib.js';
import {
  AUTOSCALING_IDENTITY,
  runInstancesRequest,
  runInstancesResponse,
} from '../lib/compute-fixtures.js';
import {
  asApi,
  DAY,
  describePlace,
  fact,
  groupActor,
  HOUR,
  isoAfter,
  serviceCall,
  sourceFacts,
} from '../lib/principal-behaviour.js';
import { describeLaunch, launchImages } from '../lib/run-instances.js';

const knobs = {
  learningDays: knob(
    z.number().min(0).max(365),
    14,
    'Days, from the first launch the rule sees, during which images are learned without reporting.',
  ),
};

const START = '2026-02-01T10:00:00Z';
/** The account's golden images: Amazon Linux for services, Ubuntu for build agents. */
const GOLDEN = ['ami-029eb80bc237bec6f', 'ami-0a3c3a20c09d6f377'];
const TEMPLATE = 'lt-0a1b2c3d4e5f60718';

interface LaunchStory {
  eventTime: string;
  /** The image the request names; for a launch-template launch, the one the response reports. */
  imageId: string;
  instanceType?: string;
  /** A launch from this launch template: the request names no image, the template does. */
  launchTemplateId?: string;
  identity?: CtRecordInput['identity'];
  userAgent?: string;
  sourceIPAddress?: string;
  refused?: { errorCode: string; errorMessage: string };
}

function launch(input: LaunchStory): JsonObject {
  const spec = {
    imageId: input.imageId,
    instanceType: input.instanceType ?? 't3.micro',
    instanceId: `i-0${(Date.parse(input.eventTime) / 1000).toString(16)}ba5e1100`,
    ...(input.launchTemplateId === undefined ? {} : { launchTemplateId: input.launchTemplateId }),
  };
  const request = runInstancesRequest(spec);
  // CloudTrail logs a launch-template launch with only the counts under instancesSet.
  if (input.launchTemplateId !== undefined) {
    request.instancesSet = { items: [{ minCount: 1, maxCount: 1 }] };
  }
  return ctRecord({
    eventSource: 'ec2.amazonaws.com',
    eventName: 'RunInstances',
    identity: input.identity ?? 'ci',
    eventTime: input.eventTime,
    userAgent: input.userAgent ?? USER_AGENTS.terraform,
    sourceIPAddress: input.sourceIPAddress ?? '3.80.12.4',
    requestParameters: request,
    ...(input.refused === undefined
      ? { responseElements: runInstancesResponse(spec) }
      : input.refused),
  });
}

/** Sixteen days of the pipeline launching from the golden images. */
function routine(days = 16): JsonObject[] {
  return Array.from({ length: days }, (_, d) =>
    launch({
      eventTime: isoAfter(START, d * DAY),
      imageId: GOLDEN[d % GOLDEN.length] as string,
    }),
  );
}

/** Auto Scaling replacing an instance from the fleet's launch template. */
function scaleOut(eventTime: string, imageId: string): JsonObject {
  return launch({
    eventTime,
    imageId,
    instanceType: 'm5.large',
    launchTemplateId: TEMPLATE,
    identity: AUTOSCALING_IDENTITY,
    userAgent: 'autoscaling.amazonaws.com',
    sourceIPAddress: 'autoscaling.amazonaws.com',
  });
}

export default defineFirstSeenRule({
  id: 'aws.compute.new-image-for-account',
  title: 'Instance launched from an image new to the account',
  category: 'compute',
  row: 'COMP-1',
  priority: 'medium',
  mitre: ['T1578.002', 'T1525', 'T1496'],
  description:
    'Keeps, per account, the machine images (AMI ids) its RunInstances calls launched from (the ' +
    'request’s `instancesSet.items[].imageId`, or for launches from a launch template, which ' +
    'name no image in the request, the image the response reports for the created instances), ' +
    'and fires on an image not seen in that account before, once `learningDays` have passed ' +
    'since the first launch the rule saw. Every launch teaches, whoever made it: Auto Scaling ' +
    'and the configured automation show which images the account runs, and their findings are ' +
    'one level lower (a new golden image rolled out, or a launch template whose new version ' +
    'points somewhere else: check which). Refused launches that name their image count too, and ' +
    'the summary says the launch failed; a refused launch from a launch template names no image ' +
    'and is not judged. An account first seen after learning fires on its first image, one ' +
    'level lower. Triage: look the image up (`aws ec2 describe-images --image-ids …`): its owner ' +
    '(the account itself, Amazon, a Marketplace vendor, a community or foreign account), whether ' +
    'it is public, and when it was made; an image owned by an unknown account or created minutes ' +
    'before the launch is the strong case. State: the images of each account with when each was ' +
    'last seen (at most 1,000 per account, the least recently used dropped first); with ' +
    '`--state` it carries across runs, so the learning happens once.',
  falsePositives: [
    'A new golden image from the image pipeline (weekly patching produces new AMI ids), reported one level lower when the pipeline is configured automation.',
    'A known image copied to another region: the copy has a new AMI id.',
    'A team trying a new operating system or a Marketplace product.',
  ],
  response: [
    'Look the image up (owner, public or private, creation date, description) and find who launched the instances (the evidence).',
    'If the image belongs to nobody you know: isolate the instances, snapshot their volumes for forensics, terminate them, and revoke the credentials used.',
    'Check the launch templates and Auto Scaling groups for versions that point at the image.',
    'Consider Allowed AMIs, or an SCP on ec2:Owner / ec2:ImageID, so only approved image owners can be launched.',
  ],
  references: [
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html',
    'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-allowed-amis.html',
    'https://attack.mitre.org/techniques/T1525/',
  ],
  knobs,
  kind: 'firstSeen',
  on: { eventSource: ['ec2.amazonaws.com'], eventNames: ['RunInstances'] },
  key: (ev) => ev.account,
  value: (ev) => {
    const e = asApi(ev);
    return e === undefined ? undefined : launchImages(e)[0];
  },
  facts: (ev, ctx) => {
    const e = asApi(ev);
    if (e === undefined) return {};
    return {
      ...sourceFacts(e),
      launch: describeLaunch(e),
      outcome: e.errorCode ?? 'launched',
      routine: serviceCall(e) || isAutomation(e, ctx.org) ? 'yes' : 'no',
    };
  },
  learningMs: (ctx) => ctx.knobs.learningDays * DAY,
  priorityOf: (group, ctx) =>
    shift(
      basePriority(ctx, 'medium'),
      (fact(group.last, 'routine') === 'yes' ? -1 : 0) + (group.figures.knownValues === 0 ? -1 : 0),
    ),
  summary: (group) => {
    const known = Number(group.figures.knownValues);
    const outcome = fact(group.last, 'outcome');
    const verb = outcome === 'launched' ? 'launched' : `tried to launch (${outcome})`;
    return (
      `${groupActor(group)} ${verb} ${fact(group.last, 'launch') ?? 'instances'} in ` +
      `${group.last.region ?? 'an unknown region'} of account ${group.key}, an image new for ` +
      `the account (${known} ${known === 1 ? 'image' : 'images'} known, learning since ` +
      `${String(group.figures.learnedSince).slice(0, 10)}), from ${describePlace(group.last)}`
    );
  },
  examples: {
    fire: [
      {
        title: 'Sixteen days of launches from two golden images, then a user launches another',
        records: [
          ...routine(),
          launch({
            eventTime: isoAfter(START, 17 * DAY),
            imageId: 'ami-0d8f6eb4f641ef691',
            instanceType: 'c5.4xlarge',
            identity: 'user',
            userAgent: USER_AGENTS.cli,
            sourceIPAddress: '5.45.207.1',
          }),
        ],
      },
      {
        title: 'After learning, Auto Scaling launches from a launch template now on another image',
        records: [
          ...routine(),
          scaleOut(isoAfter(START, 16 * DAY + 3 * HOUR), GOLDEN[0] as string),
          scaleOut(isoAfter(START, 18 * DAY), 'ami-07caf09b362be10b8'),
        ],
      },
      {
        title: 'After learning, a launch from a new image refused by the vCPU quota',
        records: [
          ...routine(),
          launch({
            eventTime: isoAfter(START, 17 * DAY),
            imageId: 'ami-05b10e08d247fb927',
            instanceType: 'g5.12xlarge',
            identity: 'user',
            userAgent: USER_AGENTS.cli,
            sourceIPAddress: '41.203.64.1',
            refused: {
              errorCode: 'Client.VcpuLimitExceeded',
              errorMessage:
                'You have requested more vCPU capacity than your current vCPU limit of 0 allows for the instance bucket that the specified instance type belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.',
            },
          }),
        ],
      },
    ],
    miss: [
      {
        title: 'A new image during the learning period',
        records: [
          ...routine(5),
          launch({ eventTime: isoAfter(START, 6 * DAY), imageId: 'ami-0d8f6eb4f641ef691' }),
        ],
      },
      {
        title: 'After learning, a user launches from a golden image',
        records: [
          ...routine(),
          launch({
            eventTime: isoAfter(START, 17 * DAY),
            imageId: GOLDEN[1] as string,
            identity: 'user',
            userAgent: USER_AGENTS.cli,
          }),
        ],
      },
      {
        title: 'After learning, Auto Scaling launches a golden image named only in the response',
        records: [...routine(), scaleOut(isoAfter(START, 17 * DAY), GOLDEN[0] as string)],
      },
    ],
  },
});
