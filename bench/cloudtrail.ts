/**
 * CloudTrail records of one organisation's production account for the benchmark, built one at a
 * time in time order. Machines (instance roles, AWS services, a monitoring vendor, IAM users with
 * long-term keys) work around the clock; people (SSO sessions from five countries) and the CI/CD
 * roles they trigger work their local office hours on weekdays. Records have the shapes AWS
 * writes: data events for S3 objects, service-invoked `AssumeRole`, web-identity federation for
 * CI, denied calls (1% of people's, fewer of machines'). Mixed in is one intrusion: a leaked
 * reporting key used from a VPS, a backdoor administrator, GuardDuty and CloudTrail turned off, a
 * snapshot and a bucket shared with a foreign account, SSH opened to the world; and, earlier, a
 * root login without MFA.
 */
import {
  DAY,
  DAYS,
  HOUR,
  Rng,
  SEED,
  START,
  Table,
  Timeline,
  dayPath,
  iso,
  stamp,
} from './random.js';

export const REGION = 'us-east-1';
export const PROD = '381492006715';
const FOREIGN = '914827365530';
const DATADOG = '464622532012';

const COMPANY = 'tidewater';
const FIRST = [
  'alex', 'maria', 'james', 'priya', 'lukas', 'sofia', 'daniel', 'anna', 'rahul', 'emma',
  'marek', 'olivia', 'tomasz', 'chloe', 'arjun', 'hannah', 'oliver', 'julia', 'noah', 'ines',
]; // prettier-ignore
const LAST = [
  'smith', 'kowalski', 'muller', 'sharma', 'brown', 'schmidt', 'patel', 'nowak', 'taylor',
  'wagner', 'garcia', 'iyer', 'walker', 'fischer', 'wright', 'zielinski', 'reddy', 'evans',
]; // prettier-ignore

/** Where people work: UTC offset in October and address blocks of local ISPs. */
const OFFICES = [
  { country: 'US', utcOffset: -4, blocks: ['73.162', '98.207', '24.126', '67.180'] },
  { country: 'US', utcOffset: -7, blocks: ['76.102', '71.198', '24.6'] },
  { country: 'GB', utcOffset: 1, blocks: ['86.14', '81.104', '82.11'] },
  { country: 'DE', utcOffset: 2, blocks: ['91.64', '84.140', '79.198'] },
  { country: 'PL', utcOffset: 2, blocks: ['83.24', '89.64'] },
  { country: 'IN', utcOffset: 5.5, blocks: ['49.36', '122.171', '106.51'] },
] as const;

type PermissionSet = 'AdministratorAccess' | 'PlatformEngineer' | 'Developer' | 'ReadOnly';

interface Person {
  email: string;
  set: PermissionSet;
  utcOffset: number;
  startHour: number;
  addresses: string[];
  userAgents: string[];
  console: boolean;
}

const BROWSERS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36 Edg/129.0.0.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:131.0) Gecko/20100101 Firefox/131.0',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36',
];
const cli = (os: string, cmd: string) =>
  `aws-cli/2.18.4 md/awscrt#0.21.5 ua/2.0 os/${os} md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#${cmd}`;
const BOTO =
  'Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#6.8.0-1015-aws md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.36';
const JAVA =
  'aws-sdk-java/2.28.16 Linux/5.10.226-214.879.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/21.0.4+7-LTS Java/21.0.4 vendor/Amazon.com_Inc. md/internal exec-env/AWS_ECS_EC2 io/sync http/Apache cfg/retry-mode/legacy';
const SSM_AGENT = 'aws-sdk-go/1.55.5 (go1.22.7; linux; amd64) amazon-ssm-agent/3.3.859.0';
const TERRAFORM =
  'APN/1.0 HashiCorp/1.0 Terraform/1.9.7 (+https://www.terraform.io) terraform-provider-aws/5.70.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.0 ua/2.1 os/linux lang/go#1.23.1 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.179.2';
const DATADOG_UA = 'aws-sdk-go/1.51.30 (go1.22.5; linux; amd64) datadog-aws-integration';

const SETS: Record<PermissionSet, { role: string; roleId: string }> = {
  AdministratorAccess: { role: 'AWSReservedSSO_AdministratorAccess_3f1a9c0e7b2d4c61', roleId: 'AROAVRZ2PQ7KD4HXMWL3N' },
  PlatformEngineer: { role: 'AWSReservedSSO_PlatformEngineer_8d42e6b1a0f93c57', roleId: 'AROAVRZ2PQ7KLT5BNC8YQ' },
  Developer: { role: 'AWSReservedSSO_Developer_c5e07a2d91b84f36', roleId: 'AROAVRZ2PQ7KJ6WEFS2GA' },
  ReadOnly: { role: 'AWSReservedSSO_ReadOnly_1b7d3e95c20a6f48', roleId: 'AROAVRZ2PQ7KMZ3XU9RDV' },
}; // prettier-ignore

function people(rng: Rng, n: number): Person[] {
  const out: Person[] = [];
  const sets = new Table<PermissionSet>([
    [4, 'AdministratorAccess'],
    [14, 'PlatformEngineer'],
    [50, 'Developer'],
    [12, 'ReadOnly'],
  ]);
  for (let i = 0; i < n; i++) {
    const office = OFFICES[i % OFFICES.length] as (typeof OFFICES)[number];
    const first = FIRST[i % FIRST.length] as string;
    const last = LAST[(i * 7 + Math.floor(i / FIRST.length)) % LAST.length] as string;
    const addr = () => `${rng.pick(office.blocks)}.${rng.int(256)}.${rng.range(2, 254)}`;
    const usesConsole = rng.chance(0.6);
    out.push({
      email: `${first}.${last}${i >= FIRST.length ? i : ''}@${COMPANY}.io`,
      set: sets.pick(rng),
      utcOffset: office.utcOffset,
      startHour: rng.range(7, 10),
      addresses: [addr(), addr()],
      userAgents: usesConsole ? [rng.pick(BROWSERS)] : [cli('macos#23.6.0', 'sso.login'), BOTO],
      console: usesConsole,
    });
  }
  return out;
}

/** Is this person at work at this UTC hour (weekdays, nine hours from their start)? */
function atWork(p: Person, hourIndex: number): boolean {
  const local = START + hourIndex * HOUR + p.utcOffset * HOUR;
  const d = new Date(local);
  const weekday = d.getUTCDay();
  const hour = d.getUTCHours();
  return weekday >= 1 && weekday <= 5 && hour >= p.startHour && hour < p.startHour + 9;
}

