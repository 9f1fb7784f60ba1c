/**
 * `aws.compute.key-pair-created-outside-automation`: an EC2 key pair created or imported by an
 * identity that is not the organisation's automation. A key pair is SSH (or Windows password)
 * access to every instance later launched with it; an imported one is a key whose private half
 * never passed through AWS, which is how attackers plant their own key for persistence.
 */
import type { Priority } from '../../config/schema.js';
import { defineApiRule } from '../../engine/rule.js';
import type { ApiEvent } from '../../model/event.js';
import {
  actorName,
  basePriority,
  byAwsService,
  ctRecord,
  failed,
  IDENTITIES,
  isAutomation,
  shift,
  str,
  USER_AGENTS,
  where,
} from '../lib.js';
import { ec2Param } from '../lib/ec2-shapes.js';
import { automationAssumption } from '../lib/ownership.js';

const imported = (e: ApiEvent): boolean => e.eventName === 'ImportKeyPair';

function keyName(e: ApiEvent): string {
  return ec2Param(e, 'keyName') ?? str(e.response, 'keyName') ?? '(unnamed)';
}

export default defineApiRule({
  id: 'aws.compute.key-pair-created-outside-automation',
  title: 'EC2 key pair created or imported outside automation',
  category: 'compute',
  row: null,
  priority: 'medium',
  mitre: ['T1098.004'],
  description:
    "CreateKeyPair or ImportKeyPair by an identity that is not the organisation's automation " +
    '(organisation.automationArns, automationUserAgents) nor an AWS service. A key pair gives ' +
    'SSH access (and, for Windows, the means to decrypt the administrator password) to every ' +
    'instance launched with it; with stolen credentials attackers create or import one, then ' +
    'launch or replace instances to get a shell that outlives the credentials. ImportKeyPair is ' +
    'reported at the rule priority: the caller brought its own public key, so its private half ' +
    'exists only where the caller keeps it. CreateKeyPair is reported one level lower: AWS ' +
    'generated the key and handed the private half to the caller once (CloudTrail replaces it ' +
    'with `<sensitiveDataRemoved>`). Triage: who made the key, from where, and whether ' +
    'RunInstances, ModifyInstanceAttribute or SendSSHPublicKey calls used it afterwards. Failed ' +
    'calls (AccessDenied, InvalidKeyPair.Duplicate) are reported one level lower as attempts. ' +
    'With no automation configured every caller counts as a person and the finding says so.',
  falsePositives: [
    'Engineers creating key pairs by hand for development instances.',
    'Provisioning tools (Packer, Terraform) not yet listed as automation.',
  ],
  response: [
    'Confirm with the caller that the key pair was expected and who holds its private key.',
    'Look for instances launched with the key (DescribeInstances with the key-name filter) and for RunInstances by the same principal.',
    'If unexpected: delete the key pair (DeleteKeyPair), remove its public key from instances already launched (authorized_keys), and revoke the caller’s credentials.',
    'Prefer Session Manager or EC2 Instance Connect to long-lived key pairs, and restrict ec2:CreateKeyPair and ec2:ImportKeyPair to the provisioning roles.',
  ],
  references: [
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateKeyPair.html',
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ImportKeyPair.html',
    'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-key-pairs.html',
  ],
  knobs: {},
  assumptions: (ctx) => automationAssumption(ctx.org),
  kind: 'match',
  on: { eventSource: ['ec2.amazonaws.com'], eventNames: ['CreateKeyPair', 'ImportKeyPair'] },
  match: (e, ctx) => !isAutomation(e, ctx.org) && !byAwsService(e),
  priorityOf: (e, ctx): Priority =>
    shift(basePriority(ctx, 'medium'), (imported(e) ? 0 : -1) - (failed(e) ? 1 : 0)),
  summary: (e) => {
    const verb = imported(e)
      ? failed(e)
        ? 'tried to import'
        : 'imported its own public key as'
      : failed(e)
        ? 'tried to create'
        : 'created';
    return `${actorName(e)} ${verb} EC2 key pair ${keyName(e)} ${where(e)}`;
  },
  examples: {
    fire: [
      {
        title: 'An IAM user imports its own SSH key from the CLI',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'ImportKeyPair',
          userAgent:
            'aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-1016-aws exe/x86_64.ubuntu.22 prompt/off command/ec2.import-key-pair',
          requestParameters: {
            keyName: 'ops-recovery',
            publicKeyMaterial:
              'c3NoLWVkMjU1MTkgQUFBQUMzTnphQzFsWkRJMU5URTVBQUFBSUsxVnlhM0J3Ymc0N3JwT1Y3Nk5LUm1ZcUdRM2FBRnVNZEpKUjkyZ0Jnd2sgb3BzQGxhcHRvcA==',
          },
          responseElements: {
            requestId: 'b7e2c9d4-5f1a-4a6b-8c3d-2e9f0a1b4c5d',
            keyName: 'ops-recovery',
            keyFingerprint: '8f:3a:21:c7:5e:90:4b:d2:16:aa:0c:7f:e1:59:b3:44',
            keyPairId: 'key-0a7d3c9e5b1f24680',
          },
        }),
      },
      {
        title: 'A key pair created from CloudShell (as AWS documents the record)',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'CreateKeyPair',
          identity: 'role',
          userAgent:
            'aws-cli/2.13.5 Python/3.11.4 Linux/4.14.255-314-253.539.amzn2.x86_64 exec-env/CloudShell exe/x86_64.amzn.2 prompt/off command/ec2.create-key-pair',
          requestParameters: { keyName: 'my-key', keyType: 'rsa', keyFormat: 'pem' },
          responseElements: {
            requestId: '9aa4938f-720f-4f4b-9637-4a6b9c2a196e',
            keyName: 'my-key',
            keyFingerprint: '1f:51:ae:28:bf:89:e9:d8:1f:25:5d:37:2d:7d:b8:ca:9f:f5:f1:6f',
            keyPairId: 'key-0b1c2d3e4f5a6b7c8',
            keyMaterial: '<sensitiveDataRemoved>',
          },
        }),
      },
      {
        title: 'A denied import attempt',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'ImportKeyPair',
          userAgent: USER_AGENTS.boto3,
          errorCode: 'Client.UnauthorizedOperation',
          errorMessage: 'You are not authorized to perform this operation.',
          requestParameters: {
            keyName: 'x',
            publicKeyMaterial:
              'c3NoLXJzYSBBQUFBQjNOemFDMXljMkVBQUFBREFRQUJBQUFCZ1FDN3g1ZkVYQU1QTEUgcm9vdEBrYWxp',
          },
        }),
      },
    ],
    miss: [
      {
        title: 'The configured Terraform role creates the key pair of a new environment',
        config: { organisation: { automationArns: ['arn:aws:iam::*:role/deploy-*'] } },
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'ImportKeyPair',
          identity: IDENTITIES.ci,
          userAgent: USER_AGENTS.terraform,
          requestParameters: {
            keyName: 'bastion-prod',
            publicKeyMaterial:
              'c3NoLWVkMjU1MTkgQUFBQUMzTnphQzFsWkRJMU5URTVBQUFBSUVYQU1QTEVFWEFNUExFRVhBTVBMRSB0ZXJyYWZvcm0=',
          },
          responseElements: {
            requestId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
            keyName: 'bastion-prod',
            keyFingerprint: '2c:9e:41:d0:7a:13:5f:88:b6:e4:0d:1c:73:aa:62:9f',
            keyPairId: 'key-0c1d2e3f4a5b6c7d8',
          },
        }),
      },
      {
        title: 'A key pair deleted',
        record: ctRecord({
          eventSource: 'ec2.amazonaws.com',
          eventName: 'DeleteKeyPair',
          requestParameters: { keyName: 'ops-recovery' },
          responseElements: { requestId: 'c4d5e6f7-a8b9-4c0d-9e1f-2a3b4c5d6e7f', _return: true },
        }),
      },
    ],
  },
});
