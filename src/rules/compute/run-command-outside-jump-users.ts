/**
 * `aws.compute.run-command-outside-jump-users`: Systems Manager Run Command sent to instances by
 * an identity that is neither an approved jump user nor the organisation's automation. Run
 * Command reaches every managed instance the caller may target, with root or SYSTEM rights.
 */
import { defineApiRule } from '../../engine/rule.js';
import { actorName, basePriority, byAwsService, ctRecord, failed, shift, where } from '../lib.js';
import { isUnexpectedOperator } from '../lib/caller.js';
import { sendCommandResponse } from '../lib/compute-fixtures.js';
import { commandTargets, documentName } from '../lib/run-command.js';

const JUMP = { organisation: { jumpUsers: ['arn:aws:iam::123456789012:role/patching-*'] } };

export default defineApiRule({
  id: 'aws.compute.run-command-outside-jump-users',
  title: 'Run Command sent outside approved jump users',
  category: 'compute',
  row: 'COMP-2',
  priority: 'medium',
  mitre: ['T1651'],
  description:
    'A SendCommand call (Systems Manager Run Command) by an identity that is neither in ' +
    '`organisation.jumpUsers` (ARN globs, matched against the caller and, for assumed roles, the ' +
    'role) nor the configured CI/CD, with any document. Run Command executes on the instances as ' +
    'root or SYSTEM and needs no network path, so it is how stolen credentials turn into code ' +
    'execution on hosts. Targets chosen by tag with a `*` value (every managed instance) are one ' +
    'level higher. Commands with shell and script documents are also reported by ' +
    'aws.service-misuse.shell-command-by-unexpected-principal, which looks at what was run rather ' +
    'than who may operate instances. With no jump users configured every command is reported one ' +
    'level lower and the finding says so; failed calls (InvalidInstanceId, AccessDenied) are ' +
    'reported one level lower again as attempts. Commands from State Manager, Maintenance Windows ' +
    'and other AWS services acting on their own behalf are ignored.',
  falsePositives: [
    'Operators running patch or inventory documents by hand who are not listed as jump users.',
    'Configuration tools (Ansible, Chef) that drive Run Command and are not listed as CI/CD.',
  ],
  response: [
    'Read the command’s output and status (GetCommandInvocation, or the S3 / CloudWatch output) to learn what ran.',
    'Ask the person whether they ran it; if not, isolate the targeted instances and revoke the credentials used.',
    'Restrict ssm:SendCommand by document and by instance tag to the operators who need it.',
  ],
  references: [
    'https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_SendCommand.html',
    'https://docs.aws.amazon.com/systems-manager/latest/userguide/monitoring-cloudtrail-logs.html',
  ],
  knobs: {},
  assumptions: (ctx) =>
    ctx.org.jumpUsers.length > 0
      ? []
      : [
          'No jump users are configured (organisation.jumpUsers): every Run Command not sent by ' +
            'CI/CD or an AWS service is reported, one level lower.',
        ],
  kind: 'match',
  on: { eventSource: ['ssm.amazonaws.com'], eventNames: ['SendCommand'] },
  match: (e, ctx) => !byAwsService(e) && isUnexpectedOperator(e, ctx.org),
  priorityOf: (e, ctx) =>
    shift(
      basePriority(ctx, 'medium'),
      (commandTargets(e).all ? 1 : 0) +
        (ctx.org.jumpUsers.length > 0 ? 0 : -1) +
        (failed(e) ? -1 : 0),
    ),
  summary: (e) =>
    `${actorName(e)} ${failed(e) ? 'tried to run' : 'ran'} ${documentName(e) ?? 'an unnamed document'} on ` +
    `${commandTargets(e).text} through Run Command without being a jump user ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'An IAM user runs a patch baseline on one instance',
        record: ctRecord({
          eventSource: 'ssm.amazonaws.com',
          eventName: 'SendCommand',
          requestParameters: {
            instanceIds: ['i-0dbc91f429e48eeed'],
            documentName: 'AWS-RunPatchBaseline',
            parameters: 'HIDDEN_DUE_TO_SECURITY_REASONS',
            interactive: false,
          },
          responseElements: sendCommandResponse('AWS-RunPatchBaseline', ['i-0dbc91f429e48eeed']),
        }),
      },
      {
        title: 'A custom document sent to every managed instance by tag wildcard',
        config: JUMP,
        record: ctRecord({
          eventSource: 'ssm.amazonaws.com',
          eventName: 'SendCommand',
          identity: 'role',
          requestParameters: {
            targets: [{ key: 'InstanceIds', values: ['*'] }],
            documentName: 'arn:aws:ssm:us-east-1:210987654321:document/collect-diagnostics',
            parameters: 'HIDDEN_DUE_TO_SECURITY_REASONS',
            interactive: false,
          },
        }),
      },
    ],
    miss: [
      {
        title: 'The patching role runs the patch baseline',
        config: JUMP,
        record: ctRecord({
          eventSource: 'ssm.amazonaws.com',
          eventName: 'SendCommand',
          identity: {
            type: 'AssumedRole',
            principalId: 'AROA4XJ7LBQ5EXAMPLE06:patch-run',
            arn: 'arn:aws:sts::123456789012:assumed-role/patching-operators/patch-run',
            accountId: '123456789012',
            accessKeyId: 'ASIA4XJ7LBQ5EXAMPLE6',
            sessionContext: {
              sessionIssuer: {
                type: 'Role',
                principalId: 'AROA4XJ7LBQ5EXAMPLE06',
                arn: 'arn:aws:iam::123456789012:role/patching-operators',
                accountId: '123456789012',
                userName: 'patching-operators',
              },
              webIdFederationData: {},
              attributes: { creationDate: '2026-01-02T02:59:12Z', mfaAuthenticated: 'false' },
            },
          },
          requestParameters: {
            targets: [{ key: 'tag:PatchGroup', values: ['prod'] }],
            documentName: 'AWS-RunPatchBaseline',
            parameters: 'HIDDEN_DUE_TO_SECURITY_REASONS',
            interactive: false,
          },
        }),
      },
      {
        title: 'A Maintenance Window runs the command through Systems Manager itself',
        record: ctRecord({
          eventSource: 'ssm.amazonaws.com',
          eventName: 'SendCommand',
          identity: {
            type: 'AssumedRole',
            principalId: 'AROA4XJ7LBQ5EXAMPLE07:OrchestrationService',
            arn: 'arn:aws:sts::123456789012:assumed-role/AWSServiceRoleForAmazonSSM/OrchestrationService',
            accountId: '123456789012',
            sessionContext: {
              sessionIssuer: {
                type: 'Role',
                principalId: 'AROA4XJ7LBQ5EXAMPLE07',
                arn: 'arn:aws:iam::123456789012:role/aws-service-role/ssm.amazonaws.com/AWSServiceRoleForAmazonSSM',
                accountId: '123456789012',
                userName: 'AWSServiceRoleForAmazonSSM',
              },
              webIdFederationData: {},
              attributes: { creationDate: '2026-01-02T03:00:00Z', mfaAuthenticated: 'false' },
            },
            invokedBy: 'ssm.amazonaws.com',
          },
          sourceIPAddress: 'ssm.amazonaws.com',
          userAgent: 'ssm.amazonaws.com',
          requestParameters: {
            targets: [{ key: 'WindowTargetIds', values: ['e32eecb2-646c-4f4b-8ed1-205fbEXAMPLE'] }],
            documentName: 'AWS-RunPatchBaseline',
            parameters: 'HIDDEN_DUE_TO_SECURITY_REASONS',
            interactive: false,
          },
        }),
      },
    ],
  },
});