const BUCKETS = [
  `${COMPANY}-prod-orders-data`,
  `${COMPANY}-prod-artifacts`,
  `${COMPANY}-prod-static-assets`,
  `${COMPANY}-prod-backups`,
  `${COMPANY}-data-lake-raw`,
  `${COMPANY}-data-lake-curated`,
  `${COMPANY}-prod-invoices`,
];
const KMS_KEYS = [
  '6f1d2c8a-3b4e-4a5f-9c0d-7e8f1a2b3c4d',
  'b2e4f6a8-1c3d-4e5f-8a9b-0c1d2e3f4a5b',
  '0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d',
];
const PARAMETERS = [
  '/prod/orders-api/db-host',
  '/prod/orders-api/feature-flags',
  '/prod/payments/stripe-endpoint',
  '/prod/shared/datadog-site',
  '/prod/search/cluster-endpoint',
  '/prod/batch/etl-schedule',
];
const SECRETS = [
  'prod/orders-api/db-credentials-Xq8TnB',
  'prod/payments/api-key-Lk2VfR',
  'prod/search/admin-password-Wd7HsC',
  'prod/batch/warehouse-credentials-Pz4MuE',
];
const FUNCTIONS = [
  'orders-events-consumer',
  'invoice-renderer',
  'thumbnail-generator',
  'nightly-report',
  'webhook-dispatcher',
  'search-indexer',
  'cost-anomaly-notifier',
];
const CLUSTERS = ['prod-orders', 'prod-web', 'prod-batch'];
const STACKS = ['orders-api-prod', 'web-frontend-prod', 'data-pipeline-prod', 'network-core'];
const LOG_GROUPS = [
  '/ecs/orders-api',
  '/ecs/web-frontend',
  '/aws/lambda/orders-events-consumer',
  '/aws/lambda/invoice-renderer',
  '/aws/rds/instance/orders-db/postgresql',
  '/prod/batch/etl',
];
const APP_ROLES = [
  'orders-api-ec2',
  'web-frontend-ec2',
  'batch-etl-ec2',
  'search-node-ec2',
  'eks-prod-node-group-NodeInstanceRole-1Q7ZKX3M9A2B',
];
const NAT_ADDRESSES = ['44.206.118.27', '3.215.74.190', '54.87.203.9'];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Identity = { [k: string]: Json };

interface Actor {
  identity: Identity;
  address: string;
  userAgent: string;
  /** Calls from the AWS console carry `sessionCredentialFromConsole`. */
  console?: boolean;
  /** A service acting on the caller's behalf: no TLS details, service name as address. */
  service?: boolean;
  /** Requests to S3 through the VPC's gateway endpoint. */
  vpcEndpoint?: { address: string; id: string };
}

interface Ctx {
  rng: Rng;
  t: number;
  actor: Actor;
  /** The S3 object a data event's parameters named, for its `resources`. */
  object?: { bucket: string; key: string };
}

interface Call {
  source: string;
  name: string;
  read: boolean;
  data?: boolean;
  params?: (c: Ctx) => Json;
  response?: (c: Ctx) => Json;
  resources?: (c: Ctx) => Json[];
  extra?: (c: Ctx) => { [k: string]: Json };
  /** Error code this service answers a denied call with. */
  denied?: string;
}

const objectKey = (c: Ctx) => {
  const d = new Date(c.t);
  const day = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
  return c.rng.pick([
    () => `orders/${day}/part-${String(c.rng.int(400)).padStart(5, '0')}-${c.rng.hex(8)}.parquet`,
    () => `invoices/${day}/INV-${c.rng.range(100000, 999999)}.pdf`,
    () => `releases/orders-api/${c.rng.hex(7)}/bundle.tar.gz`,
    () => `assets/img/${c.rng.hex(12)}.webp`,
    () => `exports/${day}/customers-${c.rng.int(24)}.csv.gz`,
  ])();
};

function s3Object(name: string, read: boolean): Call {
  return {
    source: 's3',
    name,
    read,
    data: true,
    denied: 'AccessDenied',
    params: (c) => {
      const bucketName = c.rng.pick(BUCKETS);
      const key = objectKey(c);
      c.object = { bucket: bucketName, key };
      return { bucketName, Host: `${bucketName}.s3.${REGION}.amazonaws.com`, key };
    },
    response: () => null,
    extra: (c) => ({
      SignatureVersion: 'SigV4',
      CipherSuite: 'TLS_AES_128_GCM_SHA256',
      bytesTransferredIn: read ? 0 : c.rng.range(2_000, 40_000_000),
      AuthenticationMethod: 'AuthHeader',
      'x-amz-id-2': c.rng.alnum(76),
      bytesTransferredOut: read ? c.rng.range(2_000, 40_000_000) : 0,
    }),
    resources: (c) => {
      const o = c.object ?? { bucket: c.rng.pick(BUCKETS), key: objectKey(c) };
      return [
        { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${o.bucket}/${o.key}` },
        { accountId: PROD, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${o.bucket}` },
      ];
    },
  };
}

function kms(name: 'Decrypt' | 'GenerateDataKey'): Call {
  return {
    source: 'kms',
    name,
    read: true,
    denied: 'AccessDeniedException',
    params: (c) =>
      name === 'Decrypt'
        ? {
            encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::${c.rng.pick(BUCKETS)}` },
            encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
          }
        : {
            keyId: `arn:aws:kms:${REGION}:${PROD}:key/${c.rng.pick(KMS_KEYS)}`,
            encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::${c.rng.pick(BUCKETS)}` },
            keySpec: 'AES_256',
          },
    response: () => null,
    resources: (c) => [
      {
        accountId: PROD,
        type: 'AWS::KMS::Key',
        ARN: `arn:aws:kms:${REGION}:${PROD}:key/${c.rng.pick(KMS_KEYS)}`,
      },
    ],
  };
}

export const instanceId = (rng: Rng) => `i-0${rng.hex(16)}`;

const ec2Read = (name: string, params: Json): Call => ({
  source: 'ec2',
  name,
  read: true,
  denied: 'Client.UnauthorizedOperation',
  params: () => params,
  response: () => null,
});

const simpleRead = (
  source: string,
  name: string,
  params: (c: Ctx) => Json,
  denied: string,
): Call => ({
  source,
  name,
  read: true,
  denied,
  params,
  response: () => null,
});

