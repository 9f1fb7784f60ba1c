/**
 * `aws.persistence.ec2-user-data-modified`: the user data of an existing EC2 instance replaced
 * (ModifyInstanceAttribute). User data runs as root (or SYSTEM) when the instance boots; changing
 * it on a stopped instance and starting it again is code execution with the instance's role, and
 * stays there for every later boot.
 */
import type { Priority } from '../../config/schema.js';
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  at,
  basePriority,
  ctRecord,
  did,
  failed,
  IDENTITIES,
  isAutomation,
  reqString,
  shift,
  USER_AGENTS,
  where,
} from '../lib.js';
import { automationAssumption } from '../lib/iam-principals.js';

/**
 * Two request shapes: the `userData` parameter (SDKs; CloudTrail writes its value as
 * `<sensitiveDataRemoved>`), and `attribute: userData` with `value` (the CLI's
 * `--attribute userData --value …`).
 */
function userDataChanged(e: ApiEvent): boolean {
  if (at(e.request, 'userData') !== undefined) return true;
  return reqString(e, 'attribute')?.toLowerCase() === 'userdata';
}

export default defineApiRule({
  id: 'aws.persistence.ec2-user-data-modified',
  title: 'EC2 instance user data modified',
  category: 'persistence',
  row: 'PER-3',
  priority: 'medium',
  mitre: ['T1059.009', 'T1037', 'T1578'],
  description:
    "ModifyInstanceAttribute changed an instance's user data, in either shape CloudTrail logs: a " +
    '`userData` request parameter (its value redacted as <sensitiveDataRemoved>) or `attribute: ' +
    'userData` with a `value`. Other attribute changes (instance type, termination protection, ' +
    'security groups) do not match. The script itself is never in the log, so the finding points to ' +
    'the instance to inspect. The configured automation and failed calls (IncorrectInstanceState: ' +
    'user data can only change while the instance is stopped) lower the priority one level each. ' +
    'Reading user data (DescribeInstanceAttribute) is reconnaissance and belongs to the recon rules.',
  falsePositives: [
    'Configuration fixes on long-lived instances by their owners.',
    'Image-baking or blue/green tooling not yet listed in organisation.automationArns or automationUserAgents.',
  ],
  response: [
    'Read the new user data (DescribeInstanceAttribute --attribute userData, base64) and compare it with the launch template or IaC.',
    'Look for StopInstances and StartInstances on the same instance around the change: the script runs at the next boot.',
    'If malicious, stop the instance, restore the user data, and investigate what the script did with the instance role.',
  ],
  references: [
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyInstanceAttribute.html',
    'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html',
  ],
  knobs: {},
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: { eventSource: ['ec2.amazonaws.com'], eventNames: ['ModifyInstanceAttribute'] },
  match: (e) => userDataChanged(e),
  priorityOf: (e, ctx): Priority =>
    shift(basePriority(ctx, 'medium'), -(isAutomation(e, ctx.org) ? 1 : 0) - (failed(e) ? 1 : 0)),
  summary: (e) =>
    `${actorName(e)} ${did(e, 'replaced', 'replace')} the user data of EC2 instance ` +
    `${reqString(e, 'instanceId') ?? '(unnamed)'} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'User data replaced through the userData parameter (Stratus Red Team shape)',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'ModifyInstanceAttribute',
          userAgent: 'stratus-red-team_fb117e45-c7c5-4c7b-9fbc-b73aad12dc50',
          requestParameters: {
            instanceId: 'i-01c646c4b28fcf780',
            userData: '<sensitiveDataRemoved>',
          },
          responseElements: { requestId: '53634e3e-d74a-4701-94fe-02d683d2860d', _return: true },
        }),
      },
      {
        title: 'User data replaced through attribute and value (CLI shape)',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'ModifyInstanceAttribute',
          identity: IDENTITIES.role,
          userAgent: USER_AGENTS.cli,
          requestParameters: {
            instanceId: 'i-0a7f3c9e5b1d2468f',
            attribute: 'userData',
            value: '<sensitiveDataRemoved>',
          },
          responseElements: { requestId: '0c6f8e1d-2b3a-4c5d-9e7f-a1b2c3d4e5f6', _return: true },
        }),
      },
      {
        title: 'A change refused because the instance is running',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'ModifyInstanceAttribute',
          errorCode: 'Client.IncorrectInstanceState',
          errorMessage: "The instance 'i-01c646c4b28fcf780' is not in the 'stopped' state.",
          requestParameters: {
            instanceId: 'i-01c646c4b28fcf780',
            userData: '<sensitiveDataRemoved>',
          },
        }),
      },
    ],
    miss: [
      {
        title: 'Termination protection turned off (Stratus Red Team tear-down, as recorded)',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'ModifyInstanceAttribute',
          userAgent:
            'APN/1.0 HashiCorp/1.0 Terraform/1.1.2 (+https://www.terraform.io) terraform-provider-aws/3.76.1 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go/1.44.157 (go1.19.3; linux; amd64) HashiCorp-terraform-exec/0.17.3',
          requestParameters: {
            instanceId: 'i-0dbc91f429e48eeed',
            disableApiTermination: { value: false },
          },
          responseElements: { requestId: '6920dcec-599d-43ff-8718-060e4ca65a2a', _return: true },
        }),
      },
      {
        title: 'Instance type changed',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'ModifyInstanceAttribute',
          requestParameters: {
            instanceId: 'i-0a7f3c9e5b1d2468f',
            instanceType: { value: 't3.large' },
          },
          responseElements: { requestId: '9d2e4f6a-8b0c-4d1e-a3f5-b7c9d1e3f5a7', _return: true },
        }),
      },
    ],
  },
});
