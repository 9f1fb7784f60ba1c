/**
 * Writes the sample data bundled in `examples/`: one day of a small organisation's CloudTrail (as
 * delivered to S3, gzip) and VPC Flow Logs, with an intrusion in it. A leaked long-term key is used
 * from outside, the intruder enumerates, plants a backdoor user, shares a snapshot with a foreign
 * account and turns off logging; around it, ordinary engineering and CI/CD activity. Deterministic:
 * run `npx tsx scripts/make-examples.ts` to regenerate identical files.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const ACCOUNT = '111122223333';
const FOREIGN = '444455556666';
const REGION = 'eu-west-1';
const DAY = '2026-03-14';
const root = join(import.meta.dirname, '..', 'examples');

let seq = 0;
function uuid(): string {
  seq++;
  const h = seq.toString(16).padStart(12, '0');
  return `5e1c0a7e-7a11-4b0d-8f00-${h}`;
}
function reqId(): string {
  return `R${seq.toString(36).toUpperCase().padStart(15, '0')}`;
}

type Rec = Record<string, unknown>;

const alice = {
  type: 'AssumedRole',
  principalId: 'AROAEXAMPLEALICE00001:alice@example.com',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_Engineer_0a1b2c3d4e5f6a7b/alice@example.com`,
  accountId: ACCOUNT,
  accessKeyId: 'ASIAEXAMPLEALICE0001',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROAEXAMPLEALICE00001',
      arn: `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Engineer_0a1b2c3d4e5f6a7b`,
      accountId: ACCOUNT,
      userName: 'AWSReservedSSO_Engineer_0a1b2c3d4e5f6a7b',
    },
    webIdFederationData: {},
    attributes: { creationDate: `${DAY}T08:55:12Z`, mfaAuthenticated: 'false' },
  },
};
const deploy = {
  type: 'AssumedRole',
  principalId: 'AROAEXAMPLEDEPLOY0001:GitHubActions',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/github-deploy/GitHubActions`,
  accountId: ACCOUNT,
  accessKeyId: 'ASIAEXAMPLEDEPLOY001',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROAEXAMPLEDEPLOY0001',
      arn: `arn:aws:iam::${ACCOUNT}:role/github-deploy`,
      accountId: ACCOUNT,
      userName: 'github-deploy',
    },
    webIdFederationData: {
      federatedProvider: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
      attributes: {},
    },
    attributes: { creationDate: `${DAY}T10:02:00Z`, mfaAuthenticated: 'false' },
  },
};
const leaked = {
  type: 'IAMUser',
  principalId: 'AIDAEXAMPLEBACKUP0001',
  arn: `arn:aws:iam::${ACCOUNT}:user/svc-backup`,
  accountId: ACCOUNT,
  accessKeyId: 'AKIAEXAMPLEBACKUP7Q2',
  userName: 'svc-backup',
};
const ATTACKER_IP = '185.220.101.47';
const ATTACKER_UA =
  'aws-cli/2.15.30 Python/3.11.8 Linux/6.6.9-amd64 exe/x86_64.kali.2024 prompt/off command/iam.list-users';
const CONSOLE_UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36';
const TF_UA =
  'APN/1.0 HashiCorp/1.0 Terraform/1.7.4 (+https://www.terraform.io) terraform-provider-aws/5.40.0';

function ct(
  time: string,
  identity: Rec,
  eventSource: string,
  eventName: string,
  ip: string,
  ua: string,
  requestParameters: unknown,
  responseElements: unknown = null,
  extra: Rec = {},
): Rec {
  const id = uuid();
  return {
    eventVersion: '1.09',
    userIdentity: identity,
    eventTime: `${DAY}T${time}Z`,
    eventSource,
    eventName,
    awsRegion: REGION,
    sourceIPAddress: ip,
    userAgent: ua,
    requestParameters,
    responseElements,
    requestID: reqId(),
    eventID: id,
    readOnly: /^(Get|List|Describe|Lookup)/.test(eventName),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    tlsDetails: {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: `${eventSource.split('.')[0]}.${REGION}.amazonaws.com`,
    },
    ...extra,
  };
}

const morning: Rec[] = [
  ct('09:01:10', alice, 'ec2.amazonaws.com', 'DescribeInstances', '203.0.113.24', CONSOLE_UA, {
    instancesSet: {},
    filterSet: {},
  }),
  ct('09:03:44', alice, 'logs.amazonaws.com', 'PutRetentionPolicy', '203.0.113.24', CONSOLE_UA, {
    logGroupName: '/aws/lambda/orders-api',
    retentionInDays: 365,
  }),
  ct(
    '09:05:02',
    alice,
    'cloudtrail.amazonaws.com',
    'UpdateTrail',
    '203.0.113.24',
    CONSOLE_UA,
    {
      name: 'org-trail',
      snsTopicName: 'trail-deliveries',
    },
    {
      name: 'org-trail',
      s3BucketName: 'acme-cloudtrail-111122223333',
      snsTopicName: 'trail-deliveries',
      includeGlobalServiceEvents: true,
      isMultiRegionTrail: true,
      trailARN: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/org-trail`,
      logFileValidationEnabled: true,
      isOrganizationTrail: false,
    },
  ),
];

const deployRun: Rec[] = [
  ct(
    '10:02:31',
    deploy,
    'lambda.amazonaws.com',
    'UpdateFunctionCode20150331v2',
    '198.51.100.7',
    TF_UA,
    {
      functionName: 'orders-api',
      publish: true,
      dryRun: false,
    },
  ),
  ct('10:02:40', deploy, 'logs.amazonaws.com', 'CreateLogGroup', '198.51.100.7', TF_UA, {
    logGroupName: '/aws/lambda/orders-worker',
  }),
];

/** The intruder's enumeration sweep: distinct read-only calls across services within minutes. */
const SWEEP: [string, string][] = [
  ['iam', 'ListAttachedUserPolicies'],
  ['iam', 'ListGroups'],
  ['iam', 'ListPolicies'],
  ['iam', 'GetAccountAuthorizationDetails'],
  ['iam', 'ListAccessKeys'],
  ['iam', 'GetAccountSummary'],
  ['iam', 'ListInstanceProfiles'],
  ['iam', 'ListSAMLProviders'],
  ['iam', 'ListOpenIDConnectProviders'],
  ['iam', 'GetAccountPasswordPolicy'],
  ['ec2', 'DescribeInstances'],
  ['ec2', 'DescribeSecurityGroups'],
  ['ec2', 'DescribeVpcs'],
  ['ec2', 'DescribeSubnets'],
  ['ec2', 'DescribeSnapshots'],
  ['ec2', 'DescribeImages'],
  ['ec2', 'DescribeKeyPairs'],
  ['ec2', 'DescribeRegions'],
  ['s3', 'ListBuckets'],
  ['s3', 'GetBucketPolicy'],
  ['s3', 'GetBucketAcl'],
  ['lambda', 'ListFunctions20150331'],
  ['secretsmanager', 'ListSecrets'],
  ['ssm', 'DescribeParameters'],
  ['kms', 'ListKeys'],
  ['kms', 'ListAliases'],
  ['rds', 'DescribeDBInstances'],
  ['rds', 'DescribeDBSnapshots'],
  ['cloudtrail', 'GetTrailStatus'],
  ['guardduty', 'ListDetectors'],
  ['logs', 'DescribeLogGroups'],
  ['sns', 'ListTopics'],
  ['organizations', 'DescribeOrganization'],
];
const sweep: Rec[] = SWEEP.map(([service, name], i) => {
  const secs = 22 + i * 4;
  const time = `13:3${7 + Math.floor(secs / 60)}:${String(secs % 60).padStart(2, '0')}`;
  return ct(time, leaked, `${service}.amazonaws.com`, name, ATTACKER_IP, ATTACKER_UA, null);
});