const CALLS = {
  describeInstances: ec2Read('DescribeInstances', { instancesSet: {}, filterSet: {} }),
  describeSecurityGroups: ec2Read('DescribeSecurityGroups', {
    securityGroupSet: {},
    securityGroupIdSet: {},
    filterSet: {},
  }),
  describeVpcs: ec2Read('DescribeVpcs', { vpcSet: {}, filterSet: {} }),
  describeSubnets: ec2Read('DescribeSubnets', { subnetSet: {}, filterSet: {} }),
  describeVolumes: ec2Read('DescribeVolumes', { volumeSet: {}, filterSet: {} }),
  describeSnapshots: ec2Read('DescribeSnapshots', {
    snapshotSet: {},
    ownersSet: { items: [{ owner: 'self' }] },
    filterSet: {},
  }),
  describeTags: {
    ...ec2Read('DescribeTags', null),
    params: (c: Ctx) => ({
      filterSet: {
        items: [{ name: 'resource-id', valueSet: { items: [{ value: instanceId(c.rng) }] } }],
      },
    }),
  } as Call,
  createTags: {
    source: 'ec2',
    name: 'CreateTags',
    read: false,
    denied: 'Client.UnauthorizedOperation',
    params: (c) => ({
      resourcesSet: { items: [{ resourceId: instanceId(c.rng) }] },
      tagSet: {
        items: [{ key: 'team', value: c.rng.pick(['orders', 'web', 'data', 'platform']) }],
      },
    }),
    response: (c) => ({ requestId: c.rng.uuid(), _return: true }),
  } as Call,
  authorizeInternalIngress: {
    source: 'ec2',
    name: 'AuthorizeSecurityGroupIngress',
    read: false,
    denied: 'Client.UnauthorizedOperation',
    params: (c) => ({
      groupId: `sg-0${c.rng.hex(16)}`,
      ipPermissions: {
        items: [
          {
            ipProtocol: 'tcp',
            fromPort: 5432,
            toPort: 5432,
            groups: {},
            ipRanges: { items: [{ cidrIp: '10.10.64.0/19', description: 'app subnets' }] },
            ipv6Ranges: {},
            prefixListIds: {},
          },
        ],
      },
    }),
    response: (c) => ({
      requestId: c.rng.uuid(),
      _return: true,
      securityGroupRuleSet: { items: [{ securityGroupRuleId: `sgr-0${c.rng.hex(16)}` }] },
    }),
  } as Call,
  runInstances: {
    source: 'ec2',
    name: 'RunInstances',
    read: false,
    denied: 'Client.UnauthorizedOperation',
    params: (c) => ({
      instancesSet: { items: [{ imageId: `ami-0${c.rng.hex(16)}`, minCount: 1, maxCount: 1 }] },
      instanceType: c.rng.pick(['m7i.large', 'c7i.xlarge', 't3.medium']),
      subnetId: `subnet-0${c.rng.hex(16)}`,
      launchTemplate: { launchTemplateId: `lt-0${c.rng.hex(16)}`, version: '$Latest' },
    }),
    response: (c) => ({
      requestId: c.rng.uuid(),
      reservationId: `r-0${c.rng.hex(16)}`,
      ownerId: PROD,
      instancesSet: {
        items: [{ instanceId: instanceId(c.rng), currentState: { code: 0, name: 'pending' } }],
      },
    }),
  } as Call,
  terminateInstances: {
    source: 'ec2',
    name: 'TerminateInstances',
    read: false,
    denied: 'Client.UnauthorizedOperation',
    params: (c) => ({ instancesSet: { items: [{ instanceId: instanceId(c.rng) }] } }),
    response: (c) => ({ requestId: c.rng.uuid() }),
  } as Call,
  getObject: s3Object('GetObject', true),
  headObject: s3Object('HeadObject', true),
  putObject: s3Object('PutObject', false),
  listBuckets: simpleRead(
    's3',
    'ListBuckets',
    () => ({ Host: 's3.amazonaws.com' }),
    'AccessDenied',
  ),
  getBucketPolicy: simpleRead(
    's3',
    'GetBucketPolicy',
    (c) => {
      const bucketName = c.rng.pick(BUCKETS);
      return { bucketName, Host: `${bucketName}.s3.${REGION}.amazonaws.com`, policy: '' };
    },
    'AccessDenied',
  ),
  decrypt: kms('Decrypt'),
  generateDataKey: kms('GenerateDataKey'),
  getParameter: simpleRead(
    'ssm',
    'GetParameter',
    (c) => ({ name: c.rng.pick(PARAMETERS), withDecryption: c.rng.chance(0.3) }),
    'AccessDeniedException',
  ),
  getParametersByPath: simpleRead(
    'ssm',
    'GetParametersByPath',
    () => ({ path: '/prod/orders-api/', recursive: true, withDecryption: false }),
    'AccessDeniedException',
  ),
  updateInstanceInformation: {
    source: 'ssm',
    name: 'UpdateInstanceInformation',
    read: false,
    denied: 'AccessDeniedException',
    params: (c) => ({
      instanceId: instanceId(c.rng),
      agentVersion: '3.3.859.0',
      agentStatus: 'Active',
      platformType: 'Linux',
      platformName: 'Amazon Linux',
      platformVersion: '2023',
      iPAddress: `10.10.${c.rng.range(64, 159)}.${c.rng.range(4, 250)}`,
      computerName: `ip-10-10-${c.rng.range(64, 159)}-${c.rng.range(4, 250)}.ec2.internal`,
      agentName: 'amazon-ssm-agent',
      availabilityZone: `${REGION}${c.rng.pick(['a', 'b', 'c'])}`,
      availabilityZoneId: c.rng.pick(['use1-az1', 'use1-az2', 'use1-az4']),
      sSMConnectionChannel: 'ssmmessages',
    }),
    response: () => null,
  } as Call,
  getSecretValue: {
    source: 'secretsmanager',
    name: 'GetSecretValue',
    read: true,
    denied: 'AccessDeniedException',
    params: (c) => ({
      secretId: `arn:aws:secretsmanager:${REGION}:${PROD}:secret:${c.rng.pick(SECRETS)}`,
    }),
    response: () => null,
  } as Call,
  getCallerIdentity: simpleRead('sts', 'GetCallerIdentity', () => null, 'AccessDenied'),
  getAuthorizationToken: simpleRead(
    'ecr',
    'GetAuthorizationToken',
    () => null,
    'AccessDeniedException',
  ),
  getMetricData: simpleRead(
    'monitoring',
    'GetMetricData',
    (c) => ({
      startTime: iso(c.t - 3 * HOUR),
      endTime: iso(c.t),
      metricDataQueries: [{ id: 'm1', returnData: true }],
    }),
    'AccessDenied',
  ),
  describeAlarms: simpleRead(
    'monitoring',
    'DescribeAlarms',
    () => ({ maxRecords: 100 }),
    'AccessDenied',
  ),
  describeLogGroups: simpleRead(
    'logs',
    'DescribeLogGroups',
    () => ({ limit: 50 }),
    'AccessDeniedException',
  ),
  filterLogEvents: simpleRead(
    'logs',
    'FilterLogEvents',
    (c) => ({
      logGroupName: c.rng.pick(LOG_GROUPS),
      startTime: c.t - HOUR,
      endTime: c.t,
      filterPattern: c.rng.pick(['ERROR', '"status=500"', 'timeout', '']),
    }),
    'AccessDeniedException',
  ),
  createLogStream: {
    source: 'logs',
    name: 'CreateLogStream',
    read: false,
    denied: 'AccessDeniedException',
    params: (c) => ({ logGroupName: c.rng.pick(LOG_GROUPS), logStreamName: `${c.rng.hex(32)}` }),
    response: () => null,
  } as Call,
  listFunctions: simpleRead('lambda', 'ListFunctions20150331', () => null, 'AccessDeniedException'),
  getFunction: simpleRead(
    'lambda',
    'GetFunction20150331v2',
    (c) => ({ functionName: c.rng.pick(FUNCTIONS) }),
    'AccessDeniedException',
  ),
  updateFunctionCode: {
    source: 'lambda',
    name: 'UpdateFunctionCode20150331v2',
    read: false,
    denied: 'AccessDeniedException',
    params: (c) => ({
      functionName: c.rng.pick(FUNCTIONS),
      s3Bucket: `${COMPANY}-prod-artifacts`,
      s3Key: `lambda/${c.rng.hex(40)}.zip`,
      publish: true,
    }),
    response: (c) => ({ version: String(c.rng.range(10, 400)), lastUpdateStatus: 'InProgress' }),
  } as Call,
  listRoles: simpleRead('iam', 'ListRoles', () => null, 'AccessDenied'),
  getRole: simpleRead(
    'iam',
    'GetRole',
    (c) => ({ roleName: c.rng.pick(APP_ROLES) }),
    'AccessDenied',
  ),
  listUsers: simpleRead('iam', 'ListUsers', () => null, 'AccessDenied'),
  describeDbInstances: simpleRead('rds', 'DescribeDBInstances', () => null, 'AccessDenied'),
  describeServices: simpleRead(
    'ecs',
    'DescribeServices',
    (c) => ({ cluster: c.rng.pick(CLUSTERS), services: ['api'] }),
    'AccessDeniedException',
  ),
  listClusters: simpleRead('ecs', 'ListClusters', () => null, 'AccessDeniedException'),
  updateService: {
    source: 'ecs',
    name: 'UpdateService',
    read: false,
    denied: 'AccessDeniedException',
    params: (c) => ({
      cluster: c.rng.pick(CLUSTERS),
      service: 'api',
      taskDefinition: `orders-api:${c.rng.range(100, 900)}`,
      forceNewDeployment: false,
    }),
    response: () => null,
  } as Call,
  registerTaskDefinition: {
    source: 'ecs',
    name: 'RegisterTaskDefinition',
    read: false,
    denied: 'AccessDeniedException',
    params: (c) => ({
      family: c.rng.pick(['orders-api', 'web-frontend', 'etl-job']),
      networkMode: 'awsvpc',
      cpu: '1024',
      memory: '2048',
      requiresCompatibilities: ['FARGATE'],
    }),
    response: () => null,
  } as Call,
  describeStacks: simpleRead(
    'cloudformation',
    'DescribeStacks',
    (c) => ({ stackName: c.rng.pick(STACKS) }),
    'AccessDenied',
  ),
  describeAutoScalingInstances: simpleRead(
    'autoscaling',
    'DescribeAutoScalingInstances',
    (c) => ({ instanceIds: [instanceId(c.rng)] }),
    'AccessDenied',
  ),
  getResources: simpleRead(
    'tagging',
    'GetResources',
    () => ({ resourcesPerPage: 100 }),
    'AccessDeniedException',
  ),
  listMetrics: simpleRead(
    'monitoring',
    'ListMetrics',
    () => ({ namespace: 'AWS/EC2' }),
    'AccessDenied',
  ),
  getCostAndUsage: simpleRead(
    'ce',
    'GetCostAndUsage',
    (c) => ({
      timePeriod: { start: iso(c.t - 7 * DAY).slice(0, 10), end: iso(c.t).slice(0, 10) },
      granularity: 'DAILY',
      metrics: ['UnblendedCost'],
    }),
    'AccessDeniedException',
  ),
  createSnapshot: {
    source: 'ec2',
    name: 'CreateSnapshot',
    read: false,
    denied: 'Client.UnauthorizedOperation',
    params: (c) => ({ volumeId: `vol-0${c.rng.hex(16)}`, description: 'nightly backup' }),
    response: (c) => ({
      requestId: c.rng.uuid(),
      snapshotId: `snap-0${c.rng.hex(16)}`,
      status: 'pending',
      ownerId: PROD,
    }),
  } as Call,
  startSession: {
    source: 'ssm',
    name: 'StartSession',
    read: false,
    denied: 'AccessDeniedException',
    params: (c) => ({ target: instanceId(c.rng) }),
    response: (c) => ({
      sessionId: `${c.rng.alnum(8)}-${c.rng.hex(17)}`,
      tokenValue: 'Value hidden due to security reasons.',
      streamUrl: `wss://ssmmessages.${REGION}.amazonaws.com/v1/data-channel/${c.rng.hex(17)}`,
    }),
  } as Call,
} satisfies Record<string, Call>;

