/**
 * Systems Manager, Step Functions and EC2 Instance Connect records for the stories of the
 * stateful rules on instance access and control-plane use: StartSession, SendCommand,
 * StartExecution and SendSSHPublicKey as CloudTrail logs them (the command text and execution
 * input hidden, as CloudTrail hides them), and instance ids of EC2's shape.
 */
import { createHash } from 'node:crypto';
import type { JsonObject } from '../../model/event.js';
import { ctRecord, USER_AGENTS } from '../lib.js';
import { sendCommandResponse } from './compute-fixtures.js';

/** A 17-hex-digit instance id (`i-0…`) derived from `seed`. */
export function instanceId(seed: string | number): string {
  const h = createHash('sha256').update(`instance:${seed}`).digest('hex');
  return `i-0${h.slice(0, 16)}`;
}

/** Who acts, when, and from where. */
export interface Call {
  identity: JsonObject;
  eventTime: string;
  sourceIPAddress?: string;
  userAgent?: string;
  errorCode?: string;
  errorMessage?: string;
}

function errorFields(call: Call): { errorCode?: string; errorMessage?: string } {
  return {
    ...(call.errorCode === undefined ? {} : { errorCode: call.errorCode }),
    ...(call.errorMessage === undefined ? {} : { errorMessage: call.errorMessage }),
  };
}

/** A Session Manager shell session on `target`. */
export function startSessionRecord(call: Call, target: string): JsonObject {
  const session = `${createHash('sha256').update(`${target}|${call.eventTime}`).digest('hex').slice(0, 17)}`;
  return ctRecord({
    eventSource: 'ssm.amazonaws.com',
    eventName: 'StartSession',
    identity: call.identity,
    eventTime: call.eventTime,
    sourceIPAddress: call.sourceIPAddress ?? '203.0.113.24',
    userAgent: call.userAgent ?? USER_AGENTS.cli,
    requestParameters: { target },
    responseElements:
      call.errorCode === undefined
        ? {
            sessionId: `session-${session}`,
            tokenValue: 'Value hidden due to security reasons.',
            streamUrl: `wss://ssmmessages.us-east-1.amazonaws.com/v1/data-channel/session-${session}?role=publish_subscribe`,
          }
        : null,
    resources: [
      {
        accountId: '123456789012',
        type: 'AWS::EC2::Instance',
        ARN: `arn:aws:ec2:us-east-1:123456789012:instance/${target}`,
      },
    ],
    ...errorFields(call),
  });
}

/** A Run Command `SendCommand` of `documentName` to `instanceIds`. */
export function sendCommandRecord(
  call: Call,
  instanceIds: string[],
  documentName = 'AWS-RunShellScript',
): JsonObject {
  return ctRecord({
    eventSource: 'ssm.amazonaws.com',
    eventName: 'SendCommand',
    identity: call.identity,
    eventTime: call.eventTime,
    sourceIPAddress: call.sourceIPAddress ?? '203.0.113.24',
    userAgent: call.userAgent ?? USER_AGENTS.cli,
    requestParameters: {
      instanceIds,
      documentName,
      parameters: 'HIDDEN_DUE_TO_SECURITY_REASONS',
      interactive: false,
    },
    responseElements:
      call.errorCode === undefined ? sendCommandResponse(documentName, instanceIds) : null,
    ...errorFields(call),
  });
}

/** A Step Functions `StartExecution` (or `StartSyncExecution`) of `stateMachineArn`. */
export function startExecutionRecord(
  call: Call,
  stateMachineArn: string,
  executionName: string,
  eventName: 'StartExecution' | 'StartSyncExecution' = 'StartExecution',
): JsonObject {
  const machine = stateMachineArn.split(':').pop() ?? 'machine';
  const executionArn = stateMachineArn
    .replace(':stateMachine:', ':execution:')
    .replace(new RegExp(`${machine}$`), `${machine}:${executionName}`);
  return ctRecord({
    eventSource: 'states.amazonaws.com',
    eventName,
    identity: call.identity,
    eventTime: call.eventTime,
    sourceIPAddress: call.sourceIPAddress ?? '203.0.113.24',
    userAgent: call.userAgent ?? USER_AGENTS.cli,
    requestParameters: {
      input: 'HIDDEN_DUE_TO_SECURITY_REASONS',
      stateMachineArn,
      name: executionName,
    },
    responseElements:
      call.errorCode === undefined ? { startDate: 'Jan 2, 2026, 3:04:05 AM', executionArn } : null,
    ...errorFields(call),
  });
}

const PUBLIC_KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq7mJ0vXbq3Yw1Jr2xJ0m0g3i8lq9mJcE1vX3vY0m1o user@laptop';

/** An EC2 Instance Connect `SendSSHPublicKey` (or the serial-console variant) to `instance`. */
export function sendSshKeyRecord(
  call: Call,
  instance: string,
  eventName: 'SendSSHPublicKey' | 'SendSerialConsoleSSHPublicKey' = 'SendSSHPublicKey',
): JsonObject {
  return ctRecord({
    eventSource: 'ec2-instance-connect.amazonaws.com',
    eventName,
    identity: call.identity,
    eventTime: call.eventTime,
    sourceIPAddress: call.sourceIPAddress ?? '203.0.113.24',
    userAgent: call.userAgent ?? USER_AGENTS.cli,
    requestParameters:
      eventName === 'SendSSHPublicKey'
        ? { instanceId: instance, osUser: 'ec2-user', SSHKey: { publicKey: PUBLIC_KEY } }
        : { instanceId: instance, serialPort: 0, SSHKey: { publicKey: PUBLIC_KEY } },
    responseElements: null,
    ...errorFields(call),
  });
}
