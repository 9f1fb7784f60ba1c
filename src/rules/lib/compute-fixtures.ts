/**
 * Request and response bodies of `RunInstances` for rule examples, shaped as CloudTrail logged
 * them in the Invictus dataset (a Terraform launch and a Stratus Red Team GPU launch), with ids
 * moved to the examples' account. Rule files combine them with `ctRecord`.
 */
import type { JsonObject } from '../../model/event.js';
import { EXAMPLE_ACCOUNT } from '../lib.js';

export interface LaunchInput {
  instanceType?: string;
  imageId?: string;
  maxCount?: number;
  instanceId?: string;
  /** A launch from a launch template: the request names no instance type. */
  launchTemplateId?: string;
  region?: string;
}

/** `requestParameters` of RunInstances. */
export function runInstancesRequest(input: LaunchInput = {}): JsonObject {
  const item: JsonObject = {
    imageId: input.imageId ?? 'ami-029eb80bc237bec6f',
    minCount: 1,
    maxCount: input.maxCount ?? 1,
  };
  const shape: JsonObject =
    input.launchTemplateId === undefined
      ? { instanceType: input.instanceType ?? 't3.micro' }
      : { launchTemplate: { launchTemplateId: input.launchTemplateId, version: '$Latest' } };
  const req: JsonObject = {
    instancesSet: { items: [item] },
    ...shape,
    blockDeviceMapping: {},
    monitoring: { enabled: false },
    subnetId: 'subnet-0ed352584ab4aa265',
    disableApiTermination: false,
    disableApiStop: false,
    clientToken: 'D37569A7-CF2F-4BD3-8DDE-F17AB408204D',
  };
  return req;
}

/** `responseElements` of a successful RunInstances. */
export function runInstancesResponse(input: LaunchInput = {}): JsonObject {
  const region = input.region ?? 'us-east-1';
  return {
    requestId: '95b435ce-68af-4a4b-b89c-f653d8946ebc',
    reservationId: 'r-0ac0088de73525c3c',
    ownerId: EXAMPLE_ACCOUNT,
    groupSet: {},
    instancesSet: {
      items: [
        {
          instanceId: input.instanceId ?? 'i-0dbc91f429e48eeed',
          imageId: input.imageId ?? 'ami-029eb80bc237bec6f',
          currentInstanceBootMode: 'legacy-bios',
          instanceState: { code: 0, name: 'pending' },
          privateDnsName: 'ip-10-0-1-10.ec2.internal',
          amiLaunchIndex: 0,
          productCodes: {},
          instanceType: input.instanceType ?? 't3.micro',
          launchTime: 1767323045000,
          placement: { availabilityZone: `${region}a`, tenancy: 'default' },
          monitoring: { state: 'disabled' },
          subnetId: 'subnet-0ed352584ab4aa265',
          vpcId: 'vpc-06fe1a64761a0f720',
          privateIpAddress: '10.0.1.10',
          stateReason: { code: 'pending', message: 'pending' },
          architecture: 'x86_64',
          rootDeviceType: 'ebs',
          rootDeviceName: '/dev/xvda',
          blockDeviceMapping: {},
          virtualizationType: 'hvm',
          hypervisor: 'xen',
          clientToken: 'D37569A7-CF2F-4BD3-8DDE-F17AB408204D',
          groupSet: { items: [{ groupId: 'sg-0b233157065b7d5e2' }] },
          sourceDestCheck: true,
          ebsOptimized: false,
          enaSupport: true,
          cpuOptions: { coreCount: 1, threadsPerCore: 2 },
          capacityReservationSpecification: { capacityReservationPreference: 'open' },
          hibernationOptions: { configured: false },
          enclaveOptions: { enabled: false },
          metadataOptions: {
            state: 'pending',
            httpTokens: 'required',
            httpPutResponseHopLimit: 2,
            httpEndpoint: 'enabled',
            httpProtocolIpv4: 'enabled',
            httpProtocolIpv6: 'disabled',
            instanceMetadataTags: 'disabled',
          },
          maintenanceOptions: { autoRecovery: 'default' },
        },
      ],
    },
  };
}

/** The Auto Scaling service-linked role, as CloudTrail shows it launching instances. */
export const AUTOSCALING_IDENTITY: JsonObject = {
  type: 'AssumedRole',
  principalId: 'AROA4XJ7LBQ5EXAMPLE09:AutoScaling',
  arn: `arn:aws:sts::${EXAMPLE_ACCOUNT}:assumed-role/AWSServiceRoleForAutoScaling/AutoScaling`,
  accountId: EXAMPLE_ACCOUNT,
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROA4XJ7LBQ5EXAMPLE09',
      arn: `arn:aws:iam::${EXAMPLE_ACCOUNT}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
      accountId: EXAMPLE_ACCOUNT,
      userName: 'AWSServiceRoleForAutoScaling',
    },
    webIdFederationData: {},
    attributes: { creationDate: '2026-01-02T03:03:58Z', mfaAuthenticated: 'false' },
  },
  invokedBy: 'autoscaling.amazonaws.com',
};

/** The assumed-role session Stratus Red Team used for its GPU launch in the Invictus run. */
export const STRATUS_ROLE_IDENTITY: JsonObject = {
  type: 'AssumedRole',
  principalId: 'AROA4XJ7LBQ5EXAMPLE10:aws-go-sdk-1688990797103471741',
  arn: `arn:aws:sts::${EXAMPLE_ACCOUNT}:assumed-role/stratus-red-team-ec2lui-role-pcccexdthk/aws-go-sdk-1688990797103471741`,
  accountId: EXAMPLE_ACCOUNT,
  accessKeyId: 'ASIA4XJ7LBQ5EXAMPLE10',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROA4XJ7LBQ5EXAMPLE10',
      arn: `arn:aws:iam::${EXAMPLE_ACCOUNT}:role/stratus-red-team-ec2lui-role-pcccexdthk`,
      accountId: EXAMPLE_ACCOUNT,
      userName: 'stratus-red-team-ec2lui-role-pcccexdthk',
    },
    webIdFederationData: {},
    attributes: { creationDate: '2026-01-02T03:04:01Z', mfaAuthenticated: 'false' },
  },
};

/** `responseElements` of a SendCommand, as the Invictus record shows it. */
export function sendCommandResponse(doc: string, ids: string[]): JsonObject {
  return {
    command: {
      commandId: 'bbf52fc0-1a25-4020-b1b4-1872ff8edd12',
      documentName: doc,
      documentVersion: '$DEFAULT',
      comment: '',
      expiresAfter: 'Jan 2, 2026 5:04:05 AM',
      parameters: 'HIDDEN_DUE_TO_SECURITY_REASONS',
      instanceIds: ids,
      targets: [],
      requestedDateTime: 'Jan 2, 2026 3:04:05 AM',
      status: 'Pending',
      statusDetails: 'Pending',
      outputS3Region: 'us-east-1',
      outputS3BucketName: '',
      outputS3KeyPrefix: '',
      maxConcurrency: '50',
      maxErrors: '0',
      targetCount: ids.length,
      completedCount: 0,
      errorCount: 0,
      deliveryTimedOutCount: 0,
      serviceRole: '',
      interactive: false,
      timeoutSeconds: 3600,
    },
  };
}