type CallName = keyof typeof CALLS;
const table = (entries: [number, CallName][]) =>
  new Table<Call>(entries.map(([w, n]) => [w, CALLS[n]] as const));

const HUMAN_CALLS = table([
  [10, 'describeInstances'], [4, 'describeSecurityGroups'], [2, 'describeVpcs'],
  [2, 'describeSubnets'], [2, 'describeVolumes'], [3, 'listBuckets'], [2, 'getBucketPolicy'],
  [4, 'getObject'], [1, 'putObject'], [6, 'getMetricData'], [3, 'describeAlarms'],
  [4, 'describeLogGroups'], [4, 'filterLogEvents'], [3, 'listFunctions'], [2, 'getFunction'],
  [2, 'listRoles'], [2, 'getRole'], [3, 'getCallerIdentity'], [2, 'describeDbInstances'],
  [3, 'describeServices'], [1, 'listClusters'], [3, 'describeStacks'], [2, 'getParameter'],
  [0.4, 'getSecretValue'], [0.5, 'createTags'], [0.05, 'authorizeInternalIngress'],
  [0.2, 'startSession'], [0.1, 'terminateInstances'],
]); // prettier-ignore
const CI_CALLS = table([
  [4, 'getCallerIdentity'], [6, 'getAuthorizationToken'], [5, 'describeInstances'],
  [3, 'describeSecurityGroups'], [2, 'describeSubnets'], [6, 'describeStacks'],
  [5, 'putObject'], [3, 'getObject'], [3, 'registerTaskDefinition'], [3, 'updateService'],
  [4, 'describeServices'], [2, 'updateFunctionCode'], [2, 'getFunction'], [2, 'createTags'],
  [0.3, 'runInstances'], [1, 'getParameter'],
]); // prettier-ignore
const INSTANCE_CALLS = table([
  [25, 'getObject'], [8, 'putObject'], [5, 'headObject'], [10, 'decrypt'],
  [4, 'generateDataKey'], [4, 'getParameter'], [1, 'getParametersByPath'],
  [2, 'getSecretValue'], [1, 'getCallerIdentity'], [2, 'describeTags'], [1, 'describeInstances'],
  [1, 'getAuthorizationToken'], [1, 'createLogStream'], [1, 'describeAutoScalingInstances'],
  [8, 'updateInstanceInformation'],
]); // prettier-ignore
const CONFIG_CALLS = table([
  [3, 'describeInstances'], [2, 'describeSecurityGroups'], [1, 'describeVpcs'],
  [1, 'describeSubnets'], [1, 'describeVolumes'], [1, 'getBucketPolicy'], [1, 'listFunctions'],
  [1, 'describeDbInstances'], [1, 'getRole'],
]); // prettier-ignore
const VENDOR_CALLS = table([
  [8, 'getMetricData'], [3, 'listMetrics'], [2, 'describeInstances'], [2, 'getResources'],
  [1, 'describeDbInstances'], [1, 'listFunctions'], [1, 'describeLogGroups'],
  [1, 'describeAlarms'],
]); // prettier-ignore

interface LongTermUser {
  name: string;
  userId: string;
  key: string;
  address: string;
  userAgent: string;
  calls: Table<Call>;
}

