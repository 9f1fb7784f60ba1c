/**
 * `aws.compute.serial-console-access-enabled`: EC2 serial console access switched on for the
 * account in a region. It is off by default; once on, anyone allowed to push a serial-console key
 * gets a console on any Nitro instance, below its network controls and SSH configuration.
 */
import { defineApiRule } from '../../engine/rule.js';
import {
  actorName,
  basePriority,
  bool,
  byAwsService,
  ctRecord,
  failed,
  shift,
  where,
} from '../lib.js';
import { isUnexpectedOperator } from '../lib/caller.js';

const RESPONSE_NS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

export default defineApiRule({
  id: 'aws.compute.serial-console-access-enabled',
  title: 'EC2 serial console access enabled',
  category: 'compute',
  row: 'COMP-2',
  priority: 'medium',
  mitre: ['T1021', 'T1098.004'],
  description:
    'EnableSerialConsoleAccess by an identity that is neither in `organisation.jumpUsers` nor ' +
    'the configured CI/CD. The setting is per account and region and off by default; turning it ' +
    'on opens a path to every Nitro instance’s console that bypasses security groups, NACLs and ' +
    'the SSH daemon (it still needs SendSerialConsoleSSHPublicKey and an OS password or key). ' +
    'Attackers enable it to keep access to instances they have locked out of, and to reach hosts ' +
    'with no network path. The change is rare, so the rule keeps its priority even when no jump ' +
    'users are configured. Failed calls are reported one level lower as attempts.',
  falsePositives: [
    'An operator enabling the console to recover an instance that no longer boots or answers on the network.',
  ],
  response: [
    'Ask the person why the console was needed; disable it again (DisableSerialConsoleAccess) once the recovery is done.',
    'Look for SendSerialConsoleSSHPublicKey calls that followed and for the instances they targeted.',
    'Deny ec2:EnableSerialConsoleAccess with a service control policy outside a break-glass role.',
  ],
  references: [
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_EnableSerialConsoleAccess.html',
    'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configure-access-to-serial-console.html',
  ],
  knobs: {},
  assumptions: (ctx) =>
    ctx.org.jumpUsers.length > 0
      ? []
      : [
          'No jump users are configured (organisation.jumpUsers): every identity other than ' +
            'CI/CD and AWS services that enables the serial console is reported.',
        ],
  kind: 'match',
  on: { eventSource: ['ec2.amazonaws.com'], eventNames: ['EnableSerialConsoleAccess'] },
  match: (e, ctx) => !byAwsService(e) && isUnexpectedOperator(e, ctx.org),
  priorityOf: (e, ctx) => shift(basePriority(ctx, 'medium'), failed(e) ? -1 : 0),
  summary: (e) => {
    const on = bool(e.response, 'serialConsoleAccessEnabled');
    const verb = failed(e)
      ? 'tried to enable'
      : on === false
        ? 'called EnableSerialConsoleAccess (response shows it still off) for'
        : 'enabled';
    return `${actorName(e)} ${verb} EC2 serial console access for the account ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'An IAM user enables the serial console from the CLI',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'EnableSerialConsoleAccess',
          requestParameters: { EnableSerialConsoleAccessRequest: '' },
          responseElements: {
            EnableSerialConsoleAccessResponse: {
              xmlns: RESPONSE_NS,
              requestId: '6f1c2d3e-4b5a-4c7d-8e9f-0a1b2c3d4e5f',
              serialConsoleAccessEnabled: true,
            },
          },
        }),
      },
      {
        title: 'A denied attempt by an SSO administrator',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'EnableSerialConsoleAccess',
          identity: 'role',
          errorCode: 'Client.UnauthorizedOperation',
          errorMessage: 'You are not authorized to perform this operation.',
          requestParameters: { EnableSerialConsoleAccessRequest: '' },
        }),
      },
    ],
    miss: [
      {
        title: 'DisableSerialConsoleAccess turns it back off',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'DisableSerialConsoleAccess',
          requestParameters: { DisableSerialConsoleAccessRequest: '' },
          responseElements: {
            DisableSerialConsoleAccessResponse: {
              xmlns: RESPONSE_NS,
              requestId: '0b7c5e4d-2a19-4f63-9d8e-7c6b5a493827',
              serialConsoleAccessEnabled: false,
            },
          },
        }),
      },
      {
        title: 'The deployment pipeline enables it as part of the account baseline',
        config: { organisation: { automationArns: ['arn:aws:iam::123456789012:role/deploy-*'] } },
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'EnableSerialConsoleAccess',
          identity: 'ci',
          requestParameters: { EnableSerialConsoleAccessRequest: '' },
          responseElements: {
            EnableSerialConsoleAccessResponse: {
              xmlns: RESPONSE_NS,
              requestId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
              serialConsoleAccessEnabled: true,
            },
          },
        }),
      },
    ],
  },
});
