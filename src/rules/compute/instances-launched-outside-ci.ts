/**
 * `aws.compute.instances-launched-outside-ci`: EC2 instances launched by an identity that is not
 * the organisation's CI/CD. Rogue instances are how stolen credentials turn into mining rigs,
 * footholds inside the VPC and launch pads with the instance profile's permissions.
 */
import { defineApiRule } from '../../engine/rule.js';
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
import { automationConfigured } from '../lib/caller.js';
import {
  AUTOSCALING_IDENTITY,
  runInstancesRequest,
  runInstancesResponse,
} from '../lib/compute-fixtures.js';
import { describeLaunch, launchedInstances } from '../lib/run-instances.js';

const CI_CONFIG = {
  organisation: { automationArns: ['arn:aws:iam::123456789012:role/deploy-*'] },
};

export default defineApiRule({
  id: 'aws.compute.instances-launched-outside-ci',
  title: 'EC2 instances launched outside CI/CD',
  category: 'compute',
  row: 'COMP-1',
  priority: 'high',
  mitre: ['T1578.002', 'T1496'],
  description:
    'A RunInstances call by an identity that is neither an AWS service (Auto Scaling, ' +
    'CloudFormation, Batch and other services launching on their own behalf are ignored) nor ' +
    'the CI/CD named in `organisation.automationArns` / `automationUserAgents`. Where instances ' +
    'are normally created by pipelines, a launch by a person or an unfamiliar role is worth a ' +
    'look: stolen credentials are used to start miners, to place a host inside the VPC, or to ' +
    'borrow a privileged instance profile. Triage: who launched what (type, image, instance ' +
    'profile, subnet) and whether a change ticket covers it. With no CI/CD configured every ' +
    'launch is reported, one level lower, and the finding says so. Failed calls (quota, ' +
    'permission or parameter errors) are reported one level lower again as attempts. GPU and ' +
    'other unusual instance types and unapproved regions have their own rules.',
  falsePositives: [
    'Engineers who launch instances by hand in development or sandbox accounts.',
    'Pipelines that are not yet listed in organisation.automationArns or automationUserAgents.',
  ],
  response: [
    'Confirm with the owner of the acting identity that the launch was intended.',
    'If not: stop (do not terminate) the instances so their disks and memory can be preserved, and snapshot their volumes.',
    'Check the instance profile, security groups and user data of the launch for attacker access paths.',
    'Revoke the credentials that made the call and look for other activity from the same key or session.',
  ],
  references: [
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html',
    'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/monitor-with-cloudtrail.html',
  ],
  knobs: {},
  assumptions: (ctx) =>
    automationConfigured(ctx.org)
      ? []
      : [
          'No CI/CD identities or user agents are configured (organisation.automationArns, ' +
            'automationUserAgents): every instance launch not made by an AWS service is reported, ' +
            'one level lower.',
        ],
  kind: 'match',
  on: { eventSource: ['ec2.amazonaws.com'], eventNames: ['RunInstances'] },
  match: (e, ctx) => !byAwsService(e) && !isAutomation(e, ctx.org),
  priorityOf: (e, ctx) =>
    shift(
      basePriority(ctx, 'high'),
      (automationConfigured(ctx.org) ? 0 : -1) + (failed(e) ? -1 : 0),
    ),
  summary: (e) => {
    const ids = launchedInstances(e);
    const idText = ids.length === 0 ? '' : ` (${ids.slice(0, 3).join(', ')})`;
    return `${actorName(e)} ${failed(e) ? 'tried to launch' : 'launched'} ${describeLaunch(e)}${idText} outside CI/CD ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'An IAM user launches an instance from Terraform on a laptop (Invictus shape)',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'RunInstances',
          userAgent: USER_AGENTS.terraform,
          requestParameters: runInstancesRequest(),
          responseElements: runInstancesResponse(),
        }),
      },
      {
        title: 'A failed launch by an SSO administrator while CI/CD is configured',
        config: CI_CONFIG,
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'RunInstances',
          identity: 'role',
          errorCode: 'Client.VcpuLimitExceeded',
          errorMessage:
            'You have requested more vCPU capacity than your current vCPU limit of 0 allows for the instance bucket that the specified instance type belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit.',
          requestParameters: runInstancesRequest({ instanceType: 'c5.large' }),
        }),
      },
    ],
    miss: [
      {
        title: 'The configured deployment role launches the same instance',
        config: CI_CONFIG,
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'RunInstances',
          identity: 'ci',
          userAgent: USER_AGENTS.terraform,
          requestParameters: runInstancesRequest(),
          responseElements: runInstancesResponse(),
        }),
      },
      {
        title: 'Auto Scaling launches an instance for a group',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'RunInstances',
          identity: AUTOSCALING_IDENTITY,
          sourceIPAddress: 'autoscaling.amazonaws.com',
          userAgent: 'autoscaling.amazonaws.com',
          requestParameters: runInstancesRequest({ launchTemplateId: 'lt-0a1b2c3d4e5f67890' }),
          responseElements: runInstancesResponse(),
        }),
      },
    ],
  },
});