const USERS: LongTermUser[] = [
  {
    name: 'svc-backup',
    userId: 'AIDAVRZ2PQ7KBX4T6NE3C',
    key: 'AKIAVRZ2PQ7KHD3WQ5OB',
    address: '54.173.20.144',
    userAgent: BOTO,
    calls: table([[4, 'putObject'], [2, 'createSnapshot'], [2, 'describeVolumes'], [1, 'describeSnapshots']]), // prettier-ignore
  },
  {
    name: 'svc-reporting',
    userId: 'AIDAVRZ2PQ7KGY8M2LP5D',
    key: 'AKIAVRZ2PQ7KN4YC7ZQE',
    address: '54.173.20.144',
    userAgent: BOTO,
    calls: table([
      [3, 'getCostAndUsage'],
      [4, 'getObject'],
      [1, 'listBuckets'],
    ]),
  },
  {
    name: 'legacy-jenkins',
    userId: 'AIDAVRZ2PQ7KP2JX9WA7F',
    key: 'AKIAVRZ2PQ7KTE6RK2UF',
    address: '34.231.88.17',
    userAgent: cli('linux#5.10.226-214.879.amzn2.x86_64', 's3.cp'),
    calls: table([[4, 'putObject'], [2, 'getAuthorizationToken'], [2, 'describeStacks'], [1, 'getObject']]), // prettier-ignore
  },
];

interface Timed {
  t: number;
  record: Record<string, Json>;
}

interface Instance {
  id: string;
  role: string;
  roleId: string;
  privateIp: string;
}

/** Builds the stream of CloudTrail records, one at a time, in time order. */
export class CloudTrailSource {
  private readonly rng = new Rng(SEED);
  private readonly people: Person[];
  private readonly atWork: number[][] = [];
  private readonly timeline: Timeline;
  private readonly instances: Instance[] = [];
  private readonly sessions = new Map<string, Identity>();
  private readonly attacks: Timed[];

  constructor(private readonly total: number) {
    this.people = people(this.rng, 80);
    const hourWeights: number[] = [];
    for (let h = 0; h < DAYS * 24; h++) {
      const working: number[] = [];
      this.people.forEach((p, i) => {
        if (atWork(p, h)) working.push(i);
      });
      this.atWork.push(working);
      hourWeights.push(1 + HUMAN_WEIGHT * (working.length / this.people.length));
    }
    this.timeline = new Timeline(hourWeights);
    for (let i = 0; i < 140; i++) {
      const role = APP_ROLES[i % APP_ROLES.length] as string;
      this.instances.push({
        id: instanceId(this.rng),
        role,
        roleId: `AROAVRZ2PQ7K${this.rng.upper(9)}`,
        privateIp: `10.10.${this.rng.range(64, 159)}.${this.rng.range(4, 250)}`,
      });
    }
    this.attacks = attackRecords(new Rng(SEED + 1));
  }

  /** Every record as JSON text with its event time, in time order. */
  *records(): Generator<[string, number]> {
    const n = this.total - this.attacks.length;
    let next = 0;
    for (let i = 0; i < n; i++) {
      const t = Math.floor(this.timeline.at(i, n));
      while (next < this.attacks.length && (this.attacks[next] as Timed).t <= t) {
        const a = this.attacks[next++] as Timed;
        yield [JSON.stringify(a.record), a.t];
      }
      // Records in a delivery are roughly, not strictly, in time order.
      const jitter = this.rng.range(-20_000, 20_000);
      yield [JSON.stringify(this.background(t, Math.max(START, t + jitter))), t];
    }
    while (next < this.attacks.length) {
      const a = this.attacks[next++] as Timed;
      yield [JSON.stringify(a.record), a.t];
    }
  }

  private background(t: number, eventTime: number): Record<string, Json> {
    const rng = this.rng;
    const hour = Math.min(DAYS * 24 - 1, Math.floor((t - START) / HOUR));
    const working = this.atWork[hour] as number[];
    const human = HUMAN_WEIGHT * (working.length / this.people.length);
    if (rng.next() < human / (1 + human)) {
      if (rng.chance(0.15)) return this.ci(eventTime);
      const p = this.people[rng.pick(working)] as Person;
      return this.person(p, eventTime);
    }
    const x = rng.next();
    if (x < 0.5) return this.instance(eventTime);
    if (x < 0.8) return this.awsService(eventTime);
    if (x < 0.92) return this.vendor(eventTime);
    const u = rng.pick(USERS);
    const actor: Actor = {
      identity: {
        type: 'IAMUser',
        principalId: u.userId,
        arn: `arn:aws:iam::${PROD}:user/${u.name}`,
        accountId: PROD,
        accessKeyId: u.key,
        userName: u.name,
      },
      address: u.address,
      userAgent: u.userAgent,
    };
    return this.call(u.calls.pick(rng), { rng, t: eventTime, actor }, 0.002);
  }

  /** The same session object for every event of one session, as CloudTrail shows it. */
  private session(key: string, make: () => Identity): Identity {
    let s = this.sessions.get(key);
    if (s === undefined) {
      s = make();
      this.sessions.set(key, s);
    }
    return s;
  }

