/**
 * `aws.service-misuse.shell-command-by-unexpected-principal`: Run Command used to execute
 * arbitrary shell, PowerShell or playbook content on instances by a principal that is neither
 * automation nor an approved jump user: remote code execution through the control plane.
 */
import { z } from 'zod';
import { defineApiRule, knob } from '../../engine/rule.js';
import { actorName, basePriority, byAwsService, ctRecord, failed, shift, where } from '../lib.js';
import { isUnexpectedOperator } from '../lib/caller.js';
import { sendCommandResponse } from '../lib/compute-fixtures.js';
import {
  commandTargets,
  DEFAULT_SHELL_DOCUMENTS,
  documentName,
  isListedDocument,
} from '../lib/run-command.js';

const knobs = {
  shellDocuments: knob(
    z.array(z.string()),
    [...DEFAULT_SHELL_DOCUMENTS],
    'Run Command documents that execute caller-supplied scripts or playbooks (names, compared without regard to case; a shared document may be given by ARN, its name is compared).',
  ),
};

export default defineApiRule({
  id: 'aws.service-misuse.shell-command-by-unexpected-principal',
  title: 'Shell script run on instances through Run Command by an unexpected principal',
  category: 'service-misuse',
  row: 'SVC-1',
  priority: 'medium',
  mitre: ['T1651', 'T1059.004'],
  description:
    'A SendCommand call whose document runs a caller-supplied script (`shellDocuments`: ' +
    'AWS-RunShellScript, AWS-RunPowerShellScript, AWS-RunRemoteScript, playbook documents and ' +
    'similar), made by a principal that is neither the configured CI/CD nor in ' +
    '`organisation.jumpUsers`. CloudTrail hides the script itself ' +
    '(`HIDDEN_DUE_TO_SECURITY_REASONS`), but the document says it is arbitrary code run as root ' +
    'or SYSTEM: attackers use it to steal instance credentials from the metadata service, drop ' +
    'tooling or open reverse shells. Commands aimed at every managed instance (a tag target with ' +
    'the value `*`) are one level higher. Failed calls (InvalidInstanceId, AccessDenied) are ' +
    'reported one level lower as attempts. The priority does not drop when no automation or jump ' +
    'users are configured: arbitrary code on hosts is worth a look either way, and the finding ' +
    'names the assumption. AWS services acting on their own behalf (State Manager, Maintenance ' +
    'Windows) are ignored.',
  falsePositives: [
    'Operators who run ad-hoc scripts on fleets and are not listed as jump users.',
    'Configuration tools that push scripts through Run Command and are not listed as CI/CD.',
  ],
  response: [
    'Fetch the command output (GetCommandInvocation, or the S3 / CloudWatch output) and the script from the instance’s SSM agent logs.',
    'If it was not an operator’s: isolate the instances, rotate the instance-profile credentials they hold, and revoke the caller’s credentials.',
    'Allow AWS-RunShellScript and similar documents only to named roles, and log Run Command output centrally.',
  ],
  references: [
    'https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_SendCommand.html',
    'https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-command-ssm-plugin-reference.html',
    'https://hackingthe.cloud/aws/post_exploitation/run_shell_commands_on_ec2/',
  ],
  knobs,
  assumptions: (ctx) =>
    ctx.org.jumpUsers.length > 0 ||
    ctx.org.automationArns.length > 0 ||
    ctx.org.automationUserAgents.length > 0
      ? []
      : [
          'No CI/CD identities or jump users are configured (organisation.automationArns, ' +
            'automationUserAgents, jumpUsers): every script run through Run Command by a person ' +
            'or role is reported.',
        ],
  kind: 'match',
  on: { eventSource: ['ssm.amazonaws.com'], eventNames: ['SendCommand'] },
  match: (e, ctx) =>
    isListedDocument(documentName(e), ctx.knobs.shellDocuments) &&
    !byAwsService(e) &&
    isUnexpectedOperator(e, ctx.org),
  priorityOf: (e, ctx) =>
    shift(basePriority(ctx, 'medium'), (commandTargets(e).all ? 1 : 0) + (failed(e) ? -1 : 0)),
  summary: (e) =>
    `${actorName(e)} ${failed(e) ? 'tried to run' : 'ran'} a script with ${documentName(e) ?? 'a shell document'} ` +
    `on ${commandTargets(e).text} ${where(e)}`,
  examples: {
    fire: [
      {
        title: 'AWS-RunShellScript on one instance from a script (Invictus, Stratus Red Team)',
        record: ctRecord({
          eventSource: 'ssm.amazonaws.com',
          eventName: 'SendCommand',
          userAgent: 'stratus-red-team_6a7ec681-49a5-4403-99a2-d3c1229e8063',
          requestParameters: {
            instanceIds: ['i-0dbc91f429e48eeed'],
            documentName: 'AWS-RunShellScript',
            parameters: 'HIDDEN_DUE_TO_SECURITY_REASONS',
            interactive: false,
          },
          responseElements: sendCommandResponse('AWS-RunShellScript', ['i-0dbc91f429e48eeed']),
        }),
      },
      {
        title: 'A failed attempt on an instance that is not managed (Invictus: InvalidInstanceId)',
        record: ctRecord({
          eventSource: 'ssm.amazonaws.com',
          eventName: 'SendCommand',
          userAgent: 'stratus-red-team_3a63b39c-6bcc-408c-a49e-7dfd92c3ef20',
          errorCode: 'InvalidInstanceId',
          errorMessage:
            'Instances [[i-05c30218156bcc246]] not in a valid state for account 123456789012',
          requestParameters: {
            instanceIds: ['i-05c30218156bcc246'],
            documentName: 'AWS-RunShellScript',
            parameters: 'HIDDEN_DUE_TO_SECURITY_REASONS',
            interactive: false,
          },
        }),
      },
      {
        title: 'PowerShell on every managed Windows instance, by an SSO session',
        config: { organisation: { jumpUsers: ['arn:aws:iam::123456789012:role/ops-*'] } },
        record: ctRecord({
          eventSource: 'ssm.amazonaws.com',
          eventName: 'SendCommand',
          identity: 'role',
          requestParameters: {
            targets: [{ key: 'tag:Platform', values: ['*'] }],
            documentName: 'aws-runpowershellscript',
            parameters: 'HIDDEN_DUE_TO_SECURITY_REASONS',
            interactive: false,
          },
        }),
      },
    ],
    miss: [
      {
        title: 'AWS-RunPatchBaseline, which runs no caller-supplied script',
        record: ctRecord({
          eventSource: 'ssm.amazonaws.com',
          eventName: 'SendCommand',
          requestParameters: {
            instanceIds: ['i-0dbc91f429e48eeed'],
            documentName: 'AWS-RunPatchBaseline',
            parameters: 'HIDDEN_DUE_TO_SECURITY_REASONS',
            interactive: false,
          },
        }),
      },
      {
        title: 'The deployment role runs a shell script during a release',
        config: { organisation: { automationArns: ['arn:aws:iam::123456789012:role/deploy-*'] } },
        record: ctRecord({
          eventSource: 'ssm.amazonaws.com',
          eventName: 'SendCommand',
          identity: 'ci',
          requestParameters: {
            targets: [{ key: 'tag:Service', values: ['orders'] }],
            documentName: 'AWS-RunShellScript',
            parameters: 'HIDDEN_DUE_TO_SECURITY_REASONS',
            interactive: false,
          },
        }),
      },
    ],
  },
});