const intrusion: Rec[] = [
  ct(
    '13:37:02',
    leaked,
    'sts.amazonaws.com',
    'GetCallerIdentity',
    ATTACKER_IP,
    ATTACKER_UA,
    null,
    null,
    { readOnly: true },
  ),
  ct('13:37:15', leaked, 'iam.amazonaws.com', 'ListUsers', ATTACKER_IP, ATTACKER_UA, null),
  ct('13:37:21', leaked, 'iam.amazonaws.com', 'ListRoles', ATTACKER_IP, ATTACKER_UA, null),
  ct('13:38:09', leaked, 'cloudtrail.amazonaws.com', 'DescribeTrails', ATTACKER_IP, ATTACKER_UA, {
    includeShadowTrails: true,
  }),
  ct(
    '13:39:30',
    leaked,
    'iam.amazonaws.com',
    'CreateUser',
    ATTACKER_IP,
    ATTACKER_UA,
    { userName: 'support-admin' },
    {
      user: {
        path: '/',
        userName: 'support-admin',
        userId: 'AIDAEXAMPLEBACKDOOR01',
        arn: `arn:aws:iam::${ACCOUNT}:user/support-admin`,
        createDate: `Mar 14, 2026, 1:39:30 PM`,
      },
    },
  ),
  ct('13:39:41', leaked, 'iam.amazonaws.com', 'AttachUserPolicy', ATTACKER_IP, ATTACKER_UA, {
    userName: 'support-admin',
    policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
  }),
  ct(
    '13:39:52',
    leaked,
    'iam.amazonaws.com',
    'CreateAccessKey',
    ATTACKER_IP,
    ATTACKER_UA,
    { userName: 'support-admin' },
    {
      accessKey: {
        userName: 'support-admin',
        accessKeyId: 'AKIAEXAMPLEBACKDOOR1',
        status: 'Active',
        createDate: 'Mar 14, 2026, 1:39:52 PM',
      },
    },
  ),
  ct(
    '13:41:05',
    leaked,
    'ec2.amazonaws.com',
    'ModifySnapshotAttribute',
    ATTACKER_IP,
    ATTACKER_UA,
    {
      snapshotId: 'snap-0a1b2c3d4e5f60718',
      attributeType: 'CREATE_VOLUME_PERMISSION',
      createVolumePermission: { add: { items: [{ userId: FOREIGN }] } },
    },
    { _return: true },
  ),
  ct('13:42:10', leaked, 'guardduty.amazonaws.com', 'UpdateDetector', ATTACKER_IP, ATTACKER_UA, {
    detectorId: '12abc34d567e8fa901bc2d34e56789f0',
    enable: false,
  }),
  ct(
    '13:42:33',
    leaked,
    'ec2.amazonaws.com',
    'DeleteFlowLogs',
    ATTACKER_IP,
    ATTACKER_UA,
    {
      DeleteFlowLogsRequest: { FlowLogId: { content: 'fl-0123456789abcdef0', tag: 1 } },
    },
    {
      DeleteFlowLogsResponse: {
        xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/',
        requestId: 'f7a2b9c1-0000-4d0e-9e1f-2a3b4c5d6e7f',
        unsuccessful: '',
      },
    },
  ),
  ct('13:43:01', leaked, 'logs.amazonaws.com', 'DeleteLogGroup', ATTACKER_IP, ATTACKER_UA, {
    logGroupName: '/aws/vpc/flow-logs',
  }),
  ct('13:43:40', leaked, 'cloudtrail.amazonaws.com', 'StopLogging', ATTACKER_IP, ATTACKER_UA, {
    name: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/org-trail`,
  }),
];

function writeGz(rel: string, body: string): void {
  const path = join(root, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  // mtime 0 in the gzip header keeps the files byte-identical between runs.
  writeFileSync(path, gzipSync(Buffer.from(body), { level: 9 }));
}

function trailFile(stamp: string, suffix: string, records: Rec[]): void {
  const dir = `AWSLogs/${ACCOUNT}/CloudTrail/${REGION}/2026/03/14`;
  writeGz(
    `${dir}/${ACCOUNT}_CloudTrail_${REGION}_20260314T${stamp}Z_${suffix}.json.gz`,
    JSON.stringify({ Records: records }),
  );
}

rmSync(join(root, 'AWSLogs'), { recursive: true, force: true });
trailFile('0905', 'Qm3x9TtYw2VbN8aK', morning);
trailFile('1005', 'Lp0c7RkD4sFh1JzE', deployRun);
trailFile('1335', 'Vb2nK7qW1xZe4RtU', sweep);
trailFile('1340', 'Xa6eW9oPq2UrT5Yd', intrusion.slice(0, 7));
trailFile('1345', 'Hn4bV8mCk3GjS0Lf', intrusion.slice(7));

const flowHeader =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id instance-id flow-direction';
const t = Date.UTC(2026, 2, 14, 13, 30, 0) / 1000;
const eni = 'eni-0f1e2d3c4b5a69788';
const flows: string[] = [
  `5 ${ACCOUNT} ${eni} 10.20.1.15 10.20.2.40 49732 5432 6 22 4120 ${t} ${t + 58} ACCEPT OK vpc-0a1b2c3d subnet-0a1b2c3d i-0123456789abcdef0 egress`,
  `5 ${ACCOUNT} ${eni} 10.20.1.15 52.94.5.100 49810 443 6 40 18033 ${t} ${t + 58} ACCEPT OK vpc-0a1b2c3d subnet-0a1b2c3d i-0123456789abcdef0 egress`,
  `5 ${ACCOUNT} ${eni} 185.220.101.47 10.20.1.15 51544 22 6 61 9120 ${t + 60} ${t + 118} ACCEPT OK vpc-0a1b2c3d subnet-0a1b2c3d i-0123456789abcdef0 ingress`,
  `5 ${ACCOUNT} ${eni} 10.20.1.15 185.220.101.47 22 51544 6 58 48213 ${t + 60} ${t + 118} ACCEPT OK vpc-0a1b2c3d subnet-0a1b2c3d i-0123456789abcdef0 egress`,
  `5 ${ACCOUNT} ${eni} 10.20.1.15 198.51.100.99 40112 4444 6 1200 9800321 ${t + 120} ${t + 178} ACCEPT OK vpc-0a1b2c3d subnet-0a1b2c3d i-0123456789abcdef0 egress`,
  `5 ${ACCOUNT} ${eni} - - - - - - - ${t + 180} ${t + 238} - NODATA vpc-0a1b2c3d subnet-0a1b2c3d i-0123456789abcdef0 -`,
];
// Earlier that day the compromised instance called home every five minutes (a beacon).
const beacon: string[] = [];
for (let i = 0; i < 12; i++) {
  const at = Date.UTC(2026, 2, 14, 10, 0, 0) / 1000 + i * 300 + (i % 3);
  beacon.push(
    `5 ${ACCOUNT} ${eni} 10.20.1.15 203.0.113.80 ${41000 + i} 443 6 9 1480 ${at} ${at + 1} ACCEPT OK vpc-0a1b2c3d subnet-0a1b2c3d i-0123456789abcdef0 egress`,
  );
}
writeGz(
  `AWSLogs/${ACCOUNT}/vpcflowlogs/${REGION}/2026/03/14/${ACCOUNT}_vpcflowlogs_${REGION}_fl-0123456789abcdef0_20260314T1330Z_4f2c1d9a.log.gz`,
  `${flowHeader}\n${[...beacon, ...flows].join('\n')}\n`,
);
console.log(`wrote examples under ${root}`);