  private person(p: Person, t: number): Record<string, Json> {
    const rng = this.rng;
    const day = Math.floor((t - START) / DAY);
    const set = SETS[p.set];
    const identity = this.session(`${p.email}:${day}`, () => ({
      type: 'AssumedRole',
      principalId: `${set.roleId}:${p.email}`,
      arn: `arn:aws:sts::${PROD}:assumed-role/${set.role}/${p.email}`,
      accountId: PROD,
      accessKeyId: `ASIAVRZ2PQ7K${rng.upper(8)}`,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: set.roleId,
          arn: `arn:aws:iam::${PROD}:role/aws-reserved/sso.amazonaws.com/${set.role}`,
          accountId: PROD,
          userName: set.role,
        },
        webIdFederationData: {},
        attributes: {
          creationDate: iso(START + day * DAY + (p.startHour - p.utcOffset) * HOUR),
          mfaAuthenticated: 'false',
        },
      },
    }));
    const actor: Actor = {
      identity,
      address: rng.pick(p.addresses),
      userAgent: rng.pick(p.userAgents),
      console: p.console,
    };
    if (p.console && rng.chance(0.004)) return consoleLogin(rng, t, actor, 'Yes');
    return this.call(HUMAN_CALLS.pick(rng), { rng, t, actor }, 0.01);
  }

  private ci(t: number): Record<string, Json> {
    const rng = this.rng;
    // A pipeline run lasts a few minutes: one session per repository per ten minutes.
    const repo = rng.pick(['orders-api', 'web-frontend', 'data-pipeline', 'infra-live']);
    const slot = Math.floor(t / 600_000);
    const terraform = repo === 'infra-live';
    const role = terraform ? 'terraform-apply' : 'github-actions-deploy';
    const roleId = terraform ? 'AROAVRZ2PQ7KTF9APPLY2' : 'AROAVRZ2PQ7KGHA4DEPL7';
    const sessionName = terraform ? `terraform-${slot}` : `GitHubActions-${repo}-${slot}`;
    const identity = this.session(`ci:${repo}:${slot}`, () => ({
      type: 'AssumedRole',
      principalId: `${roleId}:${sessionName}`,
      arn: `arn:aws:sts::${PROD}:assumed-role/${role}/${sessionName}`,
      accountId: PROD,
      accessKeyId: `ASIAVRZ2PQ7K${rng.upper(8)}`,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: roleId,
          arn: `arn:aws:iam::${PROD}:role/${role}`,
          accountId: PROD,
          userName: role,
        },
        webIdFederationData: terraform
          ? {}
          : {
              federatedProvider: `arn:aws:iam::${PROD}:oidc-provider/token.actions.githubusercontent.com`,
              attributes: {},
            },
        attributes: { creationDate: iso(slot * 600_000), mfaAuthenticated: 'false' },
      },
    }));
    const address = terraform
      ? '34.231.88.17'
      : `${rng.pick(['20.57', '4.227', '52.234', '40.84', '172.183'])}.${(slot * 7) % 256}.${(slot * 13) % 254}`;
    const actor: Actor = {
      identity,
      address,
      userAgent: terraform ? TERRAFORM : cli('linux#6.5.0-1025-azure', 'ecs.update-service'),
    };
    if (!terraform && rng.chance(0.03)) return assumeRoleWithWebIdentity(rng, t, repo, address);
    return this.call(CI_CALLS.pick(rng), { rng, t, actor }, 0.003);
  }

  private instance(t: number): Record<string, Json> {
    const rng = this.rng;
    const inst = rng.pick(this.instances);
    // Instance credentials rotate about every six hours.
    const block = Math.floor(t / (6 * HOUR));
    const identity = this.session(`${inst.id}:${block}`, () => ({
      type: 'AssumedRole',
      principalId: `${inst.roleId}:${inst.id}`,
      arn: `arn:aws:sts::${PROD}:assumed-role/${inst.role}/${inst.id}`,
      accountId: PROD,
      accessKeyId: `ASIAVRZ2PQ7K${rng.upper(8)}`,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: inst.roleId,
          arn: `arn:aws:iam::${PROD}:role/${inst.role}`,
          accountId: PROD,
          userName: inst.role,
        },
        webIdFederationData: {},
        attributes: { creationDate: iso(block * 6 * HOUR), mfaAuthenticated: 'false' },
        ec2RoleDelivery: '2.0',
      },
    }));
    const call = INSTANCE_CALLS.pick(rng);
    const s3 = call.source === 's3';
    const actor: Actor = {
      identity,
      address: s3 ? inst.privateIp : (NAT_ADDRESSES[inst.id.charCodeAt(5) % 3] as string),
      userAgent:
        call === CALLS.updateInstanceInformation ? SSM_AGENT : rng.chance(0.5) ? JAVA : BOTO,
    };
    if (s3) actor.vpcEndpoint = { address: inst.privateIp, id: 'vpce-0c4f8e2a91b7d3560' };
    return this.call(call, { rng, t, actor }, 0.001);
  }

  private awsService(t: number): Record<string, Json> {
    const rng = this.rng;
    const x = rng.next();
    if (x < 0.45) return serviceAssumeRole(rng, t);
    if (x < 0.6) return cloudTrailKms(rng, t);
    const linked = x < 0.95 ? 'config' : 'autoscaling';
    const role = linked === 'config' ? 'AWSServiceRoleForConfig' : 'AWSServiceRoleForAutoScaling';
    const roleId = linked === 'config' ? 'AROAVRZ2PQ7KCONFIG01' : 'AROAVRZ2PQ7KASG00001';
    const sessionName = linked === 'config' ? 'AWSConfig-Describe' : 'AutoScaling';
    const identity = this.session(`svc:${linked}`, () => ({
      type: 'AssumedRole',
      principalId: `${roleId}:${sessionName}`,
      arn: `arn:aws:sts::${PROD}:assumed-role/${role}/${sessionName}`,
      accountId: PROD,
      accessKeyId: `ASIAVRZ2PQ7K${rng.upper(8)}`,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: roleId,
          arn: `arn:aws:iam::${PROD}:role/aws-service-role/${linked}.amazonaws.com/${role}`,
          accountId: PROD,
          userName: role,
        },
        webIdFederationData: {},
        attributes: { creationDate: iso(START), mfaAuthenticated: 'false' },
      },
      invokedBy: `${linked}.amazonaws.com`,
    }));
    const actor: Actor = {
      identity,
      address: `${linked}.amazonaws.com`,
      userAgent: `${linked}.amazonaws.com`,
      service: true,
    };
    const call =
      linked === 'config'
        ? CONFIG_CALLS.pick(rng)
        : rng.chance(0.5)
          ? CALLS.runInstances
          : CALLS.terminateInstances;
    return this.call(call, { rng, t, actor }, 0);
  }

  private vendor(t: number): Record<string, Json> {
    const rng = this.rng;
    const block = Math.floor(t / HOUR);
    const sessionName = `DatadogAWSIntegration-${block}`;
    const identity = this.session(`vendor:${block}`, () => ({
      type: 'AssumedRole',
      principalId: `AROAVRZ2PQ7KDDOG0007:${sessionName}`,
      arn: `arn:aws:sts::${PROD}:assumed-role/DatadogIntegrationRole/${sessionName}`,
      accountId: PROD,
      accessKeyId: `ASIAVRZ2PQ7K${rng.upper(8)}`,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: 'AROAVRZ2PQ7KDDOG0007',
          arn: `arn:aws:iam::${PROD}:role/DatadogIntegrationRole`,
          accountId: PROD,
          userName: 'DatadogIntegrationRole',
        },
        webIdFederationData: {},
        attributes: { creationDate: iso(block * HOUR), mfaAuthenticated: 'false' },
      },
    }));
    const actor: Actor = {
      identity,
      address: `3.233.146.${(block % 200) + 20}`,
      userAgent: DATADOG_UA,
    };
    if (rng.chance(0.01)) return vendorAssumeRole(rng, t, sessionName);
    return this.call(VENDOR_CALLS.pick(rng), { rng, t, actor }, 0.005);
  }

  /** A call, denied at the caller's rate: people explore, pipelines and machines rarely fail. */
  private call(call: Call, c: Ctx, deniedRate: number): Record<string, Json> {
    return apiRecord(call, c, c.rng.chance(deniedRate));
  }
}

/** People's share of the busiest hour: at full office presence they make 2.5× the machines. */
const HUMAN_WEIGHT = 2.5;

const ERROR_MESSAGE = (arn: string, call: Call) =>
  `User: ${arn} is not authorized to perform: ${call.source === 'monitoring' ? 'cloudwatch' : call.source}:${call.name.replace(/\d{8}(v\d)?$/, '')} because no identity-based policy allows the ${call.source}:${call.name.replace(/\d{8}(v\d)?$/, '')} action`;

function apiRecord(call: Call, c: Ctx, denied: boolean): Record<string, Json> {
  const { rng, t, actor } = c;
  const r: Record<string, Json> = {
    eventVersion: call.data === true ? '1.10' : '1.09',
    userIdentity: actor.identity,
    eventTime: iso(t),
    eventSource: `${call.source}.amazonaws.com`,
    eventName: call.name,
    awsRegion: REGION,
    sourceIPAddress: actor.vpcEndpoint?.address ?? actor.address,
    userAgent: actor.userAgent,
  };
  if (denied) {
    r.errorCode = call.denied ?? 'AccessDenied';
    r.errorMessage = ERROR_MESSAGE(String(actor.identity.arn), call);
  }
  r.requestParameters = call.params?.(c) ?? null;
  r.responseElements = denied ? null : (call.response?.(c) ?? null);
  if (call.extra !== undefined) r.additionalEventData = call.extra(c);
  r.requestID = call.source === 's3' ? rng.upper(16) : rng.uuid();
  r.eventID = rng.uuid();
  r.readOnly = call.read;
  if (call.resources !== undefined) r.resources = call.resources(c);
  r.eventType = 'AwsApiCall';
  r.managementEvent = call.data !== true;
  r.recipientAccountId = PROD;
  if (actor.vpcEndpoint !== undefined) {
    r.vpcEndpointId = actor.vpcEndpoint.id;
    r.vpcEndpointAccountId = PROD;
  }
  r.eventCategory = call.data === true ? 'Data' : 'Management';
  if (actor.service !== true)
    r.tlsDetails = {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader:
        call.source === 's3'
          ? `${BUCKETS[0]}.s3.${REGION}.amazonaws.com`
          : `${call.source}.${REGION}.amazonaws.com`,
    };
  if (actor.console === true) r.sessionCredentialFromConsole = 'true';
  return r;
}

function consoleLogin(rng: Rng, t: number, actor: Actor, mfa: 'Yes' | 'No'): Record<string, Json> {
  return {
    eventVersion: '1.09',
    userIdentity: actor.identity,
    eventTime: iso(t),
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    awsRegion: REGION,
    sourceIPAddress: actor.address,
    userAgent: actor.userAgent,
    requestParameters: null,
    responseElements: { ConsoleLogin: 'Success' },
    additionalEventData: {
      LoginTo:
        'https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_4f1d2a9e',
      MobileVersion: 'No',
      MFAUsed: mfa,
    },
    eventID: rng.uuid(),
    readOnly: false,
    eventType: 'AwsConsoleSignIn',
    managementEvent: true,
    recipientAccountId: PROD,
    eventCategory: 'Management',
    tlsDetails: {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: 'signin.aws.amazon.com',
    },
  };
}

const credentials = (rng: Rng, t: number): Json => ({
  accessKeyId: `ASIAVRZ2PQ7K${rng.upper(8)}`,
  sessionToken: `IQoJb3JpZ2luX2VjE${rng.alnum(150)}`,
  expiration: new Date(t + HOUR).toUTCString().replace('GMT', 'UTC'),
});

function serviceAssumeRole(rng: Rng, t: number): Record<string, Json> {
  const service = rng.pick(['lambda', 'ecs-tasks', 'ec2', 'events', 'states']);
  const role =
    service === 'lambda'
      ? `${rng.pick(FUNCTIONS)}-role`
      : `${rng.pick(['orders-api', 'etl', 'web'])}-${service}-role`;
  const sessionName = service === 'lambda' ? rng.pick(FUNCTIONS) : rng.hex(32);
  const roleArn = `arn:aws:iam::${PROD}:role/${role}`;
  return {
    eventVersion: '1.08',
    userIdentity: { type: 'AWSService', invokedBy: `${service}.amazonaws.com` },
    eventTime: iso(t),
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    awsRegion: REGION,
    sourceIPAddress: `${service}.amazonaws.com`,
    userAgent: `${service}.amazonaws.com`,
    requestParameters: { roleArn, roleSessionName: sessionName },
    responseElements: {
      credentials: credentials(rng, t),
      assumedRoleUser: {
        assumedRoleId: `AROAVRZ2PQ7K${rng.upper(9)}:${sessionName}`,
        arn: `arn:aws:sts::${PROD}:assumed-role/${role}/${sessionName}`,
      },
    },
    requestID: rng.uuid(),
    eventID: rng.uuid(),
    readOnly: true,
    resources: [{ accountId: PROD, type: 'AWS::IAM::Role', ARN: roleArn }],
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: PROD,
    sharedEventID: rng.uuid(),
    eventCategory: 'Management',
  };
}

function cloudTrailKms(rng: Rng, t: number): Record<string, Json> {
  const key = `arn:aws:kms:${REGION}:${PROD}:key/${KMS_KEYS[0]}`;
  return {
    eventVersion: '1.09',
    userIdentity: { type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com' },
    eventTime: iso(t),
    eventSource: 'kms.amazonaws.com',
    eventName: 'GenerateDataKey',
    awsRegion: REGION,
    sourceIPAddress: 'cloudtrail.amazonaws.com',
    userAgent: 'cloudtrail.amazonaws.com',
    requestParameters: {
      keyId: key,
      encryptionContext: {
        'aws:cloudtrail:arn': `arn:aws:cloudtrail:${REGION}:${PROD}:trail/org-trail`,
        'aws:s3:arn': `arn:aws:s3:::${COMPANY}-cloudtrail-logs/AWSLogs/${PROD}/CloudTrail/${REGION}/${dayPath(t)}/${PROD}_CloudTrail_${REGION}_${stamp(t)}_${rng.alnum(16)}.json.gz`,
      },
      keySpec: 'AES_256',
    },
    responseElements: null,
    requestID: rng.uuid(),
    eventID: rng.uuid(),
    readOnly: true,
    resources: [{ accountId: PROD, type: 'AWS::KMS::Key', ARN: key }],
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: PROD,
    sharedEventID: rng.uuid(),
    eventCategory: 'Management',
  };
}

function assumeRoleWithWebIdentity(
  rng: Rng,
  t: number,
  repo: string,
  address: string,
): Record<string, Json> {
  const subject = `repo:${COMPANY}/${repo}:ref:refs/heads/main`;
  const provider = `arn:aws:iam::${PROD}:oidc-provider/token.actions.githubusercontent.com`;
  const roleArn = `arn:aws:iam::${PROD}:role/github-actions-deploy`;
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'WebIdentityUser',
      principalId: `${provider}:sts.amazonaws.com:${subject}`,
      userName: subject,
      identityProvider: provider,
    },
    eventTime: iso(t),
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRoleWithWebIdentity',
    awsRegion: REGION,
    sourceIPAddress: address,
    userAgent:
      'aws-sdk-js/3.658.1 ua/2.0 os/linux#6.5.0-1025-azure lang/js md/nodejs#20.17.0 api/sts#3.658.1 configure-aws-credentials-for-github-actions',
    requestParameters: {
      roleArn,
      roleSessionName: 'GitHubActions',
      durationSeconds: 3600,
    },
    responseElements: {
      credentials: credentials(rng, t),
      subjectFromWebIdentityToken: subject,
      assumedRoleUser: {
        assumedRoleId: 'AROAVRZ2PQ7KGHA4DEPL7:GitHubActions',
        arn: `arn:aws:sts::${PROD}:assumed-role/github-actions-deploy/GitHubActions`,
      },
      provider,
      audience: 'sts.amazonaws.com',
    },
    additionalEventData: { identityProviderConnectionVerificationMethod: 'IAMTrustStore' },
    requestID: rng.uuid(),
    eventID: rng.uuid(),
    readOnly: true,
    resources: [{ accountId: PROD, type: 'AWS::IAM::Role', ARN: roleArn }],
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: PROD,
    eventCategory: 'Management',
    tlsDetails: {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: 'sts.us-east-1.amazonaws.com',
    },
  };
}

function vendorAssumeRole(rng: Rng, t: number, sessionName: string): Record<string, Json> {
  const roleArn = `arn:aws:iam::${PROD}:role/DatadogIntegrationRole`;
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'AWSAccount',
      principalId: `AROAWQBO3FKZ2DDTRUST:${sessionName}`,
      accountId: DATADOG,
    },
    eventTime: iso(t),
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    awsRegion: REGION,
    sourceIPAddress: '3.233.146.17',
    userAgent: DATADOG_UA,
    requestParameters: { roleArn, roleSessionName: sessionName, externalId: '****' },
    responseElements: {
      credentials: credentials(rng, t),
      assumedRoleUser: {
        assumedRoleId: `AROAVRZ2PQ7KDDOG0007:${sessionName}`,
        arn: `arn:aws:sts::${PROD}:assumed-role/DatadogIntegrationRole/${sessionName}`,
      },
    },
    requestID: rng.uuid(),
    eventID: rng.uuid(),
    readOnly: true,
    resources: [{ accountId: PROD, type: 'AWS::IAM::Role', ARN: roleArn }],
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: PROD,
    sharedEventID: rng.uuid(),
    eventCategory: 'Management',
    tlsDetails: {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: 'sts.amazonaws.com',
    },
  };
}

/**
 * The intrusion: a reporting service's long-term key, leaked, is used from a VPS at night; the
 * intruder looks around (partly denied), creates an administrator, turns off GuardDuty and
 * CloudTrail, shares a snapshot and a bucket with their own account and opens SSH to the world.
 * Days earlier, someone signs in to the root user without MFA.
 */
function attackRecords(rng: Rng): Timed[] {
  const out: Timed[] = [];
  const address = '185.220.101.47';
  const kali = cli('linux#6.8.11-amd64', 'iam.list-users').replace(
    'exe/x86_64',
    'exe/x86_64.kali.2024',
  );
  const leaked: Actor = {
    identity: {
      type: 'IAMUser',
      principalId: 'AIDAVRZ2PQ7KGY8M2LP5D',
      arn: `arn:aws:iam::${PROD}:user/svc-reporting`,
      accountId: PROD,
      accessKeyId: 'AKIAVRZ2PQ7KN4YC7ZQE',
      userName: 'svc-reporting',
    },
    address,
    userAgent: kali,
  };
  const backdoorKey = 'AKIAVRZ2PQ7KWB5EXQ2H';
  const backdoor: Actor = {
    identity: {
      type: 'IAMUser',
      principalId: 'AIDAVRZ2PQ7KZR3NQ8BKU',
      arn: `arn:aws:iam::${PROD}:user/backup-svc`,
      accountId: PROD,
      accessKeyId: backdoorKey,
      userName: 'backup-svc',
    },
    address,
    userAgent: kali,
  };
  let t = START + 23 * DAY + 2 * HOUR + 13 * 60_000;
  const at = (actor: Actor, call: Call, params: Json, response: Json = null, denied = false) => {
    t += rng.range(4_000, 40_000);
    const c = { rng, t, actor };
    const r = apiRecord({ ...call, params: () => params, response: () => response }, c, denied);
    out.push({ t, record: r });
  };
  const iam = (name: string): Call => ({
    source: 'iam',
    name,
    read: false,
    denied: 'AccessDenied',
  });
  const ec2 = (name: string): Call => ({
    source: 'ec2',
    name,
    read: false,
    denied: 'Client.UnauthorizedOperation',
  });

  at(leaked, CALLS.getCallerIdentity, null);
  at(leaked, CALLS.listUsers, null);
  at(leaked, CALLS.listRoles, null);
  at(leaked, CALLS.listBuckets, { Host: 's3.amazonaws.com' });
  at(leaked, CALLS.describeInstances, { instancesSet: {}, filterSet: {} });
  const probes: CallName[] = ['listFunctions', 'describeDbInstances', 'getSecretValue', 'listClusters', 'describeAlarms', 'getParametersByPath']; // prettier-ignore
  for (let i = 0; i < 24; i++) {
    const call = CALLS[probes[i % probes.length] as CallName];
    at(leaked, call, call.params?.({ rng, t, actor: leaked }) ?? null, null, true);
  }
  at(
    leaked,
    iam('CreateUser'),
    { userName: 'backup-svc' },
    {
      user: {
        path: '/',
        userName: 'backup-svc',
        userId: 'AIDAVRZ2PQ7KZR3NQ8BKU',
        arn: `arn:aws:iam::${PROD}:user/backup-svc`,
        createDate: new Date(t).toUTCString(),
      },
    },
  );
  at(
    leaked,
    iam('CreateAccessKey'),
    { userName: 'backup-svc' },
    {
      accessKey: {
        userName: 'backup-svc',
        accessKeyId: backdoorKey,
        status: 'Active',
        createDate: new Date(t).toUTCString(),
      },
    },
  );
  at(leaked, iam('AttachUserPolicy'), {
    userName: 'backup-svc',
    policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
  });
  at(backdoor, CALLS.getCallerIdentity, null);
  at(
    backdoor,
    { source: 'guardduty', name: 'DeleteDetector', read: false },
    { detectorId: '6cc7d1e6a12f4e8b8f2e9b4c1a7d3e55' },
  );
  at(
    backdoor,
    { source: 'cloudtrail', name: 'StopLogging', read: false },
    { name: `arn:aws:cloudtrail:${REGION}:${PROD}:trail/org-trail` },
  );
  at(backdoor, ec2('ModifySnapshotAttribute'), {
    snapshotId: 'snap-0a4e1c9b7d2f3e861',
    createVolumePermission: { add: { items: [{ userId: FOREIGN }] } },
    attributeType: 'CREATE_VOLUME_PERMISSION',
  }, { requestId: rng.uuid(), _return: true }); // prettier-ignore
  at(backdoor, ec2('AuthorizeSecurityGroupIngress'), {
    groupId: 'sg-0b7e2d4c9a1f3e582',
    ipPermissions: {
      items: [{
        ipProtocol: 'tcp', fromPort: 22, toPort: 22, groups: {},
        ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] }, ipv6Ranges: {}, prefixListIds: {},
      }],
    },
  }, { requestId: rng.uuid(), _return: true }); // prettier-ignore
  const bucket = `${COMPANY}-prod-invoices`;
  at(backdoor, { source: 's3', name: 'PutBucketPolicy', read: false }, {
    bucketName: bucket,
    Host: `${bucket}.s3.${REGION}.amazonaws.com`,
    bucketPolicy: {
      Version: '2012-10-17',
      Statement: [{
        Sid: 'sync', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${FOREIGN}:root` },
        Action: ['s3:GetObject', 's3:ListBucket'],
        Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
      }],
    },
    policy: '',
  }); // prettier-ignore

  const rootAt = START + 11 * DAY + 3 * HOUR + 41 * 60_000;
  out.push({
    t: rootAt,
    record: consoleLogin(
      rng,
      rootAt,
      {
        identity: {
          type: 'Root',
          principalId: PROD,
          arn: `arn:aws:iam::${PROD}:root`,
          accountId: PROD,
        },
        address: '41.216.188.37',
        userAgent: BROWSERS[3] as string,
      },
      'No',
    ),
  });
  return out.sort((a, b) => a.t - b.t);
}
